"""What a change to the content will show customers, in plain words (``herald summary``).

Compares the site before and after a change at the same moment: the overall status,
component statuses, new incidents, new updates, edits and removals.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ..content.model import ComponentStatus, Incident, StatusSite
from ..engine.status import component_statuses_at, incident_status_at, overall_status
from .formatting import utc_text
from .i18n import english
from .labels import KIND_LABELS, update_label


def summarise_change(before: StatusSite, after: StatusSite, now: datetime) -> str:
    """A short Markdown report for a pull request's job summary."""
    return "\n".join(_lines(before, after, now)) + "\n"


def _lines(before: StatusSite, after: StatusSite, now: datetime) -> Iterator[str]:
    yield "## What this change shows customers"
    yield ""
    yield f"As of {utc_text(now)}."
    yield ""
    old, new = overall_status(before, now), overall_status(after, now)
    if old != new:
        yield f"- **Overall status:** {old.description} → **{new.description}**"
    else:
        yield f"- Overall status stays **{new.description}**."
    old_statuses = component_statuses_at(before, now)
    new_statuses = component_statuses_at(after, now)
    for component in after.catalog.components:
        was = old_statuses.get(component.id, ComponentStatus.OPERATIONAL)
        now_status = new_statuses[component.id]
        if was is not now_status:
            yield f"- **{_text(component.name)}:** {was.label} → **{now_status.label}**"
    earlier = {incident.id: incident for incident in before.incidents}
    later = {incident.id: incident for incident in after.incidents}
    for incident_id, incident in later.items():
        previous = earlier.get(incident_id)
        if previous is None:
            yield from _new_incident(incident, now)
        else:
            yield from _changed_incident(previous, incident, now)
    for incident_id, incident in earlier.items():
        if incident_id not in later:
            yield (
                f"- **Removes** {KIND_LABELS[incident.kind].lower()} “{_text(incident.title)}”"
                " from the site: its page, history entry and feed entry disappear."
            )


def _new_incident(incident: Incident, now: datetime) -> Iterator[str]:
    status = incident_status_at(incident, now)
    label = status.label if status else "announced"
    posted = incident.updates_until(now)
    if incident.is_notice and posted:
        label = update_label(english(), incident, posted[-1])
    yield (
        f"- **New {KIND_LABELS[incident.kind].lower()}:** “{_text(incident.title)}”"
        f" ({incident.impact.value} impact, {label.lower()}), with"
        f" {len(incident.updates)} update{'s' if len(incident.updates) != 1 else ''}."
    )


def _changed_incident(previous: Incident, incident: Incident, now: datetime) -> Iterator[str]:
    title = _text(incident.title)
    known = {update.id: update for update in previous.updates}
    for update in incident.updates:
        old = known.get(update.id)
        if old is None:
            first_line = _text(update.message.strip().splitlines()[0])
            yield (
                f"- **New update** to “{title}”: {update_label(english(), incident, update)}"
                f" at {utc_text(update.at)} — {first_line}"
            )
        elif old != update:
            yield f"- **Edits** the published update {update.id} of “{title}”."
    if previous.title != incident.title:
        yield f"- **Renames** “{_text(previous.title)}” to “{title}”."
    was, status = incident_status_at(previous, now), incident_status_at(incident, now)
    if status is not None and status.is_final and (was is None or not was.is_final):
        yield f"- **Closes** “{title}” ({status.value})."


def _text(value: str) -> str:
    """User text inside Markdown: keep it from turning into links, emphasis or HTML."""
    escaped = " ".join(value.split()).replace("\\", "\\\\")
    for character in "`*_[]<>|#~":
        escaped = escaped.replace(character, "\\" + character)
    return escaped
