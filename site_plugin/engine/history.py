"""History and uptime: what each component went through, day by day, as pure functions of
the content model and a moment (segments of status, merged intervals, daily records)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from ..content.model import (
    Catalog,
    ComponentStatus,
    Group,
    Incident,
    IncidentKind,
    StatusSite,
)
from .status import affected_at

PARTIAL_OUTAGE_WEIGHT = 0.3
"""A minute of partial outage counts as this much of a minute of downtime."""


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

    def __init__(
        self, site: StatusSite, now: datetime, zone: tzinfo, *, start: date | None = None
    ) -> None:
        self.catalog: Catalog = site.catalog
        self.now = now.astimezone(UTC)
        self.zone = zone
        self.start = start
        """The day the status page started: what has no ``since`` of its own starts then."""
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
        """When history starts for a component or group: its ``since``, else the day the
        status page started; for a group, its earliest member's."""
        entry = self.catalog.get(entry_id)
        if entry is None:
            return None
        members = entry.components if isinstance(entry, Group) else (entry,)
        days = [member.since or self.start for member in members]
        if any(day is None for day in days):
            return None
        return self.day_start(min(day for day in days if day is not None))

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

    def starts_within(self, entry_id: str, days: int) -> date | None:
        """The day history starts, when that is within the last ``days`` days (so the
        span is shorter than asked); ``None`` when the history covers them all."""
        since = self.since(entry_id)
        today = self.now.astimezone(self.zone).date()
        if since is None or since <= self.day_start(today - timedelta(days=days - 1)):
            return None
        return since.astimezone(self.zone).date()

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
