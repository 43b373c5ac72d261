"""What probes measured of one component, over the last 24 hours, 7 days and 90 days.

Pure functions of a component's results (``ProbeSeries``) and a moment: no I/O, no
words. For each window: how many probes ran, how many found the service available
(``Outcome.is_available``: up, or up but slow), and the median and 95th percentile of
the latency of those that did; and the window cut into chart buckets (hourly, 6-hourly,
daily), each with its own median and 95th percentile. A window ends at the moment
given and includes it: ``(now - span, now]``, in whole seconds; its buckets are equal
parts of it, oldest first, so the figures and the chart cover the same time.

Percentiles are nearest-rank: the smallest latency that at least that share of the
measured latencies do not exceed, so each figure is a latency a probe really measured.
What is measured never changes a status: the page's status is what people posted.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import compress

from ..content.measurements import NO_LATENCY, Outcome, ProbeSeries, epoch_seconds, from_epoch


@dataclass(frozen=True)
class Window:
    """A span of time up to now, cut into chart buckets of ``bucket``."""

    span: timedelta
    bucket: timedelta

    @property
    def buckets(self) -> int:
        return self.span // self.bucket


WINDOWS = (
    Window(timedelta(hours=24), timedelta(hours=1)),
    Window(timedelta(days=7), timedelta(hours=6)),
    Window(timedelta(days=90), timedelta(days=1)),
)
"""The windows every component page shows, shortest first."""
LONGEST = max(window.span for window in WINDOWS)
MEDIAN = 0.5
P95 = 0.95
_SECOND = timedelta(seconds=1)
_AVAILABLE = bytes(
    1 if value < len(Outcome) and Outcome(value).is_available else 0 for value in range(256)
)
"""Outcome value → 1 when available: ``bytes.translate`` makes the mask in C."""


@dataclass(frozen=True)
class LatencyBucket:
    """One chart bucket: ``(start, end]``, and its latencies' median and 95th percentile
    (``None`` when no probe in it measured one)."""

    start: datetime
    end: datetime
    measured: int
    """How many latencies it has (of available results)."""
    median_ms: int | None
    p95_ms: int | None


@dataclass(frozen=True)
class WindowFigures:
    """What the probes measured in one window, ``(start, end]``."""

    window: Window
    start: datetime
    end: datetime
    probes: int
    """Results in the window, whatever their outcome."""
    available: int
    """Of them, those that found the service available."""
    first: datetime | None
    """The earliest result in the window, if any."""
    median_ms: int | None
    p95_ms: int | None
    buckets: tuple[LatencyBucket, ...]

    @property
    def availability(self) -> float | None:
        """Available results over all results; ``None`` without any."""
        return self.available / self.probes if self.probes else None


def reading_span(now: datetime) -> tuple[datetime, datetime]:
    """``[since, until)``: the results every window at ``now`` needs, for the store to read
    (the build and ``herald check`` read the same)."""
    end = epoch_seconds(now)
    return from_epoch(end - LONGEST // _SECOND + 1), from_epoch(end + 1)


def percentile(ordered: Sequence[int], share: float) -> int | None:
    """Nearest-rank percentile of ascending ``ordered``; ``None`` when it is empty."""
    if not ordered:
        return None
    rank = max(math.ceil(share * len(ordered)), 1)
    return ordered[rank - 1]


def measured_figures(series: ProbeSeries, now: datetime) -> tuple[WindowFigures, ...]:
    """The figures of every window in ``WINDOWS`` at ``now``, shortest first."""
    end = epoch_seconds(now)
    at = series.at
    low = bisect.bisect_right(at, end - LONGEST // _SECOND)
    high = bisect.bisect_right(at, end)
    times = at[low:high]
    mask = series.outcome[low:high].tobytes().translate(_AVAILABLE)
    # The available results' times and latencies, in time order: every window and bucket
    # is a slice of them, found by bisection.
    available_at = list(compress(times, mask))
    latencies = list(compress(series.latency_ms[low:high], mask))
    return tuple(_window_figures(window, end, times, available_at, latencies) for window in WINDOWS)


def _window_figures(
    window: Window,
    end: int,
    times: Sequence[int],
    available_at: Sequence[int],
    latencies: Sequence[int],
) -> WindowFigures:
    span = window.span // _SECOND
    step = window.bucket // _SECOND
    start = end - span
    first_index = bisect.bisect_right(times, start)
    probes = len(times) - first_index
    first_available = bisect.bisect_right(available_at, start)
    ordered = _measured(latencies[first_available:])
    buckets = []
    bucket_low = first_available
    for number in range(window.buckets):
        bucket_start = start + number * step
        bucket_end = bucket_start + step
        bucket_high = bisect.bisect_right(available_at, bucket_end, bucket_low)
        values = _measured(latencies[bucket_low:bucket_high])
        buckets.append(
            LatencyBucket(
                from_epoch(bucket_start),
                from_epoch(bucket_end),
                len(values),
                percentile(values, MEDIAN),
                percentile(values, P95),
            )
        )
        bucket_low = bucket_high
    return WindowFigures(
        window=window,
        start=from_epoch(start),
        end=from_epoch(end),
        probes=probes,
        available=len(available_at) - first_available,
        first=from_epoch(times[first_index]) if probes else None,
        median_ms=percentile(ordered, MEDIAN),
        p95_ms=percentile(ordered, P95),
        buckets=tuple(buckets),
    )


def _measured(latencies: Sequence[int]) -> list[int]:
    """Ascending, without results that were available but carry no latency."""
    ordered = sorted(latencies)
    missing = bisect.bisect_left(ordered, NO_LATENCY)
    return ordered[:missing] if missing < len(ordered) else ordered
