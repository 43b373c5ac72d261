"""Message templates: the team's own or Herald's, rendered in Jinja's sandbox."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox

from ..content.model import (
    Catalog,
)
from ..errors import AuthoringError
from ..options import path_is_inside
from ..present.formatting import utc_clock, utc_text
from .inputs import Workspace

PACKAGE_TEMPLATES = Path(__file__).parent.parent / "message_templates"


def render_template(workspace: Workspace, name: str, context: dict[str, Any]) -> str:
    """A message template: the team's ``templates/<name>.md`` if any, else Herald's."""
    folders = [str(workspace.templates)] if workspace.templates else []
    own = workspace.templates / f"{name}.md" if workspace.templates else None
    if own is not None and os.path.lexists(own) and not path_is_inside(workspace.paths.root, own):
        raise AuthoringError(
            f"the message template {workspace.relative(own)} is a link out of the repository",
            "replace the link with the template itself",
        )
    # Sandboxed: a template is a file anyone can propose in a pull request, and the
    # post-update workflow renders it; it may fill in text, never reach Python.
    environment = jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([*folders, str(PACKAGE_TEMPLATES)]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown, not HTML: the renderer shows raw HTML as text.
    )
    environment.filters["capitalize_first"] = lambda text: text[:1].upper() + text[1:]
    try:
        template = environment.get_template(f"{name}.md")
    except jinja2.TemplateNotFound:
        available = sorted(path.stem for path in PACKAGE_TEMPLATES.glob("*.md"))
        raise AuthoringError(
            f"no message template '{name}'", f"use one of: {', '.join(available)}"
        ) from None
    try:
        return template.render(context).strip() + "\n"
    except jinja2.TemplateError as error:
        raise AuthoringError(f"message template '{name}' failed: {error}") from None


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
    }


def _promise_text(due: datetime, at: datetime) -> str:
    """``14:40 UTC`` on the day of the update, ``26 Nov 2026, 09:00 UTC`` otherwise."""
    same_day = due.astimezone(UTC).date() == at.astimezone(UTC).date()
    return utc_clock(due) if same_day else utc_text(due)
