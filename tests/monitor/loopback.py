"""HTTP(S) servers on loopback for the probe tests, each answering as its test says.

Nothing here waits on time passing: a server that holds a request waits on an event that
its test, or the teardown (``closing``), sets. Each connection is served in a thread of
its own, and every thread is joined when the server closes.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HEAD_LIMIT = 64 * 1024


@dataclass(frozen=True)
class Request:
    """What a probe sent: the request line and headers (names in lower case)."""

    method: str
    target: str
    version: str
    headers: dict[str, str]


@dataclass
class Exchange:
    """One connection with its request read: the test's answer writes to it."""

    request: Request
    connection: socket.socket
    closing: threading.Event

    def send(self, data: bytes) -> None:
        self.connection.sendall(data)

    def answer(
        self,
        status: int = 200,
        body: bytes = b"ok",
        *,
        reason: str = "OK",
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """A complete HTTP/1.1 response; no body for a HEAD request, as HTTP says."""
        lines = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.send(head if self.request.method == "HEAD" else head + body)

    def hold(self) -> None:
        """Answer nothing until the teardown."""
        self.closing.wait()


Respond = Callable[[Exchange], None]


@dataclass
class LoopbackServer:
    """A TCP server on 127.0.0.1 (port 0: the system picks a free one), with TLS when
    given a context; ``respond`` is called for each request."""

    respond: Respond
    tls: ssl.SSLContext | None = None
    speaks_first: bytes | None = None
    """Sent as soon as a client connects, before reading anything; then it hangs up."""
    requests: list[Request] = field(default_factory=list)
    handshake_failures: int = 0
    closing: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []
        self.connections: list[socket.socket] = []
        self.acceptor = threading.Thread(target=self.accept_all, name="loopback-accept")
        self.acceptor.start()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def accept_all(self) -> None:
        while not self.closing.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # the listener was shut down
            thread = threading.Thread(target=self.serve, args=(connection,), name="loopback")
            with self.lock:
                self.connections.append(connection)
                self.threads.append(thread)
            thread.start()

    def serve(self, connection: socket.socket) -> None:
        with contextlib.ExitStack() as stack:
            stack.callback(connection.close)
            if self.speaks_first is not None:
                with contextlib.suppress(OSError):
                    connection.sendall(self.speaks_first)
                return
            if self.tls is not None:
                try:
                    connection = self.tls.wrap_socket(connection, server_side=True)
                except OSError:
                    with self.lock:
                        self.handshake_failures += 1
                    return
                stack.callback(connection.close)
            request = read_request(connection)
            if request is None:
                return
            with self.lock:
                self.requests.append(request)
            # A probe that gave up closes its end: writing to it then is no failure here.
            with contextlib.suppress(OSError):
                self.respond(Exchange(request, connection, self.closing))

    def close(self) -> None:
        self.closing.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.listener.close()
        self.acceptor.join()
        with self.lock:
            threads = list(self.threads)
        for thread in threads:
            thread.join()


def read_request(connection: socket.socket) -> Request | None:
    """The request line and headers, or ``None`` when the client sent no whole head."""
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = connection.recv(4096)
        except OSError:
            return None
        if not chunk or len(data) > HEAD_LIMIT:
            return None
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    request_line, *header_lines = head.split("\r\n")
    method, target, version = request_line.split(" ")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Request(method, target, version, headers)


def tls_server_context(certificate: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    return context


class Gate:
    """Holds each request until the test lets it through, and tells which are in flight
    (arrived, not yet let through) at once.

    A request leaves the flight before its answer is written, so the next request of the
    same worker cannot arrive while it still counts: the peak is what the client ran at
    once, never more.
    """

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.in_flight: list[str] = []
        self.released: set[str] = set()
        self.opened = False
        self.peak = 0

    def respond(self, exchange: Exchange) -> None:
        name = exchange.request.target
        with self.changed:
            self.in_flight.append(name)
            self.peak = max(self.peak, len(self.in_flight))
            self.changed.notify_all()
            self.changed.wait_for(lambda: name in self.released or self.opened)
            self.in_flight.remove(name)
            self.changed.notify_all()
        exchange.answer()

    def wait_for_flight(self, expected: set[str], within: float) -> set[str]:
        """The requests in flight once they are ``expected`` (or ``within`` seconds have
        passed, a bound for a failing test only)."""
        with self.changed:
            self.changed.wait_for(lambda: set(self.in_flight) == expected, timeout=within)
            return set(self.in_flight)

    def release(self, name: str) -> None:
        with self.changed:
            self.released.add(name)
            self.changed.notify_all()

    def open(self) -> None:
        """Let every request through, now and later: the teardown's, so no thread waits."""
        with self.changed:
            self.opened = True
            self.changed.notify_all()
