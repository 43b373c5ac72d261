"""When the published site next changes with no commit: what lets scheduled runs skip."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from site_plugin.engine.status import next_change

from ..conftest import INCIDENT, MKDOCS_YML, NOW, StatusRepo, run_herald

MAINTENANCE = "incidents/2026-11-24-database-upgrade"


def _maintenance(repo: StatusRepo) -> None:
    repo.write(
        f"{MAINTENANCE}/index.md",
        "---\ntitle: Database upgrade\nkind: maintenance\naffected: [api]\n"
        "scheduled_start: 2026-11-25T18:00:00Z\nscheduled_end: 2026-11-25T19:00:00Z\n---\n",
    )
    repo.write(
        f"{MAINTENANCE}/2026-11-24T1000Z-scheduled.md",
        "---\nat: 2026-11-24T10:00:00Z\nstatus: scheduled\n---\nWe will upgrade.\n",
    )


def test_a_quiet_site_changes_next_at_midnight_in_its_zone(repo: StatusRepo) -> None:
    site = repo.load()
    assert next_change(site, NOW, UTC) == datetime(2026, 11, 26, tzinfo=UTC)
    # Midnight in Berlin is 23:00 UTC in winter.
    assert next_change(site, NOW, ZoneInfo("Europe/Berlin")) == datetime(
        2026, 11, 25, 23, 0, tzinfo=UTC
    )


def test_a_maintenance_window_starting_and_ending_is_a_change(repo: StatusRepo) -> None:
    _maintenance(repo)
    site = repo.load()
    assert next_change(site, NOW, UTC) == datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    # Under way: minutes of maintenance accrue, every run has something to publish.
    assert next_change(site, datetime(2026, 11, 25, 18, 30, tzinfo=UTC), UTC) is None
    assert next_change(site, datetime(2026, 11, 25, 19, 30, tzinfo=UTC), UTC) == datetime(
        2026, 11, 26, tzinfo=UTC
    )


def test_an_open_incident_changes_all_the_time(repo: StatusRepo) -> None:
    repo.remove(f"{INCIDENT}/2026-11-20T1500Z-resolved.md")
    assert next_change(repo.load(), NOW, UTC) is None


def test_an_incident_changes_the_site_until_it_ends_then_midnight_does(repo: StatusRepo) -> None:
    site = repo.load()
    # While it is open (its promise due 14:40), every run has something to publish.
    assert next_change(site, datetime(2026, 11, 20, 14, 20, tzinfo=UTC), UTC) is None
    # After it was resolved, the next change is the day's end.
    assert next_change(site, datetime(2026, 11, 20, 16, 0, tzinfo=UTC), UTC) == datetime(
        2026, 11, 21, tzinfo=UTC
    )


def test_the_command_prints_a_line_for_github_output(repo: StatusRepo) -> None:
    repo.write("mkdocs.yml", MKDOCS_YML)
    _maintenance(repo)
    result = run_herald(repo.root, "next-change")
    assert result.returncode == 0, result.stderr
    # The hour-ahead reminder of the 18:00 window: notify has something to say at 17:00.
    assert result.stdout == "next_change=2026-11-25T17:00:00Z\n"
