"""How times, durations and figures read on the pages: one place, no MkDocs.

Every function returns text or escaped markup, so templates can use them as filters.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from markupsafe import Markup

from .model import format_duration


def utc_text(moment: datetime) -> str:
    """``25 Nov 2026, 11:35 UTC``: unambiguous for every reader."""
    return moment.astimezone(UTC).strftime("%-d %b %Y, %H:%M UTC")


def utc_clock(moment: datetime) -> str:
    """``11:35 UTC``, for times on the same day as their context."""
    return moment.astimezone(UTC).strftime("%H:%M UTC")


def iso(moment: datetime) -> str:
    """Machine-readable ``2026-11-25T11:35:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=65536)
def time_element(moment: datetime, *, clock_only: bool = False) -> Markup:
    """A ``<time>`` element showing UTC; a small script rewrites it to the reader's zone.

    Cached: one build shows the same moments on many pages.
    """
    text = utc_clock(moment) if clock_only else utc_text(moment)
    style = "clock" if clock_only else "full"
    # Every part is produced by strftime from a datetime: digits, ASCII month names,
    # punctuation. Nothing here can carry markup, so no escaping is needed.
    return Markup(f'<time datetime="{iso(moment)}" data-herald-time="{style}">{text}</time>')


def day_text(day: date) -> str:
    """``Wed 25 Nov 2026``."""
    return day.strftime("%a %-d %b %Y")


def month_text(year: int, month: int) -> str:
    """``November 2026``."""
    return date(year, month, 1).strftime("%B %Y")


def duration_text(delta: timedelta) -> str:
    """``2h 5m``; see ``model.format_duration``."""
    return format_duration(delta)


def minutes_text(minutes: float) -> str:
    """``42 min`` or ``3h 5m``."""
    return format_duration(timedelta(minutes=round(minutes)))


def percent_text(fraction: float | None) -> str:
    """``99.98%`` (floored, so 99.999 % never reads as 100 %); ``no data`` for ``None``."""
    if fraction is None:
        return "no data"
    # The small epsilon keeps binary rounding (0.2 * 10000 = 1999.9999...) from flooring
    # a value one hundredth too low.
    hundredths = math.floor(fraction * 10000 + 1e-6)
    return f"{hundredths / 100:.2f}%"
