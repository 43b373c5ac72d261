"""What Herald says by itself: a maintenance told ahead and as it runs, and a report announced.

Authors post the updates; the window of a scheduled maintenance says the rest. From the
window alone Herald tells every channel, once each through the ledger:

- a reminder before the window (``maintenance_reminders``, default 24 h and 1 h before),
  unless the maintenance was announced later than that moment, or the window has begun;
- that it started, at the window's start, unless an author already said it is under way;
- that its window ended, at the end, unless an author already said it is complete;
- that it runs over, when an author said it is under way and the window has ended;
- that a post-incident report was published.

Each of these is an update of its own (``herald/...`` ids, which no author's update can
have: an update's id is its file name, and a file name holds no ``/``), dated when it
became due, so a run that comes late says when it was due ("started at 02:00 UTC") and
sends it once. A moved window has new moments, and
so new keys: what was said about the old one stays said.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..content.model import Incident, Update, UpdateStatus
from ..engine.status import (
    maintenance_cancelled,
    maintenance_overrun,
    maintenance_phase,
    maintenance_window,
)
from ..errors import SettingsError

if TYPE_CHECKING:
    from ..present.i18n import Translator

DEFAULT_REMINDERS = (timedelta(hours=24), timedelta(hours=1))
_WINDOW = {
    "title": "Database upgrade",
    "start_text": "25 Nov 2026, 02:00 UTC",
    "end_text": "25 Nov 2026, 04:00 UTC",
}
TEMPLATE_SAMPLES: dict[str, dict[str, str]] = {
    "reminder": {**_WINDOW, "lead_text": "1 hour"},
    "started": _WINDOW,
    "window_ended": _WINDOW,
    "running_over": _WINDOW,
    "report_published": {"title": "Database upgrade"},
}
"""What each of a team's templates for Herald's own updates may use: exactly what it is
given when it is sent, so one that renders in ``herald check`` renders in ``notify``."""
TEMPLATE_NAMES = tuple(TEMPLATE_SAMPLES)
"""A team's message templates of these names replace Herald's words for its own updates."""

Words = Callable[[str, Mapping[str, str], str], str]
"""(template name, what it may use, Herald's own words) → the words to send."""


def herald_words(name: str, context: Mapping[str, str], default: str) -> str:
    return default


@dataclass(frozen=True)
class TeamWords:
    """The team's templates (``message_templates`` folder) for Herald's own updates,
    where it has them; Herald's words, in the site's language, elsewhere."""

    root: Path
    folder: Path | None

    def __call__(self, name: str, context: Mapping[str, str], default: str) -> str:
        # Imported here: most sites have none of these, and Jinja is not needed then.
        from ..present.message_templates import TemplateProblem, render_message, team_template

        try:
            own = team_template(self.root, self.folder, name)
            if own is None:
                return default
            return render_message([own.parent], name, context, fallback=False).strip()
        except TemplateProblem as problem:
            raise SettingsError(f"{name}.md: {problem.message}") from None

    def problems(self) -> list[tuple[Path, str]]:
        """Each of the team's templates for Herald's updates that does not render, with
        why (``herald check`` and ``herald notify`` report them)."""
        if self.folder is None or not any(
            (self.folder / f"{name}.md").exists() for name in TEMPLATE_NAMES
        ):
            return []
        from ..present.message_templates import TemplateProblem, render_message, team_template

        found = []
        for name in TEMPLATE_NAMES:
            try:
                own = team_template(self.root, self.folder, name)
                if own is not None:
                    render_message([own.parent], name, TEMPLATE_SAMPLES[name], fallback=False)
            except TemplateProblem as problem:
                path = (self.folder or self.root) / f"{name}.md"
                found.append((path, problem.message))
        return found


LIFECYCLE_PREFIX = "herald/"
"""Ids of the updates Herald writes itself: an author's update id is a file name, which
cannot hold a ``/``, so no content can take (and so silence) one of these."""

_UNDER_WAY = (UpdateStatus.IN_PROGRESS, UpdateStatus.VERIFYING, UpdateStatus.COMPLETED)


def _stamp(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%MZ}"


def _minutes(lead: timedelta) -> int:
    return int(lead.total_seconds() // 60)


def lifecycle_updates(
    incident: Incident,
    now: datetime,
    t: Translator,
    reminders: Sequence[timedelta] = DEFAULT_REMINDERS,
    words: Words = herald_words,
) -> list[Update]:
    """The updates Herald sends itself for ``incident`` that are due by ``now``."""
    posted = incident.updates_until(now)
    if not posted:
        return []
    found: list[Update] = []
    if incident.is_maintenance and not maintenance_cancelled(incident, now):
        found += _maintenance_updates(incident, now, t, posted, reminders, words)
    report = incident.postmortem
    if report is not None and report.published <= now:
        found.append(
            Update(
                id=f"{LIFECYCLE_PREFIX}postmortem",
                at=report.published,
                status=posted[-1].status,
                label=t.gettext("Post-incident report"),
                message=words(
                    "report_published",
                    {"title": incident.title},
                    t.gettext(
                        "We have published a post-incident report: what happened, why, and"
                        " what we are changing so that it does not happen again."
                    ),
                ),
            )
        )
    return found


def _maintenance_updates(
    incident: Incident,
    now: datetime,
    t: Translator,
    posted: tuple[Update, ...],
    reminders: Sequence[timedelta],
    words: Words,
) -> list[Update]:
    start, end = maintenance_window(incident, now)
    context = {
        "title": incident.title,
        "start_text": t.utc_text(start),
        "end_text": t.utc_text(end),
    }
    announced = posted[0].at
    said = {update.status for update in posted}
    found: list[Update] = []
    if now < start and maintenance_phase(incident, now) is UpdateStatus.SCHEDULED:
        # Leads that are the same minute are one reminder (``[1h, 60m]``).
        leads = {_minutes(lead): lead for lead in reminders if _minutes(lead) > 0}
        for lead in sorted(leads.values(), reverse=True):
            due = start - lead
            # Announced after this reminder's moment: the announcement said it already.
            if announced < due <= now:
                found.append(
                    Update(
                        id=f"{LIFECYCLE_PREFIX}reminder-{_minutes(lead)}m-{_stamp(start)}",
                        at=due,
                        status=UpdateStatus.SCHEDULED,
                        label=t.gettext("Reminder"),
                        message=words(
                            "reminder",
                            {**context, "lead_text": t.duration_words(lead)},
                            t.gettext(
                                "Reminder: this maintenance starts in %(lead)s, at %(start)s,"
                                " and is planned to end at %(end)s.",
                                lead=t.duration_words(lead),
                                start=t.utc_text(start),
                                end=t.utc_text(end),
                            ),
                        ),
                    )
                )
    if now >= start and not said & set(_UNDER_WAY):
        found.append(
            Update(
                id=f"{LIFECYCLE_PREFIX}started-{_stamp(start)}",
                at=start,
                status=UpdateStatus.IN_PROGRESS,
                message=words(
                    "started",
                    context,
                    t.gettext(
                        "This maintenance started at %(start)s, as scheduled. It is planned"
                        " to end at %(end)s.",
                        start=t.utc_text(start),
                        end=t.utc_text(end),
                    ),
                ),
            )
        )
    overrun = maintenance_overrun(incident, now)
    if overrun is not None:
        found.append(
            Update(
                id=f"{LIFECYCLE_PREFIX}overrun-{_stamp(overrun)}",
                at=overrun,
                status=UpdateStatus.IN_PROGRESS,
                label=t.gettext("Running over"),
                message=words(
                    "running_over",
                    context,
                    t.gettext(
                        "This maintenance is taking longer than planned: its window ended"
                        " at %(end)s. We will post an update when it is complete.",
                        end=t.utc_text(overrun),
                    ),
                ),
            )
        )
    elif (
        now >= end
        and UpdateStatus.COMPLETED not in said
        and maintenance_phase(incident, now) is UpdateStatus.COMPLETED
    ):
        found.append(
            Update(
                id=f"{LIFECYCLE_PREFIX}completed-{_stamp(end)}",
                at=end,
                status=UpdateStatus.COMPLETED,
                message=words(
                    "window_ended",
                    context,
                    t.gettext(
                        "The maintenance window ended at %(end)s, as scheduled.",
                        end=t.utc_text(end),
                    ),
                ),
            )
        )
    return found


def news(
    incident: Incident,
    now: datetime,
    t: Translator,
    reminders: Sequence[timedelta] = DEFAULT_REMINDERS,
    words: Words = herald_words,
) -> tuple[Update, ...]:
    """Everything a channel is told about ``incident`` by ``now``: the authors' updates and
    Herald's own, oldest first."""
    posted = incident.updates_until(now)
    extra = lifecycle_updates(incident, now, t, reminders, words)
    if not extra:
        return posted
    return tuple(sorted((*posted, *extra), key=lambda update: update.at))


def next_due(
    incident: Incident,
    now: datetime,
    reminders: Sequence[timedelta] = DEFAULT_REMINDERS,
) -> list[datetime]:
    """The moments after ``now`` at which Herald will have something of its own to say
    about ``incident`` (for ``herald next-change``: a scheduled run must not skip them)."""
    if not incident.is_maintenance or not incident.updates_until(now):
        return []
    if maintenance_cancelled(incident, now):
        return []
    start, end = maintenance_window(incident, now)
    announced = incident.updates_until(now)[0].at
    moments = [start - lead for lead in reminders if announced < start - lead]
    moments += [start, end]
    return [moment for moment in moments if moment > now]
