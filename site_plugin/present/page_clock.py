"""What a page's script needs to keep its time-derived words true as the reader's clock moves.

A static page is as fresh as its last build, and builds come late or fail. Herald's script
(``templates/assets/herald/herald.js``) reads the build's moment and these words from a
JSON island in the page, and the moments of promises and maintenance windows from
``data-herald-*`` attributes, and rewrites only words derived from time: how long ago the
page was updated, that it may be out of date, that a promise has come due, that a
maintenance should have started or ended. The script itself carries no words; every one
comes from here, in the page's language.

No MkDocs here.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from .i18n import Translator, iso

CLOCK_ISLAND_ID = "herald-clock"
"""The id of the ``<script type="application/json">`` element the script reads."""

_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(value: object) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` element and a JavaScript source.

    ``<``, ``>`` and ``&`` are escaped, so no ``</script>`` or ``<!--`` can end or change
    the element, and U+2028 and U+2029, which end a line in older JavaScript, too. The
    result is still JSON: ``JSON.parse`` reads it back as ``value``.
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


def clock_words(t: Translator) -> dict[str, str]:
    """The sentences the script may show, with ``%(name)s`` placeholders for what only
    the reader's clock knows: ``ago`` (from ``Intl.RelativeTimeFormat``, in the page's
    language) and ``time`` (a ``<time>`` element in the reader's zone)."""
    return {
        "updated": t.gettext("Updated %(ago)s."),
        "stale": t.gettext("This page may be out of date. It was last updated %(ago)s (%(time)s)."),
        "due": t.gettext("The next update was due by %(time)s."),
        # Expected, not confirmed: only a new update says that the work really started
        # or ended.
        "starts": t.gettext("Should be in progress, as scheduled"),
        "ends": t.gettext("Should be completed, as scheduled"),
    }


def clock_island(t: Translator, built: datetime, stale_after: timedelta) -> str:
    """The JSON the script reads: the build's moment, the age from which the page warns
    that it may be out of date (seconds), and the words."""
    return script_json(
        {
            "built": iso(built),
            "staleAfter": int(stale_after.total_seconds()),
            "words": clock_words(t),
        }
    )
