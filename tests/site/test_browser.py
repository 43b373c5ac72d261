"""What a customer sees in a real browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

import functools
import os
import socket
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from site_plugin.present.i18n import LANGUAGES

from ..browsers import CHROMIUM, launch_chromium
from ..conftest import NOW, REPO_ROOT, build_site, copy_example, write_example_probes

playwright_api = pytest.importorskip("playwright.sync_api")
if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("the browser tests need Debian's chromium package (scripts/bootstrap)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs the chromium package")

PAGES = {
    "home": "",
    "incident": "incidents/2026-11-25-yahoo-delivery-delays/",
    "history month": "history/2026-11/",
    "component": "components/email/",
}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *arguments: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example site, with probe results, built for and served on a loopback address."""
    yield from serve_example(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def served_with_theme_assets(
    tmp_path_factory: pytest.TempPathFactory, served: str
) -> Iterator[str]:
    """The example with the theme's stylesheets and script loaded as on any Material page,
    built for the same site_url as ``served`` so the pages' text is the same."""
    yield from serve_example(
        tmp_path_factory.mktemp("browser-theme"), "      inline_theme_styles: false\n", served
    )


class ServedLanguages:
    """The example built and served in each of Herald's other languages, once each."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self.tmp_path_factory = tmp_path_factory
        self.served: dict[str, Iterator[str]] = {}
        self.bases: dict[str, str] = {}

    def __call__(self, language: str) -> str:
        if language not in self.bases:
            serving = serve_example(
                self.tmp_path_factory.mktemp(f"browser-{language}"), language=language
            )
            self.bases[language] = next(serving)
            self.served[language] = serving
        return self.bases[language]

    def close(self) -> None:
        for serving in self.served.values():
            next(serving, None)


@pytest.fixture(scope="module")
def served_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedLanguages]:
    languages = ServedLanguages(tmp_path_factory)
    yield languages
    languages.close()


def serve_example(
    root: Path, options: str = "", site_url: str | None = None, *, language: str | None = None
) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    site = root / "site"
    copy_example(root)
    write_example_probes(root)
    config = (REPO_ROOT / "mkdocs.yml").read_text("utf-8")
    base = f"http://127.0.0.1:{port}/"
    config = config.replace(
        "site_url: https://status.kestrel.example/", f"site_url: {site_url or base}"
    )
    config = config.replace("  - herald:\n", "  - herald:\n" + options)
    if language is not None:
        config = config.replace("theme:\n", f"theme:\n  language: {language}\n", 1)
    (root / "mkdocs.yml").write_text(config, "utf-8")
    result = build_site(root, site_dir=site)
    assert result.returncode == 0, result.stderr
    server = ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(QuietHandler, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        yield launched
        launched.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("page_name", list(PAGES))
def test_pages_read_right_and_fit_the_screen(
    served: str, browser: Any, page_name: str, width: int, javascript: bool, tmp_path: Path
) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=javascript
    )
    # Read at the moment the example describes: the promise is still ahead.
    context.clock.install(time=NOW)
    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    response = page.goto(served + PAGES[page_name])
    assert response is not None and response.ok
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page_name} is {overflow}px wider than a {width}px screen"
    if page_name == "home":
        assert page.locator(".herald-banner__status").inner_text() == "Partially Degraded Service"
        assert "Next update by" in page.locator(".herald-promise").inner_text()
        assert page.locator(".herald-bars").count() >= 10
    if page_name == "incident":
        statuses = page.locator(".herald-timeline .herald-update__meta strong").all_inner_texts()
        assert statuses == ["Identified", "Investigating"]
    if page_name == "component":
        # What the probes measured: a chart per window, each with its name and its scale.
        charts = page.locator(".herald-chart svg[role=img]")
        assert charts.count() == 3
        assert charts.first.get_attribute("aria-label", timeout=1000) == (
            "Email sending, response time over the last 24 hours, hourly:"
            " median and 95th percentile"
        )
        box = charts.first.bounding_box()
        assert box is not None and box["height"] > 40 and box["width"] > 150
        assert page.locator(".herald-measured__table tbody tr").count() == 3
    assert hosts == {served.split("/")[2]}, f"requests to other hosts: {hosts}"
    if width == 375 and javascript:
        page.screenshot(path=str(tmp_path / f"{page_name.replace(' ', '-')}-phone.png"))
    context.close()


def test_times_show_in_the_readers_zone_with_utc_kept(served: str, browser: Any) -> None:
    context = browser.new_context(timezone_id="America/Los_Angeles")
    page = context.new_page()
    page.goto(served + PAGES["incident"])
    time = page.locator(".herald-timeline time").first
    assert time.get_attribute("datetime") == "2026-11-25T11:35:00Z"
    assert "3:35" in time.inner_text() and "PST" in time.inner_text()
    assert time.get_attribute("title") == "25 Nov 2026, 11:35 UTC"
    context.close()


def test_without_javascript_times_read_in_utc(served: str, browser: Any) -> None:
    context = browser.new_context(timezone_id="America/Los_Angeles", java_script_enabled=False)
    page = context.new_page()
    page.goto(served + PAGES["incident"])
    assert page.locator(".herald-timeline time").first.inner_text() == "25 Nov 2026, 11:35 UTC"
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page_name", list(PAGES))
def test_axe_finds_no_accessibility_violations(
    served: str, browser: Any, page_name: str, scheme: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(served + PAGES[page_name])
    page.wait_for_load_state("networkidle")
    violations = Axe().run(page).response["violations"]
    found = [
        f"{violation['id']}: {node['target']} {node['html'][:80]}"
        for violation in violations
        for node in violation["nodes"]
    ]
    assert found == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", [language for language in LANGUAGES if language != "en"])
def test_axe_finds_no_accessibility_violations_in_any_language(
    served_in: ServedLanguages, browser: Any, language: str, scheme: str
) -> None:
    """Words of other lengths move what axe judges (a link in a sentence of longer words
    is a link in a block of text): every language, in both palettes."""
    from axe_playwright_python.sync_playwright import Axe

    base = served_in(language)
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    found = []
    for page_name, path in PAGES.items():
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        found += [
            f"{page_name}: {violation['id']}: {node['target']} {node['html'][:80]}"
            for violation in Axe().run(page).response["violations"]
            for node in violation["nodes"]
        ]
    assert found == []
    context.close()


def test_daily_bars_can_be_read_with_the_keyboard(served: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(served + PAGES["component"])
    chart = page.locator(".herald-bars").first
    assert (
        chart.get_attribute("aria-label")
        == "Email sending, daily status, last 90 days, oldest first"
    )
    page.keyboard.press("Tab")
    for _ in range(60):
        if page.evaluate("document.activeElement.classList.contains('herald-bars')"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("Tab never reached the daily bars")
    page.keyboard.press("End")
    today = page.evaluate("document.activeElement.innerText")
    assert today.startswith("Wed 25 Nov 2026: ")
    assert "Emails to Yahoo and AOL addresses delayed" in today
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.innerText").startswith("Tue 24 Nov 2026: ")
    # The focused day's summary is shown, not only announced.
    assert page.locator(".herald-bar:focus .herald-bar__text").is_visible()
    context.close()


def test_a_right_to_left_page_mirrors_the_bars_the_keys_and_the_rules(
    served: str, browser: Any
) -> None:
    """No right-to-left language is offered yet, but nothing assumes left to right. The
    page is turned as Material's ``theme.direction: rtl`` turns it (``<body dir>``)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(served + PAGES["component"])
    page.evaluate("document.body.dir = 'rtl'")
    chart = page.locator(".herald-bars").first
    oldest, today = chart.locator(".herald-bar").first, chart.locator(".herald-bar").last
    oldest_box, today_box = oldest.bounding_box(), today.bounding_box()
    assert oldest_box is not None and today_box is not None
    assert today_box["x"] < oldest_box["x"], "the days run from the right"
    chart.focus()
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.innerText").startswith("Wed 25 Nov 2026: ")
    # Towards the older days is rightwards now.
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.innerText").startswith("Tue 24 Nov 2026: ")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.innerText").startswith("Wed 25 Nov 2026: ")
    page.goto(served + PAGES["incident"])
    page.evaluate("document.body.dir = 'rtl'")
    rule = page.evaluate(
        "(() => { const style = getComputedStyle(document.querySelector("
        "'.herald-timeline > li')); return [style.borderRightWidth, style.borderLeftWidth,"
        " style.paddingRight, style.paddingLeft]; })()"
    )
    # The rule and the space beside it are where lines start: on the right.
    assert rule[:2] == ["2px", "0px"] and rule[2] != "0px" and rule[3] == "0px", rule
    context.close()


def test_an_incident_page_prints_without_navigation(served: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(served + "incidents/2026-09-09-message-database-failover/")
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert page.locator(".herald-timeline").is_visible()
    assert page.locator(".herald-postmortem").is_visible()
    assert len(page.pdf()) > 1000
    context.close()


def theme_requests(requests: list[str]) -> list[str]:
    return [url for url in requests if "/assets/stylesheets/" in url or "/bundle." in url]


@pytest.mark.parametrize("width", [375, 1280])
def test_the_theme_waits_until_the_reader_opens_search(
    served: str, browser: Any, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served + PAGES["home"])
    page.wait_for_load_state("networkidle")
    assert theme_requests(requests) == []
    # The search control shows with JavaScript, as on the theme's own pages.
    if width < 1000:
        page.click("label.md-header__button[for=__search]")
    else:
        page.click(".md-search__input")
    page.wait_for_function("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.type("maintenance")
    page.wait_for_selector(".md-search-result__item")
    assert any("/bundle." in url for url in theme_requests(requests))
    # Each stylesheet came back where it was, before the rules inlined from it.
    assert page.evaluate(
        "[...document.querySelectorAll('link[data-herald-sheet]')].every(link =>"
        " link.nextElementSibling.matches("
        "`style[data-herald-sheet='${link.dataset.heraldSheet}']`))"
    )
    assert errors == []
    context.close()


def test_the_palette_follows_the_system_and_the_reader(served: str, browser: Any) -> None:
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(served + PAGES["home"])
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    assert page.evaluate(scheme) == "slate"
    page.click(".md-header__option label:not([hidden])")
    assert page.evaluate(scheme) == "default"
    # The choice holds on the next page, in the theme's own storage.
    page.goto(served + PAGES["incident"])
    assert page.evaluate(scheme) == "default"
    page.goto(served + "about/")
    assert page.evaluate(scheme) == "default"
    context.close()


@pytest.mark.parametrize(
    ("width", "javascript"), [(375, False), (1280, False), (375, True)], ids=str
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_inlined_styles_look_exactly_like_the_theme(
    served: str,
    served_with_theme_assets: str,
    browser: Any,
    width: int,
    javascript: bool,
    scheme: str,
) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        java_script_enabled=javascript,
        color_scheme=scheme,
    )
    page = context.new_page()
    for path in PAGES.values():
        shots = []
        for base in (served, served_with_theme_assets):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            # Rows off screen are rendered when the browser gets to them, which depends
            # on load: render them all so the shots compare styles, not timing.
            page.evaluate(
                "document.head.insertAdjacentHTML('beforeend',"
                " '<style>.herald-component{content-visibility:visible}</style>')"
            )
            # Finished, not mid-way: the theme fades link colours in when the palette applies.
            shots.append(page.screenshot(full_page=True, animations="disabled"))
        assert shots[0] == shots[1], f"{path or 'home'} looks different with inlined styles"
    context.close()
