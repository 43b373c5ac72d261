"""What ``herald list`` prints: what is open now and which promises are due."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ..content.model import StatusSite
from ..engine.status import (
    active_maintenance,
    maintenance_overrun,
    maintenance_window,
    next_update_promise,
    open_incidents,
    open_notices,
    upcoming_maintenance,
)
from .formatting import duration_text, utc_text


def open_items(site: StatusSite, now: datetime) -> Iterator[str]:
    """Plain lines, one per open item, grouped under short headings."""
    incidents = open_incidents(site, now)
    yield f"Open incidents ({len(incidents)})"
    for incident in incidents:
        latest = incident.updates_until(now)[-1]
        line = (
            f"  {incident.id}  {latest.status.value}, {incident.impact.value} impact,"
            f" since {utc_text(incident.start)}: {incident.title}"
        )
        yield line
        promise = next_update_promise(incident, now)
        if promise is None:
            yield "    no next update promised"
        elif promise.overdue:
            late = duration_text(now - promise.due)
            yield f"    OVERDUE: next update was due by {utc_text(promise.due)} ({late} ago)"
        else:
            left = duration_text(promise.due - now)
            yield f"    next update due by {utc_text(promise.due)} (in {left})"
    active = active_maintenance(site, now)
    yield f"Maintenance in progress ({len(active)})"
    for incident in active:
        _, end = maintenance_window(incident, now)
        overrun = maintenance_overrun(incident, now)
        extra = f", OVERRUN since {utc_text(overrun)}" if overrun else ""
        yield f"  {incident.id}  until {utc_text(end)}{extra}: {incident.title}"
    upcoming = upcoming_maintenance(site, now)
    yield f"Upcoming maintenance ({len(upcoming)})"
    for incident in upcoming:
        start, end = maintenance_window(incident, now)
        yield f"  {incident.id}  {utc_text(start)} to {utc_text(end)}: {incident.title}"
    notices = open_notices(site, now)
    yield f"Open notices ({len(notices)})"
    for incident in notices:
        yield f"  {incident.id}  since {utc_text(incident.start)}: {incident.title}"
