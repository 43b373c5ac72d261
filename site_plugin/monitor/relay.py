"""The relay behind ``herald relay-alerts``: Alertmanager's webhook in, GitHub's
``repository_dispatch`` out.

Alertmanager posts a payload of its own fixed shape and cannot send the body GitHub's
dispatch API wants, so the relay stands between them. For each POST it checks the shared
bearer token (Alertmanager's ``http_config.authorization``), reads the payload with
``alerts`` (a payload with problems is refused with 400, which Alertmanager does not retry:
sending it again would not help), wraps it as a ``herald-alert`` dispatch within GitHub's
size limit, and answers only once GitHub has taken it: 200 then, and 502 when GitHub did
not, which Alertmanager retries. No alert is acknowledged and then lost.

The HTTP is the standard library's: a ``ThreadingHTTPServer`` (each connection in a thread
of its own, at most ``RelaySettings.connections`` of them and ``RelaySettings.concurrency``
POSTs at once), bodies bounded, a sender given ``read_timeout`` for its whole request
however slowly it trickles it, and ``stop()`` waits for the POSTs under way. A request from
a web page (one with an ``Origin``, or a body that is not JSON) is refused: a page opened
in a browser on the relay's host must not post alerts through it. Reaching GitHub is
``forward``'s work, which the command line hands in: this package holds no token and reads
no environment. Every line the relay logs is its own words and counts; what a payload holds
is never logged but through ``one_line``, and the log function makes it safe for a
terminal.
"""

from __future__ import annotations

import hmac
import io
import socket
import socketserver
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from ..characters import one_line
from ..errors import ContentError, DeliveryError
from .alerts import (
    DISPATCH_EVENT_TYPE,
    MAX_PAYLOAD_BYTES,
    AlertPayload,
    dispatch_request,
    load_payload_json,
    read_sender_payload,
)
from .deadlines import Deadline, DeadlineReader

Forward = Callable[[Mapping[str, Any]], None]
"""Sends one dispatch request body to GitHub; raises ``DeliveryError`` when GitHub did not
take it."""
Log = Callable[[str], None]

SOURCE = "alertmanager"
"""Who posts to the relay (Grafana can post to GitHub itself)."""
REQUEST_NAME = "the request"
"""How the relay's problems name what was posted."""
DRAINED = 16 << 20
"""A body too large is still read to its end (and dropped) up to this many bytes."""


@dataclass(frozen=True)
class RelaySettings:
    """Where the relay listens and what it lets in.

    Attributes:
        host: The address to listen on (``127.0.0.1``, ``::1``, ``0.0.0.0``, a name).
        port: The port; 0 picks a free one (``AlertRelay.url`` says which).
        repository: ``OWNER/NAME``, for the log.
        shared_secret: The bearer token every POST must carry; ``None`` lets every POST in
            (only sensible on a loopback address).
        body_limit: The largest body read, in bytes.
        read_timeout: Seconds a sender may take to send its whole request (line, headers
            and body), however slowly it sends it.
        concurrency: POSTs handled at once; more are answered 503 (Alertmanager retries).
        connections: Connections open at once, before any is authorised; more are closed
            as they come, so no sender can make the relay start a thread for each of
            thousands of connections it opens and never finishes.
    """

    host: str
    port: int
    repository: str
    shared_secret: str | None = None
    body_limit: int = MAX_PAYLOAD_BYTES
    read_timeout: float = 30.0
    concurrency: int = 16
    connections: int = 64


@dataclass(frozen=True)
class Answer:
    """What the relay answers a POST: a status and a line of plain text."""

    status: int
    text: str
    headers: tuple[tuple[str, str], ...] = ()


class AlertRelay(ThreadingHTTPServer):
    """The relay, listening once made; ``serve_in_thread()`` starts it, ``stop()`` ends it."""

    daemon_threads = False
    block_on_close = True
    """``server_close()`` waits for the POSTs under way: each is bounded by the read
    timeout and ``forward``'s own."""

    def __init__(self, settings: RelaySettings, forward: Forward, log: Log) -> None:
        self.settings = settings
        self.forward = forward
        self._log = log
        self._log_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(settings.concurrency)
        self._connections = threading.BoundedSemaphore(settings.connections)
        self._serving: threading.Thread | None = None
        self.address_family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
        super().__init__((settings.host, settings.port), _RelayHandler)

    def server_bind(self) -> None:
        # HTTPServer's own looks the host's name up (getfqdn), which can hang on a machine
        # with broken DNS; the relay never needs it.
        socketserver.TCPServer.server_bind(self)
        self.server_name = self.settings.host
        self.server_port = int(self.server_address[1])

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:9095/``: what Alertmanager's webhook ``url`` is set to."""
        host = self.settings.host
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}/"

    def serve_in_thread(self) -> threading.Thread:
        """Start answering in a thread of its own; returns it."""
        serving = threading.Thread(target=self.serve_forever, name="herald-relay", daemon=True)
        serving.start()
        self._serving = serving
        return serving

    def stop(self) -> None:
        """Stop taking POSTs, let those under way finish, and close the socket."""
        if self._serving is not None:
            self.shutdown()
            self._serving.join()
            self._serving = None
        self.server_close()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._connections.acquire(blocking=False):
            # Closed before a thread is made for it: Alertmanager retries.
            self.log(f"{client_address[0]}: refused: {self.settings.connections} connections open")
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._connections.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A sender that hung up before its answer (Alertmanager gave up and will retry):
        # one line, not the standard library's traceback.
        kind = type(sys.exc_info()[1]).__name__
        self.log(f"{client_address[0]}: the connection broke before the answer ({kind})")

    def log(self, line: str) -> None:
        with self._log_lock:
            self._log(line)

    def receive(self, request: _RelayHandler) -> Answer:
        """One POST, from the check of its token to GitHub's answer."""
        peer = str(request.client_address[0])
        if urlsplit(request.path).path != "/":
            return Answer(404, "Herald's relay takes POST / only")
        if request.headers.get("Origin") is not None:
            # Browsers name the page a request comes from (a cross-site form, or a page
            # whose name was made to point at this host); Alertmanager never does.
            self.log(f"{peer}: refused (403): a request from a web page")
            return Answer(403, "Herald's relay takes no requests from web pages")
        if not self._authorised(request.headers.get("Authorization")):
            self.log(f"{peer}: refused (401): a wrong or missing bearer token")
            return Answer(
                401,
                "a wrong or missing bearer token (set http_config.authorization.credentials)",
                (("WWW-Authenticate", 'Bearer realm="herald-relay"'),),
            )
        kind = (request.headers.get("Content-Type") or "").partition(";")[0].strip().lower()
        if kind != "application/json":
            # A web page can post text or a form to any address without asking first, but
            # not JSON.
            self.log(f"{peer}: refused (415): a body that is not JSON")
            return Answer(415, "send the payload as Content-Type: application/json")
        if not self._slots.acquire(blocking=False):
            self.log(f"{peer}: refused (503): {self.settings.concurrency} POSTs under way")
            return Answer(503, "busy: try again")
        try:
            return self._relay(request, peer)
        finally:
            self._slots.release()

    def _authorised(self, header: str | None) -> bool:
        secret = self.settings.shared_secret
        if secret is None:
            return True
        scheme, _, credentials = (header or "").strip().partition(" ")
        if scheme.lower() != "bearer":
            return False
        given = credentials.strip().encode("utf-8", "replace")
        return hmac.compare_digest(given, secret.encode("utf-8"))

    def _relay(self, request: _RelayHandler, peer: str) -> Answer:
        body = self._body(request, peer)
        if isinstance(body, Answer):
            return body
        try:
            document = load_payload_json(body, REQUEST_NAME)
            payload = read_sender_payload(document, SOURCE, REQUEST_NAME)
        except ContentError as error:
            self.log(f"{peer}: refused (400): {error.problems[0]}")
            return Answer(400, "Herald cannot read this payload:\n" + error.report())
        assert isinstance(document, dict)
        dispatch, left_out = dispatch_request(SOURCE, document)
        told = _counts(payload)
        try:
            self.forward(dispatch)
        except DeliveryError as error:
            self.log(f"{peer}: {told}: GitHub did not take it, answered 502 to retry: {error}")
            return Answer(502, f"GitHub did not take it: {error}")
        except Exception as error:  # a fault of the relay: reported, and retried
            self.log(f"{peer}: {told}: the relay failed ({type(error).__name__}), answered 500")
            return Answer(500, "the relay failed; try again")
        fitted = (
            f"; {left_out} left out to fit GitHub's size limit (set max_alerts)" if left_out else ""
        )
        self.log(
            f"{peer}: {told}: sent to {self.settings.repository} as {DISPATCH_EVENT_TYPE}{fitted}"
        )
        return Answer(200, f"sent to GitHub as {DISPATCH_EVENT_TYPE}")

    def _body(self, request: _RelayHandler, peer: str) -> bytes | Answer:
        """The request's body, read within the limit and the time allowed."""
        if request.headers.get("Transfer-Encoding"):
            return Answer(411, "send the body with a Content-Length")
        lengths = request.headers.get_all("Content-Length") or []
        text = lengths[0].strip() if len(lengths) == 1 else ""
        if not (text.isascii() and text.isdigit()):
            return Answer(411, "send the body with one Content-Length")
        length = int(text)
        if length > self.settings.body_limit:
            if length <= DRAINED:
                # Read to the end, so the sender sees the answer rather than a broken pipe.
                _discard(request, length)
            self.log(f"{peer}: refused (413): a body of {length:,} bytes")
            return Answer(
                413,
                f"the body is more than {self.settings.body_limit:,} bytes (set max_alerts)",
            )
        try:
            body = request.rfile.read(length)
        except OSError:
            body = b""
        if len(body) < length:
            self.log(f"{peer}: refused (400): the body ended early or came too slowly")
            return Answer(400, "the body ended early or came too slowly")
        return body


def _discard(request: _RelayHandler, length: int) -> None:
    try:
        while length > 0:
            chunk = request.rfile.read(min(length, 1 << 16))
            if not chunk:
                return
            length -= len(chunk)
    except OSError:
        return


def _counts(payload: AlertPayload) -> str:
    """``2 alerts (1 firing, 1 resolved: HighErrorRate, DiskFull)``, names one short line."""
    events = payload.events
    firing = sum(event.firing for event in events)
    names = one_line(", ".join(dict.fromkeys(event.name for event in events)), 120)
    noun = "alert" if len(events) == 1 else "alerts"
    listed = f": {names}" if names else ""
    return f"{len(events)} {noun} ({firing} firing, {len(events) - firing} resolved{listed})"


class _RelayHandler(BaseHTTPRequestHandler):
    server: AlertRelay
    server_version = "herald-relay"
    sys_version = ""

    def setup(self) -> None:
        # A sender that stops half-way, or trickles its request a byte at a time, is let
        # go once its time for the whole request is up.
        super().setup()
        timeout = self.server.settings.read_timeout
        self.connection.settimeout(timeout)
        reader = DeadlineReader(
            self.connection,
            Deadline.after(timeout, "the request took longer than the relay allows"),
        )
        self.rfile.close()  # the socket's own file, unread: it would hold the socket open
        self.rfile = io.BufferedReader(reader)

    def do_POST(self) -> None:
        self._answer(self.server.receive(self))

    def _refuse_method(self) -> None:
        self._answer(Answer(405, "Herald's relay takes POST / only", (("Allow", "POST"),)))

    do_GET = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse_method

    def do_HEAD(self) -> None:
        self.send_response(405)
        self.send_header("Allow", "POST")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _answer(self, answer: Answer) -> None:
        data = (answer.text + "\n").encode("utf-8")
        self.send_response(answer.status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Each POST is logged once, by the relay, in its own words."""

    def log_message(self, format: str, *args: Any) -> None:
        # What the standard library reports itself: malformed requests, timeouts.
        self.server.log(f"{self.client_address[0]}: {one_line(format % args, 300)}")
