"""Warnings about update files whose names and times disagree: valid content that
probably does not say what its author meant.

An update's file name (``2026-11-25T1135Z-identified.md``) is how people find it and how
the folder lists; its ``at`` is what counts. When the two disagree, one of them is
wrong, and readers see the timeline the ``at`` values make. ``herald check`` prints
these as warnings (``--strict`` fails on them) and the build logs them (``mkdocs build
--strict`` fails on them), so the two agree.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta, tzinfo

from ..problems import Problem
from .model import Incident, StatusSite, Update

NAMED_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})T(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})?Z"
    r"(?P<rest>(?:[-_.].*)?)",
    re.IGNORECASE,
)
"""A file name that starts with a UTC time, as ``herald`` names updates: the minute, or
the second when two updates share a minute."""


def update_name_warnings(site: StatusSite, zone: tzinfo = UTC) -> list[Problem]:
    """A warning for each update whose ``at`` contradicts the time its file name gives,
    and for each whose ``at`` puts it before an update its file name lists it after.

    ``zone``: the one times without an offset are read in, named when it is not UTC (a
    local time in a file named for UTC is the usual cause).
    """
    warnings: list[Problem] = []
    for incident in site.incidents:
        contradicted = set()
        for update in incident.updates:
            warning = _name_contradiction(update, zone)
            if warning is not None:
                contradicted.add(update.id)
                warnings.append(warning)
        warnings.extend(_reordered(incident, contradicted))
    return warnings


def _name_contradiction(update: Update, zone: tzinfo) -> Problem | None:
    name = file_name(update).removesuffix(".md")
    match = NAMED_TIME.fullmatch(name)
    if match is None:
        return None
    try:
        named = datetime.fromisoformat(
            f"{match['date']}T{match['hour']}:{match['minute']}:{match['second'] or '00'}+00:00"
        )
    except ValueError:
        return None  # not a real time: a name like any other
    precision = timedelta(seconds=1) if match["second"] else timedelta(minutes=1)
    at = update.at.astimezone(UTC)
    if named <= at < named + precision:
        return None
    pattern = "%Y-%m-%dT%H%M%SZ" if match["second"] else "%Y-%m-%dT%H%MZ"
    renamed = f"{at.strftime(pattern)}{match['rest']}.md"
    return Problem(
        update.source.path,
        update.source.line,
        f"the file name says {_utc(named)} but 'at' is {_utc(at)}{_local(at, zone)}",
        f"correct 'at', or rename the file {renamed}",
    )


def _reordered(incident: Incident, contradicted: set[str]) -> list[Problem]:
    """Updates the folder lists in another order than their ``at`` puts them in."""
    listed = sorted(incident.updates, key=file_name)
    warnings = []
    for previous, update in itertools.pairwise(listed):
        if update.at >= previous.at or {previous.id, update.id} & contradicted:
            continue  # in order, or already warned of: the name's time is the cause
        if _is_named_for_a_time(previous) and _is_named_for_a_time(update):
            # Both names give times that agree with 'at': they tell the order, even where
            # the folder lists a name with seconds (…T141059Z) before one without (…T1410Z).
            continue
        warnings.append(
            Problem(
                update.source.path,
                update.source.line,
                f"'at' ({_utc(update.at)}) puts this update before {file_name(previous)}"
                f" ({_utc(previous.at)}), which the folder lists before it",
                "correct 'at', or rename the files so that they list in time order",
            )
        )
    return warnings


def _is_named_for_a_time(update: Update) -> bool:
    return NAMED_TIME.fullmatch(file_name(update).removesuffix(".md")) is not None


def file_name(update: Update) -> str:
    return update.source.path.rsplit("/", 1)[-1]


def _utc(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%d %H:%M:%S UTC" if utc.second else "%Y-%m-%d %H:%M UTC")


def _local(moment: datetime, zone: tzinfo) -> str:
    if str(zone) in ("UTC", "Etc/UTC"):
        return ""
    return f" ({moment.astimezone(zone):%H:%M} in {zone})"
