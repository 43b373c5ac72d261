"""What probes measured: one result per probe run, as ``herald probe`` records them.

A result says when the probe ran, how it ended (an ``Outcome``), the status code the
server answered with and how long the whole response took. Results are measurements, not
statements: the status page's headline status stays what people posted, and measured
figures are shown beside it, labelled as measured.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


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
