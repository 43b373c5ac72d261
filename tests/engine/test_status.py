"""Tests for the pure status engine, ``site_plugin.engine.status``.

Every scenario builds the model directly (the loader's output, already validated, with
groups expanded and times in UTC) and asks the engine about a fixed moment: nothing
here reads the clock.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from site_plugin.content.model import (
    Catalog,
    Component,
    ComponentStatus,
    Group,
    Impact,
    Incident,
    IncidentKind,
    Indicator,
    StatusSite,
    Update,
    UpdateStatus,
)
from site_plugin.engine.history import (
    Day,
    History,
    Interval,
    Segment,
    effective_intervals,
    incident_segments,
    uptime_fraction,
)
from site_plugin.engine.status import (
    OverallStatus,
    WindowTurns,
    active_maintenance,
    affected_at,
    component_statuses_at,
    group_status,
    incident_status_at,
    is_open,
    maintenance_overrun,
    maintenance_phase,
    maintenance_span,
    maintenance_window,
    next_update_promise,
    open_incidents,
    open_notices,
    overall_status,
    promises,
    resolved_at,
    upcoming_maintenance,
    window_turns,
)

# -- builders ---------------------------------------------------------------------------

OPERATIONAL = ComponentStatus.OPERATIONAL
MAINTENANCE = ComponentStatus.UNDER_MAINTENANCE
DEGRADED = ComponentStatus.DEGRADED_PERFORMANCE
PARTIAL = ComponentStatus.PARTIAL_OUTAGE
MAJOR = ComponentStatus.MAJOR_OUTAGE

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")

SECOND = timedelta(seconds=1)


def t(text: str) -> datetime:
    """A UTC moment from ``YYYY-MM-DD HH:MM[:SS]``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def component(component_id: str, *, since: date | None = None) -> Component:
    return Component(id=component_id, name=component_id.title(), since=since)


def group(group_id: str, *members: Component, since: date | None = None) -> Group:
    return Group(
        id=group_id,
        name=group_id.title(),
        components=tuple(replace(member, group_id=group_id) for member in members),
        since=since,
    )


CATALOG = Catalog(
    (
        component("api"),
        component("dashboard"),
        group("regions", component("eu-west"), component("us-east")),
        component("sso", since=date(2026, 11, 22)),
    )
)
REGIONS = CATALOG.groups[0]

Affected = dict[str, ComponentStatus]


def _affected(affected: Affected | None) -> tuple[tuple[str, ComponentStatus], ...] | None:
    return None if affected is None else tuple(affected.items())


def update(
    when: str,
    status: str,
    *,
    affected: Affected | None = None,
    next_update: str | None = None,
    scheduled_start: str | None = None,
    scheduled_end: str | None = None,
) -> Update:
    """An update posted at ``when`` (UTC) declaring ``status``."""
    moment = t(when)
    return Update(
        id=f"{moment:%Y-%m-%dT%H%MZ}-{status}",
        at=moment,
        status=UpdateStatus(status),
        message=f"{status} update",
        next_update=t(next_update) if next_update else None,
        affected=_affected(affected),
        scheduled_start=t(scheduled_start) if scheduled_start else None,
        scheduled_end=t(scheduled_end) if scheduled_end else None,
    )


def incident(
    incident_id: str,
    *updates: Update,
    affected: Affected | None = None,
    impact: Impact = Impact.NONE,
    started: str | None = None,
    kind: IncidentKind = IncidentKind.INCIDENT,
) -> Incident:
    """An incident (or notice) with its updates, sorted oldest first like the loader."""
    affected = affected or {}
    return Incident(
        id=incident_id,
        title=incident_id.replace("-", " ").capitalize(),
        kind=kind,
        impact=impact,
        affected=tuple(affected.items()),
        affected_ids=tuple(affected),
        summary="",
        updates=tuple(sorted(updates, key=lambda item: item.at)),
        started=t(started) if started else None,
    )


def notice(incident_id: str, *updates: Update, **kwargs: object) -> Incident:
    return incident(incident_id, *updates, kind=IncidentKind.NOTICE, **kwargs)  # type: ignore[arg-type]


def maintenance(
    incident_id: str,
    window: tuple[str, str],
    *updates: Update,
    affected: tuple[str, ...] = ("api",),
) -> Incident:
    """A maintenance on ``affected`` (under maintenance) in ``window``."""
    return Incident(
        id=incident_id,
        title=incident_id.replace("-", " ").capitalize(),
        kind=IncidentKind.MAINTENANCE,
        impact=Impact.NONE,
        affected=tuple((cid, MAINTENANCE) for cid in affected),
        affected_ids=affected,
        summary="",
        updates=tuple(sorted(updates, key=lambda item: item.at)),
        scheduled_start=t(window[0]),
        scheduled_end=t(window[1]),
    )


def site(*incidents: Incident, catalog: Catalog = CATALOG) -> StatusSite:
    return StatusSite(
        catalog=catalog,
        incidents=tuple(sorted(incidents, key=lambda item: (item.start, item.id))),
    )


def statuses(status_site: StatusSite, when: str | datetime) -> dict[str, ComponentStatus]:
    moment = t(when) if isinstance(when, str) else when
    return component_statuses_at(status_site, moment)


def not_operational(status_site: StatusSite, when: str | datetime) -> Affected:
    return {
        cid: status
        for cid, status in statuses(status_site, when).items()
        if status is not OPERATIONAL
    }


def overall(status_site: StatusSite, when: str) -> tuple[Indicator, str]:
    result = overall_status(status_site, t(when))
    return result.indicator, result.description


# A typical incident: API errors, partial outage, worse, then monitoring, then resolved.
API_ERRORS = incident(
    "2026-11-20-api-errors",
    update("2026-11-20 14:10", "investigating", next_update="2026-11-20 14:40"),
    update("2026-11-20 14:30", "identified", affected={"api": MAJOR}),
    update("2026-11-20 14:50", "monitoring", affected={"api": OPERATIONAL}),
    update("2026-11-20 15:00", "resolved"),
    affected={"api": PARTIAL, "dashboard": DEGRADED},
    impact=Impact.MAJOR,
)

# A maintenance announced days ahead, window 02:00-04:00 UTC on 22 November.
WINDOW = ("2026-11-22 02:00", "2026-11-22 04:00")
ANNOUNCED = update("2026-11-18 10:00", "scheduled")


# -- component status at one moment -----------------------------------------------------


def test_without_incidents_every_component_is_operational() -> None:
    assert statuses(site(), "2026-11-20 12:00") == {
        "api": OPERATIONAL,
        "dashboard": OPERATIONAL,
        "eu-west": OPERATIONAL,
        "us-east": OPERATIONAL,
        "sso": OPERATIONAL,
    }


def test_incident_counts_from_its_first_update_and_not_before() -> None:
    status_site = site(API_ERRORS)
    assert not_operational(status_site, t("2026-11-20 14:10") - SECOND) == {}
    assert not_operational(status_site, "2026-11-20 14:10") == {
        "api": PARTIAL,
        "dashboard": DEGRADED,
    }
    assert not_operational(status_site, "2026-11-20 14:20") == {
        "api": PARTIAL,
        "dashboard": DEGRADED,
    }


def test_update_affected_changes_status_from_its_at_on() -> None:
    status_site = site(API_ERRORS)
    assert statuses(status_site, t("2026-11-20 14:30") - SECOND)["api"] is PARTIAL
    assert statuses(status_site, "2026-11-20 14:30")["api"] is MAJOR
    # Components the update does not mention keep their status.
    assert statuses(status_site, "2026-11-20 14:30")["dashboard"] is DEGRADED


def test_operational_in_an_update_recovers_that_component_while_the_incident_is_open() -> None:
    status_site = site(API_ERRORS)
    moment = t("2026-11-20 14:55")
    assert is_open(API_ERRORS, moment)
    assert incident_status_at(API_ERRORS, moment) is UpdateStatus.MONITORING
    assert not_operational(status_site, moment) == {"dashboard": DEGRADED}
    assert affected_at(API_ERRORS, moment) == {"dashboard": DEGRADED}


def test_resolved_incident_is_operational_from_the_resolving_update_on() -> None:
    status_site = site(API_ERRORS)
    assert not_operational(status_site, t("2026-11-20 15:00") - SECOND) == {"dashboard": DEGRADED}
    assert not_operational(status_site, "2026-11-20 15:00") == {}
    assert not_operational(status_site, "2026-11-24 00:00") == {}
    assert incident_status_at(API_ERRORS, t("2026-11-20 15:00")) is UpdateStatus.RESOLVED
    assert not is_open(API_ERRORS, t("2026-11-20 15:00"))
    assert resolved_at(API_ERRORS, NOW) == t("2026-11-20 15:00")


def test_unresolved_incident_has_no_resolution_time() -> None:
    ongoing = incident(
        "ongoing", update("2026-11-20 14:10", "investigating"), affected={"api": PARTIAL}
    )
    assert resolved_at(ongoing, NOW) is None
    assert is_open(ongoing, t("2030-01-01 00:00"))


def test_explicit_start_counts_before_the_first_update() -> None:
    late_post = incident(
        "late-post",
        update("2026-11-20 14:10", "identified"),
        affected={"api": MAJOR},
        started="2026-11-20 13:50",
        impact=Impact.CRITICAL,
    )
    status_site = site(late_post)
    before = t("2026-11-20 13:50") - SECOND
    assert incident_status_at(late_post, before) is None
    assert not_operational(status_site, before) == {}
    assert incident_status_at(late_post, t("2026-11-20 13:50")) is UpdateStatus.INVESTIGATING
    assert not_operational(status_site, "2026-11-20 13:50") == {"api": MAJOR}
    assert not_operational(status_site, "2026-11-20 14:00") == {"api": MAJOR}
    assert open_incidents(status_site, t("2026-11-20 14:00")) == (late_post,)
    assert overall(status_site, "2026-11-20 14:00") == (Indicator.CRITICAL, "Major System Outage")
    assert incident_status_at(late_post, t("2026-11-20 14:10")) is UpdateStatus.IDENTIFIED


def test_overlapping_incidents_give_the_worst_status() -> None:
    slow = incident(
        "slow",
        update("2026-11-20 10:00", "investigating"),
        update("2026-11-20 13:00", "resolved"),
        affected={"api": DEGRADED, "eu-west": PARTIAL},
    )
    down = incident(
        "down",
        update("2026-11-20 11:00", "investigating"),
        update("2026-11-20 12:00", "resolved"),
        affected={"api": MAJOR, "eu-west": DEGRADED},
    )
    status_site = site(slow, down)
    assert not_operational(status_site, "2026-11-20 10:30") == {"api": DEGRADED, "eu-west": PARTIAL}
    assert not_operational(status_site, "2026-11-20 11:30") == {"api": MAJOR, "eu-west": PARTIAL}
    assert not_operational(status_site, "2026-11-20 12:30") == {"api": DEGRADED, "eu-west": PARTIAL}
    assert not_operational(status_site, "2026-11-20 13:00") == {}


def test_incident_during_maintenance_wins_when_worse() -> None:
    work = maintenance("work", WINDOW, ANNOUNCED, affected=("api", "dashboard"))
    slow = incident(
        "slow",
        update("2026-11-22 02:30", "investigating"),
        update("2026-11-22 03:00", "resolved"),
        affected={"api": DEGRADED},
        impact=Impact.MINOR,
    )
    status_site = site(work, slow)
    assert not_operational(status_site, "2026-11-22 02:15") == {
        "api": MAINTENANCE,
        "dashboard": MAINTENANCE,
    }
    assert not_operational(status_site, "2026-11-22 02:45") == {
        "api": DEGRADED,
        "dashboard": MAINTENANCE,
    }
    assert not_operational(status_site, "2026-11-22 03:15") == {
        "api": MAINTENANCE,
        "dashboard": MAINTENANCE,
    }


def test_group_status_is_the_worst_member() -> None:
    eu_down = incident(
        "eu-down",
        update("2026-11-20 10:00", "investigating"),
        update("2026-11-20 10:30", "identified", affected={"us-east": DEGRADED}),
        affected={"eu-west": PARTIAL},
    )
    status_site = site(eu_down)
    assert group_status(REGIONS, statuses(status_site, "2026-11-20 09:59")) is OPERATIONAL
    assert group_status(REGIONS, statuses(status_site, "2026-11-20 10:00")) is PARTIAL
    assert group_status(REGIONS, statuses(status_site, "2026-11-20 10:30")) is PARTIAL
    assert group_status(REGIONS, {"eu-west": DEGRADED, "us-east": MAINTENANCE}) is DEGRADED
    assert group_status(REGIONS, {"eu-west": OPERATIONAL, "us-east": MAJOR}) is MAJOR


def test_group_without_members_is_operational() -> None:
    assert group_status(Group(id="empty", name="Empty", components=()), {}) is OPERATIONAL


def test_notice_never_changes_a_status() -> None:
    heads_up = notice(
        "heads-up",
        update("2026-11-20 10:00", "investigating", affected={"api": MAJOR}),
        affected={"api": MAJOR},
        impact=Impact.CRITICAL,
    )
    status_site = site(heads_up)
    moment = t("2026-11-20 11:00")
    assert is_open(heads_up, moment)
    assert affected_at(heads_up, moment) == {}
    assert not_operational(status_site, moment) == {}
    assert overall(status_site, "2026-11-20 11:00") == (Indicator.NONE, "All Systems Operational")
    assert open_notices(status_site, moment) == (heads_up,)
    assert open_incidents(status_site, moment) == ()
    assert incident_segments(heads_up, t("2026-11-21 00:00")) == []


def test_open_incidents_are_most_recently_updated_first() -> None:
    first = incident(
        "first",
        update("2026-11-20 10:00", "investigating"),
        update("2026-11-20 12:00", "identified"),
    )
    second = incident("second", update("2026-11-20 11:00", "investigating"))
    resolved = incident(
        "resolved",
        update("2026-11-20 09:00", "investigating"),
        update("2026-11-20 09:30", "resolved"),
    )
    status_site = site(first, second, resolved)
    assert open_incidents(status_site, t("2026-11-20 11:30")) == (second, first)
    assert open_incidents(status_site, t("2026-11-20 12:30")) == (first, second)


# -- overall status -----------------------------------------------------------------------


def _one_incident(affected: Affected, impact: Impact) -> StatusSite:
    return site(
        incident(
            "it", update("2026-11-20 10:00", "investigating"), affected=affected, impact=impact
        )
    )


@pytest.mark.parametrize(
    ("affected", "impact", "indicator", "description"),
    [
        ({}, Impact.NONE, Indicator.NONE, "All Systems Operational"),
        ({"api": DEGRADED}, Impact.NONE, Indicator.MINOR, "Partially Degraded Service"),
        ({}, Impact.MINOR, Indicator.MINOR, "Minor Service Outage"),
        ({"api": DEGRADED}, Impact.MINOR, Indicator.MINOR, "Partially Degraded Service"),
        ({"api": PARTIAL}, Impact.NONE, Indicator.MAJOR, "Partial System Outage"),
        ({}, Impact.MAJOR, Indicator.MAJOR, "Partial System Outage"),
        ({"api": DEGRADED}, Impact.MAJOR, Indicator.MAJOR, "Partial System Outage"),
        ({"api": PARTIAL}, Impact.MINOR, Indicator.MAJOR, "Partial System Outage"),
        ({"api": MAJOR}, Impact.NONE, Indicator.CRITICAL, "Major System Outage"),
        ({"api": MAJOR}, Impact.MINOR, Indicator.CRITICAL, "Major System Outage"),
        ({}, Impact.CRITICAL, Indicator.CRITICAL, "Major System Outage"),
        ({"eu-west": DEGRADED}, Impact.CRITICAL, Indicator.CRITICAL, "Major System Outage"),
    ],
)
def test_overall_status_is_the_worse_of_impact_and_component_statuses(
    affected: Affected, impact: Impact, indicator: Indicator, description: str
) -> None:
    status_site = _one_incident(affected, impact)
    assert overall_status(status_site, t("2026-11-20 11:00")) == OverallStatus(
        indicator, description
    )
    # Before the incident and after nothing happened, everything is fine.
    assert overall(status_site, "2026-11-20 09:00") == (Indicator.NONE, "All Systems Operational")


def test_resolved_incident_impact_no_longer_counts() -> None:
    status_site = site(
        incident(
            "done",
            update("2026-11-20 10:00", "investigating"),
            update("2026-11-20 10:30", "resolved"),
            affected={"api": MAJOR},
            impact=Impact.CRITICAL,
        )
    )
    assert overall(status_site, "2026-11-20 10:29") == (Indicator.CRITICAL, "Major System Outage")
    assert overall(status_site, "2026-11-20 10:30") == (Indicator.NONE, "All Systems Operational")


def test_open_incident_impact_counts_after_components_recover() -> None:
    status_site = site(API_ERRORS)
    # Monitoring: api recovered, dashboard still degraded, impact major still counts.
    assert overall(status_site, "2026-11-20 14:55") == (Indicator.MAJOR, "Partial System Outage")
    assert overall(status_site, "2026-11-20 14:30") == (Indicator.CRITICAL, "Major System Outage")


def test_maintenance_alone_is_service_under_maintenance() -> None:
    status_site = site(maintenance("work", WINDOW, ANNOUNCED))
    assert overall(status_site, "2026-11-22 01:00") == (Indicator.NONE, "All Systems Operational")
    assert overall(status_site, "2026-11-22 02:00") == (
        Indicator.MAINTENANCE,
        "Service Under Maintenance",
    )
    assert overall(status_site, "2026-11-22 04:00") == (Indicator.NONE, "All Systems Operational")


def test_maintenance_ranks_below_a_minor_incident() -> None:
    work = maintenance("work", WINDOW, ANNOUNCED, affected=("api", "dashboard"))
    no_components = incident(
        "odd", update("2026-11-22 02:30", "investigating"), impact=Impact.MINOR
    )
    assert overall(site(work, no_components), "2026-11-22 03:00") == (
        Indicator.MINOR,
        "Minor Service Outage",
    )
    degraded = incident(
        "slow", update("2026-11-22 02:30", "investigating"), affected={"eu-west": DEGRADED}
    )
    assert overall(site(work, degraded), "2026-11-22 03:00") == (
        Indicator.MINOR,
        "Partially Degraded Service",
    )
    quiet = incident("quiet", update("2026-11-22 02:30", "investigating"), impact=Impact.NONE)
    assert overall(site(work, quiet), "2026-11-22 03:00") == (
        Indicator.MAINTENANCE,
        "Service Under Maintenance",
    )


def test_indicator_order_puts_maintenance_between_none_and_minor() -> None:
    assert Indicator.NONE < Indicator.MAINTENANCE < Indicator.MINOR < Indicator.MAJOR
    assert Indicator.MAJOR < Indicator.CRITICAL
    assert OPERATIONAL < MAINTENANCE < DEGRADED < PARTIAL < MAJOR


# -- maintenance ------------------------------------------------------------------------


def test_maintenance_phases_around_the_window() -> None:
    work = maintenance("work", WINDOW, ANNOUNCED)
    start, end = t(WINDOW[0]), t(WINDOW[1])
    assert incident_status_at(work, t("2026-11-18 10:00") - SECOND) is None
    assert incident_status_at(work, t("2026-11-18 10:00")) is UpdateStatus.SCHEDULED
    assert incident_status_at(work, start - SECOND) is UpdateStatus.SCHEDULED
    assert incident_status_at(work, start) is UpdateStatus.IN_PROGRESS
    assert incident_status_at(work, t("2026-11-22 03:00")) is UpdateStatus.IN_PROGRESS
    assert incident_status_at(work, end - SECOND) is UpdateStatus.IN_PROGRESS
    assert incident_status_at(work, end) is UpdateStatus.COMPLETED
    assert incident_status_at(work, t("2026-11-25 00:00")) is UpdateStatus.COMPLETED
    assert maintenance_phase(work, start) is UpdateStatus.IN_PROGRESS
    assert maintenance_phase(work, end) is UpdateStatus.COMPLETED
    assert is_open(work, start - SECOND)
    assert is_open(work, end - SECOND)
    assert not is_open(work, end)
    # Completed by its window: resolved at the window's end.
    assert resolved_at(work, end - SECOND) is None
    assert resolved_at(work, end) == end


def test_components_are_under_maintenance_exactly_during_the_window() -> None:
    status_site = site(maintenance("work", WINDOW, ANNOUNCED, affected=("api", "eu-west")))
    start, end = t(WINDOW[0]), t(WINDOW[1])
    assert not_operational(status_site, start - SECOND) == {}
    assert not_operational(status_site, start) == {"api": MAINTENANCE, "eu-west": MAINTENANCE}
    assert not_operational(status_site, end - SECOND) == {
        "api": MAINTENANCE,
        "eu-west": MAINTENANCE,
    }
    assert not_operational(status_site, end) == {}


def test_upcoming_and_active_maintenance_lists() -> None:
    later = maintenance(
        "later", ("2026-11-23 02:00", "2026-11-23 03:00"), update("2026-11-17 09:00", "scheduled")
    )
    sooner = maintenance("sooner", WINDOW, ANNOUNCED)
    unannounced = maintenance(
        "unannounced",
        ("2026-11-24 02:00", "2026-11-24 03:00"),
        update("2026-11-21 09:00", "scheduled"),
    )
    status_site = site(later, sooner, unannounced)
    assert upcoming_maintenance(status_site, t("2026-11-20 00:00")) == (sooner, later)
    assert active_maintenance(status_site, t("2026-11-20 00:00")) == ()
    assert upcoming_maintenance(status_site, t("2026-11-22 02:30")) == (later, unannounced)
    assert active_maintenance(status_site, t("2026-11-22 02:30")) == (sooner,)
    assert upcoming_maintenance(status_site, t("2026-11-22 04:00")) == (later, unannounced)
    assert active_maintenance(status_site, t("2026-11-22 04:00")) == ()
    assert active_maintenance(status_site, t("2026-11-23 02:00")) == (later,)
    assert upcoming_maintenance(status_site, t("2026-11-25 00:00")) == ()
    # Maintenance is neither an open incident nor a notice.
    assert open_incidents(status_site, t("2026-11-22 02:30")) == ()
    assert open_notices(status_site, t("2026-11-22 02:30")) == ()


def test_maintenance_started_early_by_an_in_progress_update() -> None:
    work = maintenance(
        "work",
        WINDOW,
        ANNOUNCED,
        update("2026-11-22 01:30", "in_progress"),
        update("2026-11-22 03:10", "completed"),
    )
    status_site = site(work)
    assert incident_status_at(work, t("2026-11-22 01:30") - SECOND) is UpdateStatus.SCHEDULED
    assert incident_status_at(work, t("2026-11-22 01:30")) is UpdateStatus.IN_PROGRESS
    assert not_operational(status_site, "2026-11-22 01:30") == {"api": MAINTENANCE}
    assert active_maintenance(status_site, t("2026-11-22 01:45")) == (work,)
    assert upcoming_maintenance(status_site, t("2026-11-22 01:45")) == ()
    # Completed early, inside the window.
    assert incident_status_at(work, t("2026-11-22 03:10")) is UpdateStatus.COMPLETED
    assert not_operational(status_site, "2026-11-22 03:10") == {}
    assert resolved_at(work, NOW) == t("2026-11-22 03:10")
    assert incident_segments(work, t("2026-11-25 00:00")) == [
        Segment("api", t("2026-11-22 01:30"), t("2026-11-22 03:10"), MAINTENANCE, "work")
    ]


EXTENDED = maintenance(
    "extended",
    WINDOW,
    ANNOUNCED,
    update("2026-11-22 02:00", "in_progress"),
    update("2026-11-22 03:30", "in_progress", scheduled_end="2026-11-22 05:00"),
    affected=("api", "dashboard"),
)


def test_maintenance_extended_by_an_update() -> None:
    status_site = site(EXTENDED)
    assert maintenance_window(EXTENDED, t("2026-11-22 03:00")) == (t(WINDOW[0]), t(WINDOW[1]))
    assert maintenance_window(EXTENDED, t("2026-11-22 03:30")) == (
        t(WINDOW[0]),
        t("2026-11-22 05:00"),
    )
    assert incident_status_at(EXTENDED, t("2026-11-22 04:00")) is UpdateStatus.IN_PROGRESS
    assert incident_status_at(EXTENDED, t("2026-11-22 05:00") - SECOND) is UpdateStatus.IN_PROGRESS
    assert incident_status_at(EXTENDED, t("2026-11-22 05:00")) is UpdateStatus.COMPLETED
    assert not_operational(status_site, "2026-11-22 04:30") == {
        "api": MAINTENANCE,
        "dashboard": MAINTENANCE,
    }
    assert not_operational(status_site, "2026-11-22 05:00") == {}
    assert resolved_at(EXTENDED, NOW) == t("2026-11-22 05:00")


def test_segments_of_an_extended_maintenance_cover_the_whole_extended_window() -> None:
    segments = incident_segments(EXTENDED, t("2026-11-25 00:00"))
    start, end = t(WINDOW[0]), t("2026-11-22 05:00")
    assert sorted(segments, key=lambda segment: segment.component_id) == [
        Segment("api", start, end, MAINTENANCE, "extended"),
        Segment("dashboard", start, end, MAINTENANCE, "extended"),
    ]
    # Asked in the middle, the segments end at that moment.
    middle = incident_segments(EXTENDED, t("2026-11-22 04:15"))
    assert {(s.component_id, s.start, s.end) for s in middle} == {
        ("api", start, t("2026-11-22 04:15")),
        ("dashboard", start, t("2026-11-22 04:15")),
    }


def test_maintenance_rescheduled_later() -> None:
    moved = maintenance(
        "moved",
        WINDOW,
        ANNOUNCED,
        update(
            "2026-11-20 09:00",
            "scheduled",
            scheduled_start="2026-11-23 02:00",
            scheduled_end="2026-11-23 04:00",
        ),
    )
    status_site = site(moved)
    assert incident_status_at(moved, t("2026-11-22 03:00")) is UpdateStatus.SCHEDULED
    assert not_operational(status_site, "2026-11-22 03:00") == {}
    assert upcoming_maintenance(status_site, t("2026-11-22 03:00")) == (moved,)
    assert incident_status_at(moved, t("2026-11-23 02:00")) is UpdateStatus.IN_PROGRESS
    assert incident_status_at(moved, t("2026-11-23 04:00")) is UpdateStatus.COMPLETED
    # Before the reschedule was posted, the original window was what we knew.
    assert maintenance_window(moved, t("2026-11-19 00:00")) == (t(WINDOW[0]), t(WINDOW[1]))


def test_maintenance_cancelled_before_its_window() -> None:
    cancelled = maintenance("cancelled", WINDOW, ANNOUNCED, update("2026-11-21 12:00", "completed"))
    status_site = site(cancelled)
    assert incident_status_at(cancelled, t("2026-11-21 11:59")) is UpdateStatus.SCHEDULED
    for when in ("2026-11-21 12:00", WINDOW[0], "2026-11-22 03:00", WINDOW[1], "2026-11-25 00:00"):
        assert incident_status_at(cancelled, t(when)) is UpdateStatus.COMPLETED, when
        assert maintenance_phase(cancelled, t(when)) is UpdateStatus.COMPLETED, when
        assert not_operational(status_site, when) == {}, when
        assert active_maintenance(status_site, t(when)) == (), when
        assert upcoming_maintenance(status_site, t(when)) == (), when
        assert overall(status_site, when) == (Indicator.NONE, "All Systems Operational")
    assert upcoming_maintenance(status_site, t("2026-11-21 11:59")) == (cancelled,)
    assert resolved_at(cancelled, NOW) == t("2026-11-21 12:00")
    assert incident_segments(cancelled, t("2026-11-25 00:00")) == []


def test_maintenance_verifying() -> None:
    work = maintenance(
        "work",
        WINDOW,
        ANNOUNCED,
        update("2026-11-22 02:00", "in_progress"),
        update("2026-11-22 03:30", "verifying"),
    )
    status_site = site(work)
    assert incident_status_at(work, t("2026-11-22 03:30")) is UpdateStatus.VERIFYING
    assert is_open(work, t("2026-11-22 03:30"))
    assert not_operational(status_site, "2026-11-22 03:45") == {"api": MAINTENANCE}
    assert active_maintenance(status_site, t("2026-11-22 03:45")) == (work,)
    assert incident_status_at(work, t(WINDOW[1])) is UpdateStatus.COMPLETED
    assert not_operational(status_site, WINDOW[1]) == {}


def test_window_turns_are_the_moments_the_window_alone_moves_a_maintenance_on() -> None:
    work = maintenance("work", WINDOW, ANNOUNCED)
    start, end = t(WINDOW[0]), t(WINDOW[1])
    assert window_turns(work, t("2026-11-20 00:00")) == WindowTurns(starts=start, ends=end)
    assert window_turns(work, start - SECOND) == WindowTurns(starts=start, ends=end)
    assert window_turns(work, start) == WindowTurns(ends=end)
    assert window_turns(work, end - SECOND) == WindowTurns(ends=end)
    assert window_turns(work, end) == WindowTurns()
    # Incidents and notices have no window.
    assert window_turns(API_ERRORS, t("2026-11-20 14:20")) == WindowTurns()


def test_window_turns_follow_what_authors_posted() -> None:
    end = t(WINDOW[1])
    early = maintenance("early", WINDOW, ANNOUNCED, update("2026-11-22 01:30", "in_progress"))
    assert window_turns(early, t("2026-11-22 01:45")) == WindowTurns(ends=end)
    cancelled = maintenance("cancelled", WINDOW, ANNOUNCED, update("2026-11-21 12:00", "completed"))
    assert window_turns(cancelled, t("2026-11-21 13:00")) == WindowTurns()
    # Moved by an update: the moved window's moments.
    moved_end = t("2026-11-22 05:00")
    assert window_turns(EXTENDED, t("2026-11-22 03:45")) == WindowTurns(ends=moved_end)
    # An author said it goes on after its window: only a new update ends it.
    over = maintenance("over", WINDOW, ANNOUNCED, update("2026-11-22 04:10", "in_progress"))
    assert maintenance_overrun(over, t("2026-11-22 04:20")) == end
    assert window_turns(over, t("2026-11-22 04:20")) == WindowTurns()
    verifying = maintenance("verifying", WINDOW, ANNOUNCED, update("2026-11-22 03:30", "verifying"))
    assert window_turns(verifying, t("2026-11-22 03:40")) == WindowTurns(ends=end)


@pytest.mark.parametrize(
    "work",
    [
        maintenance("plain", WINDOW, ANNOUNCED),
        maintenance("early", WINDOW, ANNOUNCED, update("2026-11-22 01:30", "in_progress")),
        maintenance("verifying", WINDOW, ANNOUNCED, update("2026-11-22 03:30", "verifying")),
        EXTENDED,
    ],
    ids=lambda work: work.id,
)
def test_window_turns_agree_with_the_phases(work: Incident) -> None:
    """At every moment asked, the phase changes exactly at the turns it names, as long as
    nothing new is posted: what a reader's clock shows matches the next build."""
    moment = t("2026-11-19 00:00")
    while moment < t("2026-11-22 06:00"):
        posted = len(work.updates_until(moment))
        turns = window_turns(work, moment)
        phase = maintenance_phase(work, moment)
        for turn, expected in ((turns.starts, UpdateStatus.IN_PROGRESS), (turns.ends, None)):
            if turn is None or len(work.updates_until(turn)) != posted:
                continue
            assert maintenance_phase(work, turn - SECOND) is not UpdateStatus.COMPLETED
            after = maintenance_phase(work, turn)
            assert after is (expected or UpdateStatus.COMPLETED), (moment, turn)
        if turns == WindowTurns():
            assert phase.is_final or maintenance_overrun(work, moment) is not None, moment
        moment += timedelta(minutes=10)


# -- promises -----------------------------------------------------------------------------


def test_promise_is_due_at_the_promised_time_and_overdue_only_after_it() -> None:
    first = API_ERRORS.updates[0]
    promise = next_update_promise(API_ERRORS, t("2026-11-20 14:20"))
    assert promise is not None
    assert (promise.incident, promise.due, promise.overdue) == (
        API_ERRORS,
        t("2026-11-20 14:40"),
        False,
    )
    # Checked again at the exact due time: not overdue yet. One second later: overdue.
    waiting = incident("waiting", first, affected={"api": PARTIAL})
    at_due = next_update_promise(waiting, t("2026-11-20 14:40"))
    assert at_due is not None and at_due.overdue is False
    after_due = next_update_promise(waiting, t("2026-11-20 14:40") + SECOND)
    assert after_due is not None and after_due.overdue is True
    assert after_due.due == t("2026-11-20 14:40")


def test_promise_comes_from_the_latest_update_only() -> None:
    # The identified update at 14:30 promised nothing: the 14:40 promise is gone.
    assert next_update_promise(API_ERRORS, t("2026-11-20 14:35")) is None
    assert next_update_promise(API_ERRORS, t("2026-11-20 14:45")) is None
    renewed = incident(
        "renewed",
        update("2026-11-20 14:10", "investigating", next_update="2026-11-20 14:40"),
        update("2026-11-20 14:35", "identified", next_update="2026-11-20 15:35"),
    )
    promise = next_update_promise(renewed, t("2026-11-20 15:00"))
    assert promise is not None
    assert (promise.due, promise.overdue) == (t("2026-11-20 15:35"), False)


def test_no_promise_once_resolved_or_before_the_first_update() -> None:
    late = incident(
        "late",
        update("2026-11-20 14:10", "investigating", next_update="2026-11-20 14:20"),
        update("2026-11-20 15:00", "resolved"),
        started="2026-11-20 14:00",
    )
    assert next_update_promise(late, t("2026-11-20 14:05")) is None
    overdue = next_update_promise(late, t("2026-11-20 14:59"))
    assert overdue is not None and overdue.overdue is True
    assert next_update_promise(late, t("2026-11-20 15:00")) is None
    assert next_update_promise(late, t("2026-11-21 00:00")) is None


def test_promises_lists_open_promises_soonest_first() -> None:
    slow = incident(
        "slow", update("2026-11-20 10:00", "investigating", next_update="2026-11-20 12:00")
    )
    fast = incident(
        "fast", update("2026-11-20 10:30", "investigating", next_update="2026-11-20 11:00")
    )
    closed = incident(
        "closed",
        update("2026-11-20 09:00", "investigating", next_update="2026-11-20 09:15"),
        update("2026-11-20 09:10", "resolved"),
    )
    work = maintenance(
        "work",
        ("2026-11-20 13:00", "2026-11-20 14:00"),
        update("2026-11-19 10:00", "scheduled", next_update="2026-11-20 11:30"),
    )
    status_site = site(slow, fast, closed, work)
    found = promises(status_site, t("2026-11-20 11:15"))
    assert [(p.incident.id, p.due, p.overdue) for p in found] == [
        ("fast", t("2026-11-20 11:00"), True),
        ("work", t("2026-11-20 11:30"), False),
        ("slow", t("2026-11-20 12:00"), False),
    ]
    # Once the window has passed, the maintenance is completed and promises nothing.
    assert [p.incident.id for p in promises(status_site, t("2026-11-20 14:00"))] == ["fast", "slow"]


# -- effective intervals and segments -------------------------------------------------------


def seg(start: str, end: str, status: ComponentStatus, incident_id: str = "x") -> Segment:
    return Segment("api", t(start), t(end), status, incident_id)


def test_effective_intervals_of_nothing() -> None:
    assert effective_intervals([]) == []


def test_effective_intervals_merge_overlapping_segments_of_one_status() -> None:
    merged = effective_intervals(
        [
            seg("2026-11-20 10:00", "2026-11-20 12:00", MAJOR),
            seg("2026-11-20 11:00", "2026-11-20 13:00", MAJOR),
        ]
    )
    assert merged == [Interval(t("2026-11-20 10:00"), t("2026-11-20 13:00"), MAJOR)]


def test_effective_intervals_join_adjacent_segments_of_one_status() -> None:
    merged = effective_intervals(
        [
            seg("2026-11-20 11:00", "2026-11-20 12:00", PARTIAL),
            seg("2026-11-20 10:00", "2026-11-20 11:00", PARTIAL),
        ]
    )
    assert merged == [Interval(t("2026-11-20 10:00"), t("2026-11-20 12:00"), PARTIAL)]


def test_effective_intervals_keep_the_worst_status_where_segments_overlap() -> None:
    merged = effective_intervals(
        [
            seg("2026-11-20 10:00", "2026-11-20 14:00", DEGRADED),
            seg("2026-11-20 11:00", "2026-11-20 12:00", MAJOR),
            seg("2026-11-20 11:30", "2026-11-20 13:00", PARTIAL),
            seg("2026-11-20 10:00", "2026-11-20 10:00", MAJOR),  # empty: ignored
        ]
    )
    assert merged == [
        Interval(t("2026-11-20 10:00"), t("2026-11-20 11:00"), DEGRADED),
        Interval(t("2026-11-20 11:00"), t("2026-11-20 12:00"), MAJOR),
        Interval(t("2026-11-20 12:00"), t("2026-11-20 13:00"), PARTIAL),
        Interval(t("2026-11-20 13:00"), t("2026-11-20 14:00"), DEGRADED),
    ]


def test_effective_intervals_leave_gaps_out() -> None:
    merged = effective_intervals(
        [
            seg("2026-11-20 10:00", "2026-11-20 11:00", MAINTENANCE),
            seg("2026-11-20 12:00", "2026-11-20 13:00", MAINTENANCE),
            seg("2026-11-20 13:00", "2026-11-20 14:00", DEGRADED),
        ]
    )
    assert merged == [
        Interval(t("2026-11-20 10:00"), t("2026-11-20 11:00"), MAINTENANCE),
        Interval(t("2026-11-20 12:00"), t("2026-11-20 13:00"), MAINTENANCE),
        Interval(t("2026-11-20 13:00"), t("2026-11-20 14:00"), DEGRADED),
    ]


def test_incident_segments_follow_the_updates() -> None:
    segments = incident_segments(API_ERRORS, t("2026-11-25 00:00"))
    assert sorted(segments, key=lambda s: (s.component_id, s.start)) == [
        Segment("api", t("2026-11-20 14:10"), t("2026-11-20 14:30"), PARTIAL, API_ERRORS.id),
        Segment("api", t("2026-11-20 14:30"), t("2026-11-20 14:50"), MAJOR, API_ERRORS.id),
        Segment("dashboard", t("2026-11-20 14:10"), t("2026-11-20 15:00"), DEGRADED, API_ERRORS.id),
    ]
    assert effective_intervals(s for s in segments if s.component_id == "api") == [
        Interval(t("2026-11-20 14:10"), t("2026-11-20 14:30"), PARTIAL),
        Interval(t("2026-11-20 14:30"), t("2026-11-20 14:50"), MAJOR),
    ]


def test_incident_segments_of_an_open_incident_end_at_until() -> None:
    ongoing = incident(
        "ongoing",
        update("2026-11-20 14:10", "investigating"),
        affected={"api": PARTIAL},
        started="2026-11-20 14:00",
    )
    assert incident_segments(ongoing, t("2026-11-20 15:00")) == [
        Segment("api", t("2026-11-20 14:00"), t("2026-11-20 15:00"), PARTIAL, "ongoing")
    ]
    assert incident_segments(ongoing, t("2026-11-20 14:00")) == []


# -- history ------------------------------------------------------------------------------

NOW = t("2026-11-25 12:00")  # 07:00 in New York, 13:00 in Berlin


def day_of(days: list[Day], which: date) -> Day:
    (found,) = [day for day in days if day.date == which]
    return found


def outage(
    incident_id: str,
    start: str,
    end: str,
    affected: Affected,
    *,
    changes: tuple[tuple[str, Affected], ...] = (),
) -> Incident:
    """An incident from ``start`` to ``end`` (UTC), with optional status changes."""
    return incident(
        incident_id,
        update(start, "investigating"),
        *(update(when, "identified", affected=change) for when, change in changes),
        update(end, "resolved"),
        affected=affected,
    )


def test_days_are_oldest_first_and_end_today_in_the_site_zone() -> None:
    history = History(site(), NOW, NEW_YORK)
    days = history.days("api", 7)
    assert [day.date for day in days] == [date(2026, 11, 19) + timedelta(days=n) for n in range(7)]
    for day in days[:-1]:
        assert day == Day(day.date, OPERATIONAL, 0.0, 0.0, 1440.0, ())
        assert day.uptime == 1.0
    # Today (New York) is observed only up to now: 00:00 to 07:00 EST.
    assert days[-1] == Day(date(2026, 11, 25), OPERATIONAL, 0.0, 0.0, 420.0, ())


def test_today_in_berlin_is_already_the_next_day_late_in_the_utc_evening() -> None:
    history = History(site(), t("2026-11-25 23:30"), BERLIN)
    days = history.days("api", 2)
    assert [day.date for day in days] == [date(2026, 11, 25), date(2026, 11, 26)]
    assert days[-1].observed_minutes == 30.0


def test_incident_spanning_local_midnight_splits_its_minutes() -> None:
    # 04:00-06:00 UTC is 23:00-01:00 in New York (EST, UTC-5).
    night = outage("night", "2026-11-20 04:00", "2026-11-20 06:00", {"api": MAJOR})
    days = History(site(night), NOW, NEW_YORK).days("api", 7)
    assert day_of(days, date(2026, 11, 19)) == Day(
        date(2026, 11, 19), MAJOR, 60.0, 0.0, 1440.0, ("night",)
    )
    assert day_of(days, date(2026, 11, 20)) == Day(
        date(2026, 11, 20), MAJOR, 60.0, 0.0, 1440.0, ("night",)
    )
    assert day_of(days, date(2026, 11, 19)).uptime == pytest.approx(1 - 60 / 1440, abs=1e-12)
    assert day_of(days, date(2026, 11, 21)).worst is OPERATIONAL
    assert day_of(days, date(2026, 11, 21)).incident_ids == ()
    # In UTC the same incident stays on one day.
    utc_days = History(site(night), NOW, UTC).days("api", 7)
    assert day_of(utc_days, date(2026, 11, 20)).major_minutes == 120.0
    assert day_of(utc_days, date(2026, 11, 19)).major_minutes == 0.0


def test_incident_spanning_midnight_in_berlin() -> None:
    # 22:30-00:45 UTC is 23:30-01:45 in Berlin (CET, UTC+1): 30 minutes, then 105.
    night = outage("night", "2026-11-20 22:30", "2026-11-21 00:45", {"api": PARTIAL})
    days = History(site(night), NOW, BERLIN).days("api", 7)
    first, second = day_of(days, date(2026, 11, 20)), day_of(days, date(2026, 11, 21))
    assert (first.worst, first.partial_minutes, first.major_minutes) == (PARTIAL, 30.0, 0.0)
    assert (second.worst, second.partial_minutes, second.major_minutes) == (PARTIAL, 105.0, 0.0)
    assert first.uptime == pytest.approx(1 - 0.3 * 30 / 1440, abs=1e-12)
    assert second.uptime == pytest.approx(1 - 0.3 * 105 / 1440, abs=1e-12)


@pytest.mark.parametrize(
    ("zone", "now", "dst_day", "minutes"),
    [
        (NEW_YORK, t("2026-03-10 12:00"), date(2026, 3, 8), 1380.0),
        (NEW_YORK, t("2026-11-03 12:00"), date(2026, 11, 1), 1500.0),
        (BERLIN, t("2026-03-31 12:00"), date(2026, 3, 29), 1380.0),
        (BERLIN, t("2026-10-27 12:00"), date(2026, 10, 25), 1500.0),
    ],
)
def test_dst_change_days_have_23_or_25_hours(
    zone: ZoneInfo, now: datetime, dst_day: date, minutes: float
) -> None:
    days = History(site(), now, zone).days("api", 5)
    assert day_of(days, dst_day).observed_minutes == minutes
    others = [day.observed_minutes for day in days[:-1] if day.date != dst_day]
    assert others == [1440.0] * len(others)
    assert days[-1].date == now.astimezone(zone).date()


def test_uptime_on_a_dst_day_uses_its_25_hours() -> None:
    # New York, 1 November 2026: the day runs from 04:00 UTC to 05:00 UTC the next day.
    dst_outage = outage("dst", "2026-11-01 10:00", "2026-11-01 11:40", {"api": PARTIAL})
    whole_day = outage("whole", "2026-11-01 04:00", "2026-11-02 05:00", {"dashboard": MAJOR})
    history = History(site(dst_outage, whole_day), t("2026-11-03 12:00"), NEW_YORK)
    day = day_of(history.days("api", 3), date(2026, 11, 1))
    assert (day.partial_minutes, day.observed_minutes) == (100.0, 1500.0)
    assert day.uptime == pytest.approx(1 - 30 / 1500, abs=1e-12)
    full = day_of(history.days("dashboard", 3), date(2026, 11, 1))
    assert (full.major_minutes, full.observed_minutes, full.uptime) == (1500.0, 1500.0, 0.0)
    assert day_of(history.days("dashboard", 3), date(2026, 11, 2)).major_minutes == 0.0


def test_uptime_arithmetic_of_major_and_partial_minutes() -> None:
    # 10:00-11:40 EST partial (100 min), then 11:40-12:40 EST major (60 min).
    worse = outage(
        "worse",
        "2026-11-20 15:00",
        "2026-11-20 17:40",
        {"api": PARTIAL},
        changes=(("2026-11-20 16:40", {"api": MAJOR}),),
    )
    day = day_of(History(site(worse), NOW, NEW_YORK).days("api", 7), date(2026, 11, 20))
    assert (day.worst, day.major_minutes, day.partial_minutes, day.observed_minutes) == (
        MAJOR,
        60.0,
        100.0,
        1440.0,
    )
    assert day.uptime == pytest.approx(1 - (60 + 30) / 1440, abs=1e-12)
    assert day.uptime == pytest.approx(0.9375, abs=1e-12)


def test_uptime_fraction() -> None:
    assert uptime_fraction(60, 100, 1440) == pytest.approx(0.9375, abs=1e-12)
    assert uptime_fraction(0, 0, 1440) == 1.0
    assert uptime_fraction(1440, 0, 1440) == 0.0
    assert uptime_fraction(0, 0, 0) is None


def test_degraded_and_maintenance_are_not_downtime_but_are_the_worst_of_the_day() -> None:
    slow = outage("slow", "2026-11-20 15:00", "2026-11-20 17:00", {"api": DEGRADED})
    work = maintenance(
        "work", ("2026-11-21 15:00", "2026-11-21 17:00"), update("2026-11-19 10:00", "scheduled")
    )
    days = History(site(slow, work), NOW, NEW_YORK).days("api", 7)
    degraded_day = day_of(days, date(2026, 11, 20))
    maintenance_day = day_of(days, date(2026, 11, 21))
    assert degraded_day == Day(date(2026, 11, 20), DEGRADED, 0.0, 0.0, 1440.0, ("slow",))
    assert maintenance_day == Day(date(2026, 11, 21), MAINTENANCE, 0.0, 0.0, 1440.0, ("work",))
    assert degraded_day.uptime == 1.0
    assert maintenance_day.uptime == 1.0


def test_worst_of_the_day_over_several_incidents() -> None:
    slow = outage("slow", "2026-11-20 13:00", "2026-11-20 14:00", {"api": DEGRADED})
    work = maintenance(
        "work", ("2026-11-20 15:00", "2026-11-20 16:00"), update("2026-11-19 10:00", "scheduled")
    )
    broken = outage("broken", "2026-11-20 17:00", "2026-11-20 17:10", {"api": PARTIAL})
    days = History(site(slow, work, broken), NOW, NEW_YORK).days("api", 7)
    day = day_of(days, date(2026, 11, 20))
    assert day.worst is PARTIAL
    assert day.partial_minutes == 10.0
    assert day.incident_ids == ("slow", "work", "broken")


def test_overlapping_incidents_on_one_component_count_once() -> None:
    first = outage("first", "2026-11-20 15:00", "2026-11-20 17:00", {"api": MAJOR})
    second = outage("second", "2026-11-20 16:00", "2026-11-20 18:00", {"api": MAJOR})
    day = day_of(History(site(first, second), NOW, NEW_YORK).days("api", 7), date(2026, 11, 20))
    assert day.major_minutes == 180.0
    assert day.uptime == pytest.approx(1 - 180 / 1440, abs=1e-12)
    assert day.incident_ids == ("first", "second")


def test_overlapping_partial_and_major_count_the_worst_once() -> None:
    wide = outage("wide", "2026-11-20 15:00", "2026-11-20 17:00", {"api": PARTIAL})
    sharp = outage("sharp", "2026-11-20 16:00", "2026-11-20 16:30", {"api": MAJOR})
    day = day_of(History(site(wide, sharp), NOW, NEW_YORK).days("api", 7), date(2026, 11, 20))
    assert (day.major_minutes, day.partial_minutes) == (30.0, 90.0)
    assert day.uptime == pytest.approx(1 - (30 + 0.3 * 90) / 1440, abs=1e-12)


def test_since_hides_earlier_days() -> None:
    # sso exists from 22 November (New York); an incident before that does not count.
    before = outage("before", "2026-11-20 15:00", "2026-11-20 16:00", {"sso": MAJOR})
    after = outage("after", "2026-11-23 15:00", "2026-11-23 16:00", {"sso": MAJOR})
    history = History(site(before, after), NOW, NEW_YORK)
    days = history.days("sso", 7)
    for day in days[:3]:
        assert day == Day(day.date, None, 0.0, 0.0, 0.0, ())
        assert day.uptime is None
    assert [day.date for day in days[3:]] == [date(2026, 11, 22 + n) for n in range(4)]
    assert day_of(days, date(2026, 11, 22)) == Day(
        date(2026, 11, 22), OPERATIONAL, 0.0, 0.0, 1440.0, ()
    )
    assert day_of(days, date(2026, 11, 23)) == Day(
        date(2026, 11, 23), MAJOR, 60.0, 0.0, 1440.0, ("after",)
    )
    assert history.since("sso") == t("2026-11-22 05:00")
    assert history.since("api") is None
    # From 22 November 00:00 EST to now: 3 days and 7 hours.
    observed = 3 * 1440 + 420
    assert history.uptime_over_days("sso", 30) == pytest.approx(1 - 60 / observed, abs=1e-12)
    assert history.uptime("sso", t("2026-11-01 00:00"), t("2026-11-21 00:00")) is None


def test_today_is_observed_only_up_to_now() -> None:
    # Major outage since 06:00 EST (11:00 UTC), still open at 07:00 EST.
    ongoing = incident(
        "ongoing", update("2026-11-25 11:00", "investigating"), affected={"api": MAJOR}
    )
    history = History(site(ongoing), NOW, NEW_YORK)
    today = history.days("api", 7)[-1]
    assert today == Day(date(2026, 11, 25), MAJOR, 60.0, 0.0, 420.0, ("ongoing",))
    assert today.uptime == pytest.approx(1 - 60 / 420, abs=1e-12)
    assert history.uptime("api", t("2026-11-25 11:00")) == 0.0
    assert history.uptime("api", t("2026-11-25 10:00"), t("2026-11-25 14:00")) == pytest.approx(0.5)


def test_incidents_after_now_are_not_history() -> None:
    future = incident(
        "future", update("2026-11-25 12:30", "investigating"), affected={"api": MAJOR}
    )
    history = History(site(future), NOW, NEW_YORK)
    assert history.segments("api") == []
    assert history.days("api", 1)[-1].worst is OPERATIONAL


def test_group_days_use_the_worst_member_at_each_moment() -> None:
    eu = outage("eu", "2026-11-20 15:00", "2026-11-20 17:00", {"eu-west": PARTIAL})
    us = outage("us", "2026-11-20 16:00", "2026-11-20 16:30", {"us-east": MAJOR})
    elsewhere = outage("elsewhere", "2026-11-20 15:00", "2026-11-20 16:00", {"api": MAJOR})
    history = History(site(eu, us, elsewhere), NOW, NEW_YORK)
    day = day_of(history.days("regions", 7), date(2026, 11, 20))
    assert day == Day(date(2026, 11, 20), MAJOR, 30.0, 90.0, 1440.0, ("eu", "us"))
    assert day.uptime == pytest.approx(1 - (30 + 27) / 1440, abs=1e-12)
    assert history.intervals("regions") == [
        Interval(t("2026-11-20 15:00"), t("2026-11-20 16:00"), PARTIAL),
        Interval(t("2026-11-20 16:00"), t("2026-11-20 16:30"), MAJOR),
        Interval(t("2026-11-20 16:30"), t("2026-11-20 17:00"), PARTIAL),
    ]
    eu_day = day_of(history.days("eu-west", 7), date(2026, 11, 20))
    assert (eu_day.partial_minutes, eu_day.incident_ids) == (120.0, ("eu",))


def test_group_since_is_its_earliest_member() -> None:
    catalog = Catalog(
        (
            component("api"),
            group(
                "edge",
                component("cdn", since=date(2026, 11, 23)),
                component("dns", since=date(2026, 11, 21)),
            ),
        )
    )
    history = History(site(catalog=catalog), NOW, UTC)
    assert history.since("edge") == t("2026-11-21 00:00")
    days = history.days("edge", 7)
    assert [day.worst for day in days] == [
        None,
        None,
        OPERATIONAL,
        OPERATIONAL,
        OPERATIONAL,
        OPERATIONAL,
        OPERATIONAL,
    ]
    assert history.days("cdn", 7)[3].worst is None
    assert history.days("cdn", 7)[4].worst is OPERATIONAL


def test_uptime_over_30_and_90_days() -> None:
    one_hour = outage("hour", "2026-11-20 15:00", "2026-11-20 16:00", {"api": MAJOR})
    long_ago = outage("long-ago", "2026-09-10 15:00", "2026-09-10 17:00", {"api": PARTIAL})
    history = History(site(long_ago, one_hour), NOW, NEW_YORK)
    # 30 days: 27 October 00:00 EDT (04:00 UTC) to now, across the DST end: 42240 minutes.
    assert history.uptime_over_days("api", 30) == pytest.approx(1 - 60 / 42240, abs=1e-12)
    # 90 days: 28 August 00:00 EDT (04:00 UTC) to now: 128640 minutes.
    assert history.uptime_over_days("api", 90) == pytest.approx(
        1 - (60 + 0.3 * 120) / 128640, abs=1e-12
    )
    assert history.uptime_over_days("dashboard", 90) == 1.0


def test_day_incident_ids_list_incidents_touching_that_day_oldest_first() -> None:
    later = outage("b-later", "2026-11-20 18:00", "2026-11-20 19:00", {"api": DEGRADED})
    earlier = outage("z-earlier", "2026-11-20 15:00", "2026-11-20 16:00", {"api": DEGRADED})
    other_component = outage("other", "2026-11-20 15:00", "2026-11-20 16:00", {"dashboard": MAJOR})
    heads_up = notice("heads-up", update("2026-11-20 15:00", "investigating"))
    cancelled = maintenance(
        "cancelled",
        ("2026-11-20 20:00", "2026-11-20 21:00"),
        update("2026-11-18 10:00", "scheduled"),
        update("2026-11-19 10:00", "completed"),
    )
    # Ends exactly at midnight New York time (05:00 UTC): it does not touch the next day.
    to_midnight = outage("to-midnight", "2026-11-21 04:00", "2026-11-21 05:00", {"api": DEGRADED})
    history = History(
        site(later, earlier, other_component, heads_up, cancelled, to_midnight), NOW, NEW_YORK
    )
    days = history.days("api", 7)
    assert day_of(days, date(2026, 11, 20)).incident_ids == ("z-earlier", "b-later", "to-midnight")
    assert day_of(days, date(2026, 11, 21)).incident_ids == ()
    assert day_of(days, date(2026, 11, 21)).worst is OPERATIONAL


def test_history_of_an_extended_maintenance() -> None:
    history = History(site(EXTENDED), NOW, UTC)
    assert history.intervals("api") == [Interval(t(WINDOW[0]), t("2026-11-22 05:00"), MAINTENANCE)]
    day = day_of(history.days("api", 7), date(2026, 11, 22))
    assert day == Day(date(2026, 11, 22), MAINTENANCE, 0.0, 0.0, 1440.0, ("extended",))


def test_maintenance_update_can_change_which_components_are_under_maintenance() -> None:
    work = maintenance(
        "work",
        WINDOW,
        ANNOUNCED,
        update("2026-11-22 02:00", "in_progress"),
        update("2026-11-22 03:00", "in_progress", affected={"dashboard": MAINTENANCE}),
        update("2026-11-22 03:30", "verifying", affected={"api": OPERATIONAL}),
    )
    status_site = site(work)
    assert not_operational(status_site, "2026-11-22 02:30") == {"api": MAINTENANCE}
    assert not_operational(status_site, "2026-11-22 03:00") == {
        "api": MAINTENANCE,
        "dashboard": MAINTENANCE,
    }
    assert not_operational(status_site, "2026-11-22 03:30") == {"dashboard": MAINTENANCE}
    segments = incident_segments(work, t("2026-11-25 00:00"))
    assert sorted(segments, key=lambda s: s.component_id) == [
        Segment("api", t(WINDOW[0]), t("2026-11-22 03:30"), MAINTENANCE, "work"),
        Segment("dashboard", t("2026-11-22 03:00"), t(WINDOW[1]), MAINTENANCE, "work"),
    ]


def test_history_accepts_now_in_any_zone() -> None:
    night = outage("night", "2026-11-20 04:00", "2026-11-20 06:00", {"api": MAJOR})
    in_utc = History(site(night), NOW, NEW_YORK)
    in_new_york = History(site(night), NOW.astimezone(NEW_YORK), NEW_YORK)
    assert in_new_york.now == NOW
    assert in_new_york.days("api", 7) == in_utc.days("api", 7)
    assert in_new_york.uptime("api", t("2026-11-20 04:00")) == in_utc.uptime(
        "api", t("2026-11-20 04:00")
    )


def test_today_starting_this_moment_shows_what_is_going_on_now() -> None:
    ongoing = incident(
        "ongoing",
        update("2026-11-24 22:00", "investigating"),
        affected={"api": MAJOR},
    )
    midnight = t("2026-11-25 00:00")
    today = History(site(ongoing), midnight, UTC).days("api", 2)[-1]
    assert today.date == date(2026, 11, 25)
    assert today.observed_minutes == 0
    assert today.worst is MAJOR
    assert today.uptime is None
    quiet = History(site(), midnight, UTC).days("api", 1)[-1]
    assert quiet.worst is ComponentStatus.OPERATIONAL


def test_maintenance_that_runs_over_its_window_stays_open_until_completed() -> None:
    work = maintenance(
        "overrun",
        WINDOW,
        ANNOUNCED,
        update("2026-11-22 02:00", "in_progress"),
        update(WINDOW[1], "in_progress"),
        update("2026-11-22 05:10", "completed"),
        affected=("api",),
    )
    status_site = site(work)
    assert incident_status_at(work, t("2026-11-22 04:30")) is UpdateStatus.IN_PROGRESS
    assert not_operational(status_site, "2026-11-22 04:30") == {"api": MAINTENANCE}
    assert maintenance_overrun(work, t("2026-11-22 04:30")) == t(WINDOW[1])
    assert maintenance_overrun(work, t("2026-11-22 03:30")) is None
    assert incident_status_at(work, t("2026-11-22 05:10")) is UpdateStatus.COMPLETED
    assert resolved_at(work, NOW) == t("2026-11-22 05:10")
    assert maintenance_span(work, NOW) == (t("2026-11-22 02:00"), t("2026-11-22 05:10"))


def test_span_of_maintenance_started_early_and_cancelled() -> None:
    early = maintenance("early", WINDOW, ANNOUNCED, update("2026-11-22 01:30", "in_progress"))
    assert maintenance_span(early, t("2026-11-22 01:20")) is None
    assert maintenance_span(early, t("2026-11-22 02:00")) == (
        t("2026-11-22 01:30"),
        t("2026-11-22 02:00"),
    )
    cancelled = maintenance("cancelled", WINDOW, ANNOUNCED, update("2026-11-21 12:00", "completed"))
    assert maintenance_span(cancelled, NOW) is None
