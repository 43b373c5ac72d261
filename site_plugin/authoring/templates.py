"""Message templates: the team's own or Herald's, rendered in Jinja's sandbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ..content.model import (
    Catalog,
)
from ..errors import AuthoringError
from ..present.formatting import utc_clock, utc_text
from ..present.message_templates import (
    PACKAGE_TEMPLATES,
    TemplateProblem,
    render_message,
    team_template,
)
from .inputs import Workspace

__all__ = ["PACKAGE_TEMPLATES", "names_text", "render_template", "template_context"]


def render_template(workspace: Workspace, name: str, context: dict[str, Any]) -> str:
    """A message template: the team's ``templates/<name>.md`` if any, else Herald's."""
    try:
        own = team_template(workspace.paths.root, workspace.templates, name)
        folders = [own.parent] if own is not None else []
        return render_message(folders, name, context)
    except TemplateProblem as problem:
        raise AuthoringError(problem.message, problem.fix) from None


def names_text(names: Sequence[str]) -> str:
    """``REST API``, ``REST API and Dashboard``, ``A, B and C``; "the service" for none."""
    if not names:
        return "the service"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def template_context(
    catalog: Catalog,
    component_ids: Sequence[str],
    *,
    title: str,
    at: datetime,
    next_update: datetime | None,
    start: datetime | None = None,
    end: datetime | None = None,
    duration: str = "",
    since: datetime | None = None,
) -> dict[str, Any]:
    names = []
    for component_id in component_ids:
        entry = catalog.get(component_id)
        if entry is not None:
            names.append(entry.name)
    return {
        "title": title,
        "components": names,
        "components_text": names_text(names),
        "at_text": utc_text(at),
        "next_text": _promise_text(next_update, at) if next_update else "",
        "start_text": utc_text(start) if start else "",
        "end_text": utc_text(end) if end else "",
        "duration": duration,
        "since_text": _promise_text(since, at) if since else "",
    }


def _promise_text(due: datetime, at: datetime) -> str:
    """``14:40 UTC`` on the day of the update, ``26 Nov 2026, 09:00 UTC`` otherwise."""
    same_day = due.astimezone(UTC).date() == at.astimezone(UTC).date()
    return utc_clock(due) if same_day else utc_text(due)
