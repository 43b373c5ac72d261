"""Warnings ``herald check`` gives about promises: content that is valid but late."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..content.model import StatusSite
from ..engine.status import (
    maintenance_cancelled,
    maintenance_overrun,
    maintenance_window,
    next_update_promise,
    open_incidents,
    promises,
)
from ..problems import Problem


def overdue_warnings(
    site: StatusSite,
    now: datetime,
    stale_after: timedelta = timedelta(hours=1),
    announce_ahead: timedelta = timedelta(hours=72),
) -> list[Problem]:
    """A warning for every broken promise: an overdue next update, maintenance still in
    progress after its window, or maintenance announced too late to plan around."""
    warnings = []
    for incident in open_incidents(site, now):
        latest = incident.updates_until(now)[-1]
        promise = next_update_promise(incident, now)
        silent = now - latest.at
        if promise is None and silent > stale_after:
            warnings.append(
                Problem(
                    latest.source.path,
                    latest.source.line,
                    f"the incident has had no update for {duration_text(silent)}"
                    f" (more than {duration_text(stale_after)}) and promises none",
                    "post an update, and say when the next one comes with next_update",
                )
            )
    for incident in site.incidents:
        end = maintenance_overrun(incident, now)
        if end is not None:
            latest = incident.updates_until(now)[-1]
            warnings.append(
                Problem(
                    latest.source.path,
                    latest.source.line,
                    f"the maintenance is still in progress {duration_text(now - end)} after"
                    f" its window ended ({end:%Y-%m-%d %H:%M} UTC)",
                    "post a completed update, or move scheduled_end in a new update",
                )
            )
    for incident in site.incidents:
        if not incident.is_maintenance or maintenance_cancelled(incident, now):
            continue
        start, end = maintenance_window(incident, now)
        announced = incident.first_update.at
        # Only while it still matters: a past maintenance announced late is history.
        # Announced after the window had begun is its own matter (an update of a
        # window already under way), not an announcement made too late.
        if end > now and announced < start and start - announced < announce_ahead:
            first = incident.first_update
            warnings.append(
                Problem(
                    first.source.path,
                    first.source.line,
                    f"the maintenance is announced {duration_text(start - announced)} before"
                    f" its window ({start:%Y-%m-%d %H:%M} UTC), less than the"
                    f" {duration_text(announce_ahead)} customers need to plan around it",
                    "move the window later if you can (scheduled_start in index.md), or say"
                    " in the message why it cannot wait",
                )
            )
    for promise in promises(site, now):
        if not promise.overdue:
            continue
        latest = promise.incident.updates_until(now)[-1]
        late = duration_text(now - promise.due)
        warnings.append(
            Problem(
                latest.source.path,
                latest.source.line,
                f"the next update was promised by {promise.due:%Y-%m-%d %H:%M} UTC"
                f" and is {late} overdue",
                "post an update now, even if there is no news",
            )
        )
    return warnings


def duration_text(delta: timedelta) -> str:
    """``2h 5m``, in the command line's English."""
    # Imported here, not at the top: only a site with something late needs the words,
    # and they load Babel, which ``herald check`` otherwise never pays for.
    from ..present.formatting import duration_text as english_duration

    return english_duration(delta)
