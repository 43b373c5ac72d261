"""A whole site written by an attacker who may open pull requests: it checks, builds and
notifies, and nothing in any output can run, restyle, mislead or break a parser.

One site carries the corpus of ``hostile.py`` in every field (titles, names,
descriptions, summaries, messages, reports) with every supported Markdown extension on.
It goes through the real ``herald check``, ``mkdocs build --strict``, ``herald digest``
and ``herald notify`` (to an SMTP server and an HTTP receiver on loopback), and each
output is read by a real parser: lxml for pages, feedparser and lxml for feeds,
icalendar, json, the email package; Chromium for what a reader's browser does.
"""

from __future__ import annotations

import email
import email.policy
import functools
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser
import icalendar
import lxml.etree
import lxml.html
import pytest
from aiosmtpd.controller import Controller

from .browsers import CHROMIUM, launch_chromium
from .conftest import build_site, run_herald
from .hostile import judge_url, markdown_payloads, unsafe_markup
from .notify.test_notify import Inbox, Receiver, free_port
from .present.test_rendering import SUPPORTED_EXTENSIONS

HOSTILE_TITLE = '<img src=x onerror=alert(1)> "Broken" & <b>bold</b> ]]> --> {{ 7*7 }} %(x)s'
HOSTILE_NAME = 'API <script>alert(1)</script> "quoted" & co'
OPEN = "incidents/2026-11-25-hostile-open"
MAINTENANCE = "incidents/2026-11-24-hostile-maintenance"
RESOLVED = "incidents/2026-11-20-hostile-resolved"
NOTICE = "incidents/2026-11-25-hostile-notice"
PAYLOADS_PER_UPDATE = 12


def _yaml(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[index : index + size] for index in range(0, len(items), size)]


def write_hostile_site(root: Path, site_url: str) -> None:
    extensions = "".join(f"  - {name}\n" for name in SUPPORTED_EXTENSIONS)
    (root / "mkdocs.yml").write_text(
        "site_name: Smith & Co's status\n"
        f"site_url: {site_url}\n"
        "theme:\n  name: material\n"
        "plugins:\n  - search\n  - herald:\n"
        "      support_url: https://help.example/?a=1&b=2\n"
        "      unsubscribe: mailto:leave@test.example\n"
        f"markdown_extensions:\n{extensions}",
        encoding="utf-8",
    )
    (root / "docs").mkdir(exist_ok=True)
    files = {
        "components.yml": "components:\n"
        f"  - id: api\n    name: {_yaml(HOSTILE_NAME)}\n"
        f"    description: {_yaml('<img src=x onerror=alert(1)> [x](javascript:alert(1))')}\n"
        "  - id: web\n    name: 'Web </title><script>alert(1)</script>'\n"
        '  - id: regions\n    name: "Regions\' & <i>more</i>"\n    components:\n'
        "      - id: eu\n        name: 'EU <svg onload=alert(1)>'\n",
        f"{OPEN}/index.md": f"---\ntitle: {_yaml(HOSTILE_TITLE)}\nimpact: major\n"
        "affected:\n  api: major_outage\n  regions: degraded_performance\n---\n"
        + "\n\n".join(markdown_payloads()[:PAYLOADS_PER_UPDATE])
        + "\n",
        f"{MAINTENANCE}/index.md": "---\ntitle: "
        + _yaml('Upgrade "db" <script>alert(1)</script>\\; VEVENT')
        + "\nkind: maintenance\naffected: [web]\nscheduled_start: 2026-11-27T06:00:00Z\n"
        "scheduled_end: 2026-11-27T08:00:00Z\n---\n",
        f"{MAINTENANCE}/2026-11-24T1000Z-scheduled.md": "---\nat: 2026-11-24T10:00:00Z\n"
        "status: scheduled\n---\nWe will [upgrade](javascript:alert(1)) the database.\n"
        "SUMMARY:injected\nEND:VEVENT\n",
        f"{RESOLVED}/index.md": "---\ntitle: " + _yaml("Resolved <b>x</b> & y") + "\n"
        "impact: minor\naffected:\n  web: partial_outage\n---\n",
        f"{RESOLVED}/2026-11-20T1000Z-investigating.md": "---\nat: 2026-11-20T10:00:00Z\n"
        "status: investigating\n---\nLooking [here](java&#x09;script:alert(1)).\n",
        f"{RESOLVED}/2026-11-20T1100Z-resolved.md": "---\nat: 2026-11-20T11:00:00Z\n"
        "status: resolved\n---\nFixed. <script>alert(1)</script>\n",
        f"{RESOLVED}/postmortem.md": "---\npublished: 2026-11-21T09:00:00Z\n---\n"
        + "\n\n".join(markdown_payloads()[-PAYLOADS_PER_UPDATE:])
        + "\n",
        f"{NOTICE}/index.md": "---\ntitle: "
        + _yaml("Notice <u>underlined</u> & 'quoted'")
        + "\nkind: notice\n---\n",
        f"{NOTICE}/2026-11-25T0900Z-investigating.md": "---\nat: 2026-11-25T09:00:00Z\n"
        "status: investigating\n---\n<https://safe.example/ok> and [mail](mailto:a@b.example)\n",
    }
    for number, chunk in enumerate(_chunks(markdown_payloads(), PAYLOADS_PER_UPDATE)):
        stamp = f"2026-11-25T{8 + number // 60:02d}{number % 60:02d}Z"
        at = f"2026-11-25T{8 + number // 60:02d}:{number % 60:02d}:00Z"
        status = "investigating" if number == 0 else "identified"
        files[f"{OPEN}/{stamp}-{status}.md"] = (
            f"---\nat: {at}\nstatus: {status}\nnext_update: 6h\n---\n" + "\n\n".join(chunk) + "\n"
        )
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@dataclass
class HostileRun:
    root: Path
    site: Path
    url: str
    check: Any
    build: Any
    digest: Path
    notify: Any
    inbox: Inbox
    receiver: Receiver


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileRun]:
    root = tmp_path_factory.mktemp("hostile")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    write_hostile_site(root, url)
    check = run_herald(root, "check")
    build = build_site(root, site_dir=root / "site")
    digest = root / "digest.eml"
    digest_run = run_herald(root, "digest", "--since=-7d", "--out", str(digest))
    assert digest_run.returncode == 0, digest_run.stderr
    inbox, receiver = Inbox(), Receiver()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    notify = run_herald(
        root,
        "notify",
        "--since=-7d",
        "--retry-delay",
        "0.01",
        HERALD_SUBSCRIBERS="ops@test.example: all\n",
        HERALD_LEDGER_KEY="hostile-test-key-of-at-least-32-characters",
        HERALD_SMTP_HOST="127.0.0.1",
        HERALD_SMTP_PORT=str(smtp_port),
        HERALD_SMTP_SECURITY="none",
        HERALD_SMTP_FROM="Test status <status@test.example>",
        HERALD_SLACK_WEBHOOK_URL=f"{receiver.url}/slack",
        HERALD_DISCORD_WEBHOOK_URL=f"{receiver.url}/discord",
        HERALD_WEBHOOK_URL=f"{receiver.url}/hook",
    )
    controller.stop()
    server = ThreadingHTTPServer(
        ("127.0.0.1", port),
        functools.partial(_QuietHandler, directory=str(root / "site")),
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield HostileRun(root, root / "site", url, check, build, digest, notify, inbox, receiver)
    server.shutdown()
    receiver.server.shutdown()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *arguments: Any) -> None:
        pass


_TEXT_ATTRIBUTES = {"title", "alt", "aria-label", "content", "value", "placeholder"}


def page_problems(html: str) -> list[str]:
    """What in a whole page could run or mislead: handlers, script targets, injected
    scripts, frames, styles that load or compute."""
    found: list[str] = []
    document = lxml.html.document_fromstring(html)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("iframe", "object", "embed", "base"):
            found.append(f"<{element.tag}>")
        if element.tag == "form" and element.get("name") != "search":  # the theme's search
            found.append("<form>")
        if element.tag == "script" and "alert" in (element.text or ""):
            found.append(f"<script>{element.text}")
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                found.append(f"<{element.tag} {name}={value!r}>")
            elif lowered in ("href", "src", "action", "formaction", "xlink:href", "srcset"):
                if not judge_url(value):
                    found.append(f"<{element.tag} {name}={value!r}>")
            elif lowered == "style" and re.search(r"url\(|expression|javascript", value, re.I):
                found.append(f"<{element.tag} style={value!r}>")
            elif lowered not in _TEXT_ATTRIBUTES and "alert(" in value:
                found.append(f"<{element.tag} {name}={value!r}>")
    return found


def test_check_and_strict_build_accept_the_corpus(hostile: HostileRun) -> None:
    assert hostile.check.returncode == 0, hostile.check.stdout
    assert "no problems" in hostile.check.stdout
    assert hostile.build.returncode == 0, hostile.build.stderr
    assert "Traceback" not in hostile.build.stderr


def test_no_page_carries_live_markup(hostile: HostileRun) -> None:
    pages = sorted(hostile.site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        assert page_problems(page.read_text("utf-8")) == [], page


def test_the_titles_and_names_read_as_written(hostile: HostileRun) -> None:
    incident = lxml.html.document_fromstring(
        (hostile.site / "incidents/2026-11-25-hostile-open/index.html").read_text("utf-8")
    )
    assert HOSTILE_TITLE in incident.xpath("string(//h1)")
    assert HOSTILE_TITLE in incident.xpath("string(//title)")
    home = (hostile.site / "index.html").read_text("utf-8")
    assert HOSTILE_NAME in lxml.html.document_fromstring(home).text_content()


def test_feeds_parse_and_carry_no_live_markup(hostile: HostileRun) -> None:
    feeds = sorted(hostile.site.rglob("history.atom")) + sorted(hostile.site.rglob("history.rss"))
    assert len(feeds) >= 4
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        tree = lxml.etree.fromstring(path.read_bytes())
        for content in tree.iter("{http://www.w3.org/2005/Atom}content"):
            assert unsafe_markup(content.text or "") == [], path
        for description in tree.iter("description"):
            # RSS readers render it as HTML: it must be text, with no element in it.
            fragment = lxml.html.fragment_fromstring(description.text or "", create_parent=True)
            assert len(fragment) == 0, (path, description.text)
        titles = [entry.title for entry in parsed.entries]
        if path.parts[-2:] == ("site", "history.atom"):
            assert HOSTILE_TITLE in titles


def test_calendar_keeps_each_event_whole(hostile: HostileRun) -> None:
    calendar = icalendar.Calendar.from_ical((hostile.site / "maintenance.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    (event,) = events
    # RFC 5545 text escaping, as written: the backslash and the semicolon each escaped.
    # (Read back, icalendar before 7.0 loses the backslash; the file is right either way.)
    unfolded = (hostile.site / "maintenance.ics").read_bytes().replace(b"\r\n ", b"")
    assert b'\r\nSUMMARY:Upgrade "db" <script>alert(1)</script>\\\\\\; VEVENT\r\n' in unfolded
    assert "END:VEVENT" in str(event["DESCRIPTION"])
    assert judge_url(str(event["URL"])) and str(event["URL"]).startswith(hostile.url)


def test_badges_are_well_formed_svg_without_scripts(hostile: HostileRun) -> None:
    badges = sorted(hostile.site.rglob("badge.svg"))
    assert badges
    for path in badges:
        tree = lxml.etree.fromstring(path.read_bytes())
        for element in tree.iter():
            assert not str(element.tag).endswith("script"), path
            assert not any(name.lower().startswith("on") for name in element.attrib), path
    api_badge = (hostile.site / "components/api/badge.svg").read_bytes()
    assert HOSTILE_NAME in "".join(lxml.etree.fromstring(api_badge).itertext())


def test_every_api_document_is_json_that_round_trips_the_text(hostile: HostileRun) -> None:
    documents = sorted((hostile.site / "api").rglob("*.json"))
    assert len(documents) >= 8
    for path in documents:
        json.loads(path.read_text("utf-8"))
    summary = json.loads((hostile.site / "api/v2/summary.json").read_text("utf-8"))
    assert HOSTILE_TITLE in [incident["name"] for incident in summary["incidents"]]
    assert HOSTILE_NAME in [component["name"] for component in summary["components"]]


def _email_checks(message: email.message.EmailMessage) -> None:
    subject = str(message["Subject"])
    assert "\n" not in subject and "\r" not in subject
    assert set(message.keys()) <= {
        "Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted", "Precedence",
        "X-Auto-Response-Suppress", "List-Unsubscribe", "List-Id", "MIME-Version",
        "Content-Type", "Content-Transfer-Encoding", "X-Peer", "X-MailFrom", "X-RcptTo",
        "List-Unsubscribe-Post",
    }  # fmt: skip
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    assert page_problems(html_part.get_content()) == []


def test_the_digest_email_has_its_own_headers_only_and_no_live_markup(
    hostile: HostileRun,
) -> None:
    message = email.message_from_bytes(hostile.digest.read_bytes(), policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    _email_checks(message)


def test_notify_delivers_the_corpus_safely_on_every_channel(hostile: HostileRun) -> None:
    assert hostile.notify.returncode == 0, hostile.notify.stdout + hostile.notify.stderr
    assert "Traceback" not in hostile.notify.stderr
    assert hostile.inbox.messages
    for _, message in hostile.inbox.messages:
        _email_checks(message)
    slack = hostile.receiver.posts("/slack")
    assert slack
    for post in slack:
        texts = [post["text"]] + [
            block["text"]["text"] for block in post["blocks"] if "text" in block
        ] + [
            element["text"]
            for block in post["blocks"]
            for element in block.get("elements", [])
        ]  # fmt: skip
        for text in texts:
            # mrkdwn: a <...> is a link or a mention; only the site's own links may appear.
            for target in re.findall(r"<([^>]*)>", text):
                assert target.startswith(hostile.url), text
    for post in hostile.receiver.posts("/discord"):
        assert post["allowed_mentions"] == {"parse": []}
        for embed in post["embeds"]:
            assert embed["url"].startswith(hostile.url)
    hooks = hostile.receiver.posts("/hook")
    assert HOSTILE_TITLE in [hook["incident"]["name"] for hook in hooks]


INTERACT = """() => {
  // Every handler content could have added would run on one of these events.
  const events = ["mouseover", "mouseenter", "mousedown", "mouseup", "click", "focus",
                  "focusin", "pointerover", "pointerdown", "input", "change", "load", "error"];
  document.addEventListener("click", (event) => event.preventDefault(), true);
  for (const element of document.querySelectorAll("body *")) {
    for (const type of events) element.dispatchEvent(new Event(type, {bubbles: true}));
  }
  return [...document.querySelectorAll("a[href], img[src]")].map(
    (element) => element.href || element.src);
}"""


@pytest.mark.skipif(CHROMIUM is None, reason="needs the chromium package")
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize(
    "page_path",
    ["", "incidents/2026-11-25-hostile-open/", "incidents/2026-11-20-hostile-resolved/"],
)
def test_in_chromium_nothing_runs_and_nothing_leaves_loopback(
    hostile: HostileRun, page_path: str, javascript: bool
) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    dialogs: list[str] = []
    hosts: set[str] = set()
    with playwright_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(java_script_enabled=javascript)
            page = context.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
            response = page.goto(hostile.url + page_path, wait_until="load")
            assert response is not None and response.ok
            if javascript:
                targets = page.evaluate(INTERACT)
                protocols = {target.split(":", 1)[0] for target in targets}
                assert protocols <= {"http", "https", "mailto", "tel"}, protocols
        finally:
            browser.close()
    assert dialogs == []
    assert hosts <= {hostile.url.split("/")[2]}, hosts


@pytest.mark.skipif(CHROMIUM is None, reason="needs the chromium package")
def test_the_embed_shows_hostile_titles_as_text_and_links_only_to_the_web(
    hostile: HostileRun,
) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    # A host page on the status site's own origin, which needs no CORS header.
    (hostile.site / "host.html").write_text(
        "<!doctype html><html lang='en'><head><title>Host</title>"
        "<link rel=icon href='data:,'>"
        '<script src="embed.js" async></script></head><body><h1>Host</h1></body></html>',
        encoding="utf-8",
    )
    dialogs: list[str] = []
    with playwright_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(hostile.url + "host.html")
            line = page.locator("herald-embed .banner li").first
            playwright_api.expect(line).to_have_text(
                f"Smith & Co's status: {HOSTILE_TITLE} · Identified"
            )
            inside = page.locator("herald-embed").evaluate(
                "host => [...host.shadowRoot.querySelectorAll('*')].map(node => node.tagName)"
            )
            links = page.locator("herald-embed").evaluate(
                "host => [...host.shadowRoot.querySelectorAll('a')].map(node => node.href)"
            )
        finally:
            browser.close()
    assert set(inside) <= {"STYLE", "DIV", "UL", "LI", "STRONG", "A", "BUTTON"}, inside
    assert links and all(link.startswith(hostile.url + "incidents/") for link in links), links
    assert dialogs == []


def test_check_stays_quiet_about_what_it_accepted(hostile: HostileRun) -> None:
    for line in hostile.check.stdout.splitlines():
        assert not line.lstrip().startswith(("::", "##[")), line
    assert "\x1b" not in hostile.check.stdout
