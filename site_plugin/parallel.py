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

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

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
            _, status = os.waitpid(self.pid, 0)
            self.pid = None
            if os.waitstatus_to_exitcode(status) == 0:
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
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
