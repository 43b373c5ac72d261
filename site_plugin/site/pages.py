"""The pages Herald generates: which template, title and view each source path gets,
and the feed links every page carries. No MkDocs here: the plugin hands these over."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from ..present.urls import UrlLayout, absolute_url, source_path
from .views import SiteViews

FEED_TYPES = (("atom", "application/atom+xml"), ("rss", "application/rss+xml"))


@dataclass(frozen=True)
class GeneratedPage:
    """A page the plugin adds: its template, its title and what it shows."""

    template: str
    title: str
    view: Any
    description: str = ""


def page_table(
    views: SiteViews, layout: UrlLayout, *, home_title: str, history_title: str
) -> dict[str, GeneratedPage]:
    """Every generated page by source path."""
    pages = {
        source_path(""): GeneratedPage(
            "herald/home.html", home_title, views.home, views.home.overall.description
        ),
        source_path(layout.history_url()): GeneratedPage(
            "herald/history.html", history_title, views.history
        ),
    }
    for url, incident in views.incidents.items():
        pages[source_path(url)] = GeneratedPage(
            "herald/incident.html", incident.title, incident, incident.kind_label
        )
    for url, month in views.months.items():
        pages[source_path(url)] = GeneratedPage(
            "herald/history_month.html", f"{history_title}: {month.label}", month
        )
    for url, component in views.components.items():
        pages[source_path(url)] = GeneratedPage(
            "herald/component.html", component.row.name, component
        )
    return pages


def feed_links(
    site_url: str, layout: UrlLayout, site_title: str, page: GeneratedPage | None
) -> str:
    """``<link rel="alternate">`` tags for the site's feeds, and the page's component's."""
    scopes: list[tuple[str | None, str]] = [(None, site_title)]
    if page is not None and page.template == "herald/component.html":
        component = page.view.row
        scopes.append((component.id, f"{site_title}: {component.name}"))
    tags = []
    for component_id, title in scopes:
        for extension, media_type in FEED_TYPES:
            href = absolute_url(site_url, layout.feed_url(component_id, extension))
            tags.append(
                f'<link rel="alternate" type="{media_type}" title="{escape(title)}"'
                f' href="{escape(href)}">'
            )
    return "".join(tags)
