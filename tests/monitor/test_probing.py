"""Probes against real servers on loopback: every outcome, the whole-request timeout,
certificates from a test CA trusted through SSL_CERT_FILE, and the bounded concurrency.

Nothing waits on time passing in the hope that something happened: held requests wait on
events the test (or the teardown) sets, and a probe times out only against a server that
never answers. ``WAIT`` bounds how long a failing test can hang; no passing test nears it.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest

from site_plugin import __version__
from site_plugin.content.measurements import Outcome, ProbeResult
from site_plugin.content.model import Probe
from site_plugin.monitor.probing import (
    BODY_LIMIT,
    CertificateWarning,
    ProbeRun,
    run_probes,
)

from .certificates import Certificates
from .conftest import Serve
from .loopback import Exchange, Gate

STARTED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WAIT = 30.0
"""Seconds a failing test may hang before it fails; also the timeout of probes that are
meant to be answered."""
SHORT = timedelta(milliseconds=300)
"""The timeout of probes whose server never answers: they time out for certain."""
T = TypeVar("T")


def probe(url: str, **settings: Any) -> Probe:
    settings.setdefault("timeout", timedelta(seconds=WAIT))
    return Probe(url=url, **settings)


def run(*probes: Probe, **settings: Any) -> ProbeRun:
    """One run of the probes, named ``p0``, ``p1``, ... in order."""
    return run_probes({f"p{index}": each for index, each in enumerate(probes)}, STARTED, **settings)


def result(one: Probe) -> ProbeResult:
    return run(one).results["p0"]


def failure(outcome: Outcome, detail: str, status_code: int | None = None) -> ProbeResult:
    return ProbeResult(STARTED, outcome, status_code, None, detail)


@contextlib.contextmanager
def in_background(function: Callable[..., T], *args: Any, **kwargs: Any) -> Iterator[Future[T]]:
    """``function`` running in a thread of its own. Left running if the test fails: the
    teardown then lets the servers' held requests go, and the run ends."""
    runner = ThreadPoolExecutor(1)
    try:
        yield runner.submit(function, *args, **kwargs)
    finally:
        runner.shutdown(wait=False)


def answer(status: int = 200, body: bytes = b"ok", **settings: Any) -> Callable[[Exchange], None]:
    def respond(exchange: Exchange) -> None:
        exchange.answer(status, body, **settings)

    return respond


# What a hostile server may send, that must never reach a pull request or a CI log.
HOSTILE = "\x1b[2J::error title=pwned::<script>"


def test_up_with_the_request_herald_sends(serve: Serve) -> None:
    server = serve(answer(200, b"status: ok"))
    found = run(probe(f"{server.url}/health?full=1", body_contains="ok"))
    outcome = found.results["p0"]
    assert (outcome.at, outcome.outcome, outcome.status_code, outcome.detail) == (
        STARTED,
        Outcome.UP,
        200,
        "",
    )
    assert outcome.latency_ms is not None and outcome.latency_ms >= 0
    assert found.certificate_warnings == []
    [request] = server.requests
    assert (request.method, request.target, request.version) == (
        "GET",
        "/health?full=1",
        "HTTP/1.1",
    )
    assert request.headers == {
        "host": f"127.0.0.1:{server.port}",
        "user-agent": f"Herald/{__version__} (status probe)",
        "accept": "*/*",
        "accept-encoding": "identity",
        "connection": "close",
    }


def test_head_asks_for_no_body(serve: Serve) -> None:
    server = serve(answer(204, b""))
    assert result(probe(server.url, method="HEAD")).outcome is Outcome.UP
    assert [request.method for request in server.requests] == ["HEAD"]
    assert server.requests[0].target == "/"


def test_a_status_not_expected_is_named_by_its_code_only(serve: Serve) -> None:
    server = serve(answer(503, HOSTILE.encode(), reason=HOSTILE))
    found = result(probe(server.url))
    assert (found.outcome, found.status_code, found.detail) == (
        Outcome.WRONG_STATUS,
        503,
        "HTTP 503",
    )
    assert found.latency_ms is not None


def test_a_redirect_is_not_followed_but_judged(serve: Serve) -> None:
    server = serve(answer(302, b"", reason="Found", headers=(("Location", "/elsewhere"),)))
    moved = result(probe(server.url))
    assert (moved.outcome, moved.status_code) == (Outcome.UP, 302)
    strict = result(probe(server.url, expect_status=((200, 299),)))
    assert (strict.outcome, strict.detail) == (Outcome.WRONG_STATUS, "HTTP 302")
    assert [request.target for request in server.requests] == ["/", "/"]


def test_text_missing_from_the_response(serve: Serve) -> None:
    server = serve(answer(200, b"all good"))
    found = result(probe(server.url, body_contains="it's 'ok'"))
    assert found == ProbeResult(
        STARTED,
        Outcome.WRONG_TEXT,
        200,
        found.latency_ms,
        "text \"it's 'ok'\" not in the response",
    )
    assert found.latency_ms is not None


def test_the_probes_own_text_is_quoted_on_one_line_and_bounded(serve: Serve) -> None:
    server = serve(answer(200, b"all good"))
    text = "ready\u2028\x1b[2J" + "x" * 100
    detail = result(probe(server.url, body_contains=text)).detail
    assert detail == "text 'ready\\u2028\\x1b[2J" + "x" * 49 + "…' not in the response"
    assert detail.isprintable()


def test_only_the_first_mebibyte_is_searched(serve: Serve) -> None:
    needle = b"ready"
    within = b"a" * (BODY_LIMIT - len(needle)) + needle + b"a" * 1000
    beyond = b"a" * BODY_LIMIT + needle
    server = serve(
        lambda exchange: exchange.answer(
            200, within if exchange.request.target == "/in" else beyond
        )
    )
    found = run(
        probe(f"{server.url}/in", body_contains="ready"),
        probe(f"{server.url}/out", body_contains="ready"),
    )
    assert [each.outcome for each in found.results.values()] == [Outcome.UP, Outcome.WRONG_TEXT]


def test_nothing_listening(serve: Serve) -> None:
    # Bound, never listening: the port stays this test's, and a connection is refused.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        found = result(probe(f"http://127.0.0.1:{port}/"))
    assert found == failure(Outcome.REFUSED, "connection refused")


def test_a_server_that_hangs_up_without_answering(serve: Serve) -> None:
    server = serve(lambda exchange: None)  # reads the request, then closes
    assert result(probe(server.url)) == failure(
        Outcome.REFUSED, "connection closed without a response"
    )


def test_a_server_that_resets_the_connection(serve: Serve) -> None:
    def reset(exchange: Exchange) -> None:
        # Closing with a zero linger time sends a reset instead of an orderly close.
        exchange.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    server = serve(reset)
    assert result(probe(server.url)) == failure(Outcome.REFUSED, "connection reset")


@pytest.mark.parametrize(
    "reply",
    [b"SSH-2.0-OpenSSH_9.6\r\n", f"{HOSTILE}\r\n\r\n".encode(), b"HTTP/1.1 20x OK\r\n\r\n"],
    ids=["another protocol", "hostile text", "a status that is not a number"],
)
def test_a_malformed_response(serve: Serve, reply: bytes) -> None:
    server = serve(lambda exchange: exchange.send(reply))
    assert result(probe(server.url)) == failure(Outcome.ERROR, "malformed response")


def test_a_body_that_ends_early(serve: Serve) -> None:
    server = serve(
        lambda exchange: exchange.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nok")
    )
    assert result(probe(server.url, body_contains="ready")) == failure(
        Outcome.ERROR, "response ended early", 200
    )


def test_no_answer_times_out(serve: Serve) -> None:
    server = serve(Exchange.hold)
    assert result(probe(server.url, timeout=SHORT)) == failure(
        Outcome.TIMEOUT, "no response within 0.3s"
    )


def drip_head(exchange: Exchange) -> None:
    """A head that never ends: a byte every 20 ms, each socket read answered in time."""
    exchange.send(b"HTTP/1.1 200 OK\r\nX-Drip: ")
    while not exchange.closing.wait(0.02):
        exchange.send(b"a")


def drip_body(exchange: Exchange) -> None:
    exchange.send(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
    while not exchange.closing.wait(0.02):
        exchange.send(b"a")


@pytest.mark.parametrize(
    ("drip", "expected"),
    [
        (drip_head, failure(Outcome.TIMEOUT, "no response within 0.3s")),
        (drip_body, failure(Outcome.TIMEOUT, "no complete response within 0.3s", 200)),
    ],
    ids=["head", "body"],
)
def test_the_timeout_bounds_the_whole_request(
    serve: Serve, drip: Callable[[Exchange], None], expected: ProbeResult
) -> None:
    server = serve(drip)
    # A timeout of each read would never fire: the run would last until the teardown.
    with in_background(result, probe(server.url, body_contains="ready", timeout=SHORT)) as done:
        assert done.result(timeout=WAIT) == expected


def test_slower_than_slow_after(serve: Serve) -> None:
    def late(exchange: Exchange) -> None:
        exchange.closing.wait(0.2)  # answers 200 ms late at the earliest: certainly slow
        exchange.answer()

    server = serve(late)
    found = result(probe(server.url, slow_after=timedelta(milliseconds=100)))
    assert (found.outcome, found.status_code) == (Outcome.SLOW, 200)
    assert found.latency_ms is not None and found.latency_ms >= 200
    assert found.detail == f"slower than 0.1s ({found.latency_ms} ms)"


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, object]]:
    """Host names the system resolver answers as the test says: a list of addresses, an
    error to raise, or an event to wait on (set at the teardown)."""
    answers: dict[str, object] = {}
    real = socket.getaddrinfo
    waiting: list[threading.Event] = []

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        given = answers.get(host)
        if given is None:
            return real(host, port, *args, **kwargs)
        if isinstance(given, threading.Event):
            waiting.append(given)
            given.wait()
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        if isinstance(given, Exception):
            raise given
        assert isinstance(given, list)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", address) for address in given]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield answers
    for event in waiting:
        event.set()


def test_a_name_that_does_not_resolve(resolver: dict[str, object]) -> None:
    resolver["status.invalid"] = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    assert result(probe("https://status.invalid/health")) == failure(
        Outcome.DNS, "host name not found"
    )


def test_a_lookup_that_never_answers_times_out(serve: Serve, resolver: dict[str, object]) -> None:
    server = serve(answer())
    resolver["stuck.test.example"] = threading.Event()
    found = run(
        probe("http://stuck.test.example/", timeout=SHORT),
        probe(server.url),
    )
    assert found.results == {
        "p0": failure(Outcome.TIMEOUT, "no response within 0.3s"),
        "p1": ProbeResult(STARTED, Outcome.UP, 200, found.results["p1"].latency_ms),
    }


def test_each_address_is_tried_until_one_connects(
    serve: Serve, resolver: dict[str, object]
) -> None:
    server = serve(answer())
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        resolver["api.test.example"] = [closed.getsockname(), ("127.0.0.1", server.port)]
        found = result(probe(f"http://api.test.example:{server.port}/"))
    assert (found.outcome, found.status_code) == (Outcome.UP, 200)
    assert server.requests[0].headers["host"] == f"api.test.example:{server.port}"


def test_a_probe_that_fails_unexpectedly_is_an_error_of_its_own(serve: Serve) -> None:
    server = serve(answer())
    # The catalogue refuses such a port; a probe made otherwise must still not end the run.
    found = run(probe("http://127.0.0.1:99999/"), probe(server.url))
    assert found.results["p0"] == failure(
        Outcome.ERROR, "the probe failed unexpectedly (ValueError)"
    )
    assert found.results["p1"].outcome is Outcome.UP


def test_the_run_needs_a_dated_start_and_a_positive_bound() -> None:
    assert run_probes({}, STARTED) == ProbeRun({}, [])
    with pytest.raises(ValueError, match="timezone-aware"):
        run_probes({}, datetime(2026, 11, 25, 12, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="at least 1"):
        run_probes({}, STARTED, concurrency=0)


# Certificates: the test CA is the whole trust store (SSL_CERT_FILE, SSL_CERT_DIR).


def test_a_certificate_from_a_trusted_ca(
    serve: Serve, certificates: Certificates, trust_test_ca: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve(answer(), tls=certificates.valid)
    found = run(probe(f"{server.url}/health"))
    assert (found.results["p0"].outcome, found.results["p0"].status_code) == (Outcome.UP, 200)
    assert found.certificate_warnings == []  # 90 days left
    # Trusted because of SSL_CERT_FILE, read again by each run.
    monkeypatch.delenv("SSL_CERT_FILE")
    assert result(probe(f"{server.url}/health")) == failure(
        Outcome.TLS, "certificate is not trusted"
    )


def test_a_self_signed_certificate(
    serve: Serve, certificates: Certificates, trust_test_ca: Path
) -> None:
    server = serve(answer(), tls=certificates.self_signed)
    assert result(probe(server.url)) == failure(Outcome.TLS, "certificate is not trusted")
    unverified = run(probe(server.url, verify_tls=False))
    assert unverified.results["p0"].outcome is Outcome.UP
    assert unverified.certificate_warnings == []
    assert server.handshake_failures == 1


def test_a_certificate_for_another_host(
    serve: Serve,
    certificates: Certificates,
    trust_test_ca: Path,
    resolver: dict[str, object],
) -> None:
    server = serve(answer(), tls=certificates.other_host)
    resolver["status.test.example"] = [("127.0.0.1", server.port)]
    by_name = probe(f"https://status.test.example:{server.port}/")
    by_address = probe(server.url)
    found = run(by_name, by_address)
    assert found.results == {
        "p0": failure(Outcome.TLS, "certificate is not for this host"),
        "p1": failure(Outcome.TLS, "certificate is not for this host"),
    }
    assert server.requests == []


def test_an_expired_certificate(
    serve: Serve, certificates: Certificates, trust_test_ca: Path
) -> None:
    server = serve(answer(), tls=certificates.expired)
    assert result(probe(server.url)) == failure(Outcome.TLS, "certificate has expired")


def test_a_certificate_that_expires_soon(
    serve: Serve, certificates: Certificates, trust_test_ca: Path
) -> None:
    server = serve(
        lambda exchange: exchange.answer(503 if exchange.request.target == "/down" else 200),
        tls=certificates.expiring,
    )
    expires = certificates.expiring.not_after
    started = expires - timedelta(days=3)
    found = run_probes(
        {
            "api": probe(f"{server.url}/"),
            "down": probe(f"{server.url}/down"),
            "relaxed": probe(f"{server.url}/", certificate_warning=timedelta(days=2)),
            "unverified": probe(f"{server.url}/", verify_tls=False),
        },
        started,
    )
    assert [each.outcome for each in found.results.values()] == [
        Outcome.UP,
        Outcome.WRONG_STATUS,
        Outcome.UP,
        Outcome.UP,
    ]
    assert all(each.at == started for each in found.results.values())
    assert found.certificate_warnings == [
        CertificateWarning("api", "127.0.0.1", expires, timedelta(days=3)),
        CertificateWarning("down", "127.0.0.1", expires, timedelta(days=3)),
    ]


def test_a_server_that_speaks_no_tls(serve: Serve, trust_test_ca: Path) -> None:
    server = serve(answer(), speaks_first=b"HTTP/1.1 400 Bad Request\r\n\r\n")
    assert result(probe(f"https://127.0.0.1:{server.port}/")) == failure(
        Outcome.TLS, "TLS handshake failed"
    )


# Concurrency: held requests show which are in flight at once.


def test_at_most_the_concurrency_is_in_flight(serve: Serve, gate: Gate) -> None:
    server = serve(gate.respond)
    names = ["/a", "/b", "/c", "/d", "/e"]
    probes = {name: probe(server.url + name) for name in names}
    with in_background(run_probes, probes, STARTED, concurrency=2) as running:
        # Taken in the order given, two at a time, the next as soon as one ends.
        for in_flight, let_through in [
            ({"/a", "/b"}, "/a"),
            ({"/b", "/c"}, "/b"),
            ({"/c", "/d"}, "/c"),
            ({"/d", "/e"}, "/d"),
            ({"/e"}, "/e"),
        ]:
            assert gate.wait_for_flight(in_flight, WAIT) == in_flight
            gate.release(let_through)
        found = running.result(timeout=WAIT)
    assert gate.peak == 2
    assert list(found.results) == names
    assert {each.outcome for each in found.results.values()} == {Outcome.UP}


def test_slow_probes_wait_together_not_one_after_another(serve: Serve, gate: Gate) -> None:
    """Each request is held until all eight are: one after another, each would wait out
    its timeout; at once (the default concurrency), they are all answered."""
    server = serve(gate.respond)
    names = [f"/{index}" for index in range(8)]
    probes = {name: probe(server.url + name) for name in names}
    with in_background(run_probes, probes, STARTED) as running:
        assert gate.wait_for_flight(set(names), WAIT) == set(names)
        for name in reversed(names):
            gate.release(name)
        found = running.result(timeout=WAIT)
    assert gate.peak == 8
    # In the order given, though they ended in another.
    assert list(found.results) == names
    assert {each.outcome for each in found.results.values()} == {Outcome.UP}
    assert {each.at for each in found.results.values()} == {STARTED}
