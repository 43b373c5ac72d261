"""``herald notify`` against a real SMTP server and a real HTTP receiver on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import hashlib
import hmac
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from site_plugin.errors import SettingsError
from site_plugin.notify.delivery import SmtpSession, SmtpSettings
from site_plugin.notify.ledger import ledger_lock, subscriber_target, unsubscribe_token

from ..conftest import HERALD, INCIDENT, REPO_ROOT, StatusRepo, run_herald
from .incident import OPEN, write_open_incident

NOW = "1795608000"  # 2026-11-25 12:00 UTC
LATER = "1795609800"  # 12:30
MKDOCS = (
    "site_name: Test status\nsite_url: https://status.test.example/\ntheme: material\n"
    "plugins:\n  - herald:\n      unsubscribe: mailto:leave@test.example\n"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.greetings = 0
        """EHLOs: one per connection (and one more after STARTTLS)."""

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"


class Receiver:
    """A real HTTP server that records posts and answers with a scripted sequence."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.answers: list[tuple[int, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.path, dict(self.headers), body))
                code, text = receiver.answers.pop(0) if receiver.answers else (200, "ok")
                self.send_response(code)
                if 300 <= code < 400:
                    self.send_header("Location", "/elsewhere")
                self.end_headers()
                self.wfile.write(text.encode())

            def do_GET(self) -> None:
                receiver.requests.append((self.path, dict(self.headers), b""))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *arguments: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def posts(self, path: str) -> list[Any]:
        return [json.loads(body) for request_path, _, body in self.requests if request_path == path]


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.server.shutdown()


@pytest.fixture
def site(repo: StatusRepo) -> Path:
    (repo.root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    write_open_incident(repo)
    repo.write(
        "subscribers.yml",
        "ops@test.example: all\napi-only@test.example: [api]\nregions@test.example: [regions]\n",
    )
    return repo.root


def herald(
    site: Path, *arguments: str, epoch: str = NOW, **env: str
) -> subprocess.CompletedProcess[str]:
    return run_herald(site, *arguments, epoch=epoch, **env)


LEDGER_KEY = "test-ledger-key-of-at-least-32-characters"


def label(address: str) -> str:
    """How the run's report names a subscriber: a short keyed hash, never the address."""
    return subscriber_target(address, LEDGER_KEY)[:18]


def delivered_keys(ledger: Path, target: str) -> set[str]:
    """What the ledger file says ``target`` has received (each key set is stored once)."""
    data = json.loads(ledger.read_text("utf-8"))
    return set(data["key_sets"][data["delivered"][target]])


def channels(port: int, receiver: Receiver) -> dict[str, str]:
    return {
        "HERALD_LEDGER_KEY": LEDGER_KEY,
        "HERALD_SMTP_HOST": "127.0.0.1",
        "HERALD_SMTP_PORT": str(port),
        "HERALD_SMTP_SECURITY": "none",
        "HERALD_SMTP_FROM": "Test status <status@test.example>",
        "HERALD_SLACK_WEBHOOK_URL": f"{receiver.url}/slack",
        "HERALD_DISCORD_WEBHOOK_URL": f"{receiver.url}/discord",
        "HERALD_WEBHOOK_URL": f"{receiver.url}/hook",
        "HERALD_WEBHOOK_SECRET": "s3cret",
    }


NOTIFY = ("notify", "--subscribers", "subscribers.yml", "--since=-2h", "--retry-delay", "0.01")


def test_each_channel_gets_the_open_incident_once(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    handler, port = inbox
    env = channels(port, receiver)
    first = herald(site, *NOTIFY, **env)
    assert first.returncode == 0, first.stdout + first.stderr
    # Chat and webhooks first: a slow mail server never keeps them waiting.
    assert first.stdout.splitlines() == [
        "slack: sent 1 update on 1 incident",
        "discord: sent 1 update on 1 incident",
        "webhook: sent 1 update on 1 incident",
        f"{label('ops@test.example')}: sent 1 update on 1 incident",
        f"{label('api-only@test.example')}: sent 1 update on 1 incident",
        f"{label('regions@test.example')}: first run, the past is recorded as delivered",
    ]
    assert sorted(rcpt[0] for rcpt, _ in handler.messages) == [
        "api-only@test.example",
        "ops@test.example",
    ]
    assert handler.greetings == 1, "both digests should travel on one SMTP connection"
    _, message = handler.messages[0]
    assert message["Subject"] == "[Test status] Investigating: Webhooks are late"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert "Webhook events arrive up to **20 minutes** late." in text
    assert "Next update by 25 Nov 2026, 12:00 UTC." in text
    assert "<strong>20 minutes</strong>" in html and "<script" not in html
    assert message["List-Unsubscribe"] == "<mailto:leave@test.example>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Precedence"] == "bulk"
    assert message["Message-ID"].endswith("@status.test.example>")

    (slack,) = receiver.posts("/slack")
    assert "Webhooks are late" in slack["blocks"][0]["text"]["text"]
    (discord,) = receiver.posts("/discord")
    assert discord["embeds"][0]["url"].endswith("/incidents/2026-11-25-webhooks-late/")
    assert discord["allowed_mentions"] == {"parse": []}
    ((_, headers, body),) = [r for r in receiver.requests if r[0] == "/hook"]
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Herald-Signature"] == f"sha256={expected}"
    hook = json.loads(body)
    assert hook["incident"]["name"] == "Webhooks are late"
    assert hook["page"]["status_indicator"] == "minor"
    assert [u["status"] for u in hook["incident"]["incident_updates"]] == ["investigating"]

    second = herald(site, *NOTIFY, **env)
    assert second.returncode == 0
    assert all(line.endswith("nothing new") for line in second.stdout.splitlines())
    assert len(handler.messages) == 2 and len(receiver.requests) == 3


def test_first_run_on_a_long_history_sends_nothing(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    handler, port = inbox
    result = herald(site, "notify", "--subscribers", "subscribers.yml", **channels(port, receiver))
    assert result.returncode == 0
    assert (
        f"{label('ops@test.example')}: first run, the past is recorded as delivered"
        in result.stdout.splitlines()
    )
    assert handler.messages == [] and receiver.requests == []
    slack = delivered_keys(site / ".herald-ledger/ledger.json", "slack")
    assert f"{INCIDENT.split('/')[1]}/2026-11-20T1500Z-resolved" in slack


def test_a_new_update_after_the_first_run_is_sent(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver, repo: StatusRepo
) -> None:
    handler, port = inbox
    env = channels(port, receiver)
    herald(site, "notify", "--subscribers", "subscribers.yml", **env)
    repo.write(
        f"{OPEN}/2026-11-25T1230Z-resolved.md",
        "---\nat: 2026-11-25T12:30:00Z\nstatus: resolved\n---\nAll caught up. Sorry.\n",
    )
    result = herald(site, "notify", "--subscribers", "subscribers.yml", epoch=LATER, **env)
    assert result.returncode == 0, result.stdout
    assert [m["Subject"] for _, m in handler.messages] == [
        "[Test status] Resolved: Webhooks are late",
        "[Test status] Resolved: Webhooks are late",
    ]
    assert len(receiver.posts("/slack")) == 1


NOTICE = "incidents/2026-11-25-api-v1-retires"


def post_notice(repo: StatusRepo) -> None:
    """A notice posted (with the status ``herald new`` gives it) and updated since."""
    repo.write(f"{NOTICE}/index.md", "---\ntitle: API v1 retires in March\nkind: notice\n---\n")
    repo.write(
        f"{NOTICE}/2026-11-25T1030Z-investigating.md",
        "---\nat: 2026-11-25T10:30:00Z\nstatus: investigating\n---\nVersion 1 retires in March.\n",
    )
    repo.write(
        f"{NOTICE}/2026-11-25T1150Z-identified.md",
        "---\nat: 2026-11-25T11:50:00Z\nstatus: identified\n---\nA reminder: v1 retires soon.\n",
    )


def test_a_notice_reads_posted_and_updated_in_the_digest_and_in_chat(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver, repo: StatusRepo
) -> None:
    post_notice(repo)
    handler, port = inbox
    result = herald(site, *NOTIFY, **channels(port, receiver))
    assert result.returncode == 0, result.stdout + result.stderr
    (message,) = [message for rcpt, message in handler.messages if rcpt == ["ops@test.example"]]
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    story = text.replace("\r\n", "\n").split("API v1 retires in March\n")[1].split("Full")[0]
    assert "Updated - 25 Nov 2026, 11:50 UTC\nA reminder: v1 retires soon." in story
    assert "Posted - 25 Nov 2026, 10:30 UTC\nVersion 1 retires in March." in story
    assert "Investigating" not in story and "Identified" not in story
    html = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert ">Updated <span" in html and ">Posted <span" in html
    (slack,) = [post for post in receiver.posts("/slack") if "API v1" in post["text"]]
    assert slack["text"].startswith("Updated: API v1 retires in March ")
    assert "*Updated* · 25 Nov 2026, 11:50 UTC" in slack["blocks"][0]["text"]["text"]
    (discord,) = [post for post in receiver.posts("/discord") if "API v1" in str(post)]
    assert discord["embeds"][0]["fields"] == [
        {"name": "Status", "value": "Updated", "inline": True}
    ]


def test_a_notice_just_posted_says_so_in_the_subject(site: Path, repo: StatusRepo) -> None:
    post_notice(repo)
    repo.remove(f"{NOTICE}/2026-11-25T1030Z-investigating.md")
    result = herald(site, "digest", "--since=-15m")
    assert result.returncode == 0, result.stderr
    message = email.message_from_bytes(result.stdout.encode("utf-8"), policy=email.policy.default)
    assert str(message["Subject"]) == "[Test status] Posted: API v1 retires in March"


def test_smtp_down_fails_visibly_and_the_next_run_delivers(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    handler, port = inbox
    env = channels(port, receiver)
    down = dict(env, HERALD_SMTP_PORT=str(free_port()))
    failed = herald(site, *NOTIFY, "--channel", "email", "--channel", "slack", **down)
    assert failed.returncode == 1
    lines = failed.stdout.splitlines()
    assert lines[0] == "slack: sent 1 update on 1 incident"
    assert lines[1].startswith(f"{label('ops@test.example')}: FAILED, nothing recorded")
    # Unreachable twice in a row: the rest wait for the next run instead of each waiting.
    assert lines[-1] == (
        "email: FAILED, nothing recorded, the next run retries: the SMTP server could not"
        " be reached for 2 subscribers in a row; the other 1 wait for the next run"
    )
    retried = herald(site, *NOTIFY, "--channel", "email", "--channel", "slack", **env)
    assert retried.returncode == 0, retried.stdout
    assert len(handler.messages) == 2
    assert len(receiver.posts("/slack")) == 1


def test_webhook_500_twice_then_200_is_delivered_once(site: Path, receiver: Receiver) -> None:
    receiver.answers = [(500, "busy"), (500, "busy")]
    env = {"HERALD_WEBHOOK_URL": f"{receiver.url}/hook"}
    result = herald(site, *NOTIFY, **env)
    assert result.returncode == 0, result.stdout
    assert len(receiver.requests) == 3
    assert herald(site, *NOTIFY, **env).stdout.strip() == "webhook: nothing new"
    assert len(receiver.requests) == 3


def test_webhook_4xx_is_reported_with_its_body_and_not_retried(
    site: Path, receiver: Receiver
) -> None:
    receiver.answers = [(404, "no such hook")]
    result = herald(site, *NOTIFY, HERALD_SLACK_WEBHOOK_URL=f"{receiver.url}/gone")
    assert result.returncode == 1
    assert result.stdout.strip() == (
        "slack: FAILED, nothing recorded, the next run retries: HTTP 404 from 127.0.0.1:"
        " no such hook"
    )
    assert len(receiver.requests) == 1


def test_starttls_and_auth(site: Path, tmp_path: Path) -> None:
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, key)

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"herald", b"pw")
        return AuthResult(success=ok)

    handler = Inbox()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        env = {
            "HERALD_LEDGER_KEY": LEDGER_KEY,
            "HERALD_SMTP_HOST": "127.0.0.1",
            "HERALD_SMTP_PORT": str(port),
            "HERALD_SMTP_FROM": "status@test.example",
            "HERALD_SMTP_USER": "herald",
            "HERALD_SMTP_PASSWORD": "pw",
            "HERALD_SMTP_CA_FILE": str(certificate),
        }
        result = herald(site, *NOTIFY, "--channel", "email", **env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert len(handler.messages) == 2
        wrong = herald(
            site,
            *NOTIFY,
            "--channel",
            "email",
            "--ledger",
            "other-ledger.json",
            **dict(env, HERALD_SMTP_PASSWORD="nope", HERALD_SMTP_TIMEOUT="3"),
        )
        assert wrong.returncode == 1
        first_line = wrong.stdout.splitlines()[0]
        assert first_line.startswith(
            f"{label('ops@test.example')}: FAILED, nothing recorded, the next run retries:"
            " SMTP login"
        )
        assert len(handler.messages) == 2
    finally:
        controller.stop()


def test_missing_settings_are_named(site: Path) -> None:
    result = herald(site, *NOTIFY, HERALD_SMTP_HOST="127.0.0.1")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "herald: HERALD_SMTP_FROM is not set (the address digests come from,"
        " e.g. Acme status <status@acme.example>)"
    )


def test_hostile_titles_stay_in_their_place(
    site: Path, repo: StatusRepo, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    handler, port = inbox
    repo.write(
        f"{OPEN}/index.md",
        '---\ntitle: "Evil Bcc: victim@test.example <script>x</script> & co"\nimpact: minor\n---\n',
    )
    result = herald(site, *NOTIFY, **channels(port, receiver))
    assert result.returncode == 0, result.stdout + result.stderr
    rcpts, message = handler.messages[0]
    assert "victim@test.example" not in rcpts
    assert message["Bcc"] is None
    assert message["Subject"] == (
        "[Test status] Investigating: Evil Bcc: victim@test.example <script>x</script> & co"
    )
    html = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in html
    (slack,) = receiver.posts("/slack")
    assert "&lt;script&gt;" in slack["blocks"][0]["text"]["text"]
    (hook,) = receiver.posts("/hook")
    assert hook["incident"]["name"] == "Evil Bcc: victim@test.example <script>x</script> & co"


def test_digest_renders_without_sending(site: Path) -> None:
    result = herald(site, "digest", "--html", "--out", "digest.html")
    assert result.returncode == 0, result.stderr
    html = (site / "digest.html").read_text("utf-8")
    assert "Webhooks are late" in html and "<script" not in html


def test_daily_mode_emails_only_on_the_daily_run(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    handler, port = inbox
    (site / "mkdocs.yml").write_text(MKDOCS + "      email_mode: daily\n", encoding="utf-8")
    env = channels(port, receiver)
    publish_run = herald(site, *NOTIFY, "--channel", "email", "--channel", "slack", **env)
    assert publish_run.stdout.splitlines() == ["slack: sent 1 update on 1 incident"]
    assert handler.messages == []
    daily = herald(site, *NOTIFY, "--channel", "email", "--daily", **env)
    assert daily.returncode == 0, daily.stdout
    assert len(handler.messages) == 2


def test_widening_a_subscription_does_not_send_old_news(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver, repo: StatusRepo
) -> None:
    handler, port = inbox
    env = channels(port, receiver)
    assert herald(site, *NOTIFY, "--channel", "email", **env).returncode == 0
    sent_before = len(handler.messages)
    repo.write(
        "incidents/2026-11-25-sms-down/index.md",
        "---\ntitle: SMS down\nimpact: major\naffected:\n  eu-west: major_outage\n---\n",
    )
    repo.write(
        "incidents/2026-11-25-sms-down/2026-11-25T1215Z-investigating.md",
        "---\nat: 2026-11-25T12:15:00Z\nstatus: investigating\n---\nSMS fails in the EU.\n",
    )
    herald(site, *NOTIFY, "--channel", "email", epoch=LATER, **env)
    api_only = [
        m for rcpt, m in handler.messages[sent_before:] if rcpt == ["api-only@test.example"]
    ]
    assert api_only == []
    repo.write("subscribers.yml", "api-only@test.example: all\n")
    widened = herald(site, *NOTIFY, "--channel", "email", epoch="1795610000", **env)
    assert widened.stdout.strip() == f"{label('api-only@test.example')}: nothing new"


def test_subjects_never_carry_a_line_break() -> None:
    from site_plugin.characters import one_line

    assert one_line("Evil\r\nBcc: victim@test.example") == "Evil Bcc: victim@test.example"


def test_settings_github_actions_leaves_empty_mean_unset(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    """An unset ``vars.*``/``secrets.*`` arrives as an empty string: it is the default."""
    _, port = inbox
    env = channels(port, receiver)
    env.update(HERALD_SMTP_SECURITY="", HERALD_WEBHOOK_SECRET="", HERALD_SMTP_TIMEOUT="")
    env.update(HERALD_SMTP_USER="", HERALD_SMTP_PASSWORD="", HERALD_SMTP_CA_FILE="")
    result = herald(site, *NOTIFY, **env)
    # Empty security is STARTTLS, which this plain loopback server does not offer: email
    # fails visibly, and every other channel is still served.
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "slack: sent 1 update on 1 incident",
        "discord: sent 1 update on 1 incident",
        "webhook: sent 1 update on 1 incident",
    ]
    assert lines[3].startswith(f"{label('ops@test.example')}: FAILED"), (
        result.stdout + result.stderr
    )
    assert "STARTTLS extension not supported" in lines[3]
    # An empty secret signs nothing (it is not a secret of "").
    (hook,) = [headers for path, headers, _ in receiver.requests if path == "/hook"]
    assert "x-herald-signature" not in {name.lower() for name in hook}


def test_no_address_reaches_the_ledger_or_the_log(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    """The ledger is pushed to a branch of a possibly public repository; the run's report is
    an Actions log. Neither holds an address, and an old ledger is migrated in place."""
    _, port = inbox
    addresses = ["ops@test.example", "api-only@test.example", "regions@test.example"]
    ledger = site / ".herald-ledger" / "ledger.json"
    ledger.parent.mkdir()
    # A ledger an older Herald wrote, by address, with someone who has since left.
    old_keys = ["2026-11-20-api-errors/2026-11-20T1410Z-investigating"]
    ledger.write_text(
        json.dumps(
            {
                "version": 1,
                "delivered": {"email:ops@test.example": old_keys, "email:gone@test.example": []},
            }
        ),
        encoding="utf-8",
    )
    result = herald(site, *NOTIFY, **channels(port, receiver))
    assert result.returncode == 0, result.stdout + result.stderr
    written = "".join(
        path.read_text("utf-8") for path in ledger.parent.rglob("*") if path.is_file()
    )
    assert "@" not in written
    for address in [*addresses, "gone@test.example"]:
        assert address not in result.stdout + result.stderr
    # The old subscriber kept what they had received under their new name.
    ops = delivered_keys(ledger, subscriber_target("ops@test.example", LEDGER_KEY))
    assert set(old_keys) <= ops
    assert json.loads(ledger.read_text("utf-8"))["version"] == 2
    # Known under its new name, so not a first run: it is sent what it has not received.
    assert f"{label('ops@test.example')}: sent 2 updates on 2 incidents" in result.stdout


def test_without_a_ledger_key_no_subscriber_is_emailed_and_chat_still_is(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    handler, port = inbox
    env = channels(port, receiver)
    env["HERALD_LEDGER_KEY"] = ""  # an unset secret, as GitHub Actions passes it
    result = herald(site, *NOTIFY, **env)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "slack: sent 1 update on 1 incident",
        "discord: sent 1 update on 1 incident",
        "webhook: sent 1 update on 1 incident",
    ]
    assert lines[3].startswith("email: FAILED, nothing recorded, the next run retries:")
    assert "HERALD_LEDGER_KEY is not set" in lines[3]
    assert len(lines) == 4
    assert handler.messages == []


class StallingInbox(Inbox):
    """Accepts ``accept`` messages, then holds the next one until released (and refuses it)."""

    def __init__(self, accept: int) -> None:
        super().__init__()
        self.accept = accept
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if len(self.messages) >= self.accept:
            self.stalled.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
            return "451 try again later"
        return await super().handle_DATA(server, session, envelope)


def subscribe_many(site: Path, count: int) -> list[str]:
    """``count`` subscribers to everything; their addresses."""
    addresses = [f"person{number}@test.example" for number in range(count)]
    (site / "subscribers.yml").write_text(
        "".join(f"{address}: all\n" for address in addresses), encoding="utf-8"
    )
    return addresses


@contextlib.contextmanager
def smtp_server(handler: Inbox, port: int) -> Iterator[None]:
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield
    finally:
        controller.stop()


def test_a_run_killed_mid_way_then_rerun_emails_each_subscriber_once(
    site: Path, receiver: Receiver
) -> None:
    addresses = subscribe_many(site, 30)
    first = StallingInbox(accept=12)
    port = free_port()
    controller = Controller(first, hostname="127.0.0.1", port=port)
    controller.start()
    env = dict(channels(port, receiver), HERALD_SMTP_TIMEOUT="60")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SOURCE_DATE_EPOCH", "EDITOR", "VISUAL") and not key.startswith("HERALD_")
    }
    environment.update(env, SOURCE_DATE_EPOCH=LATER)
    # Record the past for everyone first, then post news: the run under test sends it.
    assert herald(site, "notify", "--subscribers", "subscribers.yml", **env).returncode == 0
    (site / OPEN / "2026-11-25T1230Z-resolved.md").write_text(
        "---\nat: 2026-11-25T12:30:00Z\nstatus: resolved\n---\nAll caught up. Sorry.\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [*HERALD, "notify", "--subscribers", "subscribers.yml", "--retry-delay", "0.01"],
        cwd=site,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert first.stalled.wait(120), "the run never reached the stalling message"
        process.kill()  # SIGKILL: no finally, no atexit, no flush
        process.wait(30)
    finally:
        first.release.set()
        controller.stop()
    assert (site / ".herald-ledger" / "ledger.json.journal").exists()
    second = Inbox()
    with smtp_server(second, port):
        rerun = herald(site, *NOTIFY[:3], "--retry-delay", "0.01", epoch=LATER, **env)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    received = [rcpt for inbox in (first, second) for rcpts, _ in inbox.messages for rcpt in rcpts]
    assert sorted(received) == sorted(addresses)
    assert not (site / ".herald-ledger" / "ledger.json.journal").exists()
    assert not list((site / ".herald-ledger").glob("*.tmp"))


def test_a_redirecting_webhook_is_not_recorded_as_delivered(site: Path, receiver: Receiver) -> None:
    receiver.answers = [(302, "moved")]
    env = {"HERALD_WEBHOOK_URL": f"{receiver.url}/hook"}
    result = herald(site, *NOTIFY, **env)
    assert result.returncode == 1
    assert result.stdout.startswith(
        "webhook: FAILED, nothing recorded, the next run retries: HTTP 302 from 127.0.0.1:"
        " the receiver redirects elsewhere"
    )
    assert [path for path, _, _ in receiver.requests] == ["/hook"]  # no payload-less GET
    again = herald(site, *NOTIFY, **env)
    assert again.stdout == "webhook: sent 1 update on 1 incident\n"


@pytest.mark.parametrize(
    ("variable", "url", "problem"),
    [
        ("HERALD_WEBHOOK_URL", "file:///etc/hostname", "must start with https://"),
        ("HERALD_SLACK_WEBHOOK_URL", "hooks.slack.example/services/T0/B0/SECRET", "https://"),
        ("HERALD_DISCORD_WEBHOOK_URL", "https://discord.example/api/webhooks/1/SECRET x", "white"),
        ("HERALD_WEBHOOK_URL", "http://hooks.example/SECRET", "must start with https://"),
    ],
)
def test_channel_urls_are_checked_and_never_printed(
    site: Path, variable: str, url: str, problem: str
) -> None:
    result = herald(site, *NOTIFY, **{variable: url})
    assert result.returncode == 1
    assert problem in result.stdout
    assert variable in result.stdout
    assert "SECRET" not in result.stdout + result.stderr and "/etc/" not in result.stdout


def test_two_runs_at_once_do_not_both_send(site: Path, receiver: Receiver) -> None:
    with ledger_lock(site / ".herald-ledger" / "ledger.json"):
        result = herald(site, *NOTIFY, HERALD_WEBHOOK_URL=f"{receiver.url}/hook")
    assert result.returncode == 2
    assert "another herald notify is using" in result.stderr
    assert receiver.requests == []


def test_without_an_unsubscribe_option_nobody_is_emailed_and_check_warns(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    handler, port = inbox
    (site / "mkdocs.yml").write_text(
        MKDOCS.replace("      unsubscribe: mailto:leave@test.example\n", "      feed_size: 50\n")
        + "      subscribers: subscribers.yml\n",
        encoding="utf-8",
    )
    result = herald(site, *NOTIFY, **channels(port, receiver))
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1].startswith(
        "email: FAILED, nothing recorded, the next run retries: the unsubscribe option is not set"
    )
    assert "webhook: sent 1 update on 1 incident" in result.stdout
    assert handler.messages == []
    checked = herald(site, "check")
    assert "the unsubscribe option is not" in checked.stdout and "[warning]" in checked.stdout


def test_an_https_unsubscribe_is_one_click(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    handler, port = inbox
    (site / "mkdocs.yml").write_text(
        MKDOCS.replace("mailto:leave@test.example", "https://status.test.example/leave"),
        encoding="utf-8",
    )
    result = herald(site, *NOTIFY, **channels(port, receiver))
    assert result.returncode == 0, result.stdout
    links = {}
    for recipients, message in handler.messages:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        links[recipients[0]] = str(message["List-Unsubscribe"])
    assert sorted(links) == ["api-only@test.example", "ops@test.example"]  # regions: no news
    ledger = (site / ".herald-ledger" / "ledger.json").read_text("utf-8")
    for address, link in links.items():
        # A keyed token of the address: the endpoint can match it, nobody can forge one,
        # and the ledger (which may be public) does not hold it.
        token = unsubscribe_token(address, LEDGER_KEY)
        assert link == f"<https://status.test.example/leave?subscriber={token}>"
        assert token not in ledger
        assert token not in subscriber_target(address, LEDGER_KEY)
        assert address.split("@")[0] not in link


def test_a_query_in_the_unsubscribe_url_is_kept(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    handler, port = inbox
    (site / "mkdocs.yml").write_text(
        MKDOCS.replace("mailto:leave@test.example", "https://status.test.example/leave?list=ops"),
        encoding="utf-8",
    )
    assert herald(site, *NOTIFY, **channels(port, receiver)).returncode == 0
    link = str(handler.messages[0][1]["List-Unsubscribe"])
    assert link.startswith("<https://status.test.example/leave?list=ops&subscriber=")


def test_a_short_ledger_key_is_refused(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    handler, port = inbox
    result = herald(site, *NOTIFY, **dict(channels(port, receiver), HERALD_LEDGER_KEY="k"))
    assert result.returncode == 1
    assert "HERALD_LEDGER_KEY is shorter than 32 characters, so no subscriber is emailed" in (
        result.stdout
    )
    assert handler.messages == []
    assert receiver.posts("/slack")  # chat is still told


class SlowInbox(Inbox):
    """Takes its time over each message, as an overloaded relay does."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(0.4)  # the server's pace: the run's limit is what is tested
        return await super().handle_DATA(server, session, envelope)


def test_email_stops_at_its_run_limit_and_the_next_run_sends_the_rest(
    site: Path, receiver: Receiver
) -> None:
    addresses = subscribe_many(site, 12)
    slow = SlowInbox()
    port = free_port()
    with smtp_server(slow, port):
        first = herald(site, *NOTIFY, HERALD_SMTP_RUN_TIMEOUT="1", **channels(port, receiver))
    assert first.returncode == 1
    assert "stopped after 1 s (HERALD_SMTP_RUN_TIMEOUT)" in first.stdout
    assert "subscribers wait for the next run" in first.stdout
    assert 1 <= len(slow.messages) < len(addresses)
    # Slack and the webhook were told before email started.
    assert receiver.posts("/slack") and receiver.posts("/hook")
    second = Inbox()
    with smtp_server(second, port):
        rerun = herald(site, *NOTIFY, **channels(port, receiver))
    assert rerun.returncode == 0, rerun.stdout
    received = [rcpt for inbox in (slow, second) for rcpts, _ in inbox.messages for rcpt in rcpts]
    assert sorted(received) == sorted(addresses)


class _Trickle(BaseHTTPRequestHandler):
    """Answers 200, then sends its body one byte at a time, slowly: each read is quick."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "40")
        self.end_headers()
        for _ in range(40):
            self.wfile.write(b".")
            self.wfile.flush()
            threading.Event().wait(0.25)  # the receiver's pace, not the test's hope

    def log_message(self, *arguments: Any) -> None:
        pass


def test_a_trickling_webhook_cannot_hold_the_run(site: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/hook"
        result = herald(site, *NOTIFY, HERALD_WEBHOOK_URL=url, HERALD_HTTP_TIMEOUT="1")
    finally:
        server.shutdown()
    assert result.returncode == 1
    assert result.stdout == (
        "webhook: FAILED, nothing recorded, the next run retries: 127.0.0.1: no complete"
        " answer within 1 s\n"
    )


def test_every_setting_the_workflow_passes_may_be_empty(site: Path) -> None:
    """The publish workflow passes each HERALD_* variable and secret, set or not; GitHub
    Actions makes the unset ones empty strings. Empty is unset: nothing is configured."""
    workflow = yaml.safe_load(
        (REPO_ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    )
    (step,) = [
        step
        for step in workflow["jobs"]["notify-subscribers"]["steps"]
        if "herald notify" in step.get("run", "")
    ]
    passed = [name for name in step["env"] if name.startswith("HERALD_")]
    assert len(passed) >= 12
    result = herald(site, "notify", **dict.fromkeys(passed, ""))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == (
        "No channel is configured: set HERALD_SMTP_HOST, a HERALD_*_WEBHOOK_URL,"
        " HERALD_MASTODON_URL or the HERALD_TWILIO_* settings (see the README).\n"
    )


def test_subscribers_who_had_the_same_updates_share_one_list_in_the_ledger(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    _, port = inbox
    (site / "subscribers.yml").write_text(
        "".join(f"person{number}@test.example: all\n" for number in range(50)), "utf-8"
    )
    result = herald(site, *NOTIFY, **channels(port, receiver))
    assert result.returncode == 0, result.stdout
    data = json.loads((site / ".herald-ledger/ledger.json").read_text("utf-8"))
    assert len(data["delivered"]) == 53  # 50 subscribers, slack, discord, webhook
    assert len(data["key_sets"]) == 1
    again = herald(site, *NOTIFY, **channels(port, receiver))
    assert again.stdout.count("nothing new") == 53


@pytest.mark.parametrize(
    "ledger",
    [
        {"version": 2, "key_sets": [["a/b"]], "delivered": {"slack": 3}},
        {"version": 2, "key_sets": "a/b", "delivered": {"slack": 0}},
        {"version": 2, "key_sets": [["a/b"]], "delivered": {"slack": True}},
        {"version": 1, "delivered": {"slack": "a/b"}},
        {"version": 1, "delivered": {"webhook": {}}},
        {"version": 1, "delivered": []},
    ],
)
def test_a_ledger_of_the_wrong_shape_is_refused(
    site: Path, receiver: Receiver, ledger: dict[str, Any]
) -> None:
    path = site / ".herald-ledger" / "ledger.json"
    path.parent.mkdir()
    path.write_text(json.dumps(ledger), encoding="utf-8")
    result = herald(site, *NOTIFY, HERALD_WEBHOOK_URL=f"{receiver.url}/hook")
    assert result.returncode == 2
    assert "is not a Herald ledger" in result.stderr
    assert receiver.requests == []


def test_a_rate_limit_spaces_messages_evenly(inbox: tuple[Inbox, int]) -> None:
    """HERALD_SMTP_RATE, for relays that limit messages a second; the clock is injected."""
    handler, port = inbox
    settings = SmtpSettings.from_environment(
        {
            "HERALD_SMTP_HOST": "127.0.0.1",
            "HERALD_SMTP_PORT": str(port),
            "HERALD_SMTP_SECURITY": "none",
            "HERALD_SMTP_FROM": "Test status <status@test.example>",
            "HERALD_SMTP_RATE": "4",
        }
    )
    assert settings is not None and settings.rate == 4
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    data = b"Subject: x\r\nFrom: status@test.example\r\n\r\nHello.\r\n"
    with SmtpSession(settings, clock=lambda: now[0], sleep=sleep) as session:
        for number in range(3):
            session.send_bytes(f"person{number}@test.example", data)
        now[0] += 1.0  # a pause longer than the spacing costs no wait
        session.send_bytes("late@test.example", data)
    assert waits == [0.25, 0.25]
    assert len(handler.messages) == 4


@pytest.mark.parametrize("rate", ["0", "-1", "fast", "1e9"])
def test_a_rate_that_is_not_one_is_refused(rate: str) -> None:
    with pytest.raises(SettingsError, match="HERALD_SMTP_RATE"):
        SmtpSettings.from_environment(
            {"HERALD_SMTP_HOST": "h", "HERALD_SMTP_FROM": "s@x.example", "HERALD_SMTP_RATE": rate}
        )


def test_a_mistyped_channel_is_named_with_the_right_one(site: Path) -> None:
    result = herald(site, "notify", "--channel", "slak")
    assert result.returncode == 2
    assert result.stderr == (
        "herald: --channel slak: there is no such channel (did you mean 'slack'?)\n"
    )


def test_a_broken_subscribers_file_is_named_without_its_addresses(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    _, port = inbox
    (site / "subscribers.yml").write_text(
        "ops@test.example: all\nbob.private@corp.example: [api\n", encoding="utf-8"
    )
    result = herald(site, *NOTIFY, **channels(port, receiver))
    assert result.returncode == 2
    assert result.stderr.startswith("herald: subscribers.yml: not YAML at line 3")
    assert "@" not in result.stdout + result.stderr


def test_an_address_beyond_ascii_fails_alone(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    handler, port = inbox
    (site / "subscribers.yml").write_text(
        "jörg@test.example: all\nops@test.example: all\n", encoding="utf-8"
    )
    result = herald(site, *NOTIFY, **channels(port, receiver))
    assert result.returncode == 1
    assert "the address is not plain ASCII" in result.stdout
    assert "jörg" not in result.stdout + result.stderr
    assert [recipients for recipients, _ in handler.messages] == [["ops@test.example"]]


@pytest.mark.parametrize("port", ["²", "0", "70000", "25a"])
def test_a_port_that_is_not_one_is_refused(site: Path, port: str) -> None:
    result = herald(
        site,
        *NOTIFY,
        HERALD_SMTP_HOST="127.0.0.1",
        HERALD_SMTP_PORT=port,
        HERALD_SMTP_FROM="s@t.example",
    )
    assert result.returncode == 2
    assert "is not a port number" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_local_walkthrough_delivers_once_on_free_ports() -> None:
    """The README's way to try notifications: its own servers, on ports the system gave."""
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "notify-locally")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    first, second = result.stdout.split("$ herald notify")[1:]
    assert first.count(": sent ") == 4
    assert second.count(": nothing new") == 4
    received = result.stdout.split("Received:")[1]
    assert received.count("POST /") == 3 and received.count("email: ") == 1
