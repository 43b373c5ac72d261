"""What a component page shows of its probes' measurements: the table and the charts.

The figures come from the engine (``engine.measured``); here they get the reader's words
and numbers (the page's ``Translator``) and the charts their geometry: integer
coordinates, one path per line, so a chart of 90 days stays about a kilobyte. The
template (``partials/measured.html``) escapes every value it places.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta

from ..engine.measured import LatencyBucket, Window, WindowFigures
from ..present.i18n import Translator
from .views import LatencyChart, MeasuredRow, MeasuredView

HEIGHT = 100
"""The charts' box is 100 high: a latency's height is its share of the scale, in percent."""
_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)


def measured_view(
    t: Translator, name: str, figures: Sequence[WindowFigures], since: str = ""
) -> MeasuredView | None:
    """The measured section of a component page; ``None`` when no probe ran in the
    longest window.

    Args:
        t: The page's language.
        name: The component's name (charts name it: a screen reader lists them).
        figures: The engine's figures, shortest window first.
        since: The day of the first probe in the longest window (``1 Dec 2026``), when
            the probes started within it.
    """
    longest = figures[-1]
    if not longest.probes:
        return None
    rows = tuple(
        MeasuredRow(
            label=window_label(t, window.window),
            median=t.milliseconds_text(window.median_ms),
            p95=t.milliseconds_text(window.p95_ms),
            availability=t.percent_text(window.availability),
            probes=t.number_text(window.probes),
        )
        for window in figures
    )
    charts = tuple(
        latency_chart(t, name, window) for window in figures if window.p95_ms is not None
    )
    if since:
        label = t.gettext("Measured by probes since %(day)s", day=since)
    else:
        period = t.ngettext("%(num)d day", "%(num)d days", longest.window.span // _DAY)
        label = t.gettext("Measured by probes, last %(period)s", period=period)
    return MeasuredView(rows, charts, label, longest.availability)


def window_label(t: Translator, window: Window) -> str:
    """``Last 24 hours``, ``Last 7 days``."""
    if window.span < 2 * _DAY:
        return t.ngettext("Last %(num)d hour", "Last %(num)d hours", window.span // _HOUR)
    return t.ngettext("Last %(num)d day", "Last %(num)d days", window.span // _DAY)


def step_label(t: Translator, window: Window) -> str:
    """How often the chart has a value: ``hourly``, ``every 6 hours``, ``daily``."""
    if window.bucket == _HOUR:
        return t.gettext("hourly")
    if window.bucket == _DAY:
        return t.gettext("daily")
    return t.ngettext("every %(num)d hour", "every %(num)d hours", window.bucket // _HOUR)


def latency_chart(t: Translator, name: str, figures: WindowFigures) -> LatencyChart:
    """The chart of one window: its scale, its two lines, its accessible name."""
    window = figures.window
    top = scale_top(figures.buckets)
    step = step_label(t, window)
    if window.span < 2 * _DAY:
        label = t.ngettext(
            "%(name)s, response time over the last %(num)d hour, %(step)s:"
            " median and 95th percentile",
            "%(name)s, response time over the last %(num)d hours, %(step)s:"
            " median and 95th percentile",
            window.span // _HOUR,
            name=name,
            step=step,
        )
    else:
        label = t.ngettext(
            "%(name)s, response time over the last %(num)d day, %(step)s:"
            " median and 95th percentile",
            "%(name)s, response time over the last %(num)d days, %(step)s:"
            " median and 95th percentile",
            window.span // _DAY,
            name=name,
            step=step,
        )
    return LatencyChart(
        caption=window_label(t, window),
        label=label,
        width=len(figures.buckets),
        median_path=step_path([bucket.median_ms for bucket in figures.buckets], top),
        p95_path=step_path([bucket.p95_ms for bucket in figures.buckets], top),
        top=t.milliseconds_text(top),
        bottom=t.milliseconds_text(0),
        start=figures.start,
        end=figures.end,
    )


def scale_top(buckets: Sequence[LatencyBucket]) -> int:
    """A round number of milliseconds a tenth or more above every bucket's 95th
    percentile, so the highest line never touches the top: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6
    or 8 times a power of ten (at least 1 ms)."""
    highest = max((bucket.p95_ms or 0 for bucket in buckets), default=0)
    wanted = max(math.ceil(highest * 1.1), 1)
    magnitude = 1
    while True:
        for factor in _ROUND:
            top = factor * magnitude // 10
            if top >= wanted:
                return top
        magnitude *= 10


_ROUND = (10, 12, 15, 20, 25, 30, 40, 50, 60, 80)


def step_path(values: Sequence[int | None], top: int) -> str:
    """SVG path data of a step line: bucket ``x`` is level from ``x`` to ``x + 1`` at its
    value's height; ``None`` breaks the line. ``M0 40H2V38H3``: integers only."""
    commands: list[str] = []
    level: int | None = None
    for x, value in enumerate(values):
        if value is None:
            level = None
            continue
        y = HEIGHT - round(min(value, top) * HEIGHT / top)
        if level is None:
            commands.append(f"M{x} {y}")
        elif y != level:
            commands.append(f"V{y}")
        if commands[-1].startswith("H") and y == level:
            commands[-1] = f"H{x + 1}"
        else:
            commands.append(f"H{x + 1}")
        level = y
    return "".join(commands)
