"""``herald relay-alerts`` between a real Alertmanager and a stand-in for GitHub.

Alertmanager gets alerts on its API as Prometheus posts them, notifies the relay (with
its bearer token), and the relay sends each notification to "GitHub" as a dispatch, which
is read back with ``monitor.alerts`` as the dispatch workflow would read it.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from site_plugin.content.model import Catalog
from site_plugin.errors import SettingsError
from site_plugin.monitor.alerts import (
    alerts_by_component,
    read_alert_document,
    unmatched_warnings,
)
from site_plugin.monitor.relay import AlertRelay, RelaySettings

from ..conftest import HERALD, REPO_ROOT, StatusRepo
from .alertmanager import (
    DISPATCH_TIMEOUT,
    GITHUB_TOKEN,
    RELAY_SECRET,
    Alertmanager,
    Dispatch,
    FakeGitHub,
    Relay,
    alert,
    alertmanager_binary,
    post_to,
)
from .test_alerts import COMPONENTS, PAYLOADS, saved

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
README = (REPO_ROOT / "README.md").read_text("utf-8")


@pytest.fixture
def catalog(repo: StatusRepo) -> Catalog:
    repo.write("components.yml", COMPONENTS)
    return repo.load().catalog


def now() -> datetime:
    """Alertmanager runs on the real clock, so the alerts posted to it do too."""
    return datetime.now(UTC).replace(microsecond=0)


def fingerprints(dispatches: list[Dispatch]) -> set[str]:
    return {
        posted["fingerprint"]
        for dispatch in dispatches
        for posted in dispatch.body["client_payload"]["payload"]["alerts"]
    }


def assert_safe_log(relay: Relay) -> None:
    """No line of the relay's log holds a secret, a line break or a control character."""
    for line in relay.lines:
        assert GITHUB_TOKEN not in line and RELAY_SECRET not in line, line
        assert not CONTROL.search(line), line


def test_a_firing_alert_reaches_github_and_its_resolution_follows(
    alertmanager: Alertmanager, github: FakeGitHub, relay: Relay, catalog: Catalog
) -> None:
    started = now() - timedelta(minutes=7)
    labels = {"alertname": "HighErrorRate", "component": "api", "severity": "critical"}
    alertmanager.post_alerts([alert(labels, "5% of API requests fail", started)])
    (firing,) = github.wait_for(lambda found: len(found) >= 1, "the firing alert arrived")

    assert firing.path == "/repos/acme/status/dispatches"
    assert firing.headers["authorization"] == f"Bearer {GITHUB_TOKEN}"
    assert firing.headers["accept"] == "application/vnd.github+json"
    assert firing.headers["x-github-api-version"] == "2022-11-28"
    assert firing.headers["content-type"] == "application/json"
    assert firing.body["event_type"] == "herald-alert"
    client_payload = firing.body["client_payload"]
    assert set(client_payload) == {"source", "payload"}
    assert client_payload["source"] == "alertmanager"
    # The saved payloads the fast tests read have the shape Alertmanager posts today.
    live = client_payload["payload"]
    kept = saved("alertmanager-firing.json")
    assert set(live) == set(kept)
    assert set(live["alerts"][0]) == set(kept["alerts"][0])

    payload = read_alert_document(client_payload, "event.json")
    found = alerts_by_component(payload.events, catalog)
    assert list(found) == ["api"]
    assert found["api"].firing
    assert found["api"].firing_since == started
    assert found["api"].evidence == (("HighErrorRate", "5% of API requests fail"),)
    assert payload.events[0].source_url == "http://prometheus.test.example:9090/graph?g0.expr=up"

    ended = now() - timedelta(seconds=1)
    alertmanager.post_alerts([alert(labels, "5% of API requests fail", started, ended)])
    dispatches = github.wait_for(lambda found: len(found) >= 2, "the resolution arrived")
    resolved = read_alert_document(dispatches[1].body["client_payload"], "event.json")
    api = alerts_by_component(resolved.events, catalog)["api"]
    assert (api.firing, api.firing_since) == (False, None)
    assert api.resolved_at == ended
    assert relay.wait_for_lines(2, "both were logged") == [
        "127.0.0.1: 1 alert (1 firing, 0 resolved: HighErrorRate): sent to acme/status as"
        " herald-alert",
        "127.0.0.1: 1 alert (0 firing, 1 resolved: HighErrorRate): sent to acme/status as"
        " herald-alert",
    ]
    assert_safe_log(relay)


def test_two_alerts_for_one_component_are_one_entry_and_an_alert_for_none_is_reported(
    alertmanager: Alertmanager, github: FakeGitHub, relay: Relay, catalog: Catalog
) -> None:
    started = now() - timedelta(minutes=3)
    alertmanager.post_alerts(
        [
            alert({"alertname": "Latency", "component": "api"}, "Slow answers", started),
            alert(
                {"alertname": "Errors", "component": "api"},
                "Failed requests",
                started + timedelta(minutes=1),
            ),
            alert({"alertname": "NodeDown", "instance": "db-1:9100"}, "A node is down", started),
        ]
    )
    dispatches = github.wait_for(
        lambda found: len(fingerprints(found)) >= 3, "all three alerts arrived"
    )
    entries: dict[str, Any] = {}
    warnings: list[str] = []
    for dispatch in dispatches:
        payload = read_alert_document(dispatch.body["client_payload"], "event.json")
        entries.update(alerts_by_component(payload.events, catalog))
        warnings += unmatched_warnings(payload.events, catalog)
    assert list(entries) == ["api"]
    api = entries["api"]
    assert api.firing_since == started
    assert sorted(api.evidence) == [("Errors", "Failed requests"), ("Latency", "Slow answers")]
    assert warnings == [
        "alert 'NodeDown' (firing; labels alertname=NodeDown, instance=db-1:9100) is about no"
        " component in components.yml (give the component it is about 'alerts:' labels that"
        " this alert carries, or label the alert 'component: <id>')"
    ]
    assert_safe_log(relay)


def test_alertmanager_sends_again_when_github_fails(
    alertmanager: Alertmanager, github: FakeGitHub, relay: Relay
) -> None:
    github.answers = [500]
    alertmanager.post_alerts(
        [alert({"alertname": "Errors", "component": "api"}, "Failed requests", now())]
    )
    first, second = github.wait_for(lambda found: len(found) >= 2, "Alertmanager sent again")[:2]
    assert first.body == second.body
    failed, sent = relay.wait_for_lines(2, "both tries were logged")[:2]
    assert failed == (
        "127.0.0.1: 1 alert (1 firing, 0 resolved: Errors): GitHub did not take it, answered"
        " 502 to retry: HTTP 500: the service failed"
    )
    assert sent.endswith(": sent to acme/status as herald-alert")


def test_alertmanager_with_a_wrong_token_gets_nothing_through(
    tmp_path: Path, github: FakeGitHub, relay: Relay
) -> None:
    with Alertmanager(
        alertmanager_binary(), tmp_path / "wrong", relay.url, secret="not-the-relay-secret-0000"
    ) as server:
        server.post_alerts(
            [alert({"alertname": "Errors", "component": "api"}, "Failed requests", now())]
        )
        # The relay logs each refusal as it answers: Alertmanager's first try.
        first = relay.wait_for_lines(1, "Alertmanager tried")[0]
    assert first == "127.0.0.1: refused (401): a wrong or missing bearer token"
    assert github.dispatches == []


# The relay on its own


def test_the_relay_refuses_a_wrong_or_missing_bearer_token(
    github: FakeGitHub, relay: Relay
) -> None:
    body = (PAYLOADS / "alertmanager-firing.json").read_bytes()
    for token in ("wrong-secret-0123456789abcdef", None, RELAY_SECRET + "x", ""):
        status, text = relay.post(body, token=token)
        assert status == 401, token
        assert text == (
            "a wrong or missing bearer token (set http_config.authorization.credentials)\n"
        )
    assert github.dispatches == []
    status, _ = relay.post(body)
    assert status == 200
    assert len(github.dispatches) == 1


def test_the_relay_answers_5xx_while_github_does_not_take_the_event(
    github: FakeGitHub, relay: Relay
) -> None:
    body = (PAYLOADS / "alertmanager-firing.json").read_bytes()
    github.answers = [500, 401, 404, 204]
    answers = [relay.post(body) for _ in range(4)]
    assert answers == [
        (502, "GitHub did not take it: HTTP 500: the service failed\n"),
        (502, "GitHub did not take it: HTTP 401: GitHub refused the token (HERALD_GITHUB_TOKEN)\n"),
        (
            502,
            "GitHub did not take it: HTTP 404: GitHub found no such repository, or the token"
            " may not see it\n",
        ),
        (200, "sent to GitHub as herald-alert\n"),
    ]
    assert len(github.dispatches) == 4
    assert_safe_log(relay)


def test_the_relay_answers_5xx_when_github_cannot_be_reached() -> None:
    github = FakeGitHub()
    relay = Relay(github)
    github.close()  # nothing listens there any more
    try:
        status, text = relay.post((PAYLOADS / "alertmanager-firing.json").read_bytes())
    finally:
        relay.close()
    assert status == 502
    assert text.startswith("GitHub did not take it: the service was not reached (")
    assert "127.0.0.1" not in text


def raw_request(relay: Relay, request: bytes) -> tuple[int, bytes]:
    port = relay.relay.port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.connect()
    assert connection.sock is not None
    connection.sock.sendall(request)
    answer = http.client.HTTPResponse(connection.sock)
    answer.begin()
    try:
        return answer.status, answer.read()
    finally:
        connection.close()


def test_the_relay_refuses_what_it_cannot_read(github: FakeGitHub, relay: Relay) -> None:
    status, text = relay.post(b'{"alerts": "none", "version": "4"}')
    assert status == 400
    assert text == (
        "Herald cannot read this payload:\n"
        "the request:1: alerts: is the text 'none', not a list of alerts (send"
        ' {"source": "alertmanager" or "grafana", "payload": <the webhook payload>}, or the'
        " sender's webhook payload unchanged)\n"
    )
    status, text = relay.post(json.dumps(saved("grafana-firing.json")).encode())
    assert status == 400
    assert "version: is '1', but alertmanager writes '4'" in text
    status, text = relay.post(b"[" * 100 + b"x")
    assert (status, text.splitlines()[1]) == (
        400,
        "the request:1: it is not JSON (line 1, column 101: Expecting value) (send the"
        " sender's JSON unchanged)",
    )
    status, text = relay.post(b" " * (1024 * 1024 + 1))
    assert (status, text) == (413, "the body is more than 1,048,576 bytes (set max_alerts)\n")
    status, _ = relay.post(b"{}", method="PUT")
    assert status == 405
    secret = f"Authorization: Bearer {RELAY_SECRET}\r\nContent-Type: application/json\r\n"
    secret = secret.encode()
    status, _ = raw_request(relay, b"POST /hook HTTP/1.1\r\nHost: x\r\n" + secret + b"\r\n")
    assert status == 404
    status, _ = raw_request(relay, b"POST / HTTP/1.1\r\nHost: x\r\n" + secret + b"\r\n")
    assert status == 411
    chunked = b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    status, _ = raw_request(relay, b"POST / HTTP/1.1\r\nHost: x\r\n" + secret + chunked)
    assert status == 411
    status, _ = raw_request(
        relay, b"POST / HTTP/1.1\r\nHost: x\r\n" + secret + b"Content-Length: -1\r\n\r\n"
    )
    assert status == 411
    assert github.dispatches == []
    assert_safe_log(relay)


def test_the_relay_logs_a_hostile_payload_in_its_own_words(
    github: FakeGitHub, relay: Relay
) -> None:
    sent = saved("alertmanager-firing.json")
    sent["alerts"][0]["labels"]["alertname"] = "Evil\n::error::x\x1b[2J\u202e"
    status, _ = relay.post(json.dumps(sent).encode())
    assert status == 200
    sent["alerts"][0]["startsAt"] = "\x1b[2J\n::error::now"
    status, _ = relay.post(json.dumps(sent).encode())
    assert status == 400
    sent_line, refused_line = relay.wait_for_lines(2, "both were logged")
    assert sent_line == (
        "127.0.0.1: 1 alert (1 firing, 0 resolved: Evil ::error::x[2J): sent to acme/status as"
        " herald-alert"
    )
    assert refused_line == (
        "127.0.0.1: refused (400): the request:1: alerts[0].startsAt: '[2J ::error::now' is not"
        " a time with its offset (senders write RFC 3339 with an offset, e.g."
        " 2026-11-20T14:10:00Z)"
    )


def test_a_payload_too_large_for_github_is_cut_to_fit(github: FakeGitHub, relay: Relay) -> None:
    sent = saved("alertmanager-firing.json")
    template = sent["alerts"][0]
    sent["alerts"] = [
        {
            **template,
            "labels": {**template["labels"], "pod": f"api-{index}"},
            "annotations": {"summary": "s" * 250, "description": "d" * 300},
            "fingerprint": f"{index:016x}",
        }
        for index in range(1000)
    ]
    status, _ = relay.post(json.dumps(sent).encode())
    assert status == 200
    (dispatch,) = github.dispatches
    size = int(dispatch.headers["content-length"])
    assert size < 64_000
    client_payload = dispatch.body["client_payload"]
    kept = len(client_payload["payload"]["alerts"])
    assert 0 < kept < 1000
    assert client_payload["payload"]["truncatedAlerts"] == 1000 - kept
    assert relay.wait_for_lines(1, "it was logged")[0].endswith(
        f"; {1000 - kept} left out to fit GitHub's size limit (set max_alerts)"
    )


def test_the_relays_settings_are_checked_before_it_listens(github: FakeGitHub) -> None:
    cases = {
        "HERALD_GITHUB_TOKEN is not set": {"HERALD_GITHUB_TOKEN": ""},
        "HERALD_GITHUB_TOKEN has white space": {"HERALD_GITHUB_TOKEN": "ghp_a b"},
        "GITHUB_API_URL 'http://api.github.test.example' would carry the token unencrypted": {
            "GITHUB_API_URL": "http://api.github.test.example"
        },
        "GITHUB_API_URL 'ftp://x' is not an https:// address": {"GITHUB_API_URL": "ftp://x"},
        "HERALD_RELAY_TOKEN must be at least 16": {"HERALD_RELAY_TOKEN": "short"},
    }
    for message, environ in cases.items():
        with pytest.raises(SettingsError) as caught:
            Relay(github, **environ)
        assert str(caught.value).startswith(message), caught.value


def herald_relay(*arguments: str, **env: str) -> subprocess.Popen[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HERALD_", "GITHUB_"))
    }
    environment.update(env)
    return subprocess.Popen(
        [*HERALD, "relay-alerts", *arguments],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_herald_relay_alerts_relays_until_sigterm(github: FakeGitHub) -> None:
    process = herald_relay(
        "--listen",
        "127.0.0.1:0",
        "--repository",
        "acme/status",
        HERALD_GITHUB_TOKEN=GITHUB_TOKEN,
        GITHUB_API_URL=github.url,
        HERALD_RELAY_TOKEN=RELAY_SECRET,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or ()])
    reader.start()
    try:
        first = lines.get(timeout=60)
        match = re.fullmatch(
            r"herald relay-alerts: listening on (http://127\.0\.0\.1:\d+/) for Alertmanager"
            r" \(with the bearer token\), sending to acme/status\n",
            first,
        )
        assert match, first
        status, _ = post_to(match.group(1), (PAYLOADS / "alertmanager-firing.json").read_bytes())
        assert status == 200
        assert lines.get(timeout=60).endswith(": sent to acme/status as herald-alert\n")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
        reader.join(timeout=60)
    rest = []
    while not lines.empty():
        rest.append(lines.get())
    assert rest == ["herald relay-alerts: stopped (SIGTERM)\n"]
    assert process.stderr is not None
    assert process.stderr.read() == ""
    assert len(github.dispatches) == 1


def test_herald_relay_alerts_refuses_to_start_without_what_it_needs() -> None:
    cases = [
        (
            ["--repository", "acme/status"],
            {},
            "herald: HERALD_GITHUB_TOKEN is not set: the relay needs a fine-grained token with"
            " Contents: read and write on acme/status to create its dispatch events\n",
        ),
        (
            ["--repository", "acme/status", "--listen", "0.0.0.0:0"],
            {"HERALD_GITHUB_TOKEN": GITHUB_TOKEN, "HERALD_RELAY_TOKEN": ""},
            "herald: --listen 0.0.0.0:0 can be reached from other machines: set"
            " HERALD_RELAY_TOKEN (and Alertmanager's http_config.authorization.credentials to"
            " the same), or listen on 127.0.0.1\n",
        ),
        (
            ["--repository", "acme"],
            {"HERALD_GITHUB_TOKEN": GITHUB_TOKEN},
            "herald: --repository acme: give OWNER/NAME, e.g. acme/status\n",
        ),
        (
            ["--repository", "acme/status", "--listen", "localhost"],
            {"HERALD_GITHUB_TOKEN": GITHUB_TOKEN},
            "herald: --listen localhost: give HOST:PORT, e.g. 127.0.0.1:9095 or [::1]:9095\n",
        ),
    ]
    for arguments, env, message in cases:
        process = herald_relay(*arguments, **env)
        out, err = process.communicate(timeout=60)
        assert (process.returncode, out, err) == (2, "", message)


def test_the_readmes_alertmanager_configuration_is_valid(tmp_path: Path) -> None:
    amtool = shutil.which("amtool")
    if amtool is None:
        pytest.skip("amtool is not installed (it comes with prometheus-alertmanager)")
    section = README.split("### Alertmanager: through `herald relay-alerts`\n")[1]
    config = section.split("\n## ")[0].split("```yaml\n")[1].split("```")[0]
    token = tmp_path / "herald-relay-token"
    token.write_text(RELAY_SECRET, encoding="utf-8")
    written = tmp_path / "alertmanager.yml"
    written.write_text(
        config.replace("/etc/alertmanager/herald-relay-token", str(token)), encoding="utf-8"
    )
    checked = subprocess.run(
        [amtool, "check-config", str(written)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS" in checked.stdout
    assert "- 2 receivers" in checked.stdout


class HeldForward:
    """A ``forward`` that waits until released, counting the dispatches it was handed."""

    def __init__(self) -> None:
        self.entered = threading.Semaphore(0)
        self.release = threading.Event()
        self.bodies: list[Any] = []

    def __call__(self, body: Any) -> None:
        self.entered.release()
        assert self.release.wait(DISPATCH_TIMEOUT)
        self.bodies.append(body)


def held_relay(concurrency: int) -> tuple[AlertRelay, HeldForward, list[str]]:
    forward = HeldForward()
    lines: list[str] = []
    settings = RelaySettings("127.0.0.1", 0, "acme/status", RELAY_SECRET, concurrency=concurrency)
    relay = AlertRelay(settings, forward, lines.append)
    relay.serve_in_thread()
    return relay, forward, lines


def post_in_thread(url: str, answers: queue.Queue[tuple[int, str]]) -> threading.Thread:
    body = (PAYLOADS / "alertmanager-firing.json").read_bytes()
    thread = threading.Thread(target=lambda: answers.put(post_to(url, body)))
    thread.start()
    return thread


def test_the_relay_answers_posts_at_once_up_to_its_bound() -> None:
    relay, forward, lines = held_relay(concurrency=2)
    answers: queue.Queue[tuple[int, str]] = queue.Queue()
    try:
        posts = [post_in_thread(relay.url, answers) for _ in range(2)]
        for _ in posts:  # both are with "GitHub" at once
            assert forward.entered.acquire(timeout=DISPATCH_TIMEOUT)
        body = (PAYLOADS / "alertmanager-firing.json").read_bytes()
        assert post_to(relay.url, body) == (503, "busy: try again\n")
        forward.release.set()
        for post in posts:
            post.join(timeout=DISPATCH_TIMEOUT)
        assert [answers.get(timeout=1) for _ in posts] == [
            (200, "sent to GitHub as herald-alert\n")
        ] * 2
    finally:
        forward.release.set()
        relay.stop()
    assert len(forward.bodies) == 2
    assert lines[0] == "127.0.0.1: refused (503): 2 POSTs under way"


def test_stopping_lets_the_posts_under_way_finish() -> None:
    relay, forward, _ = held_relay(concurrency=4)
    answers: queue.Queue[tuple[int, str]] = queue.Queue()
    post = post_in_thread(relay.url, answers)
    assert forward.entered.acquire(timeout=DISPATCH_TIMEOUT)
    stopper = threading.Thread(target=relay.stop)
    stopper.start()
    stopper.join(timeout=0.5)
    assert stopper.is_alive(), "stop() returned while a POST was under way"
    forward.release.set()
    stopper.join(timeout=DISPATCH_TIMEOUT)
    post.join(timeout=DISPATCH_TIMEOUT)
    assert not stopper.is_alive()
    assert answers.get(timeout=1) == (200, "sent to GitHub as herald-alert\n")


def unauthenticated_relay(github: FakeGitHub) -> Relay:
    """The relay as it runs on a loopback address without HERALD_RELAY_TOKEN."""
    return Relay(github, HERALD_RELAY_TOKEN="")


def test_a_web_page_cannot_post_alerts_through_a_relay_without_a_token(
    github: FakeGitHub,
) -> None:
    """Without a token, anything on the host may post: but not a page in a browser there,
    whether from another site (a form or fetch() needs no permission to send text) or
    from one whose name was made to point at 127.0.0.1 (which sends JSON as the same
    origin, and says so in Origin)."""
    relay = unauthenticated_relay(github)
    body = (PAYLOADS / "alertmanager-firing.json").read_bytes()
    try:
        for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
            request = (
                f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {kind}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            )
            status, text = raw_request(relay, request.encode() + body)
            assert (status, text) == (415, b"send the payload as Content-Type: application/json\n")
        rebound = (
            "POST / HTTP/1.1\r\nHost: status-relay.evil.example:9095\r\n"
            "Origin: http://status-relay.evil.example:9095\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        status, text = raw_request(relay, rebound.encode() + body)
        assert (status, text) == (403, b"Herald's relay takes no requests from web pages\n")
        assert github.dispatches == []
        # Alertmanager's own POST still goes through.
        assert relay.post(body, token=None)[0] == 200
        assert len(github.dispatches) == 1
    finally:
        relay.close()


def test_a_sender_that_trickles_its_request_is_let_go_on_time(github: FakeGitHub) -> None:
    """The read timeout bounds the whole request: a byte now and then, each within it,
    keeps no connection (and its thread) open for longer."""
    relay = Relay(github)
    relay.relay.settings = replace(relay.relay.settings, read_timeout=1.0)
    whole_head = (
        f"POST / HTTP/1.1\r\nAuthorization: Bearer {RELAY_SECRET}\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    )
    try:
        # In the request line, in a header, and in the body.
        for head in ("POST / HTTP/1.1\r\n", "POST / HTTP/1.1\r\nX-Slow: ", whole_head):
            with socket.create_connection(("127.0.0.1", relay.relay.port), timeout=5) as peer:
                peer.sendall(head.encode())
                started = time.monotonic()
                answer = trickle(peer, until=started + 15)
                assert time.monotonic() - started < 10, "the relay kept a trickling sender"
                # It hangs up, or (in the body) answers first; the answer may be lost to
                # the bytes still coming.
                assert answer in (b"", b"reset") or answer.startswith(b"HTTP/1.0 400 "), answer
        assert github.dispatches == []
        assert_safe_log(relay)
    finally:
        relay.close()


def trickle(peer: socket.socket, until: float) -> bytes:
    """Send a byte every 0.2 s until the relay answers or hangs up: what it answered."""
    peer.settimeout(0.2)
    while time.monotonic() < until:
        try:
            received = peer.recv(65536)
        except TimeoutError:
            try:
                peer.sendall(b"x")
            except OSError:
                return b"reset"
            continue
        except OSError:
            return b"reset"
        answer = received
        peer.settimeout(5)
        try:
            while received:
                received = peer.recv(65536)
                answer += received
        except OSError:
            pass
        return answer
    return b"still open"


def test_connections_beyond_the_bound_are_closed_before_they_cost_a_thread() -> None:
    forward = HeldForward()
    forward.release.set()
    lines: list[str] = []
    settings = RelaySettings("127.0.0.1", 0, "acme/status", RELAY_SECRET, connections=3)
    relay = AlertRelay(settings, forward, lines.append)
    relay.serve_in_thread()
    held = [socket.create_connection(("127.0.0.1", relay.port), timeout=5) for _ in range(3)]
    try:
        for peer in held:  # each is read by a thread of its own, waiting for the rest
            peer.sendall(b"POST / HTTP/1.1\r\n")
        # Connections are taken in the order they came: the fourth finds three open.
        with socket.create_connection(("127.0.0.1", relay.port), timeout=5) as extra:
            assert extra.recv(1) == b""  # closed at once, before it sent anything
        assert lines == ["127.0.0.1: refused: 3 connections open"]
        for peer in held:
            peer.close()
        # Once they are gone (their threads see them close), POSTs are taken again.
        body = (PAYLOADS / "alertmanager-firing.json").read_bytes()
        deadline = time.monotonic() + DISPATCH_TIMEOUT
        answer: tuple[int, str] | None = None
        while answer is None and time.monotonic() < deadline:
            try:
                answer = post_to(relay.url, body)
            except (OSError, http.client.HTTPException):
                continue  # refused while a closed connection still held its place
        assert answer == (200, "sent to GitHub as herald-alert\n")
    finally:
        for peer in held:
            peer.close()
        relay.stop()
