"""The embed for other sites and apps: ``embed.js`` from the status site, on a host page
of another origin, in Chromium.

The status site is served on one loopback port (with ``Access-Control-Allow-Origin: *``,
as GitHub Pages sends it, or without), the host page on another; the host page includes
the embed with its one line. What the reader sees is read from the page, and every request
the browser makes is recorded.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from site_plugin.present.i18n import LANGUAGES
from site_plugin.site.embed import EMBED_PATH, compact, embed_script, embed_words

from ..conftest import MKDOCS_YML, StatusRepo, build_site
from .test_browser import CHROMIUM, browser  # noqa: F401 (the fixture)

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

TITLE = '<img src=x onerror=alert(1)> "Broken" & <b>bold</b> </script>'
INCIDENT = "incidents/2026-11-25-checkout-errors"
WORK = "incidents/2026-11-25-database-move"


class Handler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        if getattr(self.server, "cors", False):
            self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, *arguments: Any) -> None:
        pass


def start_server(directory: Path, *, cors: bool) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(directory))
    )
    server.cors = cors  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def write_open_site(repo: StatusRepo) -> None:
    """An open incident (hostile title), maintenance in progress and a notice."""
    repo.write(
        f"{INCIDENT}/index.md",
        f"---\ntitle: {json.dumps(TITLE)}\nimpact: major\naffected:\n  api: partial_outage\n---\n",
    )
    repo.write(
        f"{INCIDENT}/2026-11-25T1130Z-identified.md",
        "---\nat: 2026-11-25T11:30:00Z\nstatus: identified\n---\nWe found the cause.\n",
    )
    repo.write(
        f"{WORK}/index.md",
        "---\ntitle: Database move\nkind: maintenance\naffected: [dashboard]\n"
        "scheduled_start: 2026-11-25T11:00:00Z\nscheduled_end: 2026-11-25T13:00:00Z\n---\n",
    )
    repo.write(
        f"{WORK}/2026-11-20T0900Z-scheduled.md",
        "---\nat: 2026-11-20T09:00:00Z\nstatus: scheduled\n---\nWe will move the database.\n",
    )
    repo.write(
        "incidents/2026-11-24-phishing/index.md",
        "---\ntitle: Phishing advisory\nkind: notice\n---\n",
    )
    repo.write(
        "incidents/2026-11-24-phishing/2026-11-24T0900Z-investigating.md",
        "---\nat: 2026-11-24T09:00:00Z\nstatus: investigating\n---\nBeware of fake emails.\n",
    )


def build(root: Path, url: str) -> Path:
    (root / "mkdocs.yml").write_text(
        MKDOCS_YML.replace("https://status.test.example/", url), encoding="utf-8"
    )
    result = build_site(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


@dataclass
class Servers:
    status: str
    """The status site with an incident open, sending Access-Control-Allow-Origin."""
    without_cors: str
    """The same site, without the header."""
    operational: str
    """A status site with nothing open."""
    host: str
    host_folder: Path

    def host_page(
        self, name: str, status: str, *, html: str = "<html lang='en'>", body: str = ""
    ) -> str:
        """A page of another origin that includes the embed with its one line."""
        (self.host_folder / f"{name}.html").write_text(
            f"<!doctype html>{html}<head><meta charset=utf-8><title>Shop</title>"
            "<link rel=icon href='data:,'>"
            f'<script src="{status}{EMBED_PATH}" async></script></head>'
            f"<body><h1>Our shop</h1><a href='#top'>First link</a>{body}</body></html>",
            encoding="utf-8",
        )
        return f"{self.host}{name}.html"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    open_root = tmp_path_factory.mktemp("embed-open")
    quiet_root = tmp_path_factory.mktemp("embed-quiet")
    host_root = tmp_path_factory.mktemp("embed-host")
    status, status_url = start_server(open_root / "site", cors=True)
    without, without_url = start_server(open_root / "site", cors=False)
    quiet, quiet_url = start_server(quiet_root / "site", cors=True)
    host, host_url = start_server(host_root, cors=False)
    repo = StatusRepo(open_root)
    write_open_site(repo)
    build(open_root, status_url)
    StatusRepo(quiet_root)  # the default content: its one incident is resolved
    build(quiet_root, quiet_url)
    yield Servers(status_url, without_url, quiet_url, host_url, host_root)
    for server in (status, without, quiet, host):
        server.shutdown()


@dataclass
class Reader:
    page: Any
    requests: list[str]
    console: list[str]
    errors: list[str]
    dialogs: list[str]

    def origins(self) -> set[str]:
        return {"/".join(url.split("/")[:3]) + "/" for url in self.requests}


@pytest.fixture
def reader(browser: Any) -> Iterator[Reader]:  # noqa: F811 (the fixture imported above)
    context = browser.new_context()
    page = context.new_page()
    found = Reader(page, [], [], [], [])
    page.on("request", lambda request: found.requests.append(request.url))
    page.on(
        "console",
        lambda message: found.console.append(
            f"{message.type}: {message.text} {message.location.get('url', '')}"
        ),
    )
    page.on("pageerror", lambda error: found.errors.append(str(error)))
    page.on("dialog", lambda dialog: (found.dialogs.append(dialog.message), dialog.dismiss()))
    yield found
    context.close()


def banner(page: Any) -> Any:
    return page.locator("herald-embed [role=status] .banner")


def test_a_banner_names_what_is_under_way_and_links_to_it(servers: Servers, reader: Reader) -> None:
    page = reader.page
    page.goto(servers.host_page("open", servers.status))
    lines = banner(page).locator("li")
    expect(lines).to_have_count(2)
    # The incident, its title as written (nothing in it runs or becomes markup), then
    # the maintenance; the notice is not shown.
    expect(lines.nth(0)).to_have_text(f"Test status: {TITLE} · Identified")
    expect(lines.nth(1)).to_have_text(
        "Test status: Database move · Scheduled maintenance · In progress"
    )
    assert (
        page.locator("herald-embed").evaluate(
            "host => host.shadowRoot.querySelectorAll('img, b, script').length"
        )
        == 0
    )
    # A live region, and the reader's focus was not taken.
    expect(page.locator("herald-embed [role=status]")).to_be_attached()
    assert page.evaluate("document.activeElement === document.body")
    link = lines.nth(0).locator("a")
    expect(link).to_have_attribute("href", f"{servers.status}{INCIDENT}/")
    with page.expect_navigation():
        link.click()
    assert page.url == f"{servers.status}{INCIDENT}/"
    expect(page.locator("h1")).to_have_text(TITLE)
    assert reader.origins() <= {servers.host, servers.status}, reader.origins()
    assert f"{servers.status}api/v2/summary.json" in reader.requests
    assert reader.errors == [] and reader.dialogs == []
    assert [line for line in reader.console if line.startswith("error")] == []
    # Nothing stored but what a dismissal would keep, and no cookie.
    assert page.context.cookies() == []


def test_nothing_shows_when_all_is_operational(servers: Servers, reader: Reader) -> None:
    page = reader.page
    with page.expect_response(f"{servers.operational}api/v2/summary.json") as response:
        page.goto(servers.host_page("quiet", servers.operational))
    assert response.value.ok
    expect(page.locator("herald-embed")).to_have_count(0)
    assert reader.errors == []
    assert [line for line in reader.console if line.startswith("error")] == []


def test_without_the_cors_header_nothing_shows_and_nothing_breaks(
    servers: Servers, reader: Reader
) -> None:
    page = reader.page
    with page.expect_event("requestfailed") as failed:
        page.goto(servers.host_page("no-cors", servers.without_cors))
    assert failed.value.url == f"{servers.without_cors}api/v2/summary.json"
    expect(page.locator("herald-embed")).to_have_count(0)
    expect(page.locator("h1")).to_have_text("Our shop")
    assert reader.errors == []
    # The browser reports the refused read itself; the embed adds nothing to the console.
    for line in reader.console:
        assert "CORS policy" in line or "net::ERR_FAILED" in line, line


def test_dismissed_with_the_keyboard_it_stays_away_for_the_session(
    servers: Servers, reader: Reader
) -> None:
    page = reader.page
    page.goto(servers.host_page("keys", servers.status))
    close = page.get_by_role("button", name="Hide this status message")
    expect(close).to_be_visible()
    # Tab through the host page to the banner: its links, then the button.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.shadowRoot?.activeElement?.tagName") == "BUTTON":
            break
    else:
        raise AssertionError("Tab never reached the dismiss button")
    page.keyboard.press("Enter")
    expect(page.locator("herald-embed")).to_have_count(0)
    keys = page.evaluate("Object.keys(sessionStorage)")
    assert len(keys) == 2 and all(
        key.startswith(f"herald-embed:{servers.status[:-1]}:") for key in keys
    )
    assert page.evaluate("localStorage.length") == 0
    with page.expect_response(f"{servers.status}api/v2/summary.json"):
        page.reload()
    expect(page.locator("herald-embed")).to_have_count(0)


def test_escape_dismisses_it_while_it_has_focus(servers: Servers, reader: Reader) -> None:
    page = reader.page
    page.goto(servers.host_page("escape", servers.status))
    link = banner(page).locator("a").first
    expect(link).to_be_visible()
    page.keyboard.press("Escape")  # focus elsewhere: the banner stays
    expect(banner(page)).to_be_visible()
    link.focus()
    page.keyboard.press("Escape")
    expect(page.locator("herald-embed")).to_have_count(0)


@pytest.mark.parametrize(
    ("scheme", "html", "background"),
    [
        ("light", "<html lang='en'>", "rgb(255, 255, 255)"),
        ("dark", "<html lang='en'>", "rgb(31, 41, 55)"),
        ("light", "<html lang='en' data-theme='dark'>", "rgb(31, 41, 55)"),
        ("dark", "<html lang='en' data-theme='light'>", "rgb(255, 255, 255)"),
    ],
    ids=["light system", "dark system", "dark host page", "light host page"],
)
def test_it_follows_the_host_pages_colour_scheme(
    servers: Servers,
    browser: Any,  # noqa: F811 (the fixture imported above)
    scheme: str,
    html: str,
    background: str,
) -> None:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(servers.host_page(f"scheme-{scheme}-{len(html)}", servers.status, html=html))
    expect(banner(page)).to_be_visible()
    assert (
        banner(page).evaluate("element => getComputedStyle(element).backgroundColor") == background
    )
    context.close()


def test_it_speaks_the_host_pages_language(servers: Servers, reader: Reader) -> None:
    page = reader.page
    page.goto(servers.host_page("de", servers.status, html="<html lang='de-AT'>"))
    expect(banner(page).locator("li").nth(0)).to_have_text(
        f"Test status: {TITLE} · Ursache gefunden"
    )
    expect(banner(page).locator("li").nth(1)).to_contain_text(
        "Geplante Wartung · Wird durchgeführt"
    )
    expect(page.get_by_role("button", name="Diese Statusmeldung ausblenden")).to_be_visible()


@pytest.mark.parametrize("lang", ["constructor", "__proto__", "tostring", "hasOwnProperty-x"])
def test_a_host_language_named_like_objects_own_things_reads_english(
    servers: Servers, reader: Reader, lang: str
) -> None:
    page = reader.page
    page.goto(servers.host_page(f"odd-{lang}", servers.status, html=f"<html lang='{lang}'>"))
    expect(banner(page).locator("li").nth(0)).to_have_text(f"Test status: {TITLE} · Identified")
    expect(page.get_by_role("button", name="Hide this status message")).to_be_visible()


def test_it_goes_where_the_host_page_puts_it(servers: Servers, reader: Reader) -> None:
    page = reader.page
    page.goto(
        servers.host_page(
            "mounted", servers.status, body="<div id='herald-embed'></div><p>After</p>"
        )
    )
    expect(banner(page)).to_be_visible()
    host = page.locator("#herald-embed > herald-embed")
    assert host.evaluate("element => getComputedStyle(element).position") == "static"
    page.goto(servers.host_page("floating", servers.status))
    floating = page.locator("body > herald-embed")
    expect(banner(page)).to_be_visible()
    assert floating.evaluate("element => getComputedStyle(element).position") == "fixed"


def test_the_host_page_styles_it_through_its_element_properties_and_parts(
    servers: Servers, reader: Reader
) -> None:
    page = reader.page
    style = (
        "<style>herald-embed { top: 12px; bottom: auto; --herald-embed-background: #fdf6e3; }"
        " herald-embed::part(button) { border-color: rgb(1, 2, 3); }"
        " div, ul, li, a, button { display: none !important; }</style>"
    )
    page.goto(servers.host_page("styled", servers.status, body=style))
    expect(banner(page)).to_be_visible()
    assert page.locator("herald-embed").bounding_box()["y"] == 12  # type: ignore[index]
    assert banner(page).evaluate("element => getComputedStyle(element).backgroundColor") == (
        "rgb(253, 246, 227)"
    )
    close = page.get_by_role("button", name="Hide this status message")
    expect(close).to_be_visible()  # the host page's rules for elements do not reach inside
    assert close.evaluate("element => getComputedStyle(element).borderTopColor") == "rgb(1, 2, 3)"


def test_the_built_embed_is_small_and_inserts_text_only(tmp_path: Path) -> None:
    repo = StatusRepo(tmp_path)
    write_open_site(repo)
    site = build(tmp_path, "https://status.test.example/")
    built = (site / EMBED_PATH).read_bytes()
    assert built == embed_script()
    assert len(gzip.compress(built, 9)) <= 3 * 1024
    text = built.decode("utf-8")
    for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                   "localStorage", "document.cookie", "import(", "XMLHttpRequest"):  # fmt: skip
        assert banned not in text, banned
    # The only request it makes is for the summary beside it.
    assert re.findall(r"fetch\((.*?), \{", text) == ['new URL("api/v2/summary.json", site).href']
    assert "HERALD_WORDS" not in text and "/*" not in text


def test_the_embed_has_words_for_every_language_herald_speaks() -> None:
    words = embed_words()
    assert set(words) == {language.lower().replace("_", "-") for language in LANGUAGES}
    assert words["de"] == {
        "statuses": {
            "investigating": "Untersuchung läuft",
            "identified": "Ursache gefunden",
            "monitoring": "Wird beobachtet",
            "in_progress": "Wird durchgeführt",
            "verifying": "Wird überprüft",
        },
        "maintenance": "Geplante Wartung",
        "dismiss": "Diese Statusmeldung ausblenden",
    }


def test_compact_takes_out_comments_and_indentation_only() -> None:
    source = '/* header\n   more */\n(function () {\n  // why\n  var a = "//x";\n    f(a);\n})();\n'
    assert compact(source) == '(function () {\nvar a = "//x";\nf(a);\n})();\n'
