"""How figures and times read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from site_plugin.present.formatting import duration_text, percent_text, time_element, utc_text


@pytest.mark.parametrize(
    ("fraction", "text"),
    [(1.0, "100.00%"), (0.2, "20.00%"), (0.99999, "99.99%"), (0.9375, "93.75%"), (None, "no data")],
)
def test_percent_is_floored_never_rounded_up_to_100(fraction: float | None, text: str) -> None:
    assert percent_text(fraction) == text


def test_times_read_in_utc_whatever_their_zone() -> None:
    moment = datetime(2026, 11, 20, 15, 10, tzinfo=timezone(timedelta(hours=1)))
    assert utc_text(moment) == "20 Nov 2026, 14:10 UTC"
    assert str(time_element(moment)) == (
        '<time datetime="2026-11-20T14:10:00Z" data-herald-time="full">'
        "20 Nov 2026, 14:10 UTC</time>"
    )


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=20), "<1m"),
        (timedelta(minutes=50), "50m"),
        (timedelta(hours=2, minutes=5), "2h 5m"),
        (timedelta(days=3, hours=4, minutes=5), "3d 4h"),
    ],
)
def test_durations(delta: timedelta, text: str) -> None:
    assert duration_text(delta) == text


def test_utc_input_stays_utc() -> None:
    assert utc_text(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)) == "2 Jan 2026, 03:04 UTC"
