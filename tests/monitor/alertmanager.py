"""A real Prometheus Alertmanager on loopback, the relay in-process, and a stand-in for
GitHub's dispatch API: the three the relay tests run together.

Alertmanager is Debian's ``prometheus-alertmanager``; its tests skip, saying so, only when
the binary is absent. Each server gets its own temporary folder and free loopback ports;
clustering is off. Every wait has a deadline and ends as soon as what it waits for has
happened; stopping ends exactly the process that was started.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from site_plugin.cli.alerting import open_relay
from site_plugin.monitor.relay import AlertRelay

ALERTMANAGER = os.environ.get("HERALD_ALERTMANAGER") or "prometheus-alertmanager"
START_TIMEOUT = 60.0
"""Seconds Alertmanager may take to answer on a loaded 2-core machine."""
DISPATCH_TIMEOUT = 60.0
"""Seconds a notification may take from Alertmanager through the relay to "GitHub"."""
GITHUB_TOKEN = "github_pat_test_0123456789abcdefghijklmnopqrstuvwxyz"
RELAY_SECRET = "relay-secret-0123456789abcdef"
REPOSITORY = "acme/status"
EXTERNAL_URL = "http://alertmanager.test.example:9093/"
"""What Alertmanager says it is reachable at: its payloads name this, not this machine."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Dispatch:
    """One request "GitHub" received; its header names in lowercase."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: Any


class FakeGitHub:
    """GitHub's ``POST /repos/{owner}/{name}/dispatches`` on loopback: records every request
    and answers 204, or the statuses queued in ``answers`` first."""

    def __init__(self) -> None:
        self.dispatches: list[Dispatch] = []
        self.answers: list[int] = []
        self._changed = threading.Condition()
        github = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                headers = {name.lower(): value for name, value in self.headers.items()}
                with github._changed:
                    status = github.answers.pop(0) if github.answers else 204
                    github.dispatches.append(Dispatch("POST", self.path, headers, json.loads(raw)))
                    github._changed.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def wait_for(self, ready: Callable[[list[Dispatch]], bool], what: str) -> list[Dispatch]:
        """The dispatches once ``ready(dispatches)`` holds; fails after DISPATCH_TIMEOUT."""
        with self._changed:
            if not self._changed.wait_for(lambda: ready(self.dispatches), DISPATCH_TIMEOUT):
                raise AssertionError(
                    f"{what} within {DISPATCH_TIMEOUT:g} s; GitHub received"
                    f" {len(self.dispatches)} dispatches: {[d.body for d in self.dispatches]}"
                )
            return list(self.dispatches)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def post_to(
    url: str, body: bytes, *, token: str | None = RELAY_SECRET, method: str = "POST"
) -> tuple[int, str]:
    """POST ``body`` to a relay as Alertmanager would; (status, answer text)."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


class Relay:
    """The relay of ``herald relay-alerts``, made as the command makes it, in this process;
    ``lines`` is its log."""

    def __init__(self, github: FakeGitHub, **environ: str) -> None:
        self.lines: list[str] = []
        self._logged = threading.Condition()
        settings = {
            "HERALD_GITHUB_TOKEN": GITHUB_TOKEN,
            "GITHUB_API_URL": github.url,
            "HERALD_RELAY_TOKEN": RELAY_SECRET,
            **environ,
        }
        self.relay: AlertRelay = open_relay("127.0.0.1:0", REPOSITORY, settings, self._log)
        self.relay.serve_in_thread()
        self.url = self.relay.url

    def _log(self, line: str) -> None:
        with self._logged:
            self.lines.append(line)
            self._logged.notify_all()

    def wait_for_lines(self, count: int, what: str) -> list[str]:
        """The log once it has ``count`` lines (each POST is logged once it is answered)."""
        with self._logged:
            if not self._logged.wait_for(lambda: len(self.lines) >= count, DISPATCH_TIMEOUT):
                raise AssertionError(f"{what} within {DISPATCH_TIMEOUT:g} s: {self.lines}")
            return list(self.lines)

    def post(
        self, body: bytes, *, token: str | None = RELAY_SECRET, method: str = "POST"
    ) -> tuple[int, str]:
        return post_to(self.url, body, token=token, method=method)

    def close(self) -> None:
        self.relay.stop()


CONFIG = """\
route:
  receiver: herald
  group_by: {group_by}
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: herald
    webhook_configs:
      - url: {url}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: {secret}
"""


class Alertmanager:
    """``prometheus-alertmanager`` configured in ``folder``, notifying ``webhook_url``."""

    def __init__(
        self,
        binary: str,
        folder: Path,
        webhook_url: str,
        *,
        secret: str = RELAY_SECRET,
        group_by: tuple[str, ...] = ("component",),
    ) -> None:
        self.binary = binary
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.config = folder / "alertmanager.yml"
        self.config.write_text(
            CONFIG.format(url=webhook_url, secret=json.dumps(secret), group_by=list(group_by)),
            encoding="utf-8",
        )
        self.log = folder / "alertmanager.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def __enter__(self) -> Alertmanager:
        # A port picked free can be taken before Alertmanager binds it: then try another.
        for _attempt in range(3):
            port = free_port()
            self.url = f"http://127.0.0.1:{port}"
            with self.log.open("wb") as log:
                self.process = subprocess.Popen(
                    [
                        self.binary,
                        f"--config.file={self.config}",
                        f"--storage.path={self.folder / 'data'}",
                        f"--web.listen-address=127.0.0.1:{port}",
                        f"--web.external-url={EXTERNAL_URL}",
                        "--web.route-prefix=/",
                        "--cluster.listen-address=",
                        "--log.level=debug",
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            if self._wait_ready():
                return self
            self._stop()
        raise AssertionError(f"Alertmanager did not start:\n{self.output()}")

    def __exit__(self, *exception: object) -> None:
        self._stop()

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=5) as answer:
                    if answer.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise AssertionError(f"Alertmanager was not ready within {START_TIMEOUT:g} s")

    def _stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)

    def output(self) -> str:
        return self.log.read_text("utf-8", "replace")[-4000:]

    def post_alerts(self, alerts: list[dict[str, Any]]) -> None:
        """Post alerts to Alertmanager's API, as Prometheus does."""
        request = urllib.request.Request(
            f"{self.url}/api/v2/alerts",
            data=json.dumps(alerts).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 200, answer.read()


def alert(
    labels: Mapping[str, str],
    summary: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    generator_url: str = "http://prometheus.test.example:9090/graph?g0.expr=up",
) -> dict[str, Any]:
    """An alert as Prometheus posts it to ``/api/v2/alerts``."""
    posted: dict[str, Any] = {
        "labels": dict(labels),
        "annotations": {"summary": summary},
        "startsAt": starts_at.isoformat().replace("+00:00", "Z"),
        "generatorURL": generator_url,
    }
    if ends_at is not None:
        posted["endsAt"] = ends_at.isoformat().replace("+00:00", "Z")
    return posted


def alertmanager_binary() -> str:
    """The Alertmanager binary; the test is skipped, saying why, when there is none."""
    found = shutil.which(ALERTMANAGER)
    if found is None:
        pytest.skip(
            f"{ALERTMANAGER} is not installed (apt-get install prometheus-alertmanager, which"
            " scripts/bootstrap does as root)"
        )
    return found


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub()
    yield server
    server.close()


@pytest.fixture
def relay(github: FakeGitHub) -> Iterator[Relay]:
    started = Relay(github)
    yield started
    started.close()


@pytest.fixture
def alertmanager(tmp_path: Path, relay: Relay) -> Iterator[Alertmanager]:
    """A real Alertmanager notifying the relay, which forwards to the fake GitHub."""
    binary = alertmanager_binary()
    with Alertmanager(binary, tmp_path / "alertmanager", relay.url) as server:
        yield server
