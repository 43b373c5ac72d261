"""What probes measured, at fixed moments: windows, percentiles, availability, buckets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from site_plugin.content.measurements import Outcome, ProbeResult, ProbeSeries
from site_plugin.engine.measured import (
    WINDOWS,
    measured_figures,
    percentile,
    reading_span,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def up(at: datetime, latency: int) -> ProbeResult:
    return ProbeResult(at, Outcome.UP, 200, latency)


def test_the_windows_are_a_day_hourly_a_week_in_quarters_and_ninety_days_daily() -> None:
    assert [(window.span, window.bucket, window.buckets) for window in WINDOWS] == [
        (timedelta(hours=24), HOUR, 24),
        (timedelta(days=7), 6 * HOUR, 28),
        (timedelta(days=90), 24 * HOUR, 90),
    ]


def test_percentiles_are_latencies_a_probe_measured() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7], 0.5) == 7 and percentile([7], 0.95) == 7
    ten = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert percentile(ten, 0.5) == 50
    assert percentile(ten, 0.95) == 100
    hundred = list(range(1, 101))
    assert percentile(hundred, 0.5) == 50
    assert percentile(hundred, 0.95) == 95
    assert percentile(list(range(1, 22)), 0.95) == 20  # rank ceil(19.95) = 20


def test_figures_of_each_window_at_a_fixed_moment() -> None:
    results = [
        # Within the last day: latencies 10..100, one of each.
        *(up(NOW - timedelta(minutes=10 * index), 10 * (index + 1)) for index in range(10)),
        # Two days ago: a slow answer counts as available, an error status does not.
        ProbeResult(NOW - timedelta(days=2), Outcome.SLOW, 200, 5_000),
        ProbeResult(NOW - timedelta(days=2, hours=1), Outcome.WRONG_STATUS, 503, 1),
        ProbeResult(NOW - timedelta(days=2, hours=2), Outcome.TIMEOUT),
        # Thirty days ago: only the 90 days see it.
        up(NOW - timedelta(days=30), 7),
        # Older than every window, and after now: no window sees them.
        up(NOW - timedelta(days=91), 1),
        up(NOW + timedelta(seconds=1), 1),
    ]
    day, week, quarter = measured_figures(ProbeSeries.of(results), NOW)
    assert (day.probes, day.available, day.median_ms, day.p95_ms) == (10, 10, 50, 100)
    assert day.availability == 1.0
    assert (week.probes, week.available, week.median_ms, week.p95_ms) == (13, 11, 60, 5_000)
    assert week.availability == 11 / 13
    assert (quarter.probes, quarter.available, quarter.median_ms) == (14, 12, 50)
    assert quarter.first == NOW - timedelta(days=30)
    assert (day.start, day.end) == (NOW - timedelta(hours=24), NOW)


def test_a_window_holds_its_end_but_not_its_start() -> None:
    results = [up(NOW - timedelta(hours=24), 500), up(NOW, 40), up(NOW - HOUR, 60)]
    day, week, _ = measured_figures(ProbeSeries.of(results), NOW)
    assert (day.probes, day.median_ms, day.p95_ms) == (2, 40, 60)
    assert (week.probes, week.p95_ms) == (3, 500)
    # The last bucket holds now; the first of the week holds 24 hours ago.
    assert (day.buckets[-1].measured, day.buckets[-1].median_ms) == (1, 40)
    assert (day.buckets[-2].measured, day.buckets[-2].median_ms) == (1, 60)
    assert (day.buckets[0].measured, day.buckets[0].median_ms) == (0, None)
    assert week.buckets[23].median_ms == 500  # (now - 30h, now - 24h]


def test_buckets_cut_the_window_into_equal_parts_oldest_first() -> None:
    results = [
        up(NOW - timedelta(hours=23, minutes=30), 100),
        up(NOW - timedelta(hours=23, minutes=10), 300),
        up(NOW - timedelta(hours=23, minutes=5), 200),
        ProbeResult(NOW - timedelta(hours=5, minutes=30), Outcome.REFUSED),
        up(NOW - timedelta(minutes=1), 80),
    ]
    day = measured_figures(ProbeSeries.of(results), NOW)[0]
    assert len(day.buckets) == 24
    first = day.buckets[0]
    assert (first.start, first.end) == (NOW - timedelta(hours=24), NOW - timedelta(hours=23))
    assert (first.measured, first.median_ms, first.p95_ms) == (3, 200, 300)
    # A bucket with only a failure has no latency to draw.
    assert day.buckets[18].measured == 0 and day.buckets[18].p95_ms is None
    assert [bucket.measured for bucket in day.buckets] == [3] + [0] * 22 + [1]
    assert day.buckets[-1].end == NOW
    quarter = measured_figures(ProbeSeries.of(results), NOW)[2]
    assert len(quarter.buckets) == 90
    # 80, 100, 200, 300: nearest rank takes the lower of the middle two.
    last = quarter.buckets[-1]
    assert (last.measured, last.median_ms, last.p95_ms) == (4, 100, 300)


def test_an_outage_makes_availability_fall_and_latency_unknown() -> None:
    results = [
        ProbeResult(NOW - timedelta(minutes=5 * index), Outcome.TIMEOUT) for index in range(12)
    ]
    day = measured_figures(ProbeSeries.of(results), NOW)[0]
    assert (day.probes, day.available, day.availability) == (12, 0, 0.0)
    assert (day.median_ms, day.p95_ms) == (None, None)
    assert all(bucket.p95_ms is None for bucket in day.buckets)


def test_an_available_result_without_a_latency_counts_but_is_not_measured() -> None:
    results = [ProbeResult(NOW - HOUR, Outcome.UP), up(NOW - 2 * HOUR, 90)]
    day = measured_figures(ProbeSeries.of(results), NOW)[0]
    assert (day.probes, day.available, day.median_ms, day.p95_ms) == (2, 2, 90, 90)
    assert day.buckets[-1].measured == 0


def test_no_results_no_figures() -> None:
    for figures in measured_figures(ProbeSeries.empty(), NOW):
        assert (figures.probes, figures.available, figures.availability) == (0, 0, None)
        assert (figures.median_ms, figures.p95_ms, figures.first) == (None, None, None)
        assert len(figures.buckets) == figures.window.buckets


def test_the_store_is_read_for_the_longest_window_and_now() -> None:
    since, until = reading_span(NOW + timedelta(microseconds=600_000))
    assert since == NOW - timedelta(days=90) + timedelta(seconds=1)
    assert until == NOW + timedelta(seconds=1)
