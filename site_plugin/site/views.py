"""What each page shows: the data its template gets (``view_builder`` computes it).

Views are plain data for templates: no MkDocs, no HTML except Markdown already rendered
by the ``render`` callable the caller passes in (which returns escaped-safe markup).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from markupsafe import Markup

from ..content.model import (
    ComponentStatus,
    Incident,
    Update,
    UpdateStatus,
)
from ..engine.status import (
    OverallStatus,
    Promise,
    WindowTurns,
)

RenderMarkdown = Callable[[str], Markup]


@dataclass(frozen=True)
class ComponentLink:
    """A component or group named on a page, with its page and current status."""

    id: str
    name: str
    url: str
    status: ComponentStatus
    status_label: str = ""


@dataclass(frozen=True)
class DayBar:
    """One day in a component's bar chart, with its text equivalent.

    Attributes:
        date: The day.
        status: CSS key: a ``ComponentStatus`` value, or ``none`` without data.
        summary: What a screen reader or tooltip says about the day, naming incidents.
        incidents: The incidents that touched the day (title and URL).
        brief: The same, counting the incidents instead of naming them: the status
            page shows every component's days, so names there would make the page grow
            with the number of incidents; a component's own page names them.
    """

    date: date
    status: str
    summary: str
    incidents: tuple[tuple[str, str], ...]
    brief: str = ""


@dataclass(frozen=True)
class UpdateView:
    """One update as a page shows it."""

    update: Update
    status_label: str
    message: Markup
    changes: tuple[str, ...]


@dataclass(frozen=True)
class IncidentView:
    """Everything about one incident, maintenance or notice, as of ``now``."""

    incident: Incident
    url: str
    kind_label: str
    status: UpdateStatus | None
    status_label: str
    is_open: bool
    impact_label: str
    affected: tuple[ComponentLink, ...]
    start: datetime
    end: datetime | None
    duration: str
    promise: Promise | None
    window: tuple[datetime, datetime] | None
    cancelled: bool
    summary: Markup
    updates: tuple[UpdateView, ...]
    postmortem: Markup | None
    duration_words: str = ""
    """``duration`` in words, for a sentence: ``Resolved after 1 hour and 5 minutes``."""
    turns: WindowTurns = field(default_factory=WindowTurns)
    """When a maintenance should turn in progress and completed by its window alone: the
    page's script says so when the reader's clock gets there."""

    @property
    def latest(self) -> UpdateView:
        """The newest update."""
        return self.updates[0]

    @property
    def title(self) -> str:
        return self.incident.title


@dataclass(frozen=True)
class ComponentRow:
    """A component (or a group with its members) on the status page."""

    id: str
    name: str
    description: str
    url: str
    status: ComponentStatus
    uptime: float | None
    days: tuple[DayBar, ...]
    members: tuple[ComponentRow, ...] = ()
    hidden: bool = False
    status_label: str = ""
    uptime_since: str = ""
    """The day its history starts, when that is within the bars' span (``1 Dec 2026``):
    the uptime then covers only the days since."""

    @property
    def is_group(self) -> bool:
        return bool(self.members)


@dataclass(frozen=True)
class RecentDay:
    """One day in the "recent incidents" list: the incidents active that day."""

    date: date
    label: str
    incidents: tuple[IncidentView, ...]


@dataclass(frozen=True)
class HomeView:
    """The status page.

    Attributes:
        overall: The overall status, its description in the page's language.
    """

    now: datetime
    overall: OverallStatus
    open_incidents: tuple[IncidentView, ...]
    active_maintenance: tuple[IncidentView, ...]
    upcoming_maintenance: tuple[IncidentView, ...]
    open_notices: tuple[IncidentView, ...]
    components: tuple[ComponentRow, ...]
    recent_days: tuple[RecentDay, ...]
    history_days: int
    history_url: str
    feeds: tuple[tuple[str, str], ...]
    subscribe_email: str | None = None
    """Where readers sign up for email about the whole site (``subscribe_email``)."""


@dataclass(frozen=True)
class MonthLink:
    year: int
    month: int
    label: str
    url: str
    count: int


@dataclass(frozen=True)
class HistoryMonthView:
    """One month of history, newest incident first."""

    year: int
    month: int
    label: str
    url: str
    incidents: tuple[IncidentView, ...]
    newer: MonthLink | None = None
    older: MonthLink | None = None


@dataclass(frozen=True)
class HistoryIndexView:
    months: tuple[MonthLink, ...]


@dataclass(frozen=True)
class MeasuredRow:
    """One window in the table of measured figures, every figure in the reader's words."""

    label: str
    """``Last 24 hours``."""
    median: str
    """``120 ms``, or ``no data``."""
    p95: str
    availability: str
    """``99.95%``, or ``no data``."""
    probes: str
    """How many probes ran in the window: ``288``."""


@dataclass(frozen=True)
class LatencyChart:
    """One window's chart: step lines of the median and the 95th percentile per bucket.

    The paths are drawn in a box ``width`` wide (one unit per bucket, oldest first) and
    100 high (0 at the top: ``top``; 100 at the bottom: 0 ms), stretched to the page's
    width; a bucket without a measured latency breaks the lines.
    """

    caption: str
    """``Last 24 hours``."""
    label: str
    """The chart's accessible name: whose response time, over what, how often."""
    width: int
    median_path: str
    p95_path: str
    top: str
    """What the top of the chart stands for: ``500 ms``."""
    bottom: str
    """``0 ms``."""
    start: datetime
    end: datetime


@dataclass(frozen=True)
class MeasuredView:
    """What the probes measured of one component, beside what people posted."""

    rows: tuple[MeasuredRow, ...]
    charts: tuple[LatencyChart, ...]
    """The windows with a latency to draw, shortest first."""
    availability_label: str
    """``Measured by probes, last 90 days`` (or ``since`` the first probe, when later)."""
    availability: float | None


COMPONENT_INCIDENT_DAYS = 365
"""A component page lists the incidents of the last year, as far back as its longest
uptime figure; older ones are in the history, so that the page does not grow for ever."""


@dataclass(frozen=True)
class ComponentPageView:
    """One component's or group's page."""

    row: ComponentRow
    group: ComponentLink | None
    uptimes: tuple[tuple[str, float | None], ...]
    """(what the figure covers, in the reader's words, such as ``Uptime, last 30 days`` or
    ``Uptime since 1 Dec 2026``; the figure): the spans the history really has."""
    incidents: tuple[IncidentView, ...]
    """The incidents of the last ``COMPONENT_INCIDENT_DAYS`` days (and any still open)."""
    feeds: tuple[tuple[str, str], ...]
    period: str = ""
    """``365 days``: how far back ``incidents`` goes, in the reader's words."""
    older_count: int = 0
    """Incidents that touched it before that: the history lists them by month."""
    subscribe_email: str | None = None
    """Where readers sign up for email about it: its own (or its group's) list, else the
    site's, which hears of everything."""
    measured: MeasuredView | None = None
    """What its probes measured, when it has results in the longest window."""


@dataclass
class SiteViews:
    """Every page's view, keyed by the page's URL (as laid out)."""

    home: HomeView
    incidents: dict[str, IncidentView] = field(default_factory=dict)
    history: HistoryIndexView = field(default_factory=lambda: HistoryIndexView(()))
    months: dict[str, HistoryMonthView] = field(default_factory=dict)
    components: dict[str, ComponentPageView] = field(default_factory=dict)
