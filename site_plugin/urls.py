"""Where every generated page lives: URL layouts expanded in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UrlLayout:
    """The URL format strings of a site, relative to its root, each ending in ``/``.

    Attributes:
        incident: Format with ``{id}``.
        component: Format with ``{id}``.
        history: The history index.
        history_month: Format with ``{year}`` and ``{month}``.
    """

    incident: str = "incidents/{id}/"
    component: str = "components/{id}/"
    history: str = "history/"
    history_month: str = "history/{year}-{month:02d}/"

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
