"""Warnings ``herald check`` gives about promises: content that is valid but late."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..content.model import StatusSite
from ..engine.status import maintenance_overrun, next_update_promise, open_incidents, promises
from ..problems import Problem


def overdue_warnings(
    site: StatusSite, now: datetime, stale_after: timedelta = timedelta(hours=1)
) -> list[Problem]:
    """A warning for every broken promise: an overdue next update, or maintenance still
    in progress after its window."""
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
