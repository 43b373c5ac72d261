"""Teams, Google Chat and Mastodon: ``herald notify`` against real HTTP services on loopback.

Each service is a real HTTP server on a port of its own that records every request and
answers as the real service does: a Teams workflow 202 and nothing, Google Chat 200 and
the message it created, Mastodon 200 and the status (once per ``Idempotency-Key``, 401 to
a wrong token, 422 to a status over its limit). The tests check the requests' documented
shape and what a run reports.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from site_plugin.content.model import Impact, Incident, IncidentKind, Update, UpdateStatus
from site_plugin.errors import DeliveryError
from site_plugin.notify import delivery
from site_plugin.notify.chat import (
    WORD_JOINER,
    ZERO_WIDTH_JOINER,
    chat_text,
    mastodon_length,
    mastodon_status,
)
from site_plugin.notify.delivery import service_request, with_retries
from site_plugin.notify.digest import Pending
from site_plugin.present.context import SiteContext
from site_plugin.present.i18n import LANGUAGES, catalogue_language, translator

from ..conftest import StatusRepo, run_herald
from .incident import OPEN, write_open_incident

NOW = "1795608000"  # 2026-11-25 12:00 UTC
LATER = "1795609800"  # 12:30
LINK = "https://status.test.example/incidents/2026-11-25-webhooks-late/"
MKDOCS = (
    "site_name: Test status\nsite_url: https://status.test.example/\ntheme:\n  name: material\n"
)
NOTIFY = ("notify", "--since=-2h", "--retry-delay", "0.01")

TEAMS_PATH = "/workflows/0a1b2c/triggers/manual/paths/invoke"
TEAMS_QUERY = "api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=teams-sig-SECRET1"
CHAT_PATH = "/v1/spaces/AAQAxyz/messages"
CHAT_KEY = "chat-key-SECRET2"
CHAT_TOKEN = "chat-token-SECRET3"
MASTODON_TOKEN = "mastodon-token-SECRET4"
CARD = "application/vnd.microsoft.card.adaptive"


# -- the services -------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    """Lower-cased names."""
    body: bytes
    at: float
    """``time.monotonic()`` when it arrived."""

    @property
    def json(self) -> Any:
        return json.loads(self.body)


Answer = tuple[int, dict[str, str], str]


class Service:
    """A real HTTP server playing one service: it records each request and answers it
    with ``answer``, unless ``script`` holds the answer for the next POST."""

    def __init__(self, answer: Callable[[Request], Answer]) -> None:
        self.requests: list[Request] = []
        self.script: list[Answer] = []
        self.answer = answer
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.respond("POST")

            def do_GET(self) -> None:
                self.respond("GET")

            def respond(self, method: str) -> None:
                parts = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = Request(
                    method,
                    parts.path,
                    parse_qs(parts.query),
                    {name.lower(): value for name, value in self.headers.items()},
                    body,
                    time.monotonic(),
                )
                service.requests.append(request)
                scripted = method == "POST" and service.script
                code, headers, text = service.script.pop(0) if scripted else service.answer(request)
                data = text.encode("utf-8")
                if "Date" in headers:  # as the test says, not as this machine's clock does
                    self.send_response_only(code)
                else:
                    self.send_response(code)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *arguments: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def posts(self) -> list[Request]:
        return [request for request in self.requests if request.method == "POST"]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


JSON = {"Content-Type": "application/json; charset=utf-8"}


def teams_answer(request: Request) -> Answer:
    """A Workflows trigger: 202 Accepted, no body, once it has queued the flow's run."""
    if request.method != "POST" or request.path != TEAMS_PATH or not request.query.get("sig"):
        return 404, JSON, '{"error":{"code":"TriggerNotFound"}}'
    return 202, {}, ""


def google_chat_answer(request: Request) -> Answer:
    """``spaces.messages.create`` with a webhook's key and token: 200 and the message."""
    if request.method != "POST" or request.path != CHAT_PATH:
        return 404, JSON, '{"error":{"code":404,"status":"NOT_FOUND"}}'
    if request.query.get("key") != [CHAT_KEY] or request.query.get("token") != [CHAT_TOKEN]:
        return 403, JSON, '{"error":{"code":403,"status":"PERMISSION_DENIED"}}'
    message = request.json
    thread = message.get("thread", {}).get("threadKey", "new")
    created = {
        "name": f"spaces/AAQAxyz/messages/{len(request.query)}.{thread}",
        "sender": {"name": "users/114022495153014004089", "type": "BOT"},
        "text": message.get("text", ""),
        "cardsV2": message.get("cardsV2", []),
        "thread": {"name": f"spaces/AAQAxyz/threads/{thread}", "threadKey": thread},
        "space": {"name": "spaces/AAQAxyz", "type": "ROOM"},
        "createTime": "2026-11-25T12:00:00.000000Z",
    }
    return 200, JSON, json.dumps(created)


# Mastodon's own readings (app/models/account.rb, tag.rb), as Python patterns.
MASTODON_MENTION = re.compile(r"(?<![=/\w])@(\w+(?:[\w.-]+\w)?)(?:@[\w.-]+\w)?", re.IGNORECASE)
MASTODON_HASHTAG = re.compile(r"(?<![=/)\w])[#\uff03](\w*[^\W\d_]\w*)")
MASTODON_URL = re.compile(r"https?://\S+")


class Mastodon(Service):
    """An instance: ``GET /api/v2/instance`` and ``POST /api/v1/statuses`` as Mastodon
    answers them, with the instance's character limit and its idempotency."""

    def __init__(self, max_characters: int | None = 500) -> None:
        self.max_characters = max_characters
        self.statuses: list[dict[str, Any]] = []
        self.by_key: dict[str, dict[str, Any]] = {}
        super().__init__(self.respond)

    def respond(self, request: Request) -> Answer:
        if request.method == "GET" and request.path == "/api/v2/instance":
            if self.max_characters is None:
                return 404, JSON, '{"error":"Record not found"}'
            statuses = {"max_characters": self.max_characters, "characters_reserved_per_url": 23}
            return (
                200,
                JSON,
                json.dumps({"domain": "127.0.0.1", "configuration": {"statuses": statuses}}),
            )
        if request.method != "POST" or request.path != "/api/v1/statuses":
            return 404, JSON, '{"error":"Record not found"}'
        if request.headers.get("authorization") != f"Bearer {MASTODON_TOKEN}":
            return 401, JSON, '{"error":"The access token is invalid"}'
        key = request.headers.get("idempotency-key", "")
        if key in self.by_key:
            return 200, JSON, json.dumps(self.by_key[key])
        fields = request.json
        text = fields["status"]
        if self.counted(text) > (self.max_characters or 500):
            return 422, JSON, '{"error":"Validation failed: Text character limit exceeded"}'
        status = {
            "id": str(len(self.statuses) + 110000000000000001),
            "created_at": "2026-11-25T12:00:00.000Z",
            "visibility": fields.get("visibility", "public"),
            "language": fields.get("language"),
            "spoiler_text": fields.get("spoiler_text", ""),
            "sensitive": False,
            "content": "<p>" + html.escape(text).replace("\n\n", "</p><p>") + "</p>",
            "mentions": [{"acct": name} for name in MASTODON_MENTION.findall(text)],
            "tags": [{"name": name} for name in MASTODON_HASHTAG.findall(text)],
            "url": "http://127.0.0.1/@status/1",
            "text": text,
        }
        self.statuses.append(status)
        if key:
            self.by_key[key] = status
        return 200, JSON, json.dumps(status)

    @staticmethod
    def counted(text: str) -> int:
        """As Mastodon counts: every URL 23, a joiner part of the character before it."""
        return len(MASTODON_URL.sub("x" * 23, text).replace(ZERO_WIDTH_JOINER, ""))


@dataclass
class Services:
    teams: Service = field(default_factory=lambda: Service(teams_answer))
    chat: Service = field(default_factory=lambda: Service(google_chat_answer))
    mastodon: Mastodon = field(default_factory=Mastodon)

    def environment(self, **changes: str) -> dict[str, str]:
        chat_query = f"key={CHAT_KEY}&token={CHAT_TOKEN}"
        settings = {
            "HERALD_TEAMS_WEBHOOK_URL": f"{self.teams.url}{TEAMS_PATH}?{TEAMS_QUERY}",
            "HERALD_GOOGLE_CHAT_WEBHOOK_URL": f"{self.chat.url}{CHAT_PATH}?{chat_query}",
            "HERALD_MASTODON_URL": self.mastodon.url,
            "HERALD_MASTODON_TOKEN": MASTODON_TOKEN,
            "HERALD_HTTP_TIMEOUT": "10",
        }
        settings.update(changes)
        return settings

    def all(self) -> tuple[Service, Service, Mastodon]:
        return self.teams, self.chat, self.mastodon


@pytest.fixture
def services() -> Iterator[Services]:
    running = Services()
    yield running
    for service in running.all():
        service.close()


@pytest.fixture
def site(repo: StatusRepo) -> Path:
    (repo.root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    write_open_incident(
        repo,
        "Webhook events arrive up to 20 minutes late.\nWe are looking into it.\n",
        next_update=None,
    )
    return repo.root


def herald(site: Path, *arguments: str, epoch: str = NOW, **env: str) -> Any:
    return run_herald(site, *arguments, epoch=epoch, **env)


def reported(result: Any) -> str:
    return str(result.stdout) + str(result.stderr)


def assert_no_secret(output: str, services: Services) -> None:
    assert "SECRET" not in output
    for service in services.all():
        assert service.url.removeprefix("http://") not in output


# -- the shape each service documents --------------------------------------------------------


def assert_teams_message(request: Request) -> dict[str, Any]:
    """A Workflows webhook request whose attachment is a valid Adaptive Card; the card."""
    assert request.method == "POST" and request.path == TEAMS_PATH
    assert request.query["sig"] == ["teams-sig-SECRET1"], "the URL's query is kept whole"
    assert request.headers["content-type"] == "application/json"
    message = request.json
    assert message["type"] == "message"
    (attachment,) = message["attachments"]
    assert attachment["contentType"] == CARD
    card: dict[str, Any] = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"], "a card needs a body"
    for element in card["body"]:
        # Content is never in a TextBlock, whose text Teams reads as Markdown.
        assert element["type"] == "RichTextBlock"
        assert element["inlines"]
        for run in element["inlines"]:
            assert run["type"] == "TextRun" and isinstance(run["text"], str) and run["text"]
    (action,) = card["actions"]
    assert action["type"] == "Action.OpenUrl" and action["title"] and action["url"] == LINK
    return card


def card_lines(card: dict[str, Any]) -> list[str]:
    return ["".join(run["text"] for run in element["inlines"]) for element in card["body"]]


def assert_google_chat_message(request: Request) -> dict[str, Any]:
    """``spaces.messages.create`` through a webhook: the message."""
    assert request.method == "POST" and request.path == CHAT_PATH
    assert request.query["key"] == [CHAT_KEY] and request.query["token"] == [CHAT_TOKEN]
    assert request.query["messageReplyOption"] == ["REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"]
    assert request.headers["content-type"] == "application/json"
    message: dict[str, Any] = request.json
    assert isinstance(message["text"], str) and message["text"]
    assert message["thread"] == {"threadKey": "2026-11-25-webhooks-late"}
    (card,) = message["cardsV2"]
    assert card["cardId"]
    assert card["card"]["header"]["title"] == "Test status"
    (section,) = card["card"]["sections"]
    paragraph, buttons = section["widgets"]
    assert isinstance(paragraph["textParagraph"]["text"], str)
    (button,) = buttons["buttonList"]["buttons"]
    assert button["text"] and button["onClick"] == {"openLink": {"url": LINK}}
    return message


def assert_mastodon_post(request: Request) -> dict[str, Any]:
    assert request.method == "POST" and request.path == "/api/v1/statuses"
    assert request.headers["authorization"] == f"Bearer {MASTODON_TOKEN}"
    assert re.fullmatch(r"herald-[0-9a-f]{64}", request.headers["idempotency-key"])
    fields: dict[str, Any] = request.json
    assert set(fields) == {"status", "visibility", "language"}, "no spoiler_text"
    assert fields["visibility"] == "public"
    return fields


# -- delivery ----------------------------------------------------------------------------------


def test_each_service_gets_each_update_once(
    site: Path, services: Services, repo: StatusRepo
) -> None:
    env = services.environment()
    first = herald(site, *NOTIFY, **env)
    assert first.returncode == 0, reported(first)
    assert first.stdout.splitlines() == [
        "teams: sent 1 update on 1 incident",
        "google-chat: sent 1 update on 1 incident",
        "mastodon: sent 1 update on 1 incident",
    ]

    (teams,) = services.teams.requests
    card = assert_teams_message(teams)
    assert card_lines(card) == [
        "Investigating: Webhooks are late",
        "Test status · 25 Nov 2026, 11:00 UTC",
        "Webhook events arrive up to 20 minutes late.",
    ]
    assert card["body"][0]["inlines"][0]["weight"] == "Bolder"
    assert card["actions"][0]["title"] == "Read this on the status page"

    (chat,) = services.chat.requests
    message = assert_google_chat_message(chat)
    assert message["text"] == "Investigating: Webhooks are late"
    card_v2 = message["cardsV2"][0]["card"]
    assert card_v2["header"]["subtitle"] == "Investigating · 25 Nov 2026, 11:00 UTC"
    assert card_v2["sections"][0]["widgets"][0]["textParagraph"]["text"] == (
        "<b>Webhooks are late</b><br>Webhook events arrive up to 20 minutes late."
    )

    instance, post = services.mastodon.requests
    assert (instance.method, instance.path) == ("GET", "/api/v2/instance")
    assert "authorization" not in instance.headers, "the instance is asked without the token"
    fields = assert_mastodon_post(post)
    assert fields["language"] == "en"
    assert fields["status"] == (
        "Investigating: Webhooks are late\n\n"
        f"Webhook events arrive up to 20 minutes late.\n\n{LINK}"
    )
    (status,) = services.mastodon.statuses
    assert status["mentions"] == [] and status["tags"] == [] and status["spoiler_text"] == ""

    second = herald(site, *NOTIFY, **env)
    assert second.returncode == 0, reported(second)
    assert second.stdout.splitlines() == [
        "teams: nothing new",
        "google-chat: nothing new",
        "mastodon: nothing new",
    ]
    assert [len(service.requests) for service in services.all()] == [1, 1, 2]

    repo.write(
        f"{OPEN}/2026-11-25T1220Z-identified.md",
        "---\nat: 2026-11-25T12:20:00Z\nstatus: identified\n---\nA queue was stuck.\n",
    )
    third = herald(site, *NOTIFY, epoch=LATER, **env)
    assert third.returncode == 0, reported(third)
    assert all(line.endswith("sent 1 update on 1 incident") for line in third.stdout.splitlines())
    assert card_lines(assert_teams_message(services.teams.requests[-1]))[0] == (
        "Identified: Webhooks are late"
    )
    later = assert_google_chat_message(services.chat.requests[-1])
    assert later["thread"] == message["thread"], "one incident, one thread"
    first_post, later_post = services.mastodon.posts()
    assert first_post.headers["idempotency-key"] != later_post.headers["idempotency-key"]
    assert assert_mastodon_post(later_post)["status"].startswith("Identified: Webhooks are late")
    assert len(services.mastodon.statuses) == 2
    assert_no_secret(reported(first) + reported(second) + reported(third), services)


def test_a_german_site_is_told_in_german(site: Path, services: Services) -> None:
    (site / "mkdocs.yml").write_text(MKDOCS + "  language: de\n", encoding="utf-8")
    result = herald(site, *NOTIFY, **services.environment())
    assert result.returncode == 0, reported(result)
    when = translator("de").utc_text(datetime(2026, 11, 25, 11, 0, tzinfo=UTC))

    card = assert_teams_message(services.teams.requests[0])
    assert card_lines(card)[:2] == [
        "Untersuchung läuft: Webhooks are late",
        f"Test status · {when}",
    ]
    assert card["actions"][0]["title"] == "Auf der Statusseite lesen"

    message = assert_google_chat_message(services.chat.requests[0])
    assert message["text"] == "Untersuchung läuft: Webhooks are late"
    card_v2 = message["cardsV2"][0]["card"]
    assert card_v2["header"]["subtitle"] == f"Untersuchung läuft · {when}"
    button = card_v2["sections"][0]["widgets"][1]["buttonList"]["buttons"][0]
    assert button["text"] == "Auf der Statusseite lesen"

    fields = assert_mastodon_post(services.mastodon.posts()[0])
    assert fields["language"] == "de"
    assert fields["status"].startswith("Untersuchung läuft: Webhooks are late\n\n")


#: Each language's words on the chat channels: the first update's status, and the button
#: under the Teams and Google Chat cards; and the language Mastodon is told (ISO 639).
CHAT_WORDS = {
    "fr": ("Analyse en cours", "Lire sur la page de statut", "fr"),
    "es": ("Investigando", "Leer en la página de estado", "es"),
    "pt-BR": ("Investigando", "Ler na página de status", "pt"),
    "ja": ("調査中", "ステータスページで見る", "ja"),
}


def test_every_language_is_told_on_the_chat_channels() -> None:
    told = {catalogue_language(language) for language in CHAT_WORDS} | {"de"}  # German above
    assert told == set(LANGUAGES) - {"en"}


@pytest.mark.parametrize("language", sorted(CHAT_WORDS))
def test_a_site_is_told_in_its_language(site: Path, services: Services, language: str) -> None:
    status, button_text, iso_639 = CHAT_WORDS[language]
    (site / "mkdocs.yml").write_text(MKDOCS + f"  language: {language}\n", encoding="utf-8")
    result = herald(site, *NOTIFY, **services.environment())
    assert result.returncode == 0, reported(result)
    when = translator(language).utc_text(datetime(2026, 11, 25, 11, 0, tzinfo=UTC))
    assert when != translator("en").utc_text(datetime(2026, 11, 25, 11, 0, tzinfo=UTC))

    card = assert_teams_message(services.teams.requests[0])
    assert card_lines(card)[:2] == [f"{status}: Webhooks are late", f"Test status · {when}"]
    assert card["actions"][0]["title"] == button_text

    message = assert_google_chat_message(services.chat.requests[0])
    assert message["text"] == f"{status}: Webhooks are late"
    card_v2 = message["cardsV2"][0]["card"]
    assert card_v2["header"]["subtitle"] == f"{status} · {when}"
    button = card_v2["sections"][0]["widgets"][1]["buttonList"]["buttons"][0]
    assert button["text"] == button_text

    fields = assert_mastodon_post(services.mastodon.posts()[0])
    assert fields["language"] == iso_639
    assert fields["status"].startswith(f"{status}: Webhooks are late\n\n")


HOSTILE_TITLE = (
    "<script>alert(1)</script> @everyone [link](http://evil.example) *bold* _it_ #outage"
    " {{DATE(2026-11-25T11:00:00Z, SHORT)}}"
)
HOSTILE_LINE = "Ask <users/all> or @admin@mastodon.example: <http://evil.example|click> ~gone~"


def test_hostile_content_arrives_as_plain_text(
    site: Path, services: Services, repo: StatusRepo
) -> None:
    repo.write(f"{OPEN}/index.md", f"---\ntitle: {json.dumps(HOSTILE_TITLE)}\nimpact: minor\n---\n")
    repo.write(
        f"{OPEN}/2026-11-25T1100Z-investigating.md",
        f"---\nat: 2026-11-25T11:00:00Z\nstatus: investigating\n---\n{HOSTILE_LINE}\n",
    )
    result = herald(site, *NOTIFY, **services.environment())
    assert result.returncode == 0, reported(result)
    headline = f"Investigating: {HOSTILE_TITLE}"

    # Teams: every text a TextRun (no Markdown); the card's date function broken apart.
    card = assert_teams_message(services.teams.requests[0])
    lines = card_lines(card)
    assert lines[0] == headline.replace("{{", "{\u2060{")
    assert lines[2] == HOSTILE_LINE
    assert "{{" not in json.dumps(card["body"], ensure_ascii=False)

    # Google Chat: the card's text escaped for its HTML; the text's markup set apart.
    message = assert_google_chat_message(services.chat.requests[0])
    paragraph = message["cardsV2"][0]["card"]["sections"][0]["widgets"][0]["textParagraph"]
    assert "<script" not in paragraph["text"] and "&lt;script&gt;" in paragraph["text"]
    assert "&lt;users/all&gt;" in paragraph["text"]
    assert html.unescape(paragraph["text"].split("<br>")[1]) == HOSTILE_LINE
    text = message["text"]
    assert text.replace(WORD_JOINER, "") == headline
    for markup in ("*bold*", "_it_", "<script>"):  # Chat reads no [text](url) links
        assert markup not in text, markup
    assert "[link](http://evil.example)" in text

    # Mastodon: what it reads as a mention or a hashtag is not one; the words are kept.
    (status,) = services.mastodon.statuses
    assert status["mentions"] == [] and status["tags"] == []
    assert (
        status["text"].replace(ZERO_WIDTH_JOINER, "") == f"{headline}\n\n{HOSTILE_LINE}\n\n{LINK}"
    )


def test_a_dry_run_tells_no_service(site: Path, services: Services) -> None:
    result = herald(site, *NOTIFY, "--dry-run", **services.environment())
    assert result.returncode == 0, reported(result)
    assert result.stdout.splitlines() == [
        "teams: would send 1 update on 1 incident",
        "google-chat: would send 1 update on 1 incident",
        "mastodon: would send 1 update on 1 incident",
    ]
    assert [service.requests for service in services.all()] == [[], [], []]


def test_one_service_can_be_chosen(site: Path, services: Services) -> None:
    result = herald(site, *NOTIFY, "--channel", "mastodon", **services.environment())
    assert result.stdout.splitlines() == ["mastodon: sent 1 update on 1 incident"]
    assert services.teams.requests == [] and services.chat.requests == []


def test_every_new_setting_may_be_empty(site: Path) -> None:
    """GitHub Actions passes an unset secret as an empty string: that is off."""
    empty = {
        "HERALD_TEAMS_WEBHOOK_URL": "",
        "HERALD_GOOGLE_CHAT_WEBHOOK_URL": "",
        "HERALD_MASTODON_URL": "",
        "HERALD_MASTODON_TOKEN": " ",
    }
    result = herald(site, *NOTIFY, **empty)
    assert result.returncode == 0, reported(result)
    assert result.stdout.startswith("No channel is configured")


# -- rate limits and errors --------------------------------------------------------------------

RATE_LIMITED = {
    "teams": (429, {"Retry-After": "1"}, '{"error":{"code":"WorkflowTriggerIsThrottled"}}'),
    "google-chat": (
        429,
        {"Retry-After": "1", **JSON},
        '{"error":{"code":429,"message":"Resource has been exhausted",'
        '"status":"RESOURCE_EXHAUSTED"}}',
    ),
    "mastodon": (429, {"Retry-After": "1", **JSON}, '{"error":"Too many requests"}'),
}


def test_a_rate_limit_is_waited_for_then_the_post_goes_out_once(
    site: Path, services: Services
) -> None:
    for service, name in zip(services.all(), RATE_LIMITED, strict=True):
        service.script.append(RATE_LIMITED[name])
    result = herald(site, *NOTIFY, **services.environment())
    assert result.returncode == 0, reported(result)
    assert all(line.endswith("sent 1 update on 1 incident") for line in result.stdout.splitlines())
    for service in services.all():
        refused, accepted = service.posts()
        assert accepted.at - refused.at >= 1.0, "Retry-After: 1 is waited for, not --retry-delay"
        assert accepted.body == refused.body
    first, again = services.mastodon.posts()
    assert first.headers["idempotency-key"] == again.headers["idempotency-key"]
    assert len(services.mastodon.statuses) == 1


def test_a_retry_after_longer_than_a_run_waits_is_left_to_the_next_run(
    site: Path, services: Services
) -> None:
    services.mastodon.script.append((429, {"Retry-After": "3600"}, ""))
    env = services.environment()
    result = herald(site, *NOTIFY, "--channel", "mastodon", **env)
    assert result.returncode == 1
    assert result.stdout == (
        "mastodon: FAILED, nothing recorded, the next run retries: HTTP 429: the instance"
        " limits how often the account posts; it asks to wait 3600 s, longer than a run"
        " waits (60 s)\n"
    )
    assert len(services.mastodon.posts()) == 1
    again = herald(site, *NOTIFY, "--channel", "mastodon", **env)
    assert again.stdout == "mastodon: sent 1 update on 1 incident\n"


def test_a_server_error_is_retried_within_the_run(site: Path, services: Services) -> None:
    services.chat.script.append((503, JSON, '{"error":{"code":503,"status":"UNAVAILABLE"}}'))
    result = herald(site, *NOTIFY, "--channel", "google-chat", **services.environment())
    assert result.stdout == "google-chat: sent 1 update on 1 incident\n"
    assert len(services.chat.posts()) == 2


ECHO = "ECHOED-BODY"
"""In every error answer of the next test, with the secrets: neither may be reported."""


@pytest.mark.parametrize(
    ("channel", "code", "words"),
    [
        ("teams", 400, "the workflow refused the message as malformed"),
        ("teams", 401, "the workflow refused the request (turned off, or it lets only some"),
        ("teams", 403, "the workflow refused the request (turned off, or it lets only some"),
        ("teams", 404, "the workflow is gone (create it again and store its new URL)"),
        ("google-chat", 400, "Google Chat refused the message as malformed"),
        ("google-chat", 403, "Google Chat refused the webhook's key or token"),
        ("google-chat", 404, "the space or its webhook is gone (create the webhook again)"),
        ("mastodon", 401, "the instance refused HERALD_MASTODON_TOKEN (revoked, or made on"),
        ("mastodon", 403, "the token may not post (it needs the write:statuses scope)"),
        ("mastodon", 404, "no Mastodon API there (HERALD_MASTODON_URL is the instance's"),
        ("mastodon", 422, "the instance refused the status (too long for it, or a setting"),
        ("mastodon", 500, "the service failed"),
    ],
)
def test_an_error_answer_fails_its_channel_alone_and_says_only_its_status(
    site: Path, services: Services, channel: str, code: int, words: str
) -> None:
    failing = dict(zip(RATE_LIMITED, services.all(), strict=True))[channel]
    body = json.dumps({"error": ECHO, "request": services.environment(), "token": MASTODON_TOKEN})
    failing.script.extend([(code, JSON, body)] * 3)
    env = services.environment()
    result = herald(site, *NOTIFY, **env)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    (failure,) = [line for line in lines if line.startswith(f"{channel}:")]
    assert failure.startswith(
        f"{channel}: FAILED, nothing recorded, the next run retries: HTTP {code}: {words}"
    )
    assert sorted(line for line in lines if line != failure) == sorted(
        f"{other}: sent 1 update on 1 incident" for other in RATE_LIMITED if other != channel
    )
    assert len(failing.posts()) == (3 if code >= 500 else 1), "only a server error is retried"
    output = reported(result)
    assert ECHO not in output
    assert_no_secret(output, services)

    failing.script.clear()  # the service is well again
    again = herald(site, *NOTIFY, **env)
    assert again.returncode == 0, reported(again)
    assert f"{channel}: sent 1 update on 1 incident" in again.stdout.splitlines()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"HERALD_MASTODON_TOKEN": ""},
            "mastodon: FAILED, nothing recorded, the next run retries: HERALD_MASTODON_TOKEN is"
            " not set (HERALD_MASTODON_URL is): create an access token with the"
            " write:statuses scope under Preferences, Development, New application",
        ),
        (
            {"HERALD_MASTODON_URL": ""},
            "mastodon: FAILED, nothing recorded, the next run retries: HERALD_MASTODON_URL is"
            " not set (HERALD_MASTODON_TOKEN is): set it to the instance's address, e.g."
            " https://mastodon.social",
        ),
        (
            {"HERALD_MASTODON_URL": "https://mastodon.example/@status-SECRET"},
            "mastodon: FAILED, nothing recorded, the next run retries: HERALD_MASTODON_URL is"
            " not an instance's address alone (e.g. https://mastodon.social, without a path:"
            " the account is the token's)",
        ),
        (
            {"HERALD_MASTODON_TOKEN": "two SECRET words"},
            "mastodon: FAILED, nothing recorded, the next run retries: HERALD_MASTODON_TOKEN"
            " has white space or a character beyond ASCII in it (store the access token alone)",
        ),
        (
            {"HERALD_MASTODON_URL": "http://mastodon.example"},
            "mastodon: FAILED, nothing recorded, the next run retries: HERALD_MASTODON_URL"
            " must start with https:// (http:// only to this machine, for tests)",
        ),
        (
            {
                "HERALD_GOOGLE_CHAT_WEBHOOK_URL": (
                    f"https://chat.googleapis.com{CHAT_PATH}?key={CHAT_KEY}"
                )
            },
            "google-chat: FAILED, nothing recorded, the next run retries:"
            " HERALD_GOOGLE_CHAT_WEBHOOK_URL is not a whole space webhook URL"
            " (…/v1/spaces/…/messages?key=…&token=…): copy it again from the space's Apps &"
            " integrations, Webhooks",
        ),
        (
            {
                "HERALD_GOOGLE_CHAT_WEBHOOK_URL": (
                    f"https://chat.example{CHAT_PATH}?key={CHAT_KEY}&token={CHAT_TOKEN}"
                )
            },
            "google-chat: FAILED, nothing recorded, the next run retries:"
            " HERALD_GOOGLE_CHAT_WEBHOOK_URL is not a Google Chat webhook URL (those start"
            " https://chat.googleapis.com/)",
        ),
        (
            {"HERALD_TEAMS_WEBHOOK_URL": "ftp://teams.example/SECRET"},
            "teams: FAILED, nothing recorded, the next run retries: HERALD_TEAMS_WEBHOOK_URL"
            " must start with https:// (http:// only to this machine, for tests)",
        ),
    ],
)
def test_a_wrong_setting_fails_its_channel_alone(
    site: Path, services: Services, changes: dict[str, str], expected: str
) -> None:
    result = herald(site, *NOTIFY, **services.environment(**changes))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert expected in lines
    assert len([line for line in lines if line.endswith("sent 1 update on 1 incident")]) == 2
    assert_no_secret(reported(result), services)


def test_a_service_that_is_not_there_is_retried_by_the_next_run(
    site: Path, services: Services
) -> None:
    gone = services.teams.url
    services.teams.close()
    env = services.environment(HERALD_TEAMS_WEBHOOK_URL=f"{gone}{TEAMS_PATH}?{TEAMS_QUERY}")
    result = herald(site, *NOTIFY, "--channel", "teams", **env)
    assert result.returncode == 1
    assert result.stdout.startswith(
        "teams: FAILED, nothing recorded, the next run retries: the service was not reached ("
    )
    assert_no_secret(reported(result), services)


# -- the Mastodon status's length ----------------------------------------------------------------

WORDS = " ".join(f"word{number}" for number in range(400))


def test_a_long_status_is_cut_at_a_word_to_the_instances_limit(
    site: Path, repo: StatusRepo
) -> None:
    repo.write(
        f"{OPEN}/2026-11-25T1100Z-investigating.md",
        f"---\nat: 2026-11-25T11:00:00Z\nstatus: investigating\n---\n{WORDS}\n",
    )
    small = Mastodon(max_characters=140)
    try:
        env = {"HERALD_MASTODON_URL": small.url, "HERALD_MASTODON_TOKEN": MASTODON_TOKEN}
        result = herald(site, *NOTIFY, **env)
    finally:
        small.close()
    assert result.stdout == "mastodon: sent 1 update on 1 incident\n", reported(result)
    (status,) = small.statuses
    head, line, link = status["text"].split("\n\n")
    assert head == "Investigating: Webhooks are late" and link == LINK
    assert line.endswith("…") and WORDS.startswith(line.removesuffix("…") + " ")
    assert Mastodon.counted(status["text"]) <= 140
    assert Mastodon.counted(status["text"]) > 140 - len(" word100…"), "cut no shorter than needed"


def test_without_the_instances_limit_the_status_keeps_to_500(site: Path, repo: StatusRepo) -> None:
    repo.write(
        f"{OPEN}/2026-11-25T1100Z-investigating.md",
        f"---\nat: 2026-11-25T11:00:00Z\nstatus: investigating\n---\n{WORDS}\n",
    )
    old = Mastodon(max_characters=None)  # no /api/v2/instance: an older server
    try:
        env = {"HERALD_MASTODON_URL": old.url, "HERALD_MASTODON_TOKEN": MASTODON_TOKEN}
        result = herald(site, *NOTIFY, **env)
    finally:
        old.close()
    assert result.stdout == "mastodon: sent 1 update on 1 incident\n", reported(result)
    (status,) = old.statuses
    assert 480 < Mastodon.counted(status["text"]) <= 500
    assert status["text"].endswith(f"…\n\n{LINK}")


def pending(title: str, message: str) -> tuple[SiteContext, Pending]:
    update = Update(
        "2026-11-25T1100Z-investigating",
        datetime(2026, 11, 25, 11, 0, tzinfo=UTC),
        UpdateStatus.INVESTIGATING,
        message,
    )
    incident = Incident(
        "2026-11-25-webhooks-late",
        title,
        IncidentKind.INCIDENT,
        Impact.MINOR,
        (),
        (),
        "",
        (update,),
    )
    context = SiteContext("Test status", "https://status.test.example/")
    return context, Pending(incident, (update,))


def test_urls_of_content_are_counted_as_mastodon_counts_them_at_least() -> None:
    assert mastodon_length("see https://a.example/b") == len("see https://a.example/b") + 23
    assert mastodon_length("x http://a,http://b") == len("x http://a,http://b") + 46
    context, item = pending("Webhooks are late", "See https://docs.example/" + "x" * 300 + " now")
    status = mastodon_status(context, item, limit=140)
    assert mastodon_length(status.rsplit("\n\n", 1)[0] + "\n\n") + 23 <= 140


def test_a_title_too_long_for_the_limit_is_cut_too_and_the_link_stays_whole() -> None:
    context, item = pending("Very " * 60 + "long", "And a message.")
    status = mastodon_status(context, item, limit=100)
    head, link = status.split("\n\n")
    assert head.startswith("Investigating: Very Very") and head.endswith("Very…")
    assert link == LINK and len(head) + 2 + 23 <= 100


def test_a_title_of_one_long_word_is_cut_inside_it() -> None:
    context, item = pending("X" * 300, "")
    head, link = mastodon_status(context, item, limit=80).split("\n\n")
    assert head.endswith("X…") and len(head) + 2 + 23 == 80 and link == LINK


def test_chat_text_leaves_every_character_as_written() -> None:
    text = "*a* _b_ ~c~ `d` <users/all> <http://x|y>"
    assert chat_text(text).replace(WORD_JOINER, "") == text
    assert "<users" not in chat_text(text) and "*a*" not in chat_text(text)


# -- rate limits read from the answer ------------------------------------------------------------


def test_a_rate_limit_reset_is_read_against_the_answers_own_date() -> None:
    """Mastodon says when its limit resets (``X-RateLimit-Reset``) rather than how long to
    wait; the wait is measured against the answer's ``Date``, not this machine's clock."""
    served = datetime(2031, 1, 1, 12, 0, tzinfo=UTC)
    headers = {
        "Date": format_datetime(served, usegmt=True),
        "X-RateLimit-Reset": "2031-01-01T12:00:02.5Z",
    }
    service = Service(lambda request: (429, headers, '{"error":"Too many requests"}'))
    try:
        with pytest.raises(DeliveryError) as caught:
            service_request(f"{service.url}/api/v1/statuses", {"status": "x"}, timeout=5)
    finally:
        service.close()
    assert caught.value.retry and caught.value.retry_after == 2.5
    assert str(caught.value) == "HTTP 429: the service is taking no more messages for now"


def test_retries_wait_as_asked_and_the_others_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(delivery.time, "sleep", waits.append)
    failures = [
        DeliveryError("busy", retry=True, retry_after=7),
        DeliveryError("down", retry=True),
    ]

    def attempt() -> None:
        if failures:
            raise failures.pop(0)

    with_retries(attempt, delay=0.5)
    assert waits == [7, 1.0], "the asked wait, then the delay doubled as before"
    assert failures == []


def test_a_retry_after_beyond_the_longest_wait_is_not_waited_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(delivery.time, "sleep", waits.append)

    def attempt() -> None:
        raise DeliveryError("HTTP 429: busy", retry=True, retry_after=61)

    with pytest.raises(DeliveryError) as caught:
        with_retries(attempt, longest_wait=60)
    assert waits == []
    assert (
        str(caught.value) == "HTTP 429: busy; it asks to wait 61 s, longer than a run waits (60 s)"
    )
