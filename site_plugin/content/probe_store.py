"""Where probe results are kept: a folder of small, compressed, columnar files.

``herald probe`` appends every run's results here; a build reads the last 90 days of
every component. The folder (``probe_results``, default ``.herald-probes``) lives on a
branch of its own, so its files are written once per run and read once per build:

::

    .herald-probes/
      api/                   one folder per component id
        2026-11.probes       the results of one month (UTC), oldest first
        2026-12.probes

A month file, version 1 (all integers little-endian)::

    offset  size  field
    0       4     magic: the bytes HPRB
    4       1     format version: 1
    5       ...   a zlib stream (RFC 1950, with its Adler-32 checksum) of the body:
                    count     1 u32    N, the number of results (1 to ``MAX_RESULTS``)
                    first     1 i64    seconds since 1970 (UTC) of the first result
                    deltas    N u32    seconds since the result before (the first: 0;
                                       then at least 1: one result per second at most)
                    outcomes  N u8     ``Outcome`` values
                    statuses  N u16    HTTP status codes, 0 where none arrived
                    latencies N u32    milliseconds, 0xFFFFFFFF where none arrived

Each multi-byte column is byte-shuffled: the lowest bytes of all its values, then the
next bytes, and so on. Probes run every few minutes, so the deltas' high bytes and most
outcomes and status codes repeat, and zlib stores them in almost nothing; a year of
5-minute results of 50 components takes a few megabytes. Reading is ``zlib`` and
``array`` work in C, plus one running sum: no Python loop per result. A result's
``detail`` is not kept.

Every result lands in the file of its month, in time order, once: a result at a second
already stored is not stored again, so a run retried after a timeout, or two branches'
results merged, keep each moment once. Writing goes to a temporary file beside the month's
and is renamed over it, so a killed run leaves the old file whole. A file that is cut
short, damaged, of another version, or a link out of the folder is a ``Problem`` on its
path, never a traceback: the build and ``herald check`` report it alike.
"""

from __future__ import annotations

import contextlib
import os
import re
import struct
import sys
import zlib
from array import array
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path, PurePosixPath

from ..errors import ContentError
from ..options import path_is_inside
from ..problems import Problem
from ..values import SLUG
from .measurements import (
    U32,
    Outcome,
    ProbeResult,
    ProbeSeries,
    epoch_seconds,
)
from .reading import read_regular_file

MAGIC = b"HPRB"
FORMAT_VERSION = 1
SUFFIX = ".probes"
_MONTH_FILE = re.compile(r"([0-9]{4})-([0-9]{2})\.probes")
_HEADER = struct.Struct("<Iq")  # count, first
_BYTES_PER_RESULT = 4 + 1 + 2 + 4
MAX_FILE_BYTES = 64 * 1024 * 1024
"""Even the most results a month file holds compress to far less: a larger file is not one."""
MAX_RESULTS = 31 * 24 * 60
"""One result a minute, on average, over the longest month. A probe runs every few minutes;
a bound per second would let a file of 30 KB hold 2.6 million results, and a build that
reads 90 days of a few dozen such components would need gigabytes and many minutes."""
_OUTCOMES = len(Outcome)

RESTORE_FIX = "restore it from the probe results branch's history, or delete it"

Month = tuple[int, int]


def month_of(seconds: int) -> Month:
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.year, moment.month


def month_start(month: Month) -> int:
    return epoch_seconds(datetime(month[0], month[1], 1, tzinfo=UTC))


def next_month(month: Month) -> Month:
    year, number = month
    return (year + 1, 1) if number == 12 else (year, number + 1)


class ProbeStore:
    """The probe results in ``folder``, one folder per component, one file per month.

    Args:
        folder: The store's folder (it need not exist yet: ``append`` creates it).
        name: How problems name the folder: its path relative to ``mkdocs.yml``.

    Component ids are slugs (``values.SLUG``); any other id is refused with a
    ``ValueError``, so no id can lead out of the folder. A file that cannot be read
    raises ``ContentError`` with its problem.
    """

    def __init__(self, folder: Path, *, name: str | None = None) -> None:
        self.folder = folder
        self.name = name if name is not None else folder.as_posix()

    # -- names -------------------------------------------------------------------------

    def component_ids(self) -> list[str]:
        """Every component with a folder in the store, sorted (links out of it left out)."""
        names = [
            name
            for name in _names(self.folder, self.name)
            if SLUG.fullmatch(name) and (self.folder / name).is_dir()
        ]
        return sorted(name for name in names if path_is_inside(self.folder, self.folder / name))

    def months(self, component_id: str) -> list[Month]:
        """The months that have a file for the component, oldest first."""
        folder = self._component_folder(component_id)
        found = []
        for name in _names(folder, f"{self.name}/{component_id}"):
            match = _MONTH_FILE.fullmatch(name)
            if match is not None and 1 <= int(match[2]) <= 12:
                found.append((int(match[1]), int(match[2])))
        return sorted(found)

    def path(self, component_id: str, month: Month) -> Path:
        return self._component_folder(component_id) / f"{month[0]:04d}-{month[1]:02d}{SUFFIX}"

    def relative(self, component_id: str, month: Month) -> str:
        """The month file's path as problems name it."""
        return f"{self.name}/{component_id}/{month[0]:04d}-{month[1]:02d}{SUFFIX}"

    def _component_folder(self, component_id: str) -> Path:
        if not isinstance(component_id, str) or not SLUG.fullmatch(component_id):
            raise ValueError(f"{component_id!r} is not a component id (a slug such as 'api')")
        return self.folder / component_id

    # -- reading -----------------------------------------------------------------------

    def series(self, component_id: str, since: datetime, until: datetime) -> ProbeSeries:
        """The component's results with ``since <= at < until``, oldest first."""
        low, high = epoch_seconds(since), epoch_seconds(until)
        parts = []
        present = set(self.months(component_id))
        month = month_of(low)
        while high > low and month_start(month) < high:
            if month in present:
                parts.append(self.read_month(component_id, month).between(low, high))
            month = next_month(month)
        return _joined(parts)

    def latest(self, component_id: str, count: int) -> list[ProbeResult]:
        """The component's ``count`` newest results, newest last (across months)."""
        parts: list[ProbeSeries] = []
        have = 0
        for month in reversed(self.months(component_id)):
            if have >= count:
                break
            part = self.read_month(component_id, month)
            parts.insert(0, part)
            have += len(part)
        series = _joined(parts)
        first = max(len(series) - count, 0)
        return [series.result(index) for index in range(first, len(series))] if count > 0 else []

    def read_month(self, component_id: str, month: Month) -> ProbeSeries:
        """One month file (empty when there is none); ``ContentError`` when it is unusable."""
        path = self.path(component_id, month)
        relative = self.relative(component_id, month)
        if not path_is_inside(self.folder, path):
            raise _problem(
                relative,
                "is a link to a place outside the probe results folder",
                "keep the results in the folder itself: replace the link with the file",
            )
        try:
            data, size = read_regular_file(str(path), MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return ProbeSeries.empty()
        except OSError as error:
            raise _problem(relative, f"cannot be read: {error.strerror}", "check it") from None
        if data is None:
            raise _problem(relative, "is not a regular file", RESTORE_FIX)
        if size > MAX_FILE_BYTES:
            raise _problem(
                relative,
                f"is {size // (1024 * 1024)} MiB, more than a month of probe results can be",
                RESTORE_FIX,
            )
        try:
            return decode(data, month)
        except FormatProblem as problem:
            raise _problem(relative, problem.message, problem.fix) from None

    def read(
        self, component_ids: Iterable[str], since: datetime, until: datetime
    ) -> tuple[dict[str, ProbeSeries], list[Problem]]:
        """The results of each component that has any in ``[since, until)``, and every
        problem with the files read (a component with a problem is left out)."""
        found: dict[str, ProbeSeries] = {}
        problems: list[Problem] = []
        try:
            stored = set(self.component_ids())
        except ContentError as error:
            return found, error.problems
        for component_id in component_ids:
            if component_id not in stored:
                if self._component_folder(component_id).is_symlink():
                    problems.append(
                        Problem(
                            f"{self.name}/{component_id}",
                            1,
                            "is a link to a place outside the probe results folder",
                            "keep the results in the folder itself: replace the link with"
                            " the folder",
                        )
                    )
                continue
            try:
                series = self.series(component_id, since, until)
            except ContentError as error:
                problems.extend(error.problems)
                continue
            if len(series):
                found[component_id] = series
        return found, problems

    # -- writing -----------------------------------------------------------------------

    def append(self, component_id: str, results: Iterable[ProbeResult]) -> int:
        """Store ``results`` (in any order) with the component's, in time order; a result at
        a second already stored, or given twice, is stored once (the one stored first).

        Returns:
            How many results were new.

        Raises:
            ValueError: An id that is not a slug, a time without a zone, a status code or
                latency no probe can measure.
            ContentError: A month file the results belong in cannot be read, or would
                hold more than ``MAX_RESULTS``; it is left as it is.
            OSError: The folder cannot be written.
        """
        folder = self._component_folder(component_id)
        incoming = ProbeSeries.of(results)
        if not len(incoming):
            return 0
        by_month: dict[Month, list[int]] = {}
        for index, at in enumerate(incoming.at):
            by_month.setdefault(month_of(at), []).append(index)
        if not path_is_inside(self.folder, folder):
            raise _problem(
                f"{self.name}/{component_id}",
                "is a link to a place outside the probe results folder",
                "keep the results in the folder itself: replace the link with the folder",
            )
        folder.mkdir(parents=True, exist_ok=True)
        added = 0
        with _locked(folder):
            for month, indices in sorted(by_month.items()):
                stored = self.read_month(component_id, month)
                merged, new = _merged(stored, _take(incoming, indices[0], indices[-1] + 1))
                if len(merged) > MAX_RESULTS:
                    raise _problem(
                        self.relative(component_id, month),
                        f"would hold more than {MAX_RESULTS:,} results, one a minute on"
                        " average, which is more than a month file holds",
                        "probe at most once a minute",
                    )
                if new:
                    _write_atomically(self.path(component_id, month), encode(merged))
                    added += new
        return added


# -- the format ------------------------------------------------------------------------


class FormatProblem(Exception):
    """What is wrong with a month file's bytes, in words, and how to fix it."""

    def __init__(self, message: str, fix: str = RESTORE_FIX) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


def encode(series: ProbeSeries) -> bytes:
    """A month file holding ``series`` (one month's results, strictly increasing times)."""
    count = len(series)
    if count == 0:
        raise ValueError("a month file holds at least one result")
    first = series.at[0]
    deltas = array(U32, [0])
    deltas.extend(later - earlier for earlier, later in zip(series.at, series.at[1:], strict=False))
    body = b"".join(
        (
            _HEADER.pack(count, first),
            _shuffled(deltas),
            series.outcome.tobytes(),
            _shuffled(series.status_code),
            _shuffled(series.latency_ms),
        )
    )
    return MAGIC + bytes((FORMAT_VERSION,)) + zlib.compress(body, 9)


def decode(data: bytes, month: Month) -> ProbeSeries:
    """The results of a month file; ``FormatProblem`` unless it is whole and of ``month``."""
    if len(data) < len(MAGIC) + 1 or not data.startswith(MAGIC):
        raise FormatProblem("is not a probe results file (it does not start with HPRB)")
    version = data[len(MAGIC)]
    if version != FORMAT_VERSION:
        raise FormatProblem(
            f"is a probe results file of version {version}, and this Herald reads version"
            f" {FORMAT_VERSION}",
            "upgrade Herald to the version that wrote it, or delete the file",
        )
    stream = zlib.decompressobj()
    try:
        head = stream.decompress(data[len(MAGIC) + 1 :], _HEADER.size)
        if len(head) < _HEADER.size:
            raise FormatProblem("is cut short: it ends before its results")
        count, first = _HEADER.unpack(head)
        if not 1 <= count <= MAX_RESULTS:
            raise FormatProblem(
                f"is damaged: it says it holds {count:,} results (at most {MAX_RESULTS:,},"
                " one a minute on average, are read)"
            )
        wanted = count * _BYTES_PER_RESULT
        # Never inflate more than the header promises: a damaged or hostile file could
        # otherwise expand to gigabytes.
        body = stream.decompress(stream.unconsumed_tail, wanted + 1)
    except zlib.error:
        raise FormatProblem("is damaged: its compressed data cannot be read") from None
    if len(body) > wanted:
        raise FormatProblem(f"is damaged: it holds more than the {count} results it says")
    if not stream.eof:
        raise FormatProblem("is cut short: it ends in the middle of its results")
    if len(body) != wanted:
        raise FormatProblem(f"is damaged: it holds fewer than the {count} results it says")
    if stream.unused_data:
        raise FormatProblem("is damaged: it has bytes after its end")
    deltas = _unshuffled(body, 0, count, U32)
    offset = count * 4
    outcomes = array("B", body[offset : offset + count])
    offset += count
    statuses = _unshuffled(body, offset, count, "H")
    offset += count * 2
    latencies = _unshuffled(body, offset, count, U32)
    if deltas[0] != 0 or (count > 1 and min(deltas[1:]) == 0):
        raise FormatProblem("is damaged: its results are not in time order")
    if max(outcomes) >= _OUTCOMES:
        raise FormatProblem(
            f"has a result with outcome {max(outcomes)}, which this Herald does not know",
            "upgrade Herald to the version that wrote it, or delete the file",
        )
    low, high = month_start(month), month_start(next_month(month))
    # Judged before the times are made: a first time near the end of 64 bits, plus the
    # deltas, would not fit the array that holds them.
    if first < low or first + sum(deltas) >= high:
        raise FormatProblem(
            f"holds results outside {month[0]:04d}-{month[1]:02d}, the month its name says"
        )
    at = array("q", accumulate(deltas, initial=first))
    del at[0]
    return ProbeSeries(at, outcomes, statuses, latencies)


def _shuffled(values: array[int]) -> bytes:
    """The values little-endian, lowest bytes of all first, then the next bytes, ..."""
    if sys.byteorder == "big":  # pragma: no cover - the format is little-endian
        values = array(values.typecode, values)
        values.byteswap()
    raw = values.tobytes()
    width = values.itemsize
    return b"".join(raw[plane::width] for plane in range(width))


def _unshuffled(body: bytes, offset: int, count: int, typecode: str) -> array[int]:
    width = array(typecode).itemsize
    raw = bytearray(count * width)
    for plane in range(width):
        start = offset + plane * count
        raw[plane::width] = body[start : start + count]
    values = array(typecode)
    values.frombytes(raw)
    if sys.byteorder == "big":  # pragma: no cover - the format is little-endian
        values.byteswap()
    return values


def _names(folder: Path, relative: str) -> list[str]:
    """The names in a folder; none when it does not exist (a store not written yet)."""
    try:
        with os.scandir(folder) as entries:
            return [entry.name for entry in entries]
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as error:
        raise _problem(
            relative, f"cannot be read: {error.strerror}", "check its permissions"
        ) from None


def _take(series: ProbeSeries, low: int, high: int) -> ProbeSeries:
    return ProbeSeries(
        series.at[low:high],
        series.outcome[low:high],
        series.status_code[low:high],
        series.latency_ms[low:high],
    )


def _joined(parts: list[ProbeSeries]) -> ProbeSeries:
    if len(parts) == 1:
        return parts[0]
    joined = ProbeSeries.empty()
    for part in parts:
        joined.at.extend(part.at)
        joined.outcome.extend(part.outcome)
        joined.status_code.extend(part.status_code)
        joined.latency_ms.extend(part.latency_ms)
    return joined


def _merged(stored: ProbeSeries, incoming: ProbeSeries) -> tuple[ProbeSeries, int]:
    """``stored`` with the results of ``incoming`` at seconds it lacks; how many those were."""
    known = set(stored.at)
    new = [index for index, at in enumerate(incoming.at) if at not in known]
    if not new:
        return stored, 0
    if not len(stored) or incoming.at[new[0]] > stored.at[-1]:
        # The usual run: every new result is later than what is stored.
        merged = ProbeSeries(
            array("q", stored.at),
            array("B", stored.outcome),
            array("H", stored.status_code),
            array(U32, stored.latency_ms),
        )
        for index in new:
            merged.at.append(incoming.at[index])
            merged.outcome.append(incoming.outcome[index])
            merged.status_code.append(incoming.status_code[index])
            merged.latency_ms.append(incoming.latency_ms[index])
        return merged, len(new)
    rows = sorted(
        [(stored.at[i], stored, i) for i in range(len(stored))]
        + [(incoming.at[i], incoming, i) for i in new],
        key=lambda row: row[0],
    )
    merged = ProbeSeries(
        array("q", (at for at, _, _ in rows)),
        array("B", (source.outcome[i] for _, source, i in rows)),
        array("H", (source.status_code[i] for _, source, i in rows)),
        array(U32, (source.latency_ms[i] for _, source, i in rows)),
    )
    return merged, len(new)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the component's folder while its months are read and rewritten: two runs
    appending at once would otherwise each write the month without the other's results."""
    import fcntl  # here: only a run that writes needs it, not a build or herald check

    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _write_atomically(path: Path, data: bytes) -> None:
    import tempfile  # here: only a run that writes needs it (it loads random)

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _problem(path: str, message: str, fix: str) -> ContentError:
    return ContentError([Problem(path, 1, message, fix)])


def read_probe_results(
    root: Path, folder: str, component_ids: Iterable[str], since: datetime, until: datetime
) -> tuple[dict[str, ProbeSeries], list[Problem]]:
    """What a build shows and ``herald check`` checks: the results in ``[since, until)`` of
    each component in the ``probe_results`` folder ``folder`` (relative to ``root``), and
    every problem with the files that span needs.

    A folder that does not exist means no results, silently: a site need not probe.
    """
    name = PurePosixPath(folder.replace("\\", "/")).as_posix()
    path = root / folder
    if not path_is_inside(root, path):
        return {}, [
            Problem(
                name,
                1,
                "the probe results folder is a link to a place outside the repository",
                "check out the probe results branch into the folder itself",
            )
        ]
    if not path.exists():
        return {}, []
    if not path.is_dir():
        return {}, [
            Problem(
                name,
                1,
                "the probe results folder is a file, not a folder",
                "remove the file, or set probe_results to the folder of the results",
            )
        ]
    return ProbeStore(path, name=name).read(component_ids, since, until)
