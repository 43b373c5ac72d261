"""The status engine: pure functions of the model and a moment.

Nothing here reads files, looks at the clock or knows about MkDocs. Every function
takes the moment it describes (``now`` or ``moment``) so that a build, a test and a
historical question all get the same answer for the same input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo

from ..content.model import (
    ComponentStatus,
    Group,
    Impact,
    Incident,
    IncidentKind,
    Indicator,
    StatusSite,
    UpdateStatus,
)

_LEVEL_OF_COMPONENT_STATUS = {
    ComponentStatus.OPERATIONAL: Indicator.NONE,
    ComponentStatus.UNDER_MAINTENANCE: Indicator.MAINTENANCE,
    ComponentStatus.DEGRADED_PERFORMANCE: Indicator.MINOR,
    ComponentStatus.PARTIAL_OUTAGE: Indicator.MAJOR,
    ComponentStatus.MAJOR_OUTAGE: Indicator.CRITICAL,
}
_LEVEL_OF_IMPACT = {
    Impact.NONE: Indicator.NONE,
    Impact.MINOR: Indicator.MINOR,
    Impact.MAJOR: Indicator.MAJOR,
    Impact.CRITICAL: Indicator.CRITICAL,
}


# -- one incident at one moment ----------------------------------------------------------


def maintenance_window(incident: Incident, moment: datetime) -> tuple[datetime, datetime]:
    """The maintenance window as known at ``moment``: updates may move or extend it."""
    assert incident.scheduled_start is not None and incident.scheduled_end is not None
    start, end = incident.scheduled_start, incident.scheduled_end
    for update in incident.updates_until(moment):
        start = update.scheduled_start or start
        end = update.scheduled_end or end
    return start, end


def maintenance_phase(incident: Incident, moment: datetime) -> UpdateStatus:
    """Where a maintenance stands at ``moment``.

    A ``completed`` update ends it (posted before the window, that is a cancellation).
    An ``in_progress`` or ``verifying`` update puts it in that state, even before the
    window (work started early). The window's end (as last moved) completes it, unless
    the latest update was posted at or after that end saying the work goes on: then it
    stays open until a ``completed`` update. Without such updates it is scheduled before
    its window and in progress inside it.
    """
    posted = incident.updates_until(moment)
    latest = posted[-1] if posted else None
    if latest is not None and latest.status is UpdateStatus.COMPLETED:
        return UpdateStatus.COMPLETED
    start, end = maintenance_window(incident, moment)
    working = latest is not None and latest.status in (
        UpdateStatus.IN_PROGRESS,
        UpdateStatus.VERIFYING,
    )
    if working and latest is not None and (moment < end or latest.at >= end):
        return latest.status
    if moment >= end:
        return UpdateStatus.COMPLETED
    if moment >= start:
        return UpdateStatus.IN_PROGRESS
    return UpdateStatus.SCHEDULED


def maintenance_overrun(incident: Incident, moment: datetime) -> datetime | None:
    """The end of the window of a maintenance still in progress after it, else ``None``."""
    if not incident.is_maintenance:
        return None
    if incident_status_at(incident, moment) not in (
        UpdateStatus.IN_PROGRESS,
        UpdateStatus.VERIFYING,
    ):
        return None
    _, end = maintenance_window(incident, moment)
    return end if moment >= end else None


def maintenance_span(incident: Incident, moment: datetime) -> tuple[datetime, datetime] | None:
    """When the work actually ran, as known at ``moment``: from the window's start (or an
    earlier ``in_progress`` update) to its completion (or ``moment`` while it runs).

    ``None`` before the work starts and for a cancelled maintenance.
    """
    if maintenance_cancelled(incident, moment):
        return None
    start, _ = maintenance_window(incident, moment)
    for update in incident.updates_until(moment):
        if update.status in (UpdateStatus.IN_PROGRESS, UpdateStatus.VERIFYING):
            start = min(start, update.at)
            break
    if start > moment:
        return None
    end = resolved_at(incident, moment) or moment
    return start, max(start, end)


def maintenance_cancelled(incident: Incident, moment: datetime) -> bool:
    """Whether a maintenance was called off: completed by an update before its window."""
    if not incident.is_maintenance:
        return False
    posted = incident.updates_until(moment)
    if not posted or posted[-1].status is not UpdateStatus.COMPLETED:
        return False
    start, _ = maintenance_window(incident, moment)
    return posted[-1].at < start and not any(
        update.status in (UpdateStatus.IN_PROGRESS, UpdateStatus.VERIFYING) for update in posted
    )


@dataclass(frozen=True)
class WindowTurns:
    """When a maintenance moves on by its window alone, as known at one moment.

    Attributes:
        starts: When it turns in progress (its window's start), if it is still scheduled.
        ends: When it turns completed (its window's end), if it is open and nothing
            posted says the work goes on past the end.
    """

    starts: datetime | None = None
    ends: datetime | None = None


def window_turns(incident: Incident, moment: datetime) -> WindowTurns:
    """The moments after ``moment`` at which a maintenance's phase changes with no new
    update: what a reader's clock, not a new build, can tell about it.

    Nothing for incidents and notices, for maintenance already completed or cancelled,
    and no end for one an author said runs over its window.
    """
    if not incident.is_maintenance:
        return WindowTurns()
    status = incident_status_at(incident, moment)
    if status is None or status.is_final:
        return WindowTurns()
    start, end = maintenance_window(incident, moment)
    latest = incident.updates_until(moment)[-1]
    running_over = (
        latest.status in (UpdateStatus.IN_PROGRESS, UpdateStatus.VERIFYING) and latest.at >= end
    )
    return WindowTurns(
        starts=start if status is UpdateStatus.SCHEDULED and start > moment else None,
        ends=end if end > moment and not running_over else None,
    )


def incident_status_at(incident: Incident, moment: datetime) -> UpdateStatus | None:
    """The status of an incident, maintenance or notice at ``moment``.

    ``None`` before anything was posted (for maintenance: before it was announced).
    """
    if incident.is_maintenance:
        if moment < incident.first_update.at:
            return None
        return maintenance_phase(incident, moment)
    posted = incident.updates_until(moment)
    if not posted:
        # Between an explicit ``started`` and the first update the problem already exists.
        return UpdateStatus.INVESTIGATING if moment >= incident.start else None
    return posted[-1].status


def is_open(incident: Incident, moment: datetime) -> bool:
    """Whether the incident or notice is unresolved, or the maintenance not yet completed."""
    status = incident_status_at(incident, moment)
    return status is not None and not status.is_final


def resolved_at(incident: Incident, moment: datetime) -> datetime | None:
    """When the incident was resolved or the maintenance completed, as known at ``moment``.

    ``None`` while it is still open (or not yet announced). For maintenance that
    completed because its window ran out, the window's end.
    """
    status = incident_status_at(incident, moment)
    if status is None or not status.is_final:
        return None
    latest = incident.updates_until(moment)[-1]
    if latest.status.is_final:
        return latest.at
    return maintenance_window(incident, moment)[1]


def affected_at(incident: Incident, moment: datetime) -> dict[str, ComponentStatus]:
    """The status this incident gives each component at ``moment`` (operational omitted)."""
    if incident.kind is IncidentKind.NOTICE:
        return {}
    if incident.is_maintenance:
        active = incident_status_at(incident, moment) in (
            UpdateStatus.IN_PROGRESS,
            UpdateStatus.VERIFYING,
        )
    else:
        active = is_open(incident, moment)
    if not active:
        return {}
    statuses = dict(incident.affected)
    for update in incident.updates_until(moment):
        if update.affected:
            statuses.update(update.affected)
    return {
        component_id: status
        for component_id, status in statuses.items()
        if status is not ComponentStatus.OPERATIONAL
    }


# -- the whole site at one moment ----------------------------------------------------------


def component_statuses_at(site: StatusSite, moment: datetime) -> dict[str, ComponentStatus]:
    """Every leaf component's status at ``moment``: the worst any open incident gives it."""
    statuses = {component.id: ComponentStatus.OPERATIONAL for component in site.catalog.components}
    for incident in site.incidents:
        if incident.start > moment:
            continue
        for component_id, status in affected_at(incident, moment).items():
            if status > statuses[component_id]:
                statuses[component_id] = status
    return statuses


def group_status(group: Group, statuses: dict[str, ComponentStatus]) -> ComponentStatus:
    """A group's status: its worst member's."""
    return max(
        (statuses[component.id] for component in group.components),
        default=ComponentStatus.OPERATIONAL,
    )


def open_incidents(site: StatusSite, moment: datetime) -> tuple[Incident, ...]:
    """Unresolved incidents (not maintenance, not notices), most recently updated first."""
    return _open_of_kind(site, moment, IncidentKind.INCIDENT)


def open_notices(site: StatusSite, moment: datetime) -> tuple[Incident, ...]:
    """Notices that still apply at ``moment``, most recently updated first."""
    return _open_of_kind(site, moment, IncidentKind.NOTICE)


def _open_of_kind(site: StatusSite, moment: datetime, kind: IncidentKind) -> tuple[Incident, ...]:
    found = [
        incident
        for incident in site.incidents
        if incident.kind is kind and is_open(incident, moment)
    ]
    return tuple(sorted(found, key=lambda incident: _latest_at(incident, moment), reverse=True))


def active_maintenance(site: StatusSite, moment: datetime) -> tuple[Incident, ...]:
    """Maintenance in progress or being verified at ``moment``."""
    return tuple(
        incident
        for incident in site.incidents
        if incident.is_maintenance
        and incident_status_at(incident, moment)
        in (UpdateStatus.IN_PROGRESS, UpdateStatus.VERIFYING)
    )


def upcoming_maintenance(site: StatusSite, moment: datetime) -> tuple[Incident, ...]:
    """Announced maintenance whose window has not started, soonest first."""
    found = [
        incident
        for incident in site.incidents
        if incident.is_maintenance
        and incident_status_at(incident, moment) is UpdateStatus.SCHEDULED
    ]
    return tuple(sorted(found, key=lambda incident: maintenance_window(incident, moment)[0]))


def _latest_at(incident: Incident, moment: datetime) -> datetime:
    posted = incident.updates_until(moment)
    return posted[-1].at if posted else incident.start


@dataclass(frozen=True)
class OverallStatus:
    """The page's overall status, as Statuspage's ``status`` object."""

    indicator: Indicator
    description: str


def overall_status(site: StatusSite, moment: datetime) -> OverallStatus:
    """The overall indicator and its description at ``moment``.

    The indicator is the worse of two levels: the worst component status
    (major outage → critical, partial outage → major, degraded performance → minor,
    under maintenance → maintenance) and the highest impact of an unresolved incident
    (minor, major, critical). Maintenance ranks below minor: an incident during
    maintenance is what customers need to hear about.
    """
    statuses = component_statuses_at(site, moment)
    worst = max(statuses.values(), default=ComponentStatus.OPERATIONAL)
    level = _LEVEL_OF_COMPONENT_STATUS[worst]
    for incident in open_incidents(site, moment):
        level = max(level, _LEVEL_OF_IMPACT[incident.impact])
    return OverallStatus(level, describe_indicator(level, worst))


def describe_indicator(indicator: Indicator, worst: ComponentStatus) -> str:
    """Statuspage's wording for an indicator; ``worst`` tells degraded from outage."""
    if indicator is Indicator.MINOR:
        if worst is ComponentStatus.DEGRADED_PERFORMANCE:
            return "Partially Degraded Service"
        return "Minor Service Outage"
    return {
        Indicator.NONE: "All Systems Operational",
        Indicator.MAINTENANCE: "Service Under Maintenance",
        Indicator.MAJOR: "Partial System Outage",
        Indicator.CRITICAL: "Major System Outage",
    }[indicator]


# -- promises -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Promise:
    """The next update an open incident promised.

    Attributes:
        incident: The incident that made the promise.
        due: When the next update is due.
        overdue: Whether ``due`` has passed at the moment asked about.
    """

    incident: Incident
    due: datetime
    overdue: bool


def next_update_promise(incident: Incident, moment: datetime) -> Promise | None:
    """The promise of the latest update posted by ``moment``, if the incident is still open."""
    if not is_open(incident, moment):
        return None
    posted = incident.updates_until(moment)
    if not posted or posted[-1].next_update is None:
        return None
    due = posted[-1].next_update
    return Promise(incident=incident, due=due, overdue=moment > due)


def promises(site: StatusSite, moment: datetime) -> tuple[Promise, ...]:
    """Every open promise at ``moment``, soonest due first."""
    found = [
        promise
        for incident in site.incidents
        if (promise := next_update_promise(incident, moment)) is not None
    ]
    return tuple(sorted(found, key=lambda promise: promise.due))


# -- history: intervals, days, uptime ----------------------------------------------------


def next_change(site: StatusSite, moment: datetime, zone: tzinfo) -> datetime | None:
    """The first moment after ``moment`` at which the site would read differently with no
    new commit, or ``None`` when it changes all the time.

    While an incident is open or maintenance is under way, durations and uptime grow by
    the minute: ``None``. Otherwise what the site shows is a step function of time whose
    steps are the moments the content names (updates posted, promises due, windows
    starting and ending, reports published) and midnight in the site's zone (the daily
    history moves on): the earliest of those after ``moment``.
    """
    if open_incidents(site, moment) or active_maintenance(site, moment):
        return None
    local = moment.astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=zone)
    candidates: list[datetime | None] = [midnight.astimezone(UTC)]
    for incident in site.incidents:
        candidates += [incident.started, incident.scheduled_start, incident.scheduled_end]
        if incident.postmortem is not None:
            candidates.append(incident.postmortem.published)
        for update in incident.updates:
            candidates += [update.at, update.next_update, update.scheduled_start]
            candidates.append(update.scheduled_end)
    return min(
        candidate for candidate in candidates if candidate is not None and candidate > moment
    )
