"""Loopback servers, certificates and a trust store for the probe tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from .certificates import Certificates, Leaf, make_certificates
from .loopback import Gate, LoopbackServer, Respond, tls_server_context

Serve = Callable[..., LoopbackServer]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start servers: ``serve(respond)``; ``tls=leaf`` for https; ``speaks_first=data``
    for one that sends ``data`` as soon as a client connects, and hangs up. All are
    closed at the teardown, which first lets every held request go."""
    servers: list[LoopbackServer] = []

    def start(
        respond: Respond, *, tls: Leaf | None = None, speaks_first: bytes | None = None
    ) -> LoopbackServer:
        context = None if tls is None else tls_server_context(tls.certificate, tls.key)
        server = LoopbackServer(respond, context, speaks_first=speaks_first)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def gate(serve: Serve) -> Iterator[Gate]:
    """A gate for held requests; set up after ``serve``, so opened before servers close."""
    held = Gate()
    yield held
    held.open()


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    # The real time: OpenSSL checks validity against it, whatever time a run is dated.
    return make_certificates(tmp_path_factory.mktemp("certificates"), datetime.now(UTC))


@pytest.fixture
def trust_test_ca(
    certificates: Certificates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The test CA as the system's whole trust store, as a team with a private CA sets it."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca))
    empty = tmp_path / "no-certificates"
    empty.mkdir()
    monkeypatch.setenv("SSL_CERT_DIR", str(empty))
    return certificates.ca


from .alertmanager import alertmanager, github, relay  # noqa: E402, F401  (fixtures, found by their names)
