"""What probes measured: one result per probe run, as ``herald probe`` records them.

A result says when the probe ran, how it ended (an ``Outcome``), the status code the
server answered with and how long the whole response took. Results are measurements, not
statements: the status page's headline status stays what people posted, and measured
figures are shown beside it, labelled as measured.

Many results of one component are a ``ProbeSeries``: one ``array`` per field, as the
store (``probe_store.py``) reads them and the statistics (``engine/measured.py``) use them.
"""

from __future__ import annotations

import bisect
import enum
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


class Outcome(enum.IntEnum):
    """How one probe ended. The values are what the store writes: never renumber them."""

    UP = 0
    """The expected status (and text) arrived in time."""
    SLOW = 1
    """Up, but slower than the probe's ``slow_after``."""
    WRONG_STATUS = 2
    """A response with a status code the probe does not expect."""
    WRONG_TEXT = 3
    """The expected status, but the body lacks the text the probe looks for."""
    TIMEOUT = 4
    """No complete response within the probe's timeout."""
    REFUSED = 5
    """The connection was refused or reset: nothing listens, or it went away."""
    DNS = 6
    """The host name did not resolve."""
    TLS = 7
    """The TLS handshake failed: an invalid, expired or mismatched certificate."""
    ERROR = 8
    """Any other failure to get a response (a malformed reply, a network error)."""

    @property
    def is_available(self) -> bool:
        """Whether the service answered as expected (slow counts: it answered)."""
        return self in (Outcome.UP, Outcome.SLOW)

    @property
    def is_failing(self) -> bool:
        """Whether this result counts towards drafting an incident (slow does)."""
        return self is not Outcome.UP


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """One probe run of one component.

    Attributes:
        at: When the run started (timezone-aware); one run dates all its results alike.
        outcome: How it ended.
        status_code: The HTTP status code, if a response arrived.
        latency_ms: Milliseconds until the whole response had arrived, if it did.
        detail: A short reason for a failure (not kept in the store): evidence for the
            draft's pull request.
    """

    at: datetime
    outcome: Outcome
    status_code: int | None = None
    latency_ms: int | None = None
    detail: str = ""


NO_STATUS = 0
"""``ProbeSeries.status_code`` where no response arrived (``ProbeResult.status_code`` None)."""
NO_LATENCY = 0xFFFF_FFFF
"""``ProbeSeries.latency_ms`` where no response arrived (``ProbeResult.latency_ms`` None)."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)
U32 = next(code for code in "ILQ" if array(code).itemsize == 4)
"""The ``array`` type code of a 32-bit unsigned integer on this platform."""


def epoch_seconds(moment: datetime) -> int:
    """Whole seconds since 1970 (UTC) of a timezone-aware moment, fractions dropped."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone: give probe times with one")
    return (moment - _EPOCH) // _SECOND


def from_epoch(seconds: int) -> datetime:
    """The UTC moment ``seconds`` after 1970."""
    return _EPOCH + timedelta(seconds=seconds)


@dataclass(frozen=True, slots=True)
class ProbeSeries:
    """Results of one component, oldest first, one column per field: what statistics read.

    Times are whole seconds since 1970 (UTC), strictly increasing: a run's result is kept
    once per second. A missing status code reads ``NO_STATUS``, a missing latency
    ``NO_LATENCY``; ``detail`` is not kept.
    """

    at: array[int]
    """Seconds since 1970, ascending (``q``)."""
    outcome: array[int]
    """``Outcome`` values (``B``)."""
    status_code: array[int]
    """HTTP status codes, ``NO_STATUS`` where none (``H``)."""
    latency_ms: array[int]
    """Milliseconds, ``NO_LATENCY`` where none (32-bit unsigned)."""

    @classmethod
    def empty(cls) -> ProbeSeries:
        return cls(array("q"), array("B"), array("H"), array(U32))

    @classmethod
    def of(cls, results: Iterable[ProbeResult]) -> ProbeSeries:
        """The series of ``results`` (in any order; at most one result per second kept,
        the first given)."""
        rows: dict[int, ProbeResult] = {}
        for result in results:
            rows.setdefault(epoch_seconds(result.at), result)
        ordered = sorted(rows.items())
        return cls(
            array("q", (at for at, _ in ordered)),
            array("B", (Outcome(result.outcome) for _, result in ordered)),
            array("H", (_status(result) for _, result in ordered)),
            array(U32, (_latency(result) for _, result in ordered)),
        )

    def __len__(self) -> int:
        return len(self.at)

    def result(self, index: int) -> ProbeResult:
        """One result as the model has it."""
        status = self.status_code[index]
        latency = self.latency_ms[index]
        return ProbeResult(
            at=from_epoch(self.at[index]),
            outcome=Outcome(self.outcome[index]),
            status_code=None if status == NO_STATUS else status,
            latency_ms=None if latency == NO_LATENCY else latency,
        )

    def results(self) -> list[ProbeResult]:
        """Every result, oldest first."""
        return [self.result(index) for index in range(len(self))]

    def between(self, since: int, until: int) -> ProbeSeries:
        """The results with ``since <= at < until`` (seconds since 1970)."""
        low = bisect.bisect_left(self.at, since)
        high = bisect.bisect_left(self.at, until, low)
        if low == 0 and high == len(self):
            return self
        return ProbeSeries(
            self.at[low:high],
            self.outcome[low:high],
            self.status_code[low:high],
            self.latency_ms[low:high],
        )


def _status(result: ProbeResult) -> int:
    code = result.status_code
    if code is None:
        return NO_STATUS
    if not 100 <= code <= 999:
        raise ValueError(f"{code} is not an HTTP status code")
    return code


def _latency(result: ProbeResult) -> int:
    latency = result.latency_ms
    if latency is None:
        return NO_LATENCY
    if not 0 <= latency < NO_LATENCY:
        raise ValueError(f"{latency} ms is not a latency a probe can measure")
    return latency
