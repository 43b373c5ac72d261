"""Writing incidents and updates: what ``herald new``, ``update`` and ``resolve`` do.

Every function checks everything first and writes only when all is well; what it wrote
is then read back with the loader, and removed again if the loader finds a problem in
it, so a command never leaves half an incident behind.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
import yaml

from ..content.loader import ContentPaths, load_status_site
from ..content.model import (
    STATUSES_BY_KIND,
    Catalog,
    ComponentStatus,
    Impact,
    Incident,
    IncidentKind,
    StatusSite,
    UpdateStatus,
    format_duration,
)
from ..content.rules import INDEX_FILE, POSTING_LEAD, POSTMORTEM_FILE
from ..engine.status import is_open, maintenance_window, resolved_at
from ..errors import AuthoringError, ContentError
from ..options import path_is_inside
from ..present.formatting import utc_clock, utc_text
from ..problems import did_you_mean
from ..values import SLUG, ValueProblem, parse_duration, parse_timestamp

PACKAGE_TEMPLATES = Path(__file__).parent.parent / "message_templates"
DEFAULT_NEXT_UPDATE = timedelta(minutes=30)


@dataclass(frozen=True)
class Workspace:
    """Where content lives and how times are read, for the authoring commands."""

    paths: ContentPaths
    zone: tzinfo
    now: datetime
    templates: Path | None = None

    @property
    def incidents_dir(self) -> Path:
        return self.paths.root / self.paths.incidents

    def load(self) -> StatusSite:
        """The site as it is, refusing to add to content that is already broken."""
        try:
            return load_status_site(self.paths, now=self.now, zone=self.zone)
        except ContentError as error:
            raise AuthoringError(
                "the content already has problems:\n" + error.report(),
                "fix them first; herald check lists them",
            ) from None

    def relative(self, path: Path) -> str:
        return path.relative_to(self.paths.root).as_posix()


# -- reading what the engineer typed -------------------------------------------------------


def parse_moment(text: str, workspace: Workspace, what: str) -> datetime:
    """``now``, a signed duration from now (``-15m``, ``+2h``) or an ISO 8601 timestamp."""
    value = text.strip()
    if value == "now":
        return workspace.now
    if value[:1] in "+-":
        try:
            delta = parse_duration(value[1:])
        except ValueProblem as problem:
            raise AuthoringError(f"{what}: {problem.message}", problem.fix) from None
        return workspace.now + delta if value[0] == "+" else workspace.now - delta
    try:
        return parse_timestamp(value, workspace.zone)
    except ValueProblem as problem:
        raise AuthoringError(
            f"{what}: {problem.message}", "use now, -15m, +2h or a time such as 2026-11-20T14:10Z"
        ) from None


def posted_at(text: str, workspace: Workspace) -> datetime:
    """``--at``: when an update is posted; never in the future."""
    at = parse_moment(text, workspace, "--at")
    if at > workspace.now:
        raise AuthoringError(
            f"--at {text} is in the future",
            "post updates when they happen; announce future work with --kind maintenance",
        )
    return at


def parse_next(text: str | None, at: datetime, workspace: Workspace) -> datetime | None:
    """``--next``: a duration after the update, or a time; ``none`` for no promise."""
    if text is None:
        return None
    value = text.strip()
    if value == "none":
        return None
    try:
        return at + parse_duration(value)
    except ValueProblem as problem:
        if not problem.message.endswith("is not a duration"):
            raise AuthoringError(f"--next: {problem.message}", problem.fix) from None
    due = parse_moment(value, workspace, "--next")
    if due <= at:
        raise AuthoringError("--next is not after the update", "promise a later time, e.g. 30m")
    return due


def parse_components(
    values: Sequence[str], catalog: Catalog, *, default: ComponentStatus | None
) -> dict[str, ComponentStatus]:
    """``--component id=status`` (or just ``id`` when there is a default status)."""
    chosen: dict[str, ComponentStatus] = {}
    known = [component.id for component in catalog.components] + [g.id for g in catalog.groups]
    for value in values:
        component_id, _, status_text = value.partition("=")
        component_id = component_id.strip()
        if catalog.get(component_id) is None:
            close = _close(component_id, known)
            raise AuthoringError(
                f"unknown component '{component_id}'",
                f"{close}known ids: {', '.join(known)}",
            )
        if not status_text:
            if default is None:
                raise AuthoringError(
                    f"--component {component_id} has no status",
                    f"write it as {component_id}=partial_outage",
                )
            chosen[component_id] = default
            continue
        try:
            chosen[component_id] = ComponentStatus(status_text.strip())
        except ValueError:
            choices = [status.value for status in ComponentStatus]
            raise AuthoringError(
                f"'{status_text}' is not a component status",
                f"{_close(status_text, choices)}use one of: {', '.join(choices)}",
            ) from None
    return chosen


def find_incident(site: StatusSite, reference: str, workspace: Workspace) -> Incident:
    """An incident by folder path, id, or a unique beginning of its id."""
    name = Path(reference.rstrip("/")).name
    by_id = {incident.id: incident for incident in site.incidents}
    if name in by_id:
        return by_id[name]
    matches = [
        incident
        for incident in site.incidents
        if incident.id.startswith(name) or _without_date(incident.id).startswith(name)
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(incident.id for incident in matches[:5])
        raise AuthoringError(
            f"'{reference}' matches {len(matches)} incidents: {listed}",
            "type more of the id",
        )
    recent = ", ".join(incident.id for incident in site.incidents[-3:])
    raise AuthoringError(
        f"no incident '{reference}' in {workspace.paths.incidents}/",
        f"give a folder name such as {recent}" if recent else "create one with herald new",
    )


# -- writing ------------------------------------------------------------------------------


def slug(title: str, limit: int = 48) -> str:
    """``Elevated API errors!`` → ``elevated-api-errors``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    text = ""
    for word in words:
        if len(text) + len(word) + 1 > limit:
            break
        text = f"{text}-{word}" if text else word
    return text or "incident"


def _scalar(value: Any) -> str:
    """One YAML value: plain when it reads back as the same text, quoted otherwise."""
    text = str(value)
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:+\-]*", text) and not re.fullmatch(
        r"(?i)(true|false|yes|no|on|off|null|~)", text
    ):
        return text
    dumped = yaml.safe_dump(text, allow_unicode=True, width=10_000)
    return dumped.removesuffix("\n...\n").strip()


def front_matter(fields: dict[str, Any]) -> str:
    lines = ["---"]
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend(f"  {_scalar(k)}: {_scalar(v)}" for k, v in value.items())
        else:
            lines.append(f"{key}: {_scalar(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def update_file_name(folder: Path, at: datetime, status: UpdateStatus) -> Path:
    utc = at.astimezone(UTC)
    for pattern in ("%Y-%m-%dT%H%MZ", "%Y-%m-%dT%H%M%SZ"):
        candidate = folder / f"{utc.strftime(pattern)}-{status.value}.md"
        if not os.path.lexists(candidate):
            return candidate
    raise AuthoringError(
        f"{candidate.name} already exists", "post the update a second later, with --at"
    )


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


def commit_files(workspace: Workspace, files: dict[Path, str], created_folder: Path | None) -> None:
    """Write ``files``; read the content back; undo everything if it does not load."""
    for path in files:
        # lexists: a dangling link "does not exist", and writing to it would follow it.
        if os.path.lexists(path):
            raise AuthoringError(f"{workspace.relative(path)} already exists")
        if not path_is_inside(workspace.paths.root, created_folder or path.parent):
            raise AuthoringError(
                f"{workspace.relative(path.parent)} leads outside the repository",
                "replace the link with a real folder",
            )
    if created_folder is not None:
        created_folder.mkdir()
    written = []
    try:
        for path, text in files.items():
            _write_new_file(path, text)
            written.append(path)
        load_status_site(workspace.paths, now=workspace.now, zone=workspace.zone)
    except ContentError as error:
        _undo(written, created_folder)
        raise AuthoringError(
            "what would be written has problems:\n" + error.report(), "nothing was written"
        ) from None
    except BaseException:
        _undo(written, created_folder)
        raise


def _write_new_file(path: Path, text: str) -> None:
    """Create ``path`` and write ``text``; never through a link, never over a file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags, 0o644)
    except FileExistsError:
        raise AuthoringError(f"{path.name} already exists", "nothing was written") from None
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)


def _undo(written: list[Path], created_folder: Path | None) -> None:
    for path in written:
        path.unlink(missing_ok=True)
    if created_folder is not None and created_folder.exists():
        created_folder.rmdir()


# -- the commands -------------------------------------------------------------------------


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
    )
    index = front_matter(
        {
            "title": title,
            "kind": kind.value,
            "impact": impact.value if impact else None,
            "affected": {cid: s.value for cid, s in components.items()} or None,
            "scheduled_start": stamp(start) if start else None,
            "scheduled_end": stamp(end) if end else None,
        }
    )
    update_path = update_file_name(folder, at, status)
    update = front_matter(
        {
            "at": stamp(at),
            "status": status.value,
            "next_update": stamp(next_update) if next_update else None,
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
                f"Posted at {stamp(at)}, a second after the latest update ({incident.id} already"
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
        duration = format_duration(at - began) if at > began else ""
    folder = workspace.incidents_dir / incident.id
    path = update_file_name(folder, at, request.status)
    fields = front_matter(
        {
            "at": stamp(at),
            "status": request.status.value,
            "next_update": stamp(next_update) if next_update else None,
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


def _without_date(incident_id: str) -> str:
    """``2026-11-20-api-errors`` → ``api-errors``: what people remember of an id."""
    return re.sub(r"^\d{4}-\d{2}-\d{2}-", "", incident_id)


def _close(text: str, choices: Sequence[str]) -> str:
    hint = did_you_mean(text, choices)
    return f"{hint} " if hint else ""


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
        duration=format_duration(ended - incident.start) if ended else "",
    )
    body = message or render_template(workspace, "postmortem", context)
    commit_files(workspace, {path: front_matter({"published": stamp(workspace.now)}) + body}, None)
    return [path]
