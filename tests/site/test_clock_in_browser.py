"""The page's own clock in Chromium: the reader's time moves, the time-derived words follow.

Each test installs Playwright's fake clock at a moment after the build, then moves it
across one boundary (the promise's due time, the age at which the page says it may be out
of date, a maintenance window's start and end) and reads what the page shows. The clock
moves only when the test moves it, so nothing waits on real time.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ..conftest import MKDOCS_YML, StatusRepo, build_site
from .test_browser import CHROMIUM, QuietHandler, browser  # noqa: F401 (the fixture)

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs the chromium package")

BUILT = datetime(2026, 11, 25, 12, tzinfo=UTC)
DUE = datetime(2026, 11, 25, 12, 15, tzinfo=UTC)
STALE = BUILT + timedelta(minutes=30)
"""The default ``page_stale_after``."""
START = datetime(2026, 11, 25, 12, 50, tzinfo=UTC)
END = datetime(2026, 11, 25, 13, 20, tzinfo=UTC)
SECOND = timedelta(seconds=1)
OPEN = "incidents/2026-11-20-api-errors/"
WORK = "incidents/2026-11-25-api-move/"


def write_site(repo: StatusRepo, language: str = "en") -> None:
    repo.remove("incidents/2026-11-20-api-errors/2026-11-20T1500Z-resolved.md")
    repo.write(
        "incidents/2026-11-20-api-errors/2026-11-25T1145Z-identified.md",
        "---\nat: 2026-11-25T11:45:00Z\nstatus: identified\nnext_update: 30m\n---\n"
        "We found a faulty deploy and are rolling it back.\n",
    )
    repo.write(
        f"{WORK}index.md",
        "---\ntitle: API move\nkind: maintenance\naffected: [dashboard]\n"
        "scheduled_start: 2026-11-25T12:50:00Z\nscheduled_end: 2026-11-25T13:20:00Z\n---\n",
    )
    repo.write(
        f"{WORK}2026-11-22T0900Z-scheduled.md",
        "---\nat: 2026-11-22T09:00:00Z\nstatus: scheduled\n---\n"
        "We will move the dashboard to new servers.\n",
    )
    config = MKDOCS_YML.replace("  name: material\n", f"  name: material\n  language: {language}\n")
    repo.write("mkdocs.yml", config)


def serve(root: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root / "site"))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def built_site(root: Path, language: str) -> Path:
    repo = StatusRepo(root)
    write_site(repo, language)
    result = build_site(root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site built at 12:00 with a promise due at 12:15 and a window from 12:50 to 13:20."""
    yield from serve(built_site(tmp_path_factory.mktemp("clock"), "en"))


@pytest.fixture(scope="module")
def german_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve(built_site(tmp_path_factory.mktemp("clock-de"), "de"))


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:  # noqa: F811 (the fixture imported above)
    context = browser.new_context(timezone_id="UTC", viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def open_at(page: Any, url: str, moment: datetime) -> None:
    page.clock.install(time=moment)
    # Herald's script is deferred: it has run by the load event, which goto waits for.
    page.goto(url)


def move_to(page: Any, moment: datetime) -> None:
    """The reader's clock jumps to ``moment`` and stops there: the timers due by then fire."""
    page.clock.pause_at(moment)


def test_the_page_says_how_long_ago_it_was_updated_in_its_language(
    site: str, german_site: str, page: Any
) -> None:
    page.clock.install(time=BUILT)
    page.goto(site)
    age = page.locator(".herald-banner [data-herald-age]")
    expect(age).to_have_text("Updated this minute.")
    move_to(page, BUILT + timedelta(minutes=7))
    expect(age).to_have_text("Updated 7 minutes ago.")
    move_to(page, BUILT + timedelta(minutes=8) - SECOND)
    expect(age).to_have_text("Updated 7 minutes ago.")
    move_to(page, BUILT + timedelta(minutes=8))
    expect(age).to_have_text("Updated 8 minutes ago.")
    move_to(page, BUILT + timedelta(hours=3, minutes=10))
    expect(age).to_have_text("Updated 3 hours ago.")
    move_to(page, BUILT + timedelta(days=1, hours=1))
    expect(age).to_have_text("Updated 25 hours ago.")
    move_to(page, BUILT + timedelta(days=3, hours=1))
    expect(age).to_have_text("Updated 3 days ago.")
    # The moment it describes stays where it was, in the reader's zone.
    expect(page.locator(".herald-banner__asof")).to_have_text(
        "Status as of Nov 25, 2026, 12:00 PM UTC"
    )
    page.goto(german_site)
    expect(age).to_have_text("Aktualisiert vor 3 Tagen.")


def test_the_age_reads_in_german_on_a_german_page(german_site: str, page: Any) -> None:
    open_at(page, german_site, BUILT + timedelta(minutes=7))
    expect(page.locator("[data-herald-age]")).to_have_text("Aktualisiert vor 7 Minuten.")


def test_the_page_warns_once_it_is_older_than_page_stale_after(site: str, page: Any) -> None:
    open_at(page, site, BUILT + timedelta(minutes=20))
    notice = page.locator("#herald-stale")
    expect(notice).to_have_attribute("role", "status")
    move_to(page, STALE - SECOND)
    expect(notice).to_be_empty()
    expect(notice).not_to_be_visible()
    move_to(page, STALE)
    expect(notice).to_be_empty()
    move_to(page, STALE + SECOND)
    expect(notice).to_be_visible()
    expect(notice).to_have_text(
        "This page may be out of date. It was last updated 30 minutes ago"
        " (Nov 25, 2026, 12:00 PM UTC)."
    )
    # It keeps its age true as the clock moves on, without being read out again.
    move_to(page, BUILT + timedelta(hours=2, minutes=1))
    expect(notice).to_have_text(
        "This page may be out of date. It was last updated 2 hours ago"
        " (Nov 25, 2026, 12:00 PM UTC)."
    )
    expect(notice).to_have_attribute("aria-live", "off")
    # On a page opened late, it says so from the start.
    page.goto(site + OPEN)
    expect(page.locator("#herald-stale")).to_contain_text("This page may be out of date.")


def test_the_stale_notice_on_a_german_page(german_site: str, page: Any) -> None:
    open_at(page, german_site, BUILT + timedelta(hours=2))
    expect(page.locator("#herald-stale")).to_have_text(
        "Diese Seite ist möglicherweise nicht mehr aktuell. Sie wurde zuletzt vor 2 Stunden"
        " aktualisiert (25. Nov. 2026, 12:00 UTC)."
    )


@pytest.mark.parametrize("path", ["", OPEN], ids=["status page", "incident page"])
def test_a_promise_reads_overdue_once_its_moment_has_passed(
    site: str, page: Any, path: str
) -> None:
    open_at(page, site + path, BUILT + timedelta(minutes=5))
    promise = page.locator(".herald-promise")
    expect(promise).to_have_text("Next update by Nov 25, 2026, 12:15 PM UTC.")
    move_to(page, DUE)
    expect(promise).to_have_text("Next update by Nov 25, 2026, 12:15 PM UTC.")
    move_to(page, DUE + SECOND)
    expect(promise).to_have_text("The next update was due by Nov 25, 2026, 12:15 PM UTC.")
    # The time is still the build's <time> element, UTC in its tooltip.
    expect(promise.locator("time")).to_have_attribute("datetime", "2026-11-25T12:15:00Z")
    expect(promise.locator("time")).to_have_attribute("title", "25 Nov 2026, 12:15 UTC")


def test_a_maintenance_turns_in_progress_and_completed_as_expected_not_confirmed(
    site: str, page: Any
) -> None:
    open_at(page, site, START - timedelta(minutes=5))
    status = page.locator(".herald-card--maintenance .herald-card__meta strong")
    expect(status).to_have_text("Scheduled")
    move_to(page, START - SECOND)
    expect(status).to_have_text("Scheduled")
    move_to(page, START)
    expect(status).to_have_text("Should be in progress, as scheduled")
    move_to(page, END - SECOND)
    expect(status).to_have_text("Should be in progress, as scheduled")
    move_to(page, END)
    expect(status).to_have_text("Should be completed, as scheduled")


def test_the_maintenance_page_and_its_history_row_follow_the_window(
    site: str, german_site: str, page: Any
) -> None:
    open_at(page, site + WORK, START - SECOND)
    chip = page.locator(".herald-chip")
    expect(chip).to_have_text("Scheduled")
    move_to(page, START)
    expect(chip).to_have_text("Should be in progress, as scheduled")
    move_to(page, END)
    expect(chip).to_have_text("Should be completed, as scheduled")
    page.goto(site + "history/2026-11/")
    row = page.locator(".herald-row--maintenance")
    expect(row).to_contain_text("Should be completed, as scheduled")
    page.goto(german_site + WORK)
    expect(page.locator(".herald-chip")).to_have_text("Sollte laut Plan abgeschlossen sein")


WATCHED = ".herald-banner__status, .herald-status, .herald-card h3, .herald-card__meta, h2"
COLOURED = ".herald-banner, .herald-card, .herald-status, .herald-promise"
STATE = """([watched, coloured]) => ({
  classes: [...document.querySelectorAll("body *")]
    .filter((element) => !element.closest("#herald-stale"))
    .map((element) => element.getAttribute("class")),
  statuses: [...document.querySelectorAll(watched)]
    .map((element) => element.textContent.replace(/\\s+/g, " ").trim()),
  colours: [...document.querySelectorAll(coloured)].map((element) => {
    const style = getComputedStyle(element);
    return `${style.color} ${style.backgroundColor} ${style.borderLeftColor}`;
  }),
})"""


def test_only_time_derived_words_change(site: str, page: Any) -> None:
    open_at(page, site, BUILT + timedelta(minutes=1))
    before = page.evaluate(STATE, [WATCHED, COLOURED])
    move_to(page, END + timedelta(minutes=1))
    expect(page.locator("#herald-stale")).not_to_be_empty()
    after = page.evaluate(STATE, [WATCHED, COLOURED])
    assert after["classes"] == before["classes"]
    assert after["colours"] == before["colours"]
    changed = [
        (old, new)
        for old, new in zip(before["statuses"], after["statuses"], strict=True)
        if old != new
    ]
    assert changed == [
        (
            "Scheduled · Nov 25, 2026, 12:50 PM UTC to Nov 25, 2026, 01:20 PM UTC",
            "Should be completed, as scheduled · Nov 25, 2026, 12:50 PM UTC to Nov 25, 2026,"
            " 01:20 PM UTC",
        )
    ]


def test_without_javascript_the_page_reads_as_built(site: str, browser: Any) -> None:  # noqa: F811
    context = browser.new_context(java_script_enabled=False, timezone_id="UTC")
    page = context.new_page()
    page.goto(site)
    expect(page.locator(".herald-promise")).to_have_text("Next update by 25 Nov 2026, 12:15 UTC.")
    expect(page.locator(".herald-card--maintenance .herald-card__meta strong")).to_have_text(
        "Scheduled"
    )
    expect(page.locator("[data-herald-age]")).not_to_be_visible()
    expect(page.locator("#herald-stale")).to_be_empty()
    expect(page.locator("#herald-stale")).not_to_be_visible()
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_stale_notice_passes_axe(site: str, browser: Any, scheme: str) -> None:  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(color_scheme=scheme, viewport={"width": 390, "height": 844})
    page = context.new_page()
    open_at(page, site, END + timedelta(hours=1))
    expect(page.locator("#herald-stale")).to_be_visible()
    page.clock.resume()
    found = [
        f"{violation['id']}: {node['target']}"
        for region in ("#herald-stale", ".herald-banner")
        for violation in Axe().run(page, context=region).response["violations"]
        for node in violation["nodes"]
    ]
    assert found == []
    context.close()
