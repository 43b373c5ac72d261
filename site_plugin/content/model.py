"""The content model: what a status repository says, as frozen, typed values.

Nothing here reads files or knows about MkDocs. The loader builds these objects from
``components.yml`` and ``incidents/``; the status engine computes from them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, total_ordering


@total_ordering
class _OrderedEnum(enum.Enum):
    """An enum whose members compare by declaration order: the later, the worse."""

    @property
    def rank(self) -> int:
        """Position in declaration order: 0 is the best."""
        return type(self)._member_names_.index(self.name)

    def __lt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _OrderedEnum)
        return self.rank < other.rank


class ComponentStatus(_OrderedEnum):
    """A component's status, ordered from best to worst (``max`` gives the worst)."""

    OPERATIONAL = "operational"
    UNDER_MAINTENANCE = "under_maintenance"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"

    @property
    def label(self) -> str:
        return _COMPONENT_STATUS_LABELS[self]


_COMPONENT_STATUS_LABELS = {
    ComponentStatus.OPERATIONAL: "Operational",
    ComponentStatus.UNDER_MAINTENANCE: "Under maintenance",
    ComponentStatus.DEGRADED_PERFORMANCE: "Degraded performance",
    ComponentStatus.PARTIAL_OUTAGE: "Partial outage",
    ComponentStatus.MAJOR_OUTAGE: "Major outage",
}


class Impact(_OrderedEnum):
    """How badly an incident hurts customers, as declared by its authors."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class Indicator(_OrderedEnum):
    """The overall status indicator, as in Statuspage's API, ordered from best to worst."""

    NONE = "none"
    MAINTENANCE = "maintenance"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class IncidentKind(enum.Enum):
    """What an incident folder describes."""

    INCIDENT = "incident"
    MAINTENANCE = "maintenance"
    NOTICE = "notice"


class UpdateStatus(enum.Enum):
    """The status an update declares. Which ones are allowed depends on the kind."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_final(self) -> bool:
        """Whether this status closes the incident or maintenance."""
        return self in (UpdateStatus.RESOLVED, UpdateStatus.COMPLETED)


INCIDENT_STATUSES = (
    UpdateStatus.INVESTIGATING,
    UpdateStatus.IDENTIFIED,
    UpdateStatus.MONITORING,
    UpdateStatus.RESOLVED,
)
MAINTENANCE_STATUSES = (
    UpdateStatus.SCHEDULED,
    UpdateStatus.IN_PROGRESS,
    UpdateStatus.VERIFYING,
    UpdateStatus.COMPLETED,
)
STATUSES_BY_KIND: dict[IncidentKind, tuple[UpdateStatus, ...]] = {
    IncidentKind.INCIDENT: INCIDENT_STATUSES,
    IncidentKind.NOTICE: INCIDENT_STATUSES,
    IncidentKind.MAINTENANCE: MAINTENANCE_STATUSES,
}


@dataclass(frozen=True)
class Source:
    """Where a piece of content came from: a repository-relative path and a line."""

    path: str
    line: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Probe:
    """An HTTP(S) check of one component, as its ``probe:`` in ``components.yml`` says.

    Attributes:
        url: The ``http:`` or ``https:`` address requested.
        method: ``GET`` or ``HEAD``.
        expect_status: Status code ranges (inclusive) that count as up.
        body_contains: Text the response body must contain, if any.
        timeout: How long the whole request may take before it counts as a timeout.
        slow_after: A response slower than this is up but slow (degraded), if set.
        verify_tls: Whether an https certificate must be valid for the host.
        certificate_warning: Warn when the certificate expires within this.
    """

    url: str
    method: str = "GET"
    expect_status: tuple[tuple[int, int], ...] = ((200, 399),)
    body_contains: str | None = None
    timeout: timedelta = timedelta(seconds=10)
    slow_after: timedelta | None = None
    verify_tls: bool = True
    certificate_warning: timedelta = timedelta(days=14)
    source: Source = field(default=Source("components.yml"), compare=False)

    def expects(self, status_code: int) -> bool:
        """Whether a response with ``status_code`` counts as up."""
        return any(low <= status_code <= high for low, high in self.expect_status)


@dataclass(frozen=True)
class Component:
    """Something customers depend on, as listed in ``components.yml``.

    Attributes:
        id: Stable slug used in incidents, URLs and the API.
        name: Customer-facing name.
        description: Optional one-line description.
        group_id: The id of the group this component belongs to, if any.
        hidden_unless_affected: Shown only while not operational.
        since: First day with history; days before it have no data.
        position: 1-based display order in the file.
        subscribe_email: Where readers sign up for email about it (its own, else its
            group's): a ``mailto:`` address or an ``https:`` page.
        probe: The HTTP(S) check ``herald probe`` runs for it, if any.
        alert_labels: Alert labels (name, value) that all match an alert about it;
            empty: an alert with ``component: <id>`` is about it.
    """

    id: str
    name: str
    description: str = ""
    group_id: str | None = None
    hidden_unless_affected: bool = False
    since: date | None = None
    position: int = 0
    source: Source = field(default=Source("components.yml"), compare=False)
    subscribe_email: str | None = None
    probe: Probe | None = None
    alert_labels: tuple[tuple[str, str], ...] = ()

    def matches_alert(self, labels: Mapping[str, str]) -> bool:
        """Whether an alert with ``labels`` is about this component."""
        if self.alert_labels:
            return all(labels.get(name) == value for name, value in self.alert_labels)
        return labels.get("component") == self.id


@dataclass(frozen=True)
class Group:
    """A named group of components (one level of nesting only)."""

    id: str
    name: str
    components: tuple[Component, ...]
    description: str = ""
    hidden_unless_affected: bool = False
    since: date | None = None
    position: int = 0
    source: Source = field(default=Source("components.yml"), compare=False)
    subscribe_email: str | None = None

    @property
    def component_ids(self) -> tuple[str, ...]:
        return tuple(component.id for component in self.components)


@dataclass(frozen=True)
class Catalog:
    """Everything ``components.yml`` declares, in display order."""

    entries: tuple[Component | Group, ...]

    @property
    def components(self) -> tuple[Component, ...]:
        """Every leaf component, groups flattened, in display order."""
        leaves: list[Component] = []
        for entry in self.entries:
            if isinstance(entry, Group):
                leaves.extend(entry.components)
            else:
                leaves.append(entry)
        return tuple(leaves)

    @property
    def every_entry(self) -> tuple[Component | Group, ...]:
        """Groups and components in display order, each group's members right after it."""
        found: list[Component | Group] = []
        for entry in self.entries:
            found.append(entry)
            if isinstance(entry, Group):
                found.extend(entry.components)
        return tuple(found)

    @property
    def groups(self) -> tuple[Group, ...]:
        return tuple(entry for entry in self.entries if isinstance(entry, Group))

    @cached_property
    def _by_id(self) -> dict[str, Component | Group]:
        found: dict[str, Component | Group] = {}
        for entry in self.entries:
            found[entry.id] = entry
            if isinstance(entry, Group):
                found.update((component.id, component) for component in entry.components)
        return found

    def get(self, entry_id: object) -> Component | Group | None:
        """The component or group with this id, or ``None``."""
        return self._by_id.get(entry_id) if isinstance(entry_id, str) else None

    def leaf_ids(self, entry_id: str) -> tuple[str, ...]:
        """The component ids an id stands for: a group's members, or the component itself."""
        entry = self.get(entry_id)
        if entry is None:
            return ()
        if isinstance(entry, Group):
            return entry.component_ids
        return (entry.id,)


@dataclass(frozen=True)
class Update:
    """One update posted to an incident: a file of its own in the incident's folder.

    Attributes:
        id: The file name without ``.md``; unique within its incident.
        at: When it was posted (timezone-aware).
        status: The status it declares.
        message: The Markdown body.
        next_update: When the next update is promised, resolved to a timestamp.
        affected: Component statuses from this update on (leaf ids; groups expanded).
        scheduled_start: For maintenance: a new window start (rescheduled).
        scheduled_end: For maintenance: a new window end (extended or shortened).
    """

    id: str
    at: datetime
    status: UpdateStatus
    message: str
    next_update: datetime | None = None
    affected: tuple[tuple[str, ComponentStatus], ...] | None = None
    scheduled_start: datetime | None = None
    scheduled_end: datetime | None = None
    source: Source = field(default=Source(""), compare=False)
    label: str = ""
    """What it is called, for an update Herald writes itself (``Reminder``); authors'
    updates are called by their status."""


@dataclass(frozen=True)
class Postmortem:
    """The post-incident report published beside the updates."""

    published: datetime
    body: str
    source: Source = field(default=Source(""), compare=False)


@dataclass(frozen=True)
class Incident:
    """An incident, scheduled maintenance or notice, with its updates oldest first.

    Attributes:
        id: The folder name; stable forever (URLs, feed ids, API ids derive from it).
        title: Customer-facing title.
        kind: Incident, maintenance or notice.
        impact: Declared impact.
        affected: Component statuses while unresolved (leaf ids; groups expanded),
            in the order written.
        affected_ids: The ids as written (groups not expanded), for display.
        summary: Optional Markdown summary from ``index.md``.
        updates: Updates sorted by ``at``, oldest first; never empty.
        started: Explicit start, if ``index.md`` gives one.
        scheduled_start: Maintenance window start as first announced.
        scheduled_end: Maintenance window end as first announced.
        postmortem: The post-incident report, if any.
    """

    id: str
    title: str
    kind: IncidentKind
    impact: Impact
    affected: tuple[tuple[str, ComponentStatus], ...]
    affected_ids: tuple[str, ...]
    summary: str
    updates: tuple[Update, ...]
    started: datetime | None = None
    scheduled_start: datetime | None = None
    scheduled_end: datetime | None = None
    postmortem: Postmortem | None = None
    source: Source = field(default=Source(""), compare=False)

    @property
    def first_update(self) -> Update:
        return self.updates[0]

    @property
    def latest_update(self) -> Update:
        return self.updates[-1]

    @property
    def start(self) -> datetime:
        """When the incident began: ``started`` if given, else its first update."""
        return self.started if self.started is not None else self.first_update.at

    @property
    def last_changed(self) -> datetime:
        """When it last changed: its latest update, or its post-incident report if later."""
        latest = self.latest_update.at
        if self.postmortem is not None and self.postmortem.published > latest:
            return self.postmortem.published
        return latest

    @property
    def is_maintenance(self) -> bool:
        return self.kind is IncidentKind.MAINTENANCE

    @property
    def is_notice(self) -> bool:
        return self.kind is IncidentKind.NOTICE

    def updates_until(self, moment: datetime) -> tuple[Update, ...]:
        """The updates posted at or before ``moment`` (``updates`` are oldest first)."""
        if self.updates and self.updates[-1].at <= moment:
            return self.updates  # the usual case: everything has been posted
        return tuple(update for update in self.updates if update.at <= moment)

    @cached_property
    def component_ids(self) -> tuple[str, ...]:
        """Every leaf component this incident touches, at any time, in first-seen order."""
        seen: dict[str, None] = {cid: None for cid, _ in self.affected}
        for update in self.updates:
            for cid, _ in update.affected or ():
                seen.setdefault(cid, None)
        return tuple(seen)

    @cached_property
    def component_set(self) -> frozenset[str]:
        """``component_ids`` as a set, for fast membership tests."""
        return frozenset(self.component_ids)


@dataclass(frozen=True)
class StatusSite:
    """A whole status repository: its components and its incidents (sorted by start)."""

    catalog: Catalog
    incidents: tuple[Incident, ...]
