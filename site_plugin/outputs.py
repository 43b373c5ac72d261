"""Every file besides the HTML pages: feeds, the JSON API, calendars and badges.

One function gathers them as ``{site-relative path: bytes}`` from the same model and
moment as the pages; the plugin hands them to MkDocs to write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .feeds import FeedScope, FeedSite, build_feed
from .model import Group, StatusSite
from .urls import UrlLayout
from .views import RenderMarkdown


@dataclass(frozen=True)
class OutputOptions:
    """What the outputs need besides the model."""

    site_name: str
    site_url: str
    layout: UrlLayout
    render: RenderMarkdown
    now: datetime
    timezone: str = "UTC"
    feed_size: int = 50


def feed_title(site_name: str, subject: str | None = None) -> str:
    """``Acme status - incident history`` (with an en dash), or with a component's name."""
    name = site_name if site_name.lower().endswith("status") else f"{site_name} status"
    return f"{name} \u2013 {subject + ' ' if subject else ''}incident history"


def build_outputs(site: StatusSite, options: OutputOptions) -> dict[str, bytes]:
    """Every non-HTML file of the site, by site-relative path."""
    files: dict[str, bytes] = {}
    layout = options.layout
    feed_site = FeedSite(
        name=options.site_name,
        url=options.site_url,
        catalog=site.catalog,
        incident_url=layout.incident_url,
        render=options.render,
        now=options.now,
        size=options.feed_size,
    )
    scopes = [FeedScope(feed_title(options.site_name), None, layout.feed_url(None, "atom"), "")]
    for entry in [*site.catalog.entries, *(c for g in site.catalog.groups for c in g.components)]:
        leaves = entry.component_ids if isinstance(entry, Group) else (entry.id,)
        scopes.append(
            FeedScope(
                feed_title(options.site_name, entry.name),
                frozenset(leaves),
                layout.feed_url(entry.id, "atom"),
                layout.component_url(entry.id),
            )
        )
    for scope in scopes:
        feed = build_feed(feed_site, scope, site.incidents)
        files[scope.path] = feed.atom_str(pretty=True)
        files[scope.path[: -len("atom")] + "rss"] = feed.rss_str(pretty=True)
    return files
