"""Texts through Twilio's Messages API: once per update, one segment, numbers never shown.

End to end: the real ``herald notify`` against a loopback server that checks the request
as Twilio documents it (path, Basic auth, form fields) and answers as Twilio does (201 with
the message, 400 with an error, 429 with Retry-After).
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from site_plugin.notify.sms import sms_length, sms_target, sms_text

from ..conftest import StatusRepo, run_herald
from .incident import write_open_incident
from .test_notify import LEDGER_KEY, MKDOCS

ACCOUNT = "AC" + "0123456789abcdef" * 2
TOKEN = "twilio-auth-token-secret"
ALICE = "+4917698765432"
BOB = "+14155550123"


class Twilio:
    """A loopback stand-in for api.twilio.com's Messages resource."""

    def __init__(self) -> None:
        self.texts: list[dict[str, str]] = []
        self.refuse: set[str] = set()
        self.busy = 0
        """How many requests to answer 429 first."""
        twilio = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode("ascii")
                expected = base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
                if self.path != f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json" or (
                    self.headers["Authorization"] != f"Basic {expected}"
                ):
                    return self.answer(401, {"code": 20003, "message": "Authenticate"})
                assert self.headers["Content-Type"] == "application/x-www-form-urlencoded"
                fields = dict(urllib.parse.parse_qsl(body, strict_parsing=True))
                if twilio.busy:
                    twilio.busy -= 1
                    return self.answer(429, {"code": 20429, "message": "Too Many Requests"})
                if fields["To"] in twilio.refuse:
                    # Twilio's error names the number: Herald must not repeat it.
                    message = f"The 'To' number {fields['To']} is not a valid phone number."
                    return self.answer(400, {"code": 21211, "message": message})
                twilio.texts.append(fields)
                sid = "SM" + f"{len(twilio.texts):032x}"
                return self.answer(201, {"sid": sid, "status": "queued", "to": fields["To"]})

            def answer(self, code: int, document: dict[str, Any]) -> None:
                self.send_response(code)
                if code == 429:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(document).encode())

            def log_message(self, *arguments: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def to(self, number: str) -> list[str]:
        return [text["Body"] for text in self.texts if text["To"] == number]


@pytest.fixture
def twilio() -> Iterator[Twilio]:
    server = Twilio()
    yield server
    server.server.shutdown()


@pytest.fixture
def site(repo: StatusRepo) -> Path:
    (repo.root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    write_open_incident(repo, "Webhook events arrive up to 20 minutes late.\n")
    return repo.root


def settings(twilio: Twilio, subscribers: str) -> dict[str, str]:
    return {
        "HERALD_LEDGER_KEY": LEDGER_KEY,
        "HERALD_TWILIO_ACCOUNT_SID": ACCOUNT,
        "HERALD_TWILIO_AUTH_TOKEN": TOKEN,
        "HERALD_SMS_FROM": "+15005550006",
        "HERALD_SMS_SUBSCRIBERS": subscribers,
        "HERALD_TWILIO_API_URL": twilio.url,
    }


def notify(site: Path, env: dict[str, str]) -> Any:
    return run_herald(site, "notify", "--since=-2h", "--retry-delay", "0.01", **env)


def label(number: str) -> str:
    return sms_target(number, LEDGER_KEY)[:18]


def test_each_phone_subscriber_gets_each_update_once(site: Path, twilio: Twilio) -> None:
    env = settings(twilio, f'"{ALICE}": all\n"{BOB}": [dashboard]\n')
    first = notify(site, env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.splitlines() == [
        f"{label(ALICE)}: sent 1 update on 1 incident",
        f"{label(BOB)}: first run, the past is recorded as delivered",
    ]
    link = "https://status.test.example/incidents/2026-11-25-webhooks-late/"
    assert twilio.to(ALICE) == [f"Test status: Investigating: Webhooks are late {link}"]
    assert twilio.texts[0]["From"] == "+15005550006"
    second = notify(site, env)
    assert second.returncode == 0
    assert f"{label(ALICE)}: nothing new" in second.stdout
    assert len(twilio.texts) == 1
    for output in (first.stdout + first.stderr, second.stdout + second.stderr):
        assert ALICE not in output and BOB not in output and TOKEN not in output


def test_a_refused_number_fails_alone_and_is_never_printed(site: Path, twilio: Twilio) -> None:
    twilio.refuse.add(BOB)
    env = settings(twilio, f'"{ALICE}": all\n"{BOB}": all\n')
    result = notify(site, env)
    assert result.returncode == 1
    assert f"{label(ALICE)}: sent 1 update on 1 incident" in result.stdout
    assert f"{label(BOB)}: FAILED" in result.stdout and "Twilio refused" in result.stdout
    assert BOB not in result.stdout + result.stderr
    twilio.refuse.clear()
    again = notify(site, env)
    assert f"{label(BOB)}: sent 1 update on 1 incident" in again.stdout
    assert len(twilio.to(ALICE)) == 1 and len(twilio.to(BOB)) == 1


def test_a_rate_limit_is_waited_for(site: Path, twilio: Twilio) -> None:
    twilio.busy = 1
    result = notify(site, settings(twilio, f'"{ALICE}": all\n'))
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(twilio.to(ALICE)) == 1


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"HERALD_TWILIO_AUTH_TOKEN": ""}, "SMS needs HERALD_TWILIO_AUTH_TOKEN too"),
        ({"HERALD_TWILIO_ACCOUNT_SID": "nope"}, "is not a Twilio account SID"),
        ({"HERALD_SMS_FROM": "0151 1234"}, "is neither a number in E.164 form"),
        ({"HERALD_SMS_SUBSCRIBERS": "0151 12345678: all\n"}, "entry 1 is not a phone number"),
        ({"HERALD_TWILIO_API_URL": "http://twilio.example"}, "must start with https://"),
    ],
)
def test_a_wrong_setting_fails_sms_alone(
    site: Path, twilio: Twilio, change: dict[str, str], said: str
) -> None:
    env = {**settings(twilio, f'"{ALICE}": all\n'), **change}
    result = notify(site, env)
    assert result.returncode == 1
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("sms: FAILED")]
    assert said in line
    assert "Traceback" not in result.stderr and ALICE not in result.stdout
    assert twilio.texts == []


def test_without_sms_settings_sms_is_off(site: Path) -> None:
    result = run_herald(site, "notify", "--since=-2h", HERALD_LEDGER_KEY=LEDGER_KEY)
    assert "sms" not in result.stdout


def test_a_text_is_one_segment_and_keeps_its_link() -> None:
    link = "https://status.kestrel.example/incidents/2026-11-25-yahoo-delivery-delays/"
    long_title = "Emails to Yahoo and AOL addresses are delayed for some customers " * 3
    text = sms_text("Kestrel status", "Identified", long_title, link)
    assert sms_length(text) == (len(text), 160) and len(text) <= 160
    assert text.endswith(f"... {link}") and text.startswith("Kestrel status: Identified: Emails")
    german = sms_text("Kestrel", "Behoben", "Störung bei Übertragungen", link)
    assert sms_length(german)[1] == 160, "ä, ö, ü and ß are in the GSM alphabet"
    emoji = sms_text("Kestrel", "Resolved", "Rocket 🚀 " + "launch " * 20, link)
    length, most = sms_length(emoji)
    assert most == 160 or length <= 70
    assert sms_length(sms_text("K", "Resolved", "a [b] {c} ~ " * 30, link))[0] <= 160


def test_a_slip_in_the_subscribers_never_prints_a_number(site: Path, twilio: Twilio) -> None:
    env = settings(twilio, f'"{ALICE}": [api, "{BOB}"]\n')
    result = notify(site, env)
    assert result.returncode == 1
    assert "unknown component (not printed)" in result.stdout
    assert BOB not in result.stdout + result.stderr and ALICE not in result.stdout


def test_a_long_or_unusual_site_name_never_cuts_the_link() -> None:
    link = "https://status.acme.example/incidents/2026-11-25-checkout-is-slow-for-some/"
    for name in ("Acme ☃ status", "A" * 150):
        text = sms_text(name, "Identified", "Checkout is slow", link)
        assert text.endswith(link), text
        length, most = sms_length(text)
        assert length <= most or text == link
