"""The status engine: pure functions of the model and a moment.

Nothing here reads files, looks at the clock or knows about MkDocs. Every function
takes the moment it describes (``now`` or ``moment``) so that a build, a test and a
historical question all get the same answer for the same input.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from ..content.model import (
    Catalog,
    ComponentStatus,
    Group,
    Impact,
    Incident,
    IncidentKind,
    Indicator,
    StatusSite,
    UpdateStatus,
)

PARTIAL_OUTAGE_WEIGHT = 0.3
"""A minute of partial outage counts as this much of a minute of downtime."""

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
    found = [
        incident
        for incident in site.incidents
        if incident.kind is IncidentKind.INCIDENT and is_open(incident, moment)
    ]
    return tuple(sorted(found, key=lambda incident: _latest_at(incident, moment), reverse=True))


def open_notices(site: StatusSite, moment: datetime) -> tuple[Incident, ...]:
    """Notices that still apply at ``moment``, most recently updated first."""
    found = [
        incident
        for incident in site.incidents
        if incident.kind is IncidentKind.NOTICE and is_open(incident, moment)
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


@dataclass(frozen=True)
class Segment:
    """A stretch of time during which one incident gave one component one status."""

    component_id: str
    start: datetime
    end: datetime
    status: ComponentStatus
    incident_id: str


def incident_segments(incident: Incident, until: datetime) -> list[Segment]:
    """Every component status this incident caused, as segments ending by ``until``.

    The incident's effect only changes at its start, when an update is posted, and at a
    maintenance window's edges, so ``affected_at`` is evaluated once per stretch.
    """
    if incident.kind is IncidentKind.NOTICE:
        return []
    moments = {incident.start, until}
    for update in incident.updates:
        moments.add(update.at)
        if update.scheduled_start:
            moments.add(update.scheduled_start)
        if update.scheduled_end:
            moments.add(update.scheduled_end)
    if incident.scheduled_start and incident.scheduled_end:
        moments.update((incident.scheduled_start, incident.scheduled_end))
    ordered = sorted(moment for moment in moments if moment <= until)
    segments: list[Segment] = []
    open_segments: dict[str, Segment] = {}
    for start, end in itertools.pairwise(ordered):
        statuses = affected_at(incident, start)
        for component_id in list(open_segments):
            if statuses.get(component_id) is not open_segments[component_id].status:
                segments.append(open_segments.pop(component_id))
        for component_id, status in statuses.items():
            current = open_segments.get(component_id)
            if current is None:
                open_segments[component_id] = Segment(component_id, start, end, status, incident.id)
            else:
                open_segments[component_id] = Segment(
                    component_id, current.start, end, status, incident.id
                )
    segments.extend(open_segments.values())
    return segments


@dataclass(frozen=True)
class Interval:
    """A stretch of time with one effective (worst) status for a component or group."""

    start: datetime
    end: datetime
    status: ComponentStatus


def effective_intervals(segments: Iterable[Segment]) -> list[Interval]:
    """Merge overlapping segments into non-overlapping intervals of the worst status.

    Operational time is left out; adjacent intervals with one status are joined.
    """
    events: list[tuple[datetime, int, ComponentStatus]] = []
    for segment in segments:
        if segment.end > segment.start:
            events.append((segment.start, 1, segment.status))
            events.append((segment.end, -1, segment.status))
    events.sort(key=lambda event: event[0])
    ranks = list(ComponentStatus)
    active = [0] * len(ranks)
    intervals: list[Interval] = []
    index = 0
    while index < len(events):
        moment = events[index][0]
        while index < len(events) and events[index][0] == moment:
            _, delta, status = events[index]
            active[status.rank] += delta
            index += 1
        if index >= len(events):
            break
        worst = next(
            (ranks[rank] for rank in range(len(ranks) - 1, 0, -1) if active[rank] > 0), None
        )
        if worst is None:
            continue
        following = events[index][0]
        if intervals and intervals[-1].end == moment and intervals[-1].status is worst:
            intervals[-1] = Interval(intervals[-1].start, following, worst)
        else:
            intervals.append(Interval(moment, following, worst))
    return intervals


@dataclass(frozen=True)
class Day:
    """One day of a component's (or group's) history.

    Attributes:
        date: The calendar day, in the site's time zone.
        worst: The worst status seen that day; ``None`` when there is no data (before
            the component existed).
        major_minutes: Minutes of major outage.
        partial_minutes: Minutes of partial outage.
        observed_minutes: Minutes of the day that count (up to ``now`` for today).
        incident_ids: Incidents that touched the component that day, oldest first.
    """

    date: date
    worst: ComponentStatus | None
    major_minutes: float
    partial_minutes: float
    observed_minutes: float
    incident_ids: tuple[str, ...]

    @property
    def uptime(self) -> float | None:
        """Uptime as a fraction (1.0 = 100 %), or ``None`` with no data."""
        return uptime_fraction(self.major_minutes, self.partial_minutes, self.observed_minutes)


def uptime_fraction(major: float, partial: float, observed: float) -> float | None:
    """``1 - (major + 0.3 * partial) / observed``, or ``None`` when nothing was observed."""
    if observed <= 0:
        return None
    return max(0.0, 1.0 - (major + PARTIAL_OUTAGE_WEIGHT * partial) / observed)


class History:
    """Per-component status history of a site up to ``now``, computed once.

    Build it once per build and ask it for days and uptime of any component or group.
    """

    def __init__(self, site: StatusSite, now: datetime, zone: tzinfo) -> None:
        self.catalog: Catalog = site.catalog
        self.now = now.astimezone(UTC)
        self.zone = zone
        self._segments: dict[str, list[Segment]] = {
            component.id: [] for component in site.catalog.components
        }
        for incident in site.incidents:
            if incident.start > now:
                continue
            for segment in incident_segments(incident, now):
                self._segments[segment.component_id].append(segment)
        self._intervals: dict[str, list[Interval]] = {}

    def segments(self, entry_id: str) -> list[Segment]:
        """Segments of a component, or of all members of a group."""
        found: list[Segment] = []
        for leaf in self.catalog.leaf_ids(entry_id):
            found.extend(self._segments[leaf])
        return found

    def intervals(self, entry_id: str) -> list[Interval]:
        """Non-overlapping intervals of the worst status for a component or group."""
        if entry_id not in self._intervals:
            self._intervals[entry_id] = effective_intervals(self.segments(entry_id))
        return self._intervals[entry_id]

    def since(self, entry_id: str) -> datetime | None:
        """When history starts for a component or group (its earliest member's ``since``)."""
        entry = self.catalog.get(entry_id)
        if entry is None:
            return None
        if isinstance(entry, Group):
            days = [member.since for member in entry.components]
            if any(day is None for day in days):
                return None
            first = min(day for day in days if day is not None)
        elif entry.since is None:
            return None
        else:
            first = entry.since
        return self.day_start(first)

    def day_start(self, day: date) -> datetime:
        """Midnight of ``day`` in the site's zone, in UTC (so DST days have 23 or 25 hours)."""
        return datetime.combine(day, time(0), tzinfo=self.zone).astimezone(UTC)

    def days(self, entry_id: str, count: int) -> list[Day]:
        """The last ``count`` days, oldest first, ending with today (in the site's zone)."""
        today = self.now.astimezone(self.zone).date()
        first = today - timedelta(days=count - 1)
        # Only what overlaps the days shown: a long history costs once, not once a day.
        window_start = self.day_start(first)
        intervals = [
            interval
            for interval in self.intervals(entry_id)
            if interval.end > window_start and interval.start < self.now
        ]
        segments = [
            segment
            for segment in self.segments(entry_id)
            if segment.end > window_start and segment.start < self.now
        ]
        since = self.since(entry_id)
        records: list[Day] = []
        for offset in range(count):
            day = first + timedelta(days=offset)
            start = self.day_start(day)
            end = min(self.day_start(day + timedelta(days=1)), self.now)
            if since is not None and start < since:
                start = since
            observed = (end - start).total_seconds() / 60 if end > start else 0.0
            if observed <= 0 and (start > self.now or day < today):
                records.append(Day(day, None, 0.0, 0.0, 0.0, ()))
                continue
            totals = _minutes_by_status(intervals, start, end)
            worst = max(totals, default=ComponentStatus.OPERATIONAL)
            if observed <= 0:
                # Today began this very moment: show what is going on now.
                worst = max(
                    (interval.status for interval in intervals if interval.end == self.now),
                    default=ComponentStatus.OPERATIONAL,
                )
            touching = sorted(
                {
                    (segment.start, segment.incident_id)
                    for segment in segments
                    if segment.start < end and segment.end > start
                }
            )
            records.append(
                Day(
                    date=day,
                    worst=worst,
                    major_minutes=totals.get(ComponentStatus.MAJOR_OUTAGE, 0.0),
                    partial_minutes=totals.get(ComponentStatus.PARTIAL_OUTAGE, 0.0),
                    observed_minutes=observed,
                    incident_ids=tuple(dict.fromkeys(incident for _, incident in touching)),
                )
            )
        return records

    def uptime(self, entry_id: str, start: datetime, end: datetime | None = None) -> float | None:
        """Uptime of a component or group over ``[start, end)`` (``end`` defaults to now).

        Time before the component's ``since`` is not observed. ``None`` with no data.
        """
        end = min(end or self.now, self.now)
        since = self.since(entry_id)
        if since is not None:
            start = max(start, since)
        if end <= start:
            return None
        totals = _minutes_by_status(self.intervals(entry_id), start, end)
        observed = (end - start).total_seconds() / 60
        return uptime_fraction(
            totals.get(ComponentStatus.MAJOR_OUTAGE, 0.0),
            totals.get(ComponentStatus.PARTIAL_OUTAGE, 0.0),
            observed,
        )

    def uptime_over_days(self, entry_id: str, days: int) -> float | None:
        """Uptime over the last ``days`` calendar days, today included."""
        today = self.now.astimezone(self.zone).date()
        return self.uptime(entry_id, self.day_start(today - timedelta(days=days - 1)))


def _minutes_by_status(
    intervals: Sequence[Interval], start: datetime, end: datetime
) -> dict[ComponentStatus, float]:
    totals: dict[ComponentStatus, float] = {}
    for interval in intervals:
        if interval.end <= start or interval.start >= end:
            continue
        overlap = min(interval.end, end) - max(interval.start, start)
        totals[interval.status] = totals.get(interval.status, 0.0) + overlap.total_seconds() / 60
    return totals


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
