"""One deadline for a whole exchange on a socket, not a timeout per read.

A socket's own timeout bounds each read: a peer that sends a byte now and then keeps a
probe (or the relay) waiting for ever. Here one moment on the monotonic clock bounds
everything: each read is given only the time left.
"""

from __future__ import annotations

import io
import socket
import time
from typing import Any


class Deadline:
    """When the whole exchange must be over, on the monotonic clock."""

    def __init__(self, at: float, what: str = "the time is up") -> None:
        self.at = at
        self.what = what

    @classmethod
    def after(cls, seconds: float, what: str = "the time is up") -> Deadline:
        return cls(time.monotonic() + seconds, what)

    def remaining(self) -> float:
        """Seconds left; ``TimeoutError`` (saying ``what``) once there are none."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError(self.what)
        return left


class DeadlineReader(io.RawIOBase):
    """A connection's bytes, every read bounded by the one deadline."""

    def __init__(self, connection: socket.socket, deadline: Deadline) -> None:
        self.connection = connection
        self.deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self.connection.settimeout(self.deadline.remaining())
        return self.connection.recv_into(buffer)
