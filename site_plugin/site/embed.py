"""``embed.js``: the status site's own banner for other sites and apps.

One file at the site root, written by every build: a host page includes it with one
``<script src=".../embed.js" async>`` line, and while the status page has an incident or
maintenance under way it shows a dismissible banner there (title, status, a link to the
incident page). It reads ``api/v2/summary.json`` from the origin it was loaded from, and
nothing else. Its words come from here, one set per language Herald has a catalogue for,
and it picks the host page's; the script (``embed.js`` beside this module) carries none.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from ..content.model import IncidentKind, StatusSite, UpdateStatus
from ..present.i18n import LANGUAGES, translator
from ..present.labels import kind_label, update_status_label
from ..present.page_clock import script_json

EMBED_PATH = "embed.js"
"""Where the embed lives on the status site."""
_SOURCE = Path(__file__).with_name("embed.js")
_WORDS = "HERALD_WORDS"
"""The placeholder in the source that the words replace."""
SHOWN_STATUSES = (
    UpdateStatus.INVESTIGATING,
    UpdateStatus.IDENTIFIED,
    UpdateStatus.MONITORING,
    UpdateStatus.IN_PROGRESS,
    UpdateStatus.VERIFYING,
)
"""The statuses of what is under way: the embed shows nothing else."""


def embed_words() -> dict[str, dict[str, object]]:
    """Per language tag in lower case (``de``, ``pt-br``): the status labels, the word
    for maintenance and the dismiss button's accessible name."""
    words: dict[str, dict[str, object]] = {}
    for language in LANGUAGES:
        t = translator(language)
        words[language.lower().replace("_", "-")] = {
            "statuses": {status.value: update_status_label(t, status) for status in SHOWN_STATUSES},
            "maintenance": kind_label(t, IncidentKind.MAINTENANCE),
            "dismiss": t.gettext("Hide this status message"),
        }
    return words


def compact(source: str) -> str:
    """The script without its comments and indentation: the same program, smaller.

    ``embed.js`` keeps its comments where this can take them out whole: the ``/* */``
    block at the top, and ``//`` comments on lines of their own.
    """
    source = re.sub(r"\A/\*.*?\*/", "", source, count=1, flags=re.DOTALL)
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//")) + "\n"


@cache
def embed_script() -> bytes:
    """The embed with its words: the same for every site and build of this Herald."""
    source = compact(_SOURCE.read_text(encoding="utf-8"))
    if source.count(_WORDS) != 1:
        raise ValueError(f"{_SOURCE.name} must name {_WORDS} exactly once")
    # The words stand in a JavaScript source: JSON escaped as it is for <script>.
    return source.replace(_WORDS, script_json(embed_words())).encode("utf-8")


def embed_files(site: StatusSite, _options: object) -> dict[str, bytes]:
    """``embed.js`` at the site root."""
    return {EMBED_PATH: embed_script()}
