"""Scheduled maintenance as an iCalendar feed (RFC 5545) that calendar apps subscribe to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from icalendar import Calendar, Event

from .. import __version__
from ..content.model import Catalog, Incident
from ..engine.status import maintenance_cancelled, maintenance_window
from ..present.context import SiteContext


def maintenance_calendar(
    incidents: Iterable[Incident],
    *,
    name: str,
    context: SiteContext,
    catalog: Catalog,
    now: datetime,
) -> bytes:
    """Every maintenance in ``incidents`` as one event, its window as last announced,
    its own words in the site's language."""
    t = context.translator
    host = context.host
    calendar = Calendar()
    calendar.add("prodid", f"-//Herald {__version__}//{host}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for incident in incidents:
        if not incident.is_maintenance or incident.first_update.at > now:
            continue
        start, end = maintenance_window(incident, now)
        posted = incident.updates_until(now)
        latest = posted[-1]
        names = [
            component.name
            for component_id in incident.component_ids
            if (component := catalog.get(component_id)) is not None
        ]
        description = latest.message
        if names:
            affects = t.gettext("Affects: %(components)s.", components=", ".join(names))
            description = f"{affects}\n\n{description}"
        event = Event()
        event.add("uid", f"{incident.id}@{host}")
        event.add("dtstamp", latest.at)
        event.add("last-modified", latest.at)
        event.add("created", incident.first_update.at)
        # Every update may move the window: calendars take the higher sequence.
        event.add("sequence", len(posted) - 1)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", incident.title)
        event.add("description", description)
        event.add("url", context.incident_link(incident.id))
        event.add("status", "CANCELLED" if maintenance_cancelled(incident, now) else "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
