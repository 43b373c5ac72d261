"""Probing components: one HTTP(S) request each, a bounded number at a time, each ending
in an ``Outcome``.

A probe is one request, made as its ``probe:`` says and nothing more: no redirect is
followed (a 3xx answer is judged by ``expect_status`` like any other, and the default
200-399 counts it as up), no proxy, cookies or compression. Its timeout bounds the whole
request (looking up the name, connecting, the TLS handshake, the response's head and
what is read of its body), not each socket operation, so a server that trickles bytes
still times out on time. Only a probe with ``body_contains`` reads the body, at most
``BODY_LIMIT`` of it; the latency is until the head arrived, or the body was read.

Certificates are checked against the system's trust store, which ``SSL_CERT_FILE`` and
``SSL_CERT_DIR`` replace as OpenSSL reads them (a team with a private CA sets them).

A result's ``detail`` is one of a fixed set of phrases written here. Nothing the server
sent (its body, reason phrase, headers, a TLS alert's text) ever appears in it: details
go into pull requests and CI logs. The one text from elsewhere is the probe's own
``body_contains``, quoted on one line with its unprintable characters escaped.
"""

from __future__ import annotations

import enum
import errno
import http.client
import io
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, cast
from urllib.parse import SplitResult, quote, urlsplit

from .. import __version__
from ..content.measurements import Outcome, ProbeResult
from ..content.model import Probe
from .deadlines import Deadline, DeadlineReader

if TYPE_CHECKING:
    pass

BODY_LIMIT = 1 << 20
"""The most of a body read to look for ``body_contains``: a health page is small, and a
probe must not download whatever a broken server sends."""
USER_AGENT = f"Herald/{__version__} (status probe)"
DEFAULT_CONCURRENCY = 8
_TEXT_SHOWN = 60
"""The most of a probe's ``body_contains`` a detail quotes."""


@dataclass(frozen=True, slots=True)
class CertificateWarning:
    """An https certificate that expires within its probe's ``certificate_warning``.

    Attributes:
        component_id: The component whose probe found it.
        host: The host name (or address) the probe connected to.
        expires: When the certificate stops being valid (aware, UTC).
        time_left: From the run's start until then (negative once expired).
    """

    component_id: str
    host: str
    expires: datetime
    time_left: timedelta


@dataclass(frozen=True)
class ProbeRun:
    """What one run of probes found.

    Attributes:
        results: One result per component id, in the order the probes were given.
        certificate_warnings: Certificates that expire soon, in the same order.
    """

    results: dict[str, ProbeResult]
    certificate_warnings: list[CertificateWarning]


def run_probes(
    probes: Mapping[str, Probe], started: datetime, *, concurrency: int = DEFAULT_CONCURRENCY
) -> ProbeRun:
    """Run every probe, at most ``concurrency`` at a time, and classify each result.

    Args:
        probes: Component id → its probe.
        started: When the run started (aware): it dates every result, and certificates'
            time left is counted from it. The wall clock is never read.
        concurrency: How many requests may be under way at once.

    Never raises for what a probe meets: any failure, expected or not, becomes that
    probe's result, and a slow probe holds up no other past its own timeout.
    """
    if started.utcoffset() is None:
        raise ValueError("started must be timezone-aware")
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    if not probes:
        return ProbeRun({}, [])
    # Built once a run, so that a changed trust store (SSL_CERT_FILE) counts from the next.
    tls = _TlsContexts() if any(_is_https(probe) for probe in probes.values()) else None
    workers = min(concurrency, len(probes))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="herald-probe") as pool:
        futures = {
            component_id: pool.submit(_measure_safely, probe, started, tls)
            for component_id, probe in probes.items()
        }
    results: dict[str, ProbeResult] = {}
    warnings: list[CertificateWarning] = []
    for component_id, future in futures.items():
        measurement = future.result()  # _measure_safely returns, whatever happened
        results[component_id] = measurement.result
        probe = probes[component_id]
        if measurement.expires is None:
            continue
        time_left = measurement.expires - started
        if time_left <= probe.certificate_warning:
            host = urlsplit(probe.url).hostname or ""
            warnings.append(CertificateWarning(component_id, host, measurement.expires, time_left))
    return ProbeRun(results, warnings)


@dataclass(frozen=True, slots=True)
class _Measurement:
    result: ProbeResult
    expires: datetime | None = None
    """The verified certificate's expiry, when an https handshake succeeded."""


class _TlsContexts:
    """One verifying and one trusting context for a run (a context is safe to share)."""

    def __init__(self) -> None:
        # The default context reads OpenSSL's default paths, which SSL_CERT_FILE and
        # SSL_CERT_DIR replace; it checks host names and refuses TLS before 1.2.
        self.verifying = ssl.create_default_context()
        self.trusting = ssl.create_default_context()
        self.trusting.check_hostname = False
        self.trusting.verify_mode = ssl.CERT_NONE


def _is_https(probe: Probe) -> bool:
    return urlsplit(probe.url).scheme == "https"


def _measure_safely(probe: Probe, started: datetime, tls: _TlsContexts | None) -> _Measurement:
    try:
        return _measure(probe, started, tls)
    except Exception as error:  # one probe's surprise must not end the run
        detail = f"the probe failed unexpectedly ({type(error).__name__})"
        return _Measurement(ProbeResult(started, Outcome.ERROR, detail=detail))


class _Phase(enum.Enum):
    """The steps of a request, in order."""

    CONNECT = enum.auto()
    HANDSHAKE = enum.auto()
    EXCHANGE = enum.auto()


@dataclass
class _Attempt:
    """How far a request got: what a failure means depends on it."""

    phase: _Phase = _Phase.CONNECT
    status: int | None = None
    expires: datetime | None = None
    """The verified certificate's expiry, once the handshake is done."""


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    body: bytes | None
    """At most ``BODY_LIMIT`` of the body, read only for ``body_contains``."""
    latency_ms: int


def _measure(probe: Probe, started: datetime, tls: _TlsContexts | None) -> _Measurement:
    attempt = _Attempt()
    try:
        answer = _request(probe, tls, attempt)
    except Exception as error:
        outcome, detail = _failure(error, attempt, probe)
        return _Measurement(
            ProbeResult(started, outcome, attempt.status, detail=detail), attempt.expires
        )
    return _Measurement(_judged(answer, probe, started), attempt.expires)


def _request(probe: Probe, tls: _TlsContexts | None, attempt: _Attempt) -> _Answer:
    """One request as the probe says, within its timeout, noting in ``attempt`` how far
    it got."""
    parts = urlsplit(probe.url)
    request = _request_bytes(probe, parts)
    host = _ascii_host(parts.hostname or "")
    https = parts.scheme == "https"
    start = time.monotonic()
    deadline = Deadline(start + probe.timeout.total_seconds(), "the probe's time is up")
    connection = _connect(host, parts.port or (443 if https else 80), deadline)
    try:
        if https:
            assert tls is not None
            attempt.phase = _Phase.HANDSHAKE
            context = tls.verifying if probe.verify_tls else tls.trusting
            connection.settimeout(deadline.remaining())
            # The handshake and the certificate's checks, as one bounded operation.
            connection = context.wrap_socket(connection, server_hostname=host)
            if probe.verify_tls:
                attempt.expires = _certificate_expiry(connection)
        attempt.phase = _Phase.EXCHANGE
        connection.settimeout(deadline.remaining())
        connection.sendall(request)
        # HTTPResponse reads only through makefile("rb"): give it one that keeps the
        # whole request's deadline.
        reader = _DeadlineSocket(connection, deadline)
        response = http.client.HTTPResponse(cast(socket.socket, reader), method=probe.method)
        response.begin()
        attempt.status = response.status
        body = None
        if probe.body_contains is not None and probe.expects(response.status):
            body = response.read(BODY_LIMIT)
            if len(body) < BODY_LIMIT and response.length:
                # A read of a set size returns what came before the end, without a word:
                # the head promised more than that.
                raise http.client.IncompleteRead(body, response.length)
        return _Answer(response.status, body, round((time.monotonic() - start) * 1000))
    finally:
        connection.close()


def _judged(answer: _Answer, probe: Probe, started: datetime) -> ProbeResult:
    """What a response that arrived means for the probe."""
    status, latency = answer.status, answer.latency_ms
    if not probe.expects(status):
        return ProbeResult(started, Outcome.WRONG_STATUS, status, latency, f"HTTP {status}")
    if probe.body_contains is not None and (
        answer.body is None or probe.body_contains.encode("utf-8") not in answer.body
    ):
        detail = f"text {_quoted(probe.body_contains)} not in the response"
        return ProbeResult(started, Outcome.WRONG_TEXT, status, latency, detail)
    if probe.slow_after is not None and latency > probe.slow_after / timedelta(milliseconds=1):
        detail = f"slower than {_seconds_text(probe.slow_after)} ({latency} ms)"
        return ProbeResult(started, Outcome.SLOW, status, latency, detail)
    return ProbeResult(started, Outcome.UP, status, latency)


def _connect(host: str, port: int, deadline: Deadline) -> socket.socket:
    """A TCP connection to the first of the host's addresses that takes it."""
    last: OSError | None = None
    for family, kind, protocol, _, address in _resolve(host, port, deadline):
        candidate = socket.socket(family, kind, protocol)
        try:
            candidate.settimeout(deadline.remaining())
            candidate.connect(address)
        except TimeoutError:
            candidate.close()
            raise  # the time is up for every other address too
        except OSError as error:
            candidate.close()
            last = error
            continue
        return candidate
    raise last if last is not None else OSError(errno.EHOSTUNREACH, "no address")


_AddressInfo = tuple[
    socket.AddressFamily,
    socket.SocketKind,
    int,
    str,
    tuple[str, int] | tuple[str, int, int, int] | tuple[int, bytes],
]
"""One of ``getaddrinfo``'s answers: family, kind, protocol, name, address."""


def _resolve(host: str, port: int, deadline: Deadline) -> list[_AddressInfo]:
    """The host's addresses, within the deadline.

    ``getaddrinfo`` takes no timeout, and a resolver that does not answer can block it for
    far longer than a probe may take; it runs in a thread of its own, which is left to
    finish on its own when the time is up.
    """
    found: list[_AddressInfo] = []
    failure: list[Exception] = []
    done = threading.Event()

    def look_up() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except Exception as error:
            failure.append(error)
        finally:
            done.set()

    threading.Thread(target=look_up, name="herald-probe-lookup", daemon=True).start()
    if not done.wait(deadline.remaining()):
        raise TimeoutError("the name lookup did not finish in time")
    if failure:
        raise failure[0]
    return found


class _DeadlineSocket:
    """What ``HTTPResponse`` needs of a socket (``makefile``), every read bounded by the
    request's deadline rather than by a timeout of its own."""

    def __init__(self, connection: socket.socket, deadline: Deadline) -> None:
        self.connection = connection
        self.deadline = deadline

    def makefile(self, mode: str) -> io.BufferedReader:
        assert mode == "rb"
        return io.BufferedReader(DeadlineReader(self.connection, self.deadline))


def _request_bytes(probe: Probe, parts: SplitResult) -> bytes:
    """The request, written out: the method, target and host come from the probe's
    address, every other header is Herald's own."""
    if probe.method not in ("GET", "HEAD"):
        raise ValueError(f"a probe's method is GET or HEAD, not {probe.method!r}")
    # Percent-encoded as a browser sends it; what is already encoded stays as it is.
    target = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~")
    if parts.query:
        target += "?" + quote(parts.query, safe="/?%:@!$&'()*+,;=~")
    host = _ascii_host(parts.hostname or "")
    host_header = f"[{host}]" if ":" in host else host
    default_port = 443 if parts.scheme == "https" else 80
    if parts.port is not None and parts.port != default_port:
        host_header += f":{parts.port}"
    lines = (
        f"{probe.method} {target} HTTP/1.1",
        f"Host: {host_header}",
        f"User-Agent: {USER_AGENT}",
        "Accept: */*",
        "Accept-Encoding: identity",
        "Connection: close",
    )
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def _ascii_host(host: str) -> str:
    """The host as DNS and TLS see it: an IPv6 address as is, a name in its xn-- form."""
    return host if ":" in host else host.encode("idna").decode("ascii")


def _certificate_expiry(connection: ssl.SSLSocket) -> datetime | None:
    not_after = (connection.getpeercert() or {}).get("notAfter")
    if not isinstance(not_after, str):
        return None
    return datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), UTC)


_CERTIFICATE_PROBLEMS = {
    ssl_code: phrase
    for codes, phrase in (
        ((10,), "certificate has expired"),
        ((9,), "certificate is not valid yet"),
        ((62, 64), "certificate is not for this host"),
        ((2, 18, 19, 20, 21), "certificate is not trusted"),
        ((23,), "certificate has been revoked"),
    )
    for ssl_code in codes
}
"""OpenSSL's verification results (X509_V_ERR_*) in Herald's words: expired, not yet
valid, host name or IP address mismatch, an issuer not in the trust store (self-signed,
or a chain to an unknown root), revoked."""

_NETWORK_PROBLEMS = {
    errno.ENETUNREACH: "network is unreachable",
    errno.EHOSTUNREACH: "host is unreachable",
    errno.EADDRNOTAVAIL: "address is not available",
}


def _failure(error: Exception, attempt: _Attempt, probe: Probe) -> tuple[Outcome, str]:
    """What a failed request means, in a phrase of Herald's own."""
    if isinstance(error, TimeoutError):
        what = "no response" if attempt.status is None else "no complete response"
        return Outcome.TIMEOUT, f"{what} within {_seconds_text(probe.timeout)}"
    if isinstance(error, socket.gaierror):
        return Outcome.DNS, "host name not found"
    if isinstance(error, ssl.SSLCertVerificationError):
        return Outcome.TLS, _CERTIFICATE_PROBLEMS.get(error.verify_code, "certificate was refused")
    if attempt.phase is _Phase.HANDSHAKE and isinstance(error, OSError):
        # A TLS alert, a server that speaks no TLS, or one that hangs up instead.
        return Outcome.TLS, "TLS handshake failed"
    if isinstance(error, ConnectionRefusedError):
        return Outcome.REFUSED, "connection refused"
    if isinstance(error, http.client.RemoteDisconnected):
        return Outcome.REFUSED, "connection closed without a response"
    if isinstance(error, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
        return Outcome.REFUSED, "connection reset"
    if isinstance(error, http.client.IncompleteRead):
        return Outcome.ERROR, "response ended early"
    if isinstance(error, http.client.HTTPException):
        return Outcome.ERROR, "malformed response"
    if isinstance(error, ssl.SSLError):
        return Outcome.ERROR, "TLS error during the response"
    if isinstance(error, OSError):
        return Outcome.ERROR, _NETWORK_PROBLEMS.get(error.errno or 0, "network error")
    return Outcome.ERROR, f"the probe failed unexpectedly ({type(error).__name__})"


def _seconds_text(duration: timedelta) -> str:
    """``5s``, ``0.5s``, ``90s``: a probe's timeout as its detail gives it."""
    return f"{duration.total_seconds():g}s"


def _quoted(text: str) -> str:
    """A probe's own text in a detail: one line, quoted, unprintable characters escaped
    (``repr`` escapes line breaks, controls and bidirectional marks), and bounded."""
    shown = text if len(text) <= _TEXT_SHOWN else text[: _TEXT_SHOWN - 1] + "…"
    return repr(shown)
