"""How times, durations and figures read in English: the command line's formats.

Pages, feeds and messages format through a ``Translator`` (``i18n.py``) in the site's
language; these functions are its English, for the command line, logs and callers that
have no language. Every function returns text or escaped markup.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from markupsafe import Markup

from .i18n import english, iso

__all__ = [
    "duration_text",
    "duration_words",
    "iso",
    "percent_text",
    "time_element",
    "utc_clock",
    "utc_text",
]


def utc_text(moment: datetime) -> str:
    """``25 Nov 2026, 11:35 UTC``: unambiguous for every reader."""
    return english().utc_text(moment)


def utc_clock(moment: datetime) -> str:
    """``11:35 UTC``, for times on the same day as their context."""
    return english().utc_clock(moment)


def time_element(moment: datetime, *, clock_only: bool = False) -> Markup:
    """A ``<time>`` element showing UTC; a small script rewrites it to the reader's zone."""
    return english().time_element(moment, clock_only=clock_only)


def duration_text(delta: timedelta) -> str:
    """``2h 5m``, ``45m``, ``3d 4h``; under a minute ``<1m``."""
    return english().duration_text(delta)


def duration_words(delta: timedelta) -> str:
    """``1 minute``, ``2 hours and 5 minutes``; under a minute ``less than a minute``: a
    duration in a sentence, such as a message template's "after 1 hour and 5 minutes"."""
    return english().duration_words(delta)


def percent_text(fraction: float | None) -> str:
    """``99.98%`` (floored, so 99.999 % never reads as 100 %); ``no data`` for ``None``."""
    return english().percent_text(fraction)
