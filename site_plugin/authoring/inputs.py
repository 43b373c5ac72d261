"""What an author gives a command, read and checked: times, promises, components, which incident."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from ..content.loader import ContentPaths, load_status_site
from ..content.model import (
    Catalog,
    ComponentStatus,
    Incident,
    StatusSite,
)
from ..engine.status import is_open
from ..errors import AuthoringError, ContentError
from ..problems import closest, did_you_mean, suggestion
from ..values import ValueProblem, parse_duration, parse_timestamp

MOMENT_HINT = "use now, -15m, +2h or a time such as 2026-11-20T14:10Z"
"""How to write a time (--at, --start, --end)."""

SLUG_LIMIT = 48
"""The most characters of a title that go into an incident's folder name."""

OPEN_INCIDENTS_SHOWN = 5
"""How many open incidents a hint for an unknown one lists."""


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
        raise AuthoringError(f"{what}: {problem.message}", MOMENT_HINT) from None


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
    """``--next``: a duration after the update, or a time; ``none`` for no promise.

    A bare number or clock time is refused with the exact way to write it, not guessed at:
    ``30`` could be minutes or half past, and customers read the promise as a commitment.
    """
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
    example = f"{(at + timedelta(minutes=30)).astimezone(UTC):%Y-%m-%dT%H:%MZ}"
    if re.fullmatch(r"[0-9]+", value):
        raise AuthoringError(
            f"--next {value} has no unit",
            f"write --next {value}m for {value} minutes, or a duration such as 1h,"
            f" or a time such as {example}",
        )
    if re.fullmatch(r"([01]?[0-9]|2[0-3]):[0-5][0-9]", value):
        raise AuthoringError(f"--next {value} has no date", _clock_time_hint(value, at, workspace))
    if value == "now" or value[:1] in "+-":
        due = parse_moment(value, workspace, "--next")
    else:
        try:
            due = parse_timestamp(value, workspace.zone)
        except ValueProblem as problem:
            if not problem.message.endswith("is not a timestamp"):
                raise AuthoringError(f"--next: {problem.message}", problem.fix) from None
            raise AuthoringError(
                f"--next: '{value}' is neither a duration nor a time",
                f"write a duration such as 30m or 1h, a time such as {example}, or none",
            ) from None
    if due <= at:
        raise AuthoringError("--next is not after the update", "promise a later time, e.g. 30m")
    return due


def _clock_time_hint(clock: str, at: datetime, workspace: Workspace) -> str:
    """How to write ``14:30``: the first such time after the update, in the site's zone."""
    local = at.astimezone(workspace.zone)
    hours, minutes = (int(part) for part in clock.split(":"))
    day = local.date()
    if (hours, minutes) <= (local.hour, local.minute):
        day += timedelta(days=1)
    return (
        f"write --next {day:%Y-%m-%d}T{hours:02d}:{minutes:02d}, read in {workspace.zone},"
        " or a duration such as 30m"
    )


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
    raise AuthoringError(
        f"no incident '{reference}' in {workspace.paths.incidents}/",
        _unknown_incident_hint(name, site, workspace.now),
    )


def _unknown_incident_hint(name: str, site: StatusSite, now: datetime) -> str:
    """For an id that matches nothing: the closest ids, then the incidents still open, newest
    first: the ones an author posting an update most likely means."""
    if not site.incidents:
        return "create one with herald new"
    newest_first = sorted(site.incidents, key=lambda incident: incident.start, reverse=True)
    still_open = [incident.id for incident in newest_first if is_open(incident, now)]
    if still_open:
        listed = ", ".join(still_open[:OPEN_INCIDENTS_SHOWN])
        hidden = len(still_open) - OPEN_INCIDENTS_SHOWN
        if hidden > 0:
            listed += f" and {hidden} more, which herald list shows"
        where = f"still open, newest first: {listed}"
    else:
        latest = ", ".join(incident.id for incident in newest_first[:3])
        where = f"none is open; the latest: {latest}"
    return " ".join(filter(None, [suggestion(_closest_ids(name, site)), where]))


def _closest_ids(name: str, site: StatusSite) -> list[str]:
    """Up to three ids close to ``name``. Dates are left out of the comparison (every id of
    a month shares most of its date), and a name is also compared with as much of each id
    as was typed, since a beginning is enough to name an incident."""
    typed = _without_date(name)
    ids_by_written: dict[str, list[str]] = {}
    for incident in reversed(site.incidents):  # of two alike, the newer first
        remembered = _without_date(incident.id)
        for written in dict.fromkeys((remembered, remembered[: len(typed)])):
            ids_by_written.setdefault(written, []).append(incident.id)
    near = closest(typed, ids_by_written, 3)
    ids = [incident_id for written in near for incident_id in ids_by_written[written]]
    return list(dict.fromkeys(ids))[:3]


def slug(title: str, limit: int = SLUG_LIMIT) -> str:
    """``Elevated API errors!`` → ``elevated-api-errors``.

    A long title is cut after its last whole word within ``limit`` characters; only a
    first word longer than that is cut inside it, as there is no word boundary to cut at.
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    text = ""
    for word in words:
        longer = f"{text}-{word}" if text else word
        if len(longer) > limit:
            break
        text = longer
    if not text and words:
        text = words[0][:limit]
    return text or "incident"


def _without_date(incident_id: str) -> str:
    """``2026-11-20-api-errors`` → ``api-errors``: what people remember of an id."""
    return re.sub(r"^\d{4}-\d{2}-\d{2}-", "", incident_id)


def _close(text: str, choices: Sequence[str]) -> str:
    hint = did_you_mean(text, choices)
    return f"{hint} " if hint else ""
