"""The one policy for every URL Herald writes: in pages, feeds, email, chat, JSON and calendars.

A URL is judged as a browser will read it, not as it is written: HTML character
references and percent-encoding are decoded (repeatedly, so a reference that decodes to
another reference is seen through), tabs and line breaks are removed anywhere, control
characters and spaces at either end are dropped, and the scheme is compared without
regard to case. ``java&#x09;script&colon;alert(1)`` is therefore a ``javascript:`` URL.

Allowed: ``http:``, ``https:``, ``mailto:``, ``tel:`` and relative URLs. Anything else
(``javascript:``, ``data:``, ``vbscript:``, an unknown scheme) is refused: rendered
Markdown keeps the link's text and loses its target, and a setting is reported.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from urllib.parse import unquote

LINK_SCHEMES = frozenset(("http", "https", "mailto", "tel"))
"""Schemes a link from content or settings may have."""

WEB_SCHEMES = frozenset(("http", "https"))

_DECODE_ROUNDS = 10
_TAB_AND_NEWLINE = str.maketrans("", "", "\t\n\r")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
# The part before the first ':' that has no '/', '?' or '#' in it: the scheme, if any.
_SCHEME = re.compile(r"([^/?#]*?):")


def browser_reading(url: str) -> str:
    """What a browser takes ``url`` to be, once every layer of encoding is peeled off."""
    text = url
    for _ in range(_DECODE_ROUNDS):
        decoded = unquote(html.unescape(text), errors="replace")
        if decoded == text:
            break
        text = decoded
    return text.translate(_TAB_AND_NEWLINE).strip(_C0_AND_SPACE)


def url_scheme(url: str) -> str | None:
    """The scheme of ``url`` as a browser reads it, lowercased; ``None`` for a relative URL."""
    match = _SCHEME.match(browser_reading(url))
    return match.group(1).lower() if match else None


def is_allowed_url(url: str, schemes: Collection[str] = LINK_SCHEMES) -> bool:
    """Whether ``url`` may be a link target: relative, or with one of ``schemes``."""
    scheme = url_scheme(url)
    return scheme is None or scheme in schemes


def setting_url_problem(value: str, schemes: Collection[str] = LINK_SCHEMES) -> str | None:
    """What is wrong with a URL given in a setting, or ``None`` when it is usable.

    Settings are written once and shown everywhere (pages, email headers, chat), so they
    are held to more than the reading rule: no white space or control character at all,
    no characters that end a header's ``<...>``, and one of ``schemes``.
    """
    if not value.strip():
        return "is empty"
    if any(char.isspace() or ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in value):
        return "has white space, a line break or a control character in it"
    if any(char in value for char in '<>"`'):
        return 'has a character that cannot stand in a URL (<, >, " or `): percent-encode it'
    scheme = url_scheme(value)
    if scheme not in schemes:
        allowed = ", ".join(f"{name}:" for name in sorted(schemes))
        return f"must be an absolute URL starting with {allowed}"
    return None
