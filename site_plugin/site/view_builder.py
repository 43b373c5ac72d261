"""Building the views: every page's data computed once per build from the model and the
status engine, for one moment (what is in the views: ``views.py``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup

from ..content.measurements import ProbeSeries
from ..content.model import (
    Catalog,
    Component,
    ComponentStatus,
    Group,
    Incident,
    StatusSite,
    Update,
)
from ..engine.history import Day, History
from ..engine.measured import measured_figures
from ..engine.status import (
    active_maintenance,
    component_statuses_at,
    group_status,
    incident_status_at,
    maintenance_cancelled,
    maintenance_span,
    maintenance_window,
    next_update_promise,
    open_incidents,
    open_notices,
    overall_status,
    resolved_at,
    upcoming_maintenance,
    window_turns,
)
from ..present.context import SiteContext
from ..present.i18n import Translator
from ..present.labels import (
    component_status_label,
    component_status_phrase,
    impact_label,
    kind_label,
    translated_overall,
    update_label,
    update_status_label,
)
from .measured import measured_view
from .views import (
    COMPONENT_INCIDENT_DAYS,
    ComponentLink,
    ComponentPageView,
    ComponentRow,
    DayBar,
    HistoryIndexView,
    HistoryMonthView,
    HomeView,
    IncidentView,
    MeasuredView,
    MonthLink,
    RecentDay,
    RenderMarkdown,
    SiteViews,
    UpdateView,
)


class ViewBuilder:
    """Builds the views of a whole site for one moment.

    Args:
        site: The validated content.
        now: The moment the site describes.
        context: The site: its URL layouts, language and time zone (days of history
            and months).
        render: Markdown to safe HTML.
        history_days: Days of bars.
        recent_days: Days of the "recent incidents" list.
        history_start: The day the status page started: no history before it.
        measurements: Each component's probe results (at least the longest measured
            window's); a component without any shows no measured figures.
    """

    def __init__(
        self,
        site: StatusSite,
        *,
        now: datetime,
        context: SiteContext,
        render: RenderMarkdown,
        history_days: int = 90,
        recent_days: int = 7,
        history_start: date | None = None,
        measurements: Mapping[str, ProbeSeries] | None = None,
    ) -> None:
        self.site = site
        self.catalog: Catalog = site.catalog
        self.now = now.astimezone(UTC)
        self.zone = ZoneInfo(context.timezone)
        self.layout = context.layout
        self.subscribe_email = context.subscribe_email
        self.render = render
        self.history_days = history_days
        self.recent_days = recent_days
        self.t = context.translator
        self.history = History(site, self.now, self.zone, start=history_start)
        self.statuses = component_statuses_at(site, self.now)
        self.measurements = measurements or {}
        self._incident_views: dict[str, IncidentView] = {}
        self.incident_by_id = {incident.id: incident for incident in site.incidents}

    # -- pieces ------------------------------------------------------------------------

    def status_of(self, entry: Component | Group) -> ComponentStatus:
        if isinstance(entry, Group):
            return group_status(entry, self.statuses)
        return self.statuses[entry.id]

    def component_link(self, entry_id: str) -> ComponentLink:
        entry = self.catalog.get(entry_id)
        assert entry is not None
        status = self.status_of(entry)
        return ComponentLink(
            entry.id,
            entry.name,
            self.layout.component_url(entry.id),
            status,
            component_status_label(self.t, status),
        )

    def incident_view(self, incident: Incident) -> IncidentView:
        """The view of one incident (built once, shared by every page that lists it)."""
        cached = self._incident_views.get(incident.id)
        if cached is not None:
            return cached
        now = self.now
        t = self.t
        status = incident_status_at(incident, now)
        window = None
        cancelled = False
        lasted: timedelta | None = None
        if incident.is_maintenance:
            window = maintenance_window(incident, now)
            cancelled = maintenance_cancelled(incident, now)
            span = maintenance_span(incident, now)
            if cancelled:
                status_label = t.gettext("Cancelled")
            elif status is not None:
                status_label = update_status_label(t, status)
            else:
                status_label = t.gettext("Announced")
            start = span[0] if span else window[0]
            end = None if cancelled else resolved_at(incident, now)
            if span is not None and not cancelled:
                lasted = span[1] - span[0]
            elif not cancelled:
                # Not started yet: how long the work is planned to take.
                lasted = window[1] - window[0]
        else:
            posted = incident.updates_until(now)
            latest = posted[-1] if posted else incident.first_update
            status_label = update_label(t, incident, latest)
            start = incident.start
            end = resolved_at(incident, now)
            # A notice informs: how long it has been up says nothing, so it has no duration.
            if not incident.is_notice and end is None:
                lasted = now - start
            elif not incident.is_notice and end is not None and end > start:
                lasted = end - start
        is_open = status is None or not status.is_final
        # As written in index.md (groups stay groups), then what updates added.
        names = dict.fromkeys(incident.affected_ids)
        covered = {leaf for entry_id in names for leaf in self.catalog.leaf_ids(entry_id)}
        for component_id in incident.component_ids:
            if component_id not in covered:
                names[component_id] = None
        view = IncidentView(
            incident=incident,
            url=self.layout.incident_url(incident.id),
            kind_label=kind_label(t, incident.kind),
            status=status,
            status_label=status_label,
            is_open=is_open,
            impact_label=impact_label(t, incident.impact),
            affected=tuple(self.component_link(entry_id) for entry_id in names),
            start=start,
            end=end,
            duration=t.duration_text(lasted) if lasted is not None else "",
            duration_words=t.duration_words(lasted) if lasted is not None else "",
            promise=next_update_promise(incident, now),
            window=window,
            turns=window_turns(incident, now),
            cancelled=cancelled,
            summary=self.render(incident.summary) if incident.summary else Markup(""),
            updates=tuple(
                self.update_view(incident, update) for update in reversed(incident.updates)
            ),
            postmortem=self.render(incident.postmortem.body) if incident.postmortem else None,
        )
        self._incident_views[incident.id] = view
        return view

    def update_view(self, incident: Incident, update: Update) -> UpdateView:
        t = self.t
        label = update_label(t, incident, update)
        changes = []
        for component_id, component_status in update.affected or ():
            entry = self.catalog.get(component_id)
            name = entry.name if entry else component_id
            changes.append(
                t.gettext(
                    "%(component)s: %(status)s",
                    component=name,
                    status=component_status_phrase(t, component_status),
                )
            )
        if update.scheduled_start or update.scheduled_end:
            changes.append(t.gettext("The maintenance window changed."))
        return UpdateView(update, label, self.render(update.message), tuple(changes))

    def feed_links(self, component_id: str | None) -> tuple[tuple[str, str], ...]:
        """(label, URL) of the Atom and RSS feeds for the site or one component."""
        return (
            (self.t.gettext("Atom feed"), self.layout.feed_url(component_id, "atom")),
            (self.t.gettext("RSS feed"), self.layout.feed_url(component_id, "rss")),
        )

    def subscribe_email_of(self, entry_id: str) -> str | None:
        """Where to sign up for email about one component or group: its own list (a
        member has its group's when it has none), else the site's."""
        entry = self.catalog.get(entry_id)
        own = entry.subscribe_email if entry is not None else None
        return own or self.subscribe_email

    def day_bars(self, entry_id: str) -> tuple[DayBar, ...]:
        bars = []
        for day in self.history.days(entry_id, self.history_days):
            incidents = tuple(
                (self.incident_by_id[incident_id].title, self.layout.incident_url(incident_id))
                for incident_id in day.incident_ids
            )
            summary = _day_summary(self.t, day, incidents)
            brief = _day_summary(self.t, day, incidents, name_incidents=False)
            bars.append(DayBar(day.date, _bar_status(day), summary, incidents, brief))
        return tuple(bars)

    def component_row(self, entry: Component | Group) -> ComponentRow:
        members: tuple[ComponentRow, ...] = ()
        if isinstance(entry, Group):
            members = tuple(self.component_row(member) for member in entry.components)
        status = self.status_of(entry)
        return ComponentRow(
            id=entry.id,
            name=entry.name,
            description=entry.description,
            url=self.layout.component_url(entry.id),
            status=status,
            uptime=self.history.uptime_over_days(entry.id, self.history_days),
            days=self.day_bars(entry.id),
            members=members,
            hidden=entry.hidden_unless_affected and status is ComponentStatus.OPERATIONAL,
            status_label=component_status_label(self.t, status),
            uptime_since=self.since_text(entry.id, self.history_days),
        )

    def measured(self, entry_id: str, name: str) -> MeasuredView | None:
        """What the component's probes measured, beside what people posted; ``None``
        without results (and for a group: probes measure components)."""
        series = self.measurements.get(entry_id)
        if series is None or not len(series):
            return None
        figures = measured_figures(series, self.now)
        longest = figures[-1]
        since = ""
        if longest.first is not None and longest.first - longest.start > longest.window.bucket:
            # The probes started within the window: say since when the figure counts.
            since = self.t.date_text(longest.first.astimezone(self.zone).date())
        return measured_view(self.t, name, figures, since)

    def since_text(self, entry_id: str, days: int) -> str:
        """``1 Dec 2026`` when the history starts within the last ``days`` days, else ``""``."""
        start = self.history.starts_within(entry_id, days)
        return self.t.date_text(start) if start is not None else ""

    # -- pages -------------------------------------------------------------------------

    def home(self, rows: Sequence[ComponentRow]) -> HomeView:
        now = self.now
        return HomeView(
            now=now,
            overall=translated_overall(self.t, overall_status(self.site, now)),
            open_incidents=tuple(map(self.incident_view, open_incidents(self.site, now))),
            active_maintenance=tuple(map(self.incident_view, active_maintenance(self.site, now))),
            upcoming_maintenance=tuple(
                map(self.incident_view, upcoming_maintenance(self.site, now))
            ),
            open_notices=tuple(map(self.incident_view, open_notices(self.site, now))),
            components=tuple(rows),
            recent_days=self.recent(),
            history_days=self.history_days,
            history_url=self.layout.history_url(),
            feeds=self.feed_links(None),
            subscribe_email=self.subscribe_email,
        )

    def recent(self) -> tuple[RecentDay, ...]:
        """The last ``recent_days`` days, newest first, each with the incidents active then."""
        today = self.now.astimezone(self.zone).date()
        first = today - timedelta(days=self.recent_days - 1)
        window_start = self.history.day_start(first)
        by_day: dict[date, list[Incident]] = defaultdict(list)
        for incident in self.site.incidents:
            if incident.is_maintenance:
                span = maintenance_span(incident, self.now)
                if span is None:
                    continue
                start, view_end = span
            else:
                start = incident.start
                view_end = resolved_at(incident, self.now) or self.now
            if view_end < window_start or start > self.now:
                continue
            day = max(start, window_start).astimezone(self.zone).date()
            last = view_end.astimezone(self.zone).date()
            while day <= last:
                by_day[day].append(incident)
                day += timedelta(days=1)
        days = []
        for offset in range(self.recent_days):
            day = today - timedelta(days=offset)
            incidents = sorted(
                by_day.get(day, []), key=lambda incident: incident.start, reverse=True
            )
            days.append(
                RecentDay(day, self.t.day_text(day), tuple(map(self.incident_view, incidents)))
            )
        return tuple(days)

    def listed_at(self, incident: Incident) -> datetime:
        """Where an incident sits in time in lists: its start; maintenance: its window."""
        if incident.is_maintenance:
            return maintenance_window(incident, self.now)[0]
        return incident.start

    def month_key(self, incident: Incident) -> tuple[int, int]:
        local = self.listed_at(incident).astimezone(self.zone)
        return local.year, local.month

    def build(self) -> SiteViews:
        """Every page's view."""
        rows = [self.component_row(entry) for entry in self.catalog.entries]
        views = SiteViews(home=self.home(rows))
        for incident in self.site.incidents:
            view = self.incident_view(incident)
            views.incidents[view.url] = view
        self.build_history(views)
        self.build_components(views, rows)
        return views

    def build_history(self, views: SiteViews) -> None:
        by_month: dict[tuple[int, int], list[Incident]] = defaultdict(list)
        for incident in self.site.incidents:
            by_month[self.month_key(incident)].append(incident)
        keys = sorted(by_month, reverse=True)
        links = [
            MonthLink(
                year,
                month,
                self.t.month_text(year, month),
                self.layout.history_month_url(year, month),
                len(by_month[(year, month)]),
            )
            for year, month in keys
        ]
        views.history = HistoryIndexView(tuple(links))
        for index, link in enumerate(links):
            incidents = sorted(by_month[(link.year, link.month)], key=self.listed_at, reverse=True)
            views.months[link.url] = HistoryMonthView(
                year=link.year,
                month=link.month,
                label=link.label,
                url=link.url,
                incidents=tuple(map(self.incident_view, incidents)),
                newer=links[index - 1] if index > 0 else None,
                older=links[index + 1] if index + 1 < len(links) else None,
            )

    def build_components(self, views: SiteViews, rows: Sequence[ComponentRow]) -> None:
        touching: dict[str, list[Incident]] = defaultdict(list)
        for incident in self.site.incidents:
            for component_id in incident.component_ids:
                touching[component_id].append(incident)
        flat: list[tuple[ComponentRow, ComponentLink | None]] = []
        for row in rows:
            flat.append((row, None))
            group: ComponentLink | None = ComponentLink(
                row.id, row.name, row.url, row.status, row.status_label
            )
            flat.extend((member, group) for member in row.members)
        for row, group in flat:
            leaves = self.catalog.leaf_ids(row.id)
            incidents = {
                incident.id: incident for leaf in leaves for incident in touching.get(leaf, [])
            }
            ordered = sorted(incidents.values(), key=self.listed_at, reverse=True)
            today = self.now.astimezone(self.zone).date()
            cutoff = self.history.day_start(today - timedelta(days=COMPONENT_INCIDENT_DAYS - 1))
            recent = [incident for incident in ordered if self.ended_after(incident, cutoff)]
            uptimes: list[tuple[str, float | None]] = []
            for days in (30, 90, 365):
                since = self.since_text(row.id, days)
                figure = self.history.uptime(
                    row.id, self.history.day_start(today - timedelta(days=days - 1))
                )
                if since:
                    # The history is shorter than this span, and so than every longer one.
                    uptimes.append((self.t.gettext("Uptime since %(day)s", day=since), figure))
                    break
                period = self.t.ngettext("%(num)d day", "%(num)d days", days)
                uptimes.append((self.t.gettext("Uptime, last %(period)s", period=period), figure))
            views.components[row.url] = ComponentPageView(
                row=row,
                group=group,
                uptimes=tuple(uptimes),
                incidents=tuple(map(self.incident_view, recent)),
                feeds=self.feed_links(row.id),
                period=self.t.ngettext("%(num)d day", "%(num)d days", COMPONENT_INCIDENT_DAYS),
                older_count=len(ordered) - len(recent),
                subscribe_email=self.subscribe_email_of(row.id),
                measured=None if row.is_group else self.measured(row.id, row.name),
            )

    def ended_after(self, incident: Incident, moment: datetime) -> bool:
        """Whether the incident was still going on (or yet to come) at ``moment``."""
        if self.listed_at(incident) >= moment:
            return True
        end = resolved_at(incident, self.now)
        return end is None or end >= moment


# A day's summary names this many incidents, then counts the rest: every component has a
# summary for each of its 90 days, so the page would otherwise grow with incident count.
TITLES_PER_DAY = 3


def _bar_status(day: Day) -> str:
    return "none" if day.worst is None else day.worst.value


def _day_summary(
    t: Translator,
    day: Day,
    incidents: tuple[tuple[str, str], ...],
    *,
    name_incidents: bool = True,
) -> str:
    """``Fri 20 Nov 2026: partial outage 50m. Elevated error rates on the REST API``,
    or ``Fri 20 Nov 2026: partial outage. 1 incident`` without ``name_incidents``."""
    when = t.day_text(day.date)
    if day.worst is None:
        return t.gettext("%(day)s: no data", day=when)
    if not incidents:
        return t.gettext("%(day)s: no incidents", day=when)
    if not name_incidents:
        # The status page's brief form: the worst status and a count. Minutes and names
        # are on the component's page; here they would grow with every incident.
        return t.ngettext(
            "%(day)s: %(summary)s. %(num)d incident",
            "%(day)s: %(summary)s. %(num)d incidents",
            len(incidents),
            day=when,
            summary=component_status_phrase(t, day.worst),
        )
    parts = []
    if day.major_minutes >= 1:
        parts.append(
            t.gettext("major outage %(duration)s", duration=t.minutes_text(day.major_minutes))
        )
    if day.partial_minutes >= 1:
        parts.append(
            t.gettext("partial outage %(duration)s", duration=t.minutes_text(day.partial_minutes))
        )
    if not parts:
        parts.append(component_status_phrase(t, day.worst))
    titles = "; ".join(title for title, _ in incidents[:TITLES_PER_DAY])
    if len(incidents) > TITLES_PER_DAY:
        more = len(incidents) - TITLES_PER_DAY
        titles = t.ngettext(
            "%(titles)s; and %(num)d more", "%(titles)s; and %(num)d more", more, titles=titles
        )
    return t.gettext(
        "%(day)s: %(summary)s. %(incidents)s",
        day=when,
        summary=", ".join(parts),
        incidents=titles,
    )
