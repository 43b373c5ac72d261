"""Parsing the values authors write: timestamps, dates, durations, slugs.

Each parser returns the value or raises ``ValueProblem`` with what is wrong and how to
fix it; the loader adds the file and line.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo


class ValueProblem(ValueError):
    """A value that cannot be used, with the fix to suggest."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# ISO 8601 extended format only: the compact forms (20261120, 2026-W47-5) read as
# midnight, which would silently add hours to an outage.
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_WRITTEN_OFFSET = re.compile(r"(?<=\d)(?:Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
"""The offset at the end of a written time (``Z``, ``+01:00``, ``-0500``), if it has one."""
MAX_DURATION = timedelta(days=366)
_DURATION = re.compile(r"^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?$")
DURATION_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
"""What a duration such as 2h or 1d30m may be written in, in seconds."""
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
"""An id: match it with ``fullmatch`` (``$`` would let a trailing line break through)."""

TIMESTAMP_EXAMPLE = "2026-11-20T14:10:00Z"


def parse_timestamp(value: object, default_zone: tzinfo) -> datetime:
    """Read an ISO 8601 timestamp, returned in UTC; a naive one is read in ``default_zone``.

    Raises:
        ValueProblem: Not a string, a bare date, or not ISO 8601.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        text = value.strip()
        if _DATE_ONLY.fullmatch(text):
            raise ValueProblem(
                f"'{text}' is a date without a time",
                f"add the time, e.g. {text} 14:10, read in {default_zone};"
                f" or with its offset, {text}T14:10:00Z",
            )
        try:
            if not _TIMESTAMP.fullmatch(text):
                raise ValueError(text)
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueProblem(
                f"'{text}' is not a timestamp", _timestamp_fix(text, default_zone)
            ) from None
    else:
        raise ValueProblem(
            f"{describe(value)} is not a timestamp", _timestamp_fix("", default_zone)
        )
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = _localise(moment, default_zone)
    try:
        # Kept in UTC: Python compares and subtracts two datetimes that share a tzinfo
        # as wall-clock times, which is wrong across a DST change.
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueProblem(
            f"'{value}' is out of range", f"give a real date, e.g. {TIMESTAMP_EXAMPLE}"
        ) from None


def _timestamp_fix(text: str, zone: tzinfo) -> str:
    """How to write a time that could not be read: one written with an offset needs a
    real offset; one without needs none, as it is read in the site's zone."""
    if _WRITTEN_OFFSET.search(text):
        return f"write it as ISO 8601 with its offset, e.g. {TIMESTAMP_EXAMPLE}"
    return (
        f"write it as ISO 8601, e.g. 2026-11-20 14:10, read in {zone};"
        f" or with its offset, {TIMESTAMP_EXAMPLE}"
    )


def has_offset(written: object) -> bool:
    """Whether a written time gives its offset (``Z``, ``+01:00``) rather than being read
    in the site's zone."""
    return isinstance(written, str) and _WRITTEN_OFFSET.search(written.strip()) is not None


def time_as_written(
    moment: datetime, written: object, zone: tzinfo, *, seconds: bool = False
) -> str:
    """``moment`` in the form of a time an author wrote, to compare the two at a glance:
    at its offset (``2026-11-25T12:00Z``, ``2026-11-25T13:00+01:00``), or, written without
    one, in the zone it was read in, named (``2026-11-25 13:00 in Europe/Berlin``).

    To the minute, as authors write times; ``seconds`` for two times a minute apart.
    """
    text = written.strip() if isinstance(written, str) else ""
    separator = "T" if "T" in text.upper() else " "
    clock = "%H:%M:%S" if seconds else "%H:%M"
    offset = _WRITTEN_OFFSET.search(text)
    if offset is None:
        local = moment.astimezone(zone)
        return f"{local.strftime(f'%Y-%m-%d{separator}{clock}')} in {zone}"
    written_offset = offset[0]
    if written_offset.upper() == "Z":
        return moment.astimezone(UTC).strftime(f"%Y-%m-%dT{clock}Z")
    sign = -1 if written_offset[0] == "-" else 1
    digits = written_offset[1:].replace(":", "")
    try:
        at_offset = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    except ValueError:  # not an offset a clock can have: say it in UTC
        return moment.astimezone(UTC).strftime(f"%Y-%m-%dT{clock}Z")
    return moment.astimezone(at_offset).strftime(f"%Y-%m-%d{separator}{clock}") + written_offset


def _localise(naive: datetime, zone: tzinfo) -> datetime:
    """Read a wall-clock time in ``zone``, refusing times a DST change skips or repeats."""
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    try:
        offsets = (first.utcoffset(), second.utcoffset())
        round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    except (OverflowError, ValueError):
        raise ValueProblem(
            f"'{naive.isoformat(sep=' ')}' is out of range",
            f"give a real date, e.g. {TIMESTAMP_EXAMPLE}",
        ) from None
    written = naive.isoformat(sep=" ", timespec="minutes")
    if round_trip != naive.replace(fold=0):
        raise ValueProblem(
            f"'{written}' does not exist in {zone} (the clocks skip it)",
            "check the time, and write it with its UTC offset",
        )
    if offsets[0] != offsets[1]:
        choices = " or ".join(_offset_text(offset) for offset in offsets)
        raise ValueProblem(
            f"'{written}' happens twice in {zone} (the clocks go back)",
            f"add the UTC offset you mean: {choices}",
        )
    return first


def _offset_text(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def parse_date(value: object) -> date:
    """Read a calendar date written as ``YYYY-MM-DD``.

    Raises:
        ValueProblem: Anything else.
    """
    text = value.strip() if isinstance(value, str) else None
    if text is None or not _DATE_ONLY.fullmatch(text):
        raise ValueProblem(
            f"{describe(value)} is not a date", "write it as YYYY-MM-DD, e.g. 2026-03-01"
        )
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueProblem(f"'{text}' is not a real date", "check the month and day") from None
    if not 1970 <= day.year <= 9998:
        raise ValueProblem(f"'{text}' is out of range", "give a date after 1970")
    return day


def parse_duration(value: object) -> timedelta:
    """Read a duration such as ``30m``, ``1h30m``, ``2h 15m`` or ``1d``.

    Raises:
        ValueProblem: Not a positive duration with units.
    """
    text = value.strip() if isinstance(value, str) else ""
    match = _DURATION.fullmatch(text) if text else None
    if match is None or not any(match.groups()):
        raise ValueProblem(
            f"{describe(value)} is not a duration",
            "write it with units, e.g. 30m, 1h or 1h30m",
        )
    seconds = sum(
        int(amount) * DURATION_UNITS[unit]
        for amount, unit in zip(match.groups(), "dhms", strict=True)
        if amount
    )
    if seconds <= 0:
        raise ValueProblem(f"'{text}' is zero", "give a positive duration, e.g. 30m")
    if seconds > MAX_DURATION.total_seconds():
        raise ValueProblem(f"'{text}' is longer than a year", "give a shorter duration")
    return timedelta(seconds=seconds)


def parse_text(value: object) -> str:
    """Read a non-empty line of text.

    Raises:
        ValueProblem: Not text, or empty.
    """
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        raise ValueProblem(f"{describe(value)} is not text", "write it as plain text")
    text = str(value).strip()
    if not text:
        raise ValueProblem("it is empty", "write a few words")
    return text


def parse_line(value: object) -> str:
    """Read a non-empty single line of text (titles and names go into headers and lists).

    Raises:
        ValueProblem: Not text, empty, or with a line break.
    """
    text = parse_text(value)
    if any(char in text for char in "\n\r\u2028\u2029"):
        raise ValueProblem("it has a line break", "write it on one line")
    return text


def parse_flag(value: object) -> bool:
    """Read ``true`` or ``false``.

    Raises:
        ValueProblem: Anything else.
    """
    if value in (True, "true", "True"):
        return True
    if value in (False, "false", "False"):
        return False
    raise ValueProblem(f"{describe(value)} is not true or false", "write true or false")


def describe(value: object) -> str:
    if value is None or value == "":
        return "an empty value"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict):
        return "a set of settings"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def utc_iso(moment: datetime) -> str:
    """Machine-readable ``2026-11-25T11:35:00Z``: what files, feeds and ``<time>`` carry."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
