"""Writing incidents and updates: what ``herald new``, ``update`` and ``resolve`` do.

Every function checks everything first and writes only when all is well; what it wrote
is then read back with the loader, and removed again if the loader finds a problem in
it, so a command never leaves half an incident behind."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..content.model import (
    STATUSES_BY_KIND,
    ComponentStatus,
    Impact,
    IncidentKind,
    UpdateStatus,
)
from ..content.rules import INDEX_FILE, POSTING_LEAD, POSTMORTEM_FILE
from ..engine.status import is_open, maintenance_window, resolved_at
from ..errors import AuthoringError
from ..present.formatting import duration_words, utc_text
from ..values import SLUG, utc_iso
from .files import commit_files, front_matter, update_file_name
from .inputs import (
    Workspace,
    find_incident,
    parse_components,
    parse_moment,
    parse_next,
    posted_at,
    slug,
)
from .templates import render_template, template_context

DEFAULT_NEXT_UPDATE = timedelta(minutes=30)


@dataclass(frozen=True)
class NewIncident:
    """What ``herald new`` was asked for."""

    title: str
    kind: IncidentKind = IncidentKind.INCIDENT
    impact: Impact | None = None
    components: tuple[str, ...] = ()
    template: str | None = None
    status: UpdateStatus | None = None
    message: str | None = None
    at: str = "now"
    next_update: str | None = None
    start: str | None = None
    end: str | None = None
    incident_id: str | None = None
    started: datetime | None = None
    """When the problem began, if before the first update (a probe's first failure)."""


@dataclass(frozen=True)
class PreparedIncident:
    """A checked ``herald new``: the files to write but for the first update's message."""

    folder: Path
    index: str
    update_path: Path
    update_fields: str
    template: str
    context: dict[str, Any]


def new_incident(workspace: Workspace, request: NewIncident) -> list[Path]:
    """Create ``incidents/<date>-<slug>/index.md`` and its first update."""
    prepared = prepare_new(workspace, request)
    message = request.message or render_template(workspace, prepared.template, prepared.context)
    if not message.strip():
        raise AuthoringError("the message is empty", "write what customers should know")
    files = {
        prepared.folder / INDEX_FILE: prepared.index,
        prepared.update_path: prepared.update_fields + message.strip() + "\n",
    }
    commit_files(workspace, files, prepared.folder)
    return list(files)


def preview_new(workspace: Workspace, request: NewIncident) -> str:
    """The first update's message as the template would write it."""
    prepared = prepare_new(workspace, request)
    return render_template(workspace, prepared.template, prepared.context)


def prepare_new(workspace: Workspace, request: NewIncident) -> PreparedIncident:
    """Check a ``herald new`` request and compose its files."""
    site = workspace.load()
    title = request.title.strip()
    if not title:
        raise AuthoringError("the title is empty", 'give one, e.g. herald new "Slow API"')
    if "\n" in title or "\r" in title:
        raise AuthoringError("the title has a line break", "write it on one line")
    if request.incident_id is not None and not SLUG.fullmatch(request.incident_id):
        raise AuthoringError(
            f"--id {request.incident_id!r} cannot be an incident folder",
            "use lowercase letters, digits and hyphens, e.g. 2026-11-20-api-errors",
        )
    at = posted_at(request.at, workspace)
    kind = request.kind
    default_status = ComponentStatus.UNDER_MAINTENANCE if kind is IncidentKind.MAINTENANCE else None
    if kind is IncidentKind.NOTICE and request.components:
        raise AuthoringError("a notice cannot affect components", "remove --component")
    components = parse_components(request.components, site.catalog, default=default_status)
    allowed = STATUSES_BY_KIND[kind]
    status = request.status or allowed[0]
    if status not in allowed:
        raise AuthoringError(
            f"'{status.value}' is not a status for a {kind.value}",
            f"use one of: {', '.join(choice.value for choice in allowed)}",
        )
    impact = request.impact
    if kind is IncidentKind.INCIDENT and impact is None:
        impact = _impact_from(components)
    start = end = None
    if kind is IncidentKind.MAINTENANCE:
        if request.start is None or request.end is None:
            raise AuthoringError(
                "maintenance needs its window",
                "give --start and --end, e.g. --start +2d --end +2d2h",
            )
        start = parse_moment(request.start, workspace, "--start")
        end = parse_moment(request.end, workspace, "--end")
        if end <= start:
            raise AuthoringError("--end is not after --start", "give the window's end")
    elif request.start or request.end:
        raise AuthoringError("--start and --end are for maintenance", "add --kind maintenance")
    next_default = (
        None if kind is not IncidentKind.INCIDENT else f"{_minutes(DEFAULT_NEXT_UPDATE)}m"
    )
    next_update = parse_next(request.next_update or next_default, at, workspace)
    incident_id = request.incident_id or f"{at.astimezone(workspace.zone):%Y-%m-%d}-{slug(title)}"
    folder = workspace.incidents_dir / incident_id
    if request.incident_id is None:
        counter = 2
        while folder.exists():
            folder = workspace.incidents_dir / f"{incident_id}-{counter}"
            counter += 1
    elif folder.exists():
        raise AuthoringError(f"{workspace.relative(folder)} already exists", "choose another --id")
    template = (
        request.template
        or {
            IncidentKind.INCIDENT: "outage",
            IncidentKind.MAINTENANCE: "maintenance",
            IncidentKind.NOTICE: "notice",
        }[kind]
    )
    context = template_context(
        site.catalog,
        list(components),
        title=title,
        at=at,
        next_update=next_update,
        start=start,
        end=end,
        since=request.started,
    )
    index = front_matter(
        {
            "title": title,
            "kind": kind.value,
            "impact": impact.value if impact else None,
            "affected": {cid: s.value for cid, s in components.items()} or None,
            "started": utc_iso(request.started) if request.started else None,
            "scheduled_start": utc_iso(start) if start else None,
            "scheduled_end": utc_iso(end) if end else None,
        }
    )
    update_path = update_file_name(folder, at, status)
    update = front_matter(
        {
            "at": utc_iso(at),
            "status": status.value,
            "next_update": utc_iso(next_update) if next_update else None,
        }
    )
    return PreparedIncident(folder, index, update_path, update, template, context)


@dataclass(frozen=True)
class NewUpdate:
    """What ``herald update`` / ``resolve`` was asked for."""

    incident: str
    status: UpdateStatus | None = None
    message: str | None = None
    at: str = "now"
    next_update: str | None = None
    components: tuple[str, ...] = ()
    template: str | None = None


def prepare_update(
    workspace: Workspace, request: NewUpdate
) -> tuple[Path, str, str, dict[str, Any], str]:
    """Check an update and return its path, front matter, template name, context, and a
    note for the person posting it (empty when there is nothing to say)."""
    site = workspace.load()
    incident = find_incident(site, request.incident, workspace)
    at = posted_at(request.at, workspace)
    note = ""
    if request.at == "now":
        # Timestamps have whole seconds: a command right after another (herald new, then
        # herald update, in one second) takes the next free second instead of colliding.
        at = max(at.replace(microsecond=0), incident.latest_update.at + timedelta(seconds=1))
        if at - workspace.now > POSTING_LEAD:
            raise AuthoringError(
                f"the latest update of {incident.id} is at {utc_text(incident.latest_update.at)}",
                "wait a few seconds, or give --at",
            )
        if at > workspace.now:
            note = (
                f"Posted at {utc_iso(at)}, a second after the latest update ({incident.id} already"
                " has one from this second)."
            )
    if not is_open(incident, workspace.now):
        ended = resolved_at(incident, workspace.now)
        raise AuthoringError(
            f"{incident.id} is already closed ({utc_text(ended) if ended else 'completed'})",
            "open a new incident with herald new if the problem is back",
        )
    allowed = STATUSES_BY_KIND[incident.kind]
    if request.status is None:
        raise AuthoringError(
            "--status is missing", f"use one of: {', '.join(s.value for s in allowed)}"
        )
    if request.status not in allowed:
        raise AuthoringError(
            f"'{request.status.value}' is not a status for {incident.id} ({incident.kind.value})",
            f"use one of: {', '.join(choice.value for choice in allowed)}",
        )
    if at <= incident.latest_update.at:
        raise AuthoringError(
            f"--at is not after the latest update ({utc_text(incident.latest_update.at)})",
            "post it now, or give a later --at",
        )
    if incident.is_notice and request.components:
        raise AuthoringError("a notice cannot affect components", "remove --component")
    components = parse_components(request.components, site.catalog, default=None)
    final = request.status.is_final
    if final and request.next_update:
        raise AuthoringError(f"a {request.status.value} update promises nothing", "remove --next")
    next_default = None if final or incident.is_notice else f"{_minutes(DEFAULT_NEXT_UPDATE)}m"
    next_update = parse_next(request.next_update or next_default, at, workspace)
    start = end = None
    duration = ""
    if incident.is_maintenance:
        start, end = maintenance_window(incident, workspace.now)
    if final:
        began = start if incident.is_maintenance and start and start < at else incident.start
        duration = duration_words(at - began) if at > began else ""
    folder = workspace.incidents_dir / incident.id
    path = update_file_name(folder, at, request.status)
    fields = front_matter(
        {
            "at": utc_iso(at),
            "status": request.status.value,
            "next_update": utc_iso(next_update) if next_update else None,
            "affected": {cid: s.value for cid, s in components.items()} or None,
        }
    )
    context = template_context(
        site.catalog,
        list(incident.component_ids),
        title=incident.title,
        at=at,
        next_update=next_update,
        start=start,
        end=end,
        duration=duration,
    )
    return path, fields, request.template or request.status.value, context, note


def write_update(workspace: Workspace, path: Path, fields: str, message: str) -> list[Path]:
    if not message.strip():
        raise AuthoringError("the message is empty", "write what customers should know")
    commit_files(workspace, {path: fields + message.strip() + "\n"}, None)
    return [path]


def _impact_from(components: dict[str, ComponentStatus]) -> Impact:
    worst = max(components.values(), default=ComponentStatus.DEGRADED_PERFORMANCE)
    return {
        ComponentStatus.MAJOR_OUTAGE: Impact.CRITICAL,
        ComponentStatus.PARTIAL_OUTAGE: Impact.MAJOR,
    }.get(worst, Impact.MINOR)


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def new_postmortem(workspace: Workspace, reference: str, message: str | None) -> list[Path]:
    """Write ``postmortem.md`` beside the updates, from the ``postmortem`` template."""
    site = workspace.load()
    incident = find_incident(site, reference, workspace)
    path = workspace.incidents_dir / incident.id / POSTMORTEM_FILE
    if os.path.lexists(path):
        raise AuthoringError(f"{workspace.relative(path)} already exists", "edit it instead")
    ended = resolved_at(incident, workspace.now)
    context = template_context(
        site.catalog,
        list(incident.component_ids),
        title=incident.title,
        at=workspace.now,
        next_update=None,
        start=incident.start,
        end=ended,
        duration=duration_words(ended - incident.start) if ended else "",
    )
    header = front_matter({"published": utc_iso(workspace.now)})
    if message:
        commit_files(workspace, {path: header + message}, None)
        return [path]
    draft = render_template(workspace, "postmortem", context)
    commit_files(workspace, {path: header + draft}, None)
    return [path]
