"""Atom and RSS feeds of incidents: one function, for the whole site or one component.

Each incident, maintenance or notice is one entry whose content carries every update,
newest first, so a reader sees the whole story in the feed. Entry ids never change once
published: they derive from the site's host, the incident's start date and its id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from markupsafe import Markup, escape

from .. import __version__
from ..content.model import Catalog, Incident
from ..engine.status import maintenance_window, next_update_promise, resolved_at
from ..present.context import SiteContext
from ..present.labels import impact_phrase, kind_label, update_label

RenderMarkdown = Callable[[str], Markup]


@dataclass(frozen=True)
class FeedScope:
    """What a feed covers and where it lives.

    Attributes:
        title: The feed's title.
        component_ids: Leaf components an incident must touch to be included;
            ``None`` for the whole site.
        path: The site-relative URL of the Atom feed; RSS sits beside it.
        page: The site-relative URL of the HTML page the feed mirrors.
        subject: The component's or group's name; ``None`` for the whole site.
    """

    title: str
    component_ids: frozenset[str] | None
    path: str
    page: str
    subject: str | None = None

    def covers(self, incident: Incident) -> bool:
        if self.component_ids is None:
            return True
        return not self.component_ids.isdisjoint(incident.component_set)


@dataclass
class FeedSite:
    """One build's feeds: the site, its components, and the entries built so far.

    The feeds speak the context's language (their texts, times and ``language``
    element) and link through its URL layout.
    """

    context: SiteContext
    catalog: Catalog
    render: RenderMarkdown
    now: datetime
    size: int = 50
    entries: dict[str, FeedEntry] = field(default_factory=dict)
    """Each incident's entry, built once and shared by every feed that lists it."""


def entry_id(context: SiteContext, incident: Incident) -> str:
    """A ``tag:`` URI that stays the same for as long as the site keeps its host."""
    return f"tag:{context.host},{incident.start:%Y-%m-%d}:incidents/{incident.id}"


def build_feed(site: FeedSite, scope: FeedScope, incidents: Iterable[Incident]) -> FeedGenerator:
    """The feed of ``scope``: the ``site.size`` most recently updated entries, newest first.

    ``incidents`` may come in any order; pass them newest first and only the first
    ``site.size`` that ``scope`` covers are looked at.
    """
    chosen: list[Incident] = []
    for incident in incidents:
        if scope.covers(incident):
            chosen.append(incident)
            if len(chosen) == site.size:
                break
    chosen.sort(key=lambda incident: (incident.last_changed, incident.id), reverse=True)
    context = site.context
    feed = FeedGenerator()
    feed.id(context.absolute(scope.path))
    feed.title(scope.title)
    feed.subtitle(
        context.translator.gettext(
            "Incidents, maintenance and notices from %(site)s", site=context.name
        )
    )
    feed.link(href=context.absolute(scope.path), rel="self", type="application/atom+xml")
    feed.link(href=context.absolute(scope.page), rel="alternate", type="text/html")
    feed.language(context.translator.lang)
    # RFC 4287: a feed has an author unless every entry has one.
    feed.author(name=context.name, uri=context.absolute(""))
    feed.generator("Herald", __version__)
    feed.updated(chosen[0].last_changed if chosen else site.now)
    for incident in chosen:
        add_entry(feed, site, incident)
    return feed


def add_entry(feed: FeedGenerator, site: FeedSite, incident: Incident) -> None:
    entry = site.entries.get(incident.id)
    if entry is None:
        entry = site.entries[incident.id] = feed_entry(site, incident)
    feed.add_entry(entry, order="append")


class SharedFeedEntry(FeedEntry):  # type: ignore[misc]
    """An entry that several feeds list, turned into XML once per format.

    feedgen builds a fresh element for every feed that lists an entry; an incident is in
    the site's feed and in each of its components' and groups' feeds. Each feed is
    serialised before the next one takes the element (lxml moves an element it is given),
    so the feeds come out as if each had built its own.
    """

    def __init__(self) -> None:
        super().__init__()
        self._atom_element: Any = None
        self._rss_element: Any = None

    def atom_entry(self, extensions: bool = True) -> Any:
        if self._atom_element is None:
            self._atom_element = super().atom_entry(extensions)
        return self._atom_element

    def rss_entry(self, extensions: bool = True) -> Any:
        if self._rss_element is None:
            self._rss_element = super().rss_entry(extensions)
        return self._rss_element


def feed_entry(site: FeedSite, incident: Incident) -> FeedEntry:
    """The incident as one entry, the same in the site's feed and each component's."""
    entry = SharedFeedEntry()
    link = site.context.incident_link(incident.id)
    entry.id(entry_id(site.context, incident))
    entry.guid(entry_id(site.context, incident), permalink=False)
    entry.title(incident.title)
    entry.link(href=link, rel="alternate", type="text/html")
    entry.published(incident.first_update.at)
    entry.updated(incident.last_changed)
    entry.category(
        term=incident.kind.value, label=kind_label(site.context.translator, incident.kind)
    )
    for component_id in incident.component_ids:
        component = site.catalog.get(component_id)
        if component is not None:
            entry.category(term=component.id, label=component.name)
    entry.content(entry_html(site, incident), type="html")
    # RSS readers render <description> as HTML: give it (and Atom's summary) escaped text.
    entry.summary(str(escape(summary_text(site, incident))), type="html")
    return entry


def entry_html(site: FeedSite, incident: Incident) -> str:
    """The whole story as HTML: facts, the promise, the report, every update newest first."""
    t = site.context.translator
    parts: list[str] = []
    facts = [kind_label(t, incident.kind)]
    if incident.is_maintenance:
        start, end = maintenance_window(incident, site.now)
        facts.append(
            t.gettext("window %(start)s to %(end)s", start=t.utc_text(start), end=t.utc_text(end))
        )
    elif not incident.is_notice:
        facts.append(impact_phrase(t, incident.impact))
    names = [
        component.name
        for component_id in incident.component_ids
        if (component := site.catalog.get(component_id)) is not None
    ]
    if names:
        facts.append(t.gettext("affects %(components)s", components=", ".join(names)))
    parts.append(f"<p>{escape(' · '.join(facts))}</p>")
    promise = next_update_promise(incident, site.now)
    if promise is not None:
        promised = t.gettext("Next update by %(time)s.", time=t.utc_text(promise.due))
        parts.append(f"<p><strong>{escape(promised)}</strong></p>")
    ended = resolved_at(incident, site.now)
    # Texts are translated outside the f-strings: the catalogue tools do not look inside.
    if ended is not None and not incident.is_notice:
        ended_text = t.gettext("Ended %(time)s.", time=t.utc_text(ended))
        parts.append(f"<p>{escape(ended_text)}</p>")
    if incident.postmortem is not None:
        report = t.gettext("Post-incident report")
        published = t.gettext("Published %(time)s", time=t.utc_text(incident.postmortem.published))
        parts.append(
            f"<h2>{escape(report)}</h2><p>{escape(published)}</p>"
            f"{site.render(incident.postmortem.body)}"
        )
    for update in reversed(incident.updates):
        heading = f"{update_label(t, incident, update)} · {t.utc_text(update.at)}"
        parts.append(f"<h3>{escape(heading)}</h3>{site.render(update.message)}")
    read_more = t.gettext("Read this on the status page")
    parts.append(
        f'<p><a href="{escape(site.context.incident_link(incident.id))}">'
        f"{escape(read_more)}</a></p>"
    )
    return "\n".join(parts)


def summary_text(site: FeedSite, incident: Incident) -> str:
    """One line for readers that show only a summary: the latest status and its time."""
    t = site.context.translator
    latest = incident.latest_update
    return f"{update_label(t, incident, latest)} · {t.utc_text(latest.at)}: {incident.title}"
