"""A pure function mapped over many items on every core the process may use.

A status site's history grows by a few files with every incident, and most of its build
is one thread converting their Markdown. CI runners have two cores or more. The items
are cut into one contiguous run per core: this process maps the first, and a forked copy
of it maps each other run and sends back its results, pickled. Forking shares the
function and everything it reads as they stand, so nothing but items and results is
copied, and the results are in the same order as one loop's.

A fork is only safe in a process with one thread: a lock another thread held at the
fork would stay held forever in the copy. So the map is one loop in a process with
threads (``mkdocs serve``), where ``fork`` is missing or not the platform's habit
(Windows, macOS), on one core, and for few items. A copy that fails for any reason
costs time, never a result: its run is mapped here.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import signal
import struct
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from typing import IO, Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

SMALLEST_RUN = 250
"""Fewer items than this per core, and a fork costs more than it saves."""


def usable_cores() -> int:
    """The cores this process may run on (its affinity, not the machine's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether a forked copy of this process is safe and usual here."""
    return (
        hasattr(os, "fork") and sys.platform.startswith("linux") and threading.active_count() == 1
    )


def map_on_cores(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    *,
    smallest_run: int | None = None,
) -> list[Result]:
    """``[function(item) for item in items]``, the runs after the first in forked copies.

    ``function`` must not depend on state earlier calls change, and its results must
    pickle. An exception it raises here propagates; one raised in a copy makes this
    process map that copy's run, so the exception (if it is real) propagates from here.
    """
    run = SMALLEST_RUN if smallest_run is None else smallest_run
    runs = min(usable_cores(), len(items) // max(run, 1)) if can_fork() else 1
    if runs < 2:
        return [function(item) for item in items]
    size = -(-len(items) // runs)
    bounds = [(start, min(start + size, len(items))) for start in range(size, len(items), size)]
    children = [_Child(function, items[start:stop]) for start, stop in bounds]
    try:
        results = [function(item) for item in items[:size]]
        for child in children:
            results += child.results()
    finally:
        for child in children:
            child.stop()
    return results


class Pending(Generic[Result]):
    """``function()``, started now in a forked copy and taken with ``result()``.

    For work this process does not need until later: the copy runs it while this process
    goes on. Its result must pickle. ``size`` is how many items the work covers: under
    ``SMALLEST_RUN``, or in a process where a fork is not safe, ``function`` is called
    when the result is asked for.
    """

    def __init__(self, function: Callable[[], Result], *, size: int) -> None:
        self._function = function
        self._child: _Child[None, Result] | None = None
        if size >= SMALLEST_RUN and can_fork() and usable_cores() >= 2:
            self._child = _Child(lambda _: function(), (None,))

    def result(self) -> Result:
        """The result: the copy's, or made here when there is no copy or it failed."""
        if self._child is None:
            return self._function()
        try:
            (value,) = self._child.results()
        finally:
            self.cancel()
        return value

    def cancel(self) -> None:
        """End the copy if it still runs; no result is wanted any more."""
        if self._child is not None:
            self._child.stop()
            self._child = None


class MappedFromTheEnd(Generic[Item, Result]):
    """``function`` over ``items`` from both ends: a forked copy maps them from the last
    one back, while this process works forward from the first, and they meet wherever
    their speeds put them.

    For a loop this process must run itself, in order (MkDocs' pages): before each item,
    ``made_ahead(index)`` says whether the copy already has its result. When it has, take
    it with ``result(index)``; when not, the item is this process's to do, and the copy
    stops before it. So neither ever waits for the other, however busy the machine, and
    at most one item is done twice. The copy writes each result, pickled, to an unnamed
    temporary file, and its index and place on a pipe; results wait on disk, not in
    memory.

    Without a copy (under ``SMALLEST_RUN`` items, in a process that must not fork, on one
    core) nothing is made ahead. ``start`` is called once in the copy, before its first
    item. ``close()`` ends the copy.
    """

    _RECORD = struct.Struct("<qqq")
    """A result's record on the pipe: its index, place and size."""

    def __init__(
        self,
        function: Callable[[Item], Result],
        items: Sequence[Item],
        *,
        start: Callable[[], object] | None = None,
    ) -> None:
        self._pid: int | None = None
        self._said = -1
        self._results: IO[bytes] | None = None
        self._made: dict[int, tuple[int, int]] = {}
        self._unread = b""
        # What this process has claimed, shared with the copy: it stops before that item.
        self._claimed = memoryview(mmap.mmap(-1, 8)).cast("q")
        self._claimed[0] = -1
        if len(items) < SMALLEST_RUN or not can_fork() or usable_cores() < 2:
            return
        try:  # no temporary folder, no descriptors left: no copy, and this process does all
            results = tempfile.TemporaryFile()  # noqa: SIM115 (kept open until close())
        except OSError:
            return
        try:
            said, say = os.pipe()
        except OSError:
            results.close()
            return
        try:
            os.set_blocking(said, False)
            pid = os.fork()
        except OSError:
            results.close()
            os.close(said)
            os.close(say)
            return
        if pid == 0:  # the copy: map from the end, write, say; leave without exit handlers
            os.close(said)
            status = 1
            try:
                if start is not None:
                    start()
                place = 0
                for index in range(len(items) - 1, -1, -1):
                    if self._claimed[0] >= index:
                        break
                    data = pickle.dumps(function(items[index]), pickle.HIGHEST_PROTOCOL)
                    _write_all(results.fileno(), data)
                    record = self._RECORD.pack(index, place, len(data))
                    os.write(say, record)  # one write under PIPE_BUF: never split
                    place += len(data)
                status = 0
            finally:
                os._exit(status)
        os.close(say)
        self._pid, self._said, self._results = pid, said, results

    def made_ahead(self, index: int) -> bool:
        """Whether the copy has item ``index``'s result; when not, it is this process's
        to make. Ask in increasing order of index."""
        self._claimed[0] = max(self._claimed[0], index)
        self._read_records()
        return index in self._made

    def result(self, index: int) -> Result | None:
        """The copy's result for an item made ahead; ``None`` when it cannot be read, or
        when ``function`` gave ``None``: its way of leaving an item to this process."""
        place = self._made.pop(index, None)
        if place is None or self._results is None:
            return None
        start, size = place
        try:
            data = os.pread(self._results.fileno(), size, start)
            if len(data) != size:
                raise EOFError("a result cut short")
            result: Result = pickle.loads(data)
        except Exception:
            return None
        return result

    def close(self) -> None:
        """End the copy if it still runs and let its file go."""
        if self._pid is not None:
            _end(self._pid)
            self._pid = None
        if self._said >= 0:
            os.close(self._said)
            self._said = -1
        if self._results is not None:
            self._results.close()
            self._results = None
        self._made.clear()

    def _read_records(self) -> None:
        """Take what the copy has said since last time, without waiting for it."""
        while self._said >= 0:
            try:
                chunk = os.read(self._said, 1 << 16)
            except BlockingIOError:
                return
            if not chunk:  # the copy has left: what it made is all there is
                os.close(self._said)
                self._said = -1
                return
            data = self._unread + chunk
            whole = len(data) - len(data) % self._RECORD.size
            for index, start, size in self._RECORD.iter_unpack(data[:whole]):
                self._made[index] = (start, size)
            self._unread = data[whole:]


def _end(pid: int) -> None:
    """Kill and reap a copy; one reaped already (elsewhere, or with SIGCHLD ignored) is
    gone, which is all that is wanted."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


class _Child(Generic[Item, Result]):
    """A forked copy of this process mapping one run of items."""

    def __init__(self, function: Callable[[Item], Result], items: Sequence[Item]) -> None:
        self.function = function
        self.items = items
        self.pid: int | None = None
        self.pipe = -1
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:  # the copy: map, send, and leave without running any exit handler
            os.close(read_end)
            status = 1
            try:
                data = pickle.dumps([function(item) for item in items], pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self.pid, self.pipe = pid, read_end

    def results(self) -> list[Result]:
        """The copy's results; mapped here when the copy could not give them."""
        if self.pid is not None:
            with os.fdopen(self.pipe, "rb") as pipe:
                self.pipe = -1
                data = pipe.read()
            try:
                _, status = os.waitpid(self.pid, 0)
                succeeded = os.waitstatus_to_exitcode(status) == 0
            except ChildProcessError:  # reaped elsewhere: whole results still unpickle
                succeeded = True
            self.pid = None
            if succeeded:
                try:
                    results: list[Result] = pickle.loads(data)
                except Exception:
                    pass
                else:
                    return results
        return [self.function(item) for item in self.items]

    def stop(self) -> None:
        """End the copy if it still runs (this process is leaving early)."""
        if self.pipe >= 0:
            os.close(self.pipe)
            self.pipe = -1
        if self.pid is not None:
            _end(self.pid)
            self.pid = None
