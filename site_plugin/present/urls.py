"""Where every generated page lives: URL layouts expanded in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..content.model import Component, Group, Source, StatusSite
from ..options import HISTORY_SIZE_FIX, history_size_problem
from ..problems import Problem
from ..schema import default


def absolute_url(site_url: str, path: str) -> str:
    """``https://status.example.com/`` and ``incidents/x/``: the one absolute URL."""
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def site_host(site_url: str) -> str:
    """The site's host: what feed entry ids, calendar uids and Message-IDs are made of, so
    that they stay the same for as long as the host does."""
    return urlsplit(site_url).hostname or "localhost"


@dataclass(frozen=True)
class UrlLayout:
    """The URL format strings of a site, relative to its root, each ending in ``/``.

    Attributes:
        incident: Format with ``{id}``.
        component: Format with ``{id}``.
        history: The history index.
        history_month: Format with ``{year}`` and ``{month}``.
    """

    incident: str = default("incident_url")
    component: str = default("component_url")
    history: str = default("history_url")
    history_month: str = default("history_month_url")

    def incident_url(self, incident_id: str) -> str:
        return self.incident.format(id=incident_id)

    def component_url(self, component_id: str) -> str:
        return self.component.format(id=component_id)

    def history_url(self) -> str:
        return self.history

    def history_month_url(self, year: int, month: int) -> str:
        return self.history_month.format(year=year, month=month)

    def beside(self, component_id: str | None, file_name: str) -> str:
        """A file at the site root, or beside a component's page."""
        folder = self.component_url(component_id) if component_id else ""
        return f"{folder}{file_name}"

    def feed_url(self, component_id: str | None, extension: str) -> str:
        """``history.atom`` / ``history.rss`` at the root, or beside a component's page."""
        return self.beside(component_id, f"history.{extension}")


def source_path(url: str) -> str:
    """The Markdown source path that MkDocs turns into ``url`` (``a/b/`` → ``a/b.md``)."""
    stripped = url.strip("/")
    return f"{stripped}.md" if stripped else "index.md"


def page_problems(
    site: StatusSite, layout: UrlLayout, *, history_days: int, config_name: str
) -> list[Problem]:
    """What makes the pages of valid content unpublishable: one page replacing another,
    or more daily bars than a page can carry. ``herald check`` and the build both ask."""
    problems = page_collisions(site, layout)
    too_long = history_size_problem(
        len(site.catalog.components) + len(site.catalog.groups), history_days
    )
    if too_long is not None:
        problems.append(Problem(config_name, 1, too_long, HISTORY_SIZE_FIX))
    return problems


def page_collisions(site: StatusSite, layout: UrlLayout) -> list[Problem]:
    """Pages the URL layouts would put at one address: the later one would silently
    replace the earlier (an incident named ``history`` under ``incident_url: "{id}/"``)."""
    taken = {"": "the status page", layout.history_url(): "the history index"}
    month = re.escape(layout.history_month).replace(r"\{year\}", r"\d{4}")
    month_pattern = re.compile(re.sub(r"\\\{month[^}]*\\\}", r"\\d{1,2}", month))
    problems = []
    entries: list[Component | Group] = [*site.catalog.components, *site.catalog.groups]
    pages: list[tuple[str, str, Source, str]] = [
        (layout.component_url(entry.id), f"component '{entry.id}'", entry.source, "component_url")
        for entry in entries
    ]
    pages += [
        (layout.incident_url(incident.id), f"incident '{incident.id}'", incident.source,
         "incident_url")
        for incident in site.incidents
    ]  # fmt: skip
    for url, name, source, option in pages:
        other = taken.get(url) or ("a month of history" if month_pattern.fullmatch(url) else None)
        if other is not None:
            problems.append(
                Problem(
                    source.path,
                    source.line,
                    f"the page of {name} would be at {url}, where {other} is",
                    f"rename it, or change {option} in mkdocs.yml",
                )
            )
        else:
            taken[url] = f"the page of {name}"
    return problems
