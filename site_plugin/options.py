"""Validation of the settings in ``mkdocs.yml`` that could break out of where they belong.

Each function returns what is wrong with one value, in words, or ``None``. The MkDocs
plugin (``config.py``) raises them as MkDocs config errors when the config loads, and
the command line (``settings.py``) reports them as problems, so ``mkdocs build`` and
``herald check`` refuse the same settings with the same words.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Collection
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import urlsplit

from .characters import BIDI_CONTROLS
from .url_policy import LINK_SCHEMES, WEB_SCHEMES, setting_url_problem

UNSUBSCRIBE_SCHEMES = frozenset(("https", "mailto"))
"""What List-Unsubscribe (RFC 2369, RFC 8058) can carry for every mail client."""
SUBSCRIBE_SCHEMES = frozenset(("https", "mailto"))
"""What a "Subscribe by email" link may be: an address to write to, or a page to sign up on."""

_URL_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")
_MARKUP = '<>"'


def url_layout_problem(layout: str, fields: Collection[str]) -> str | None:
    """A page URL layout (``incidents/{id}/``): relative, ending in ``/``, with its fields,
    and made of plain path segments, so no id can lead out of the site's folder."""
    try:
        parts = list(string.Formatter().parse(layout))
    except ValueError as error:
        return f"'{layout}' is not a URL layout ({error})"
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        numeric = field in ("year", "month") and re.fullmatch(r"0?\d?d", spec or "d")
        if conversion or (spec and not numeric):
            # A format such as {id:.4} would cut ids short and put many pages at one URL.
            return f"'{layout}' formats {{{field}}}: write it plainly, as {{{field}}}"
    sample: dict[str, object] = dict.fromkeys(fields, "x")
    if "year" in fields:
        sample.update(year=2026, month=11)
    try:
        expanded = layout.format(**sample)
    except (KeyError, IndexError, ValueError, AttributeError) as error:
        names = ", ".join("{" + field + "}" for field in fields)
        return f"'{layout}' uses an unknown field {error} (fields: {names})"
    if layout.startswith("/") or not expanded.endswith("/"):
        return f"'{layout}' must be relative and end with '/'"
    for field in fields:
        if "{" + field not in layout:
            return f"'{layout}' must contain {{{field}}}"
    segments = expanded[:-1].split("/") if expanded != "/" else []
    for segment in segments:
        if segment in ("", ".", "..") or not _URL_SEGMENT.fullmatch(segment):
            return (
                f"'{layout}' may hold only folder names of letters, digits, '.', '_', '-'"
                " and '~' between single '/' (no '..', no empty or '.' folder)"
            )
    return None


def link_url_problem(value: str) -> str | None:
    """A link customers follow (``support_url``)."""
    return setting_url_problem(value, LINK_SCHEMES)


def subscribe_email_problem(value: str) -> str | None:
    """Where readers sign up for email (``subscribe_email``, a component's own): a link
    read by the same rules as ``support_url``, and either a ``mailto:`` address (a list's
    subscribe address) or an ``https:`` sign-up page."""
    return setting_url_problem(value, SUBSCRIBE_SCHEMES)


def unsubscribe_problem(value: str) -> str | None:
    """The address in every email's List-Unsubscribe header and footer."""
    problem = setting_url_problem(value, UNSUBSCRIBE_SCHEMES)
    if problem is None and not value.startswith(("https://", "mailto:")):
        return "must start with https:// or mailto: as written here, in lower case"
    if problem is None and re.search(r"[?&]subscriber=", value):
        return "already has subscriber= in it: Herald adds each subscriber's own"
    if problem is None and not value.isascii():
        return (
            "has a character that is not ASCII, and email headers carry only ASCII"
            " (percent-encode it; write a host in its xn-- form)"
        )
    if problem is None and len(value) > MAX_UNSUBSCRIBE_LENGTH:
        return f"is longer than {MAX_UNSUBSCRIBE_LENGTH} characters (an email header line is short)"
    return problem


MAX_UNSUBSCRIBE_LENGTH = 800


def site_url_problem(value: str) -> str | None:
    """``site_url``: where the site is published; every absolute link starts with it, so
    it is a plain address: a query or a fragment would end up in the middle of every link
    (``https://a.example/#x/incidents/...`` is the home page), and a user name or password
    would be published in every feed and email."""
    problem = setting_url_problem(value, WEB_SCHEMES)
    if problem is not None:
        return problem
    parts = urlsplit(value.strip())
    if parts.query or parts.fragment or "?" in value or "#" in value:
        return "has a query (?) or a fragment (#): give the site's plain address"
    if parts.username is not None or parts.password is not None:
        return "carries a user name or password (@): give the site's plain address"
    return None


def site_name_problem(value: str) -> str | None:
    """``site_name``: the theme prints it unescaped in its header, so it must hold no markup."""
    problem = text_setting_problem(value)
    if problem is None and any(char in value for char in _MARKUP):
        return 'may not hold <, > or " (the theme prints the name unescaped)'
    return problem


def text_setting_problem(value: str) -> str | None:
    """A title or label Herald prints (escaped): one line, no control characters."""
    if _has_control_character(value):
        return "has a line break or a control character in it"
    if BIDI_CONTROLS.intersection(value):
        return "has a bidirectional control character in it"
    return None


def _has_control_character(value: str) -> bool:
    """C0, DEL and C1 controls, the Unicode line and paragraph separators (YAML and
    JavaScript read them as line breaks), and lone surrogates (no UTF-8 can hold them)."""
    return any(
        ord(char) < 0x20
        or 0x7F <= ord(char) < 0xA0
        or char in "\u2028\u2029"
        or 0xD800 <= ord(char) <= 0xDFFF
        for char in value
    )


def repository_path_problem(value: str) -> str | None:
    """A path in the repository (``components``, ``incidents``, ``ledger``, ...): relative,
    and never leaving the folder of ``mkdocs.yml``."""
    if not value.strip():
        return "is empty"
    if _has_control_character(value):
        return "has a line break or a control character in it"
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute():
        return f"'{value}' must be relative to the folder of mkdocs.yml"
    if PureWindowsPath(value).drive or ".." in PurePosixPath(value.replace("\\", "/")).parts:
        return f"'{value}' leads out of the folder of mkdocs.yml"
    return None


HISTORY_DAYS_RANGE = (1, 3660)
"""``history_days``: at least a day, at most ten years of bars."""
HISTORY_SIZE_FIX = "show fewer days (history_days), or group small parts into one component"
MAX_HISTORY_CELLS = 200_000
"""Days of bars times components and groups: each is markup on the status page, on its
component page and in the history; beyond this a page weighs tens of megabytes."""


def history_size_problem(entries: int, history_days: int) -> str | None:
    """Whether ``history_days`` of bars for ``entries`` components and groups is too much."""
    cells = entries * history_days
    if cells <= MAX_HISTORY_CELLS:
        return None
    return (
        f"{entries} components and groups with history_days: {history_days} make {cells:,}"
        f" daily bars, more than {MAX_HISTORY_CELLS:,}"
    )


def path_is_inside(root: str | Path, path: str | Path) -> bool:
    """Whether ``path``, every link in it followed, stays inside ``root``."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)
