"""Atom and RSS feeds of incidents: one function, for the whole site or one component.

Each incident, maintenance or notice is one entry whose content carries every update,
newest first, so a reader sees the whole story in the feed. Entry ids never change once
published: they derive from the site's host, the incident's start date and its id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from markupsafe import Markup, escape

from . import __version__
from .formatting import utc_text
from .model import Catalog, Incident
from .status import maintenance_window, next_update_promise, resolved_at
from .views import KIND_LABELS, status_label

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
    """

    title: str
    component_ids: frozenset[str] | None
    path: str
    page: str

    def covers(self, incident: Incident) -> bool:
        if self.component_ids is None:
            return True
        return not self.component_ids.isdisjoint(incident.component_set)


@dataclass
class FeedSite:
    """What every feed needs to know about the site."""

    name: str
    url: str
    catalog: Catalog
    incident_url: Callable[[str], str]
    render: RenderMarkdown
    now: datetime
    size: int = 50
    entries: dict[str, str] = field(default_factory=dict)
    """Each incident's entry HTML, built once and shared by every feed that lists it."""

    def absolute(self, path: str) -> str:
        return self.url.rstrip("/") + "/" + path.lstrip("/")


def entry_id(site_url: str, incident: Incident) -> str:
    """A ``tag:`` URI that stays the same for as long as the site keeps its host."""
    host = urlsplit(site_url).hostname or "localhost"
    return f"tag:{host},{incident.start:%Y-%m-%d}:incidents/{incident.id}"


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
    feed = FeedGenerator()
    feed.id(site.absolute(scope.path))
    feed.title(scope.title)
    feed.subtitle(f"Incidents, maintenance and notices from {site.name}")
    feed.link(href=site.absolute(scope.path), rel="self", type="application/atom+xml")
    feed.link(href=site.absolute(scope.page), rel="alternate", type="text/html")
    feed.language("en")
    # RFC 4287: a feed has an author unless every entry has one.
    feed.author(name=site.name, uri=site.absolute(""))
    feed.generator("Herald", __version__)
    feed.updated(chosen[0].last_changed if chosen else site.now)
    for incident in chosen:
        add_entry(feed, site, incident)
    return feed


def add_entry(feed: FeedGenerator, site: FeedSite, incident: Incident) -> None:
    entry = feed.add_entry(order="append")
    link = site.absolute(site.incident_url(incident.id))
    entry.id(entry_id(site.url, incident))
    entry.guid(entry_id(site.url, incident), permalink=False)
    entry.title(incident.title)
    entry.link(href=link, rel="alternate", type="text/html")
    entry.published(incident.first_update.at)
    entry.updated(incident.last_changed)
    entry.category(term=incident.kind.value, label=KIND_LABELS[incident.kind])
    for component_id in incident.component_ids:
        component = site.catalog.get(component_id)
        if component is not None:
            entry.category(term=component.id, label=component.name)
    html = site.entries.get(incident.id)
    if html is None:
        html = site.entries[incident.id] = entry_html(site, incident)
    entry.content(html, type="html")
    entry.summary(summary_text(site, incident))


def entry_html(site: FeedSite, incident: Incident) -> str:
    """The whole story as HTML: facts, the promise, the report, every update newest first."""
    parts: list[str] = []
    facts = [f"{KIND_LABELS[incident.kind]}"]
    if incident.is_maintenance:
        start, end = maintenance_window(incident, site.now)
        facts.append(f"window {utc_text(start)} to {utc_text(end)}")
    elif not incident.is_notice:
        facts.append(f"{incident.impact.value} impact")
    names = [
        component.name
        for component_id in incident.component_ids
        if (component := site.catalog.get(component_id)) is not None
    ]
    if names:
        facts.append("affects " + ", ".join(names))
    parts.append(f"<p>{escape(' · '.join(facts))}</p>")
    promise = next_update_promise(incident, site.now)
    if promise is not None:
        parts.append(f"<p><strong>Next update by {escape(utc_text(promise.due))}.</strong></p>")
    ended = resolved_at(incident, site.now)
    if ended is not None and not incident.is_notice:
        parts.append(f"<p>Ended {escape(utc_text(ended))}.</p>")
    if incident.postmortem is not None:
        parts.append(
            f"<h2>Post-incident report</h2><p>Published"
            f" {escape(utc_text(incident.postmortem.published))}</p>"
            f"{site.render(incident.postmortem.body)}"
        )
    for update in reversed(incident.updates):
        heading = f"{status_label(incident, update)} · {utc_text(update.at)}"
        parts.append(f"<h3>{escape(heading)}</h3>{site.render(update.message)}")
    parts.append(
        f'<p><a href="{escape(site.absolute(site.incident_url(incident.id)))}">'
        "Read this on the status page</a></p>"
    )
    return "\n".join(parts)


def summary_text(site: FeedSite, incident: Incident) -> str:
    """One line for readers that show only a summary: the latest status and its time."""
    latest = incident.latest_update
    return f"{status_label(incident, latest)} · {utc_text(latest.at)}: {incident.title}"
