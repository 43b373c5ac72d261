"""What an author gives a command, read and checked: times, promises, components, which incident."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from ..content.loader import ContentPaths, load_status_site
from ..content.model import (
    Catalog,
    ComponentStatus,
    Incident,
    StatusSite,
)
from ..errors import AuthoringError, ContentError
from ..problems import did_you_mean
from ..values import ValueProblem, parse_duration, parse_timestamp


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


def _without_date(incident_id: str) -> str:
    """``2026-11-20-api-errors`` → ``api-errors``: what people remember of an id."""
    return re.sub(r"^\d{4}-\d{2}-\d{2}-", "", incident_id)


def _close(text: str, choices: Sequence[str]) -> str:
    hint = did_you_mean(text, choices)
    return f"{hint} " if hint else ""
