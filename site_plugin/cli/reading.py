"""``herald list``, ``next-change`` and ``summary``: read the content, write nothing."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from ..content.model import StatusSite
from ..engine.status import next_change
from ..errors import ContentError
from ..notify.lifecycle import next_due
from ..present.changes import summarise_change
from ..present.i18n import iso
from ..present.listing import open_items
from .common import EXIT_OK, EXIT_PROBLEMS, load, load_or_report, say, settings_name
from .settings import Settings, read_settings


def run_list(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald list``: what is open right now, and which promises are due."""
    site = load_or_report(settings, now)
    if site is None:
        return EXIT_PROBLEMS
    for line in open_items(site, now):
        say(line)
    return EXIT_OK


def run_next_change(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald next-change``: when a scheduled rebuild next has something to publish."""
    site = load_or_report(settings, now)
    if site is None:
        return EXIT_PROBLEMS
    moment = next_change(site, now, settings.zone)
    if moment is not None:
        # Herald's own reminders and announcements must not wait for a scheduled run that
        # would skip them: the next of those counts as a change too.
        due = [
            when
            for incident in site.incidents
            for when in next_due(incident, now, settings.maintenance_reminders)
        ]
        moment = min([moment, *due])
    print(f"next_change={'now' if moment is None else iso(moment)}")
    return EXIT_OK


def run_summary(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald summary``: the change between two versions of the content, for people."""
    after = load_or_report(settings, now)
    if after is None:
        return EXIT_PROBLEMS
    before_settings, problems = read_settings(Path(arguments.before) / settings_name(arguments))
    try:
        before = load(before_settings, now) if not problems else None
    except ContentError:
        before = None
    if before is None:
        print("The content before this change does not load; everything is shown as new.\n")
        before = StatusSite(catalog=after.catalog, incidents=())
    print(summarise_change(before, after, now), end="")
    return EXIT_OK
