"""A page never lies about time: built at fixed moments, read back with an HTML parser.

What the build decides at its moment must already read right without JavaScript (an
overdue promise, a window that has started or ended); what only the reader's clock can
decide later is written down for the page's script: the build's moment and the words in a
JSON island, the moments of promises and windows in ``data-herald-*`` attributes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from ..conftest import MKDOCS_YML, StatusRepo, build_site, run_herald
from .test_build import MAINTENANCE, add_maintenance, built, open_incident, read_page, text_of

SECOND = timedelta(seconds=1)
DUE = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)
"""The promise ``open_incident`` makes."""
START = datetime(2026, 11, 30, 6, tzinfo=UTC)
END = datetime(2026, 11, 30, 8, tzinfo=UTC)
"""The window ``add_maintenance`` announces."""
MAINTENANCE_PAGE = "incidents/2026-11-23-database-upgrade"


def island(page: BeautifulSoup) -> dict[str, object]:
    element = page.select_one("script#herald-clock[type='application/json']")
    assert element is not None
    data: dict[str, object] = json.loads(element.get_text())
    return data


def one(page: BeautifulSoup, selector: str) -> Tag:
    (element,) = page.select(selector)
    return element


def test_the_banner_says_what_moment_the_status_describes(repo: StatusRepo) -> None:
    home = read_page(built(repo), "")
    asof = one(home, ".herald-banner__asof")
    assert text_of(asof) == "Status as of 25 Nov 2026, 12:00 UTC"
    assert one(asof, "time")["datetime"] == "2026-11-25T12:00:00Z"
    # The line the script fills with the page's age is empty in the built page.
    assert one(home, ".herald-banner [data-herald-age]").get_text() == ""


@pytest.mark.parametrize(
    ("moment", "sentence", "due_attribute"),
    [
        (DUE - SECOND, "Next update by 25 Nov 2026, 12:30 UTC.", "2026-11-25T12:30:00Z"),
        (DUE, "Next update by 25 Nov 2026, 12:30 UTC.", "2026-11-25T12:30:00Z"),
        (DUE + SECOND, "The next update was due by 25 Nov 2026, 12:30 UTC.", None),
    ],
    ids=["a second before it is due", "when it is due", "a second after"],
)
def test_a_promise_reads_overdue_from_the_second_after_it_was_due(
    repo: StatusRepo, moment: datetime, sentence: str, due_attribute: str | None
) -> None:
    open_incident(repo)
    site = built(repo, moment)
    for page in (read_page(site, ""), read_page(site, "incidents/2026-11-20-api-errors")):
        promise = one(page, ".herald-promise")
        assert text_of(promise) == sentence
        # Only a promise still ahead has a moment for the script to watch.
        assert promise.get("data-herald-due") == due_attribute
        assert ("herald-promise--overdue" in promise["class"]) is (due_attribute is None)


def maintenance_status(site: Path) -> tuple[str | None, str, str, dict[str, str]]:
    """The home page's maintenance heading, and the status on the card, the incident page
    and the history row, with the window's moments the script is given."""
    home = read_page(site, "")
    headings = [
        text_of(h2)
        for h2 in home.select(".herald-section h2")
        if "maintenance" in text_of(h2).lower()
    ]
    card = home.select_one(".herald-card--maintenance .herald-card__meta strong")
    chip = one(read_page(site, MAINTENANCE_PAGE), ".herald-chip")
    history = read_page(site, "history/2026-11")
    row = next(
        item for item in history.select(".herald-row") if "Database upgrade" in text_of(item)
    )
    moments: dict[str, str] = {}
    for element in (card, chip, row.select_one("[data-herald-starts], [data-herald-ends]")):
        if element is None:
            continue
        found = {
            name: str(element[name])
            for name in ("data-herald-starts", "data-herald-ends")
            if element.has_attr(name)
        }
        assert moments in ({}, found), "every place gives the script the same moments"
        moments = found
    return (
        headings[0] if headings else None,
        text_of(card) if card else "",
        text_of(chip),
        moments,
    )


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (
            START - SECOND,
            (
                "Upcoming maintenance",
                "Scheduled",
                "Scheduled",
                {
                    "data-herald-starts": "2026-11-30T06:00:00Z",
                    "data-herald-ends": "2026-11-30T08:00:00Z",
                },
            ),
        ),
        (
            START,
            (
                "Maintenance in progress",
                "In progress",
                "In progress",
                {"data-herald-ends": "2026-11-30T08:00:00Z"},
            ),
        ),
        (
            END - SECOND,
            (
                "Maintenance in progress",
                "In progress",
                "In progress",
                {"data-herald-ends": "2026-11-30T08:00:00Z"},
            ),
        ),
        (END, (None, "", "Completed", {})),
    ],
    ids=["a second before the window", "at its start", "a second before its end", "at its end"],
)
def test_a_maintenance_window_reads_right_on_every_page_at_the_build_moment(
    repo: StatusRepo, moment: datetime, expected: tuple[str | None, str, str, dict[str, str]]
) -> None:
    add_maintenance(repo)
    assert maintenance_status(built(repo, moment)) == expected


def test_a_maintenance_said_to_run_over_its_window_is_given_no_end_to_watch(
    repo: StatusRepo,
) -> None:
    add_maintenance(repo)
    repo.write(
        f"{MAINTENANCE}/2026-11-30T0805Z-in_progress.md",
        "---\nat: 2026-11-30T08:05:00Z\nstatus: in_progress\n---\n"
        "The upgrade takes longer than planned; we will post again by 09:00 UTC.\n",
    )
    built(repo, datetime(2026, 11, 30, 8, 10, tzinfo=UTC))
    assert maintenance_status(repo.root / "site") == (
        "Maintenance in progress",
        "In progress",
        "In progress",
        {},
    )


def write_config(repo: StatusRepo, options: str = "", language: str | None = None) -> None:
    config = MKDOCS_YML
    if language:
        config = config.replace("  name: material\n", f"  name: material\n  language: {language}\n")
    (repo.root / "mkdocs.yml").write_text(
        config.replace("  - herald\n", "  - herald:\n" + options if options else "  - herald\n"),
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    ("options", "seconds"),
    [("", 1800), ("      page_stale_after: 2h\n", 7200), ("      page_stale_after: ''\n", 1800)],
    ids=["default", "2h", "empty"],
)
def test_every_herald_page_gives_the_script_the_build_moment_and_its_words(
    repo: StatusRepo, options: str, seconds: int
) -> None:
    write_config(repo, options)
    site = built(repo)
    for url in (
        "",
        "history",
        "history/2026-11",
        "incidents/2026-11-20-api-errors",
        "components/api",
    ):
        page = read_page(site, url)
        assert island(page) == {
            "built": "2026-11-25T12:00:00Z",
            "staleAfter": seconds,
            "words": {
                "updated": "Updated %(ago)s.",
                "stale": "This page may be out of date. It was last updated %(ago)s (%(time)s).",
                "due": "The next update was due by %(time)s.",
                "starts": "Should be in progress, as scheduled",
                "ends": "Should be completed, as scheduled",
            },
        }, url
        # The notice is an empty live region until the script fills it.
        notice = one(page, ".herald #herald-stale")
        assert notice["role"] == "status" and notice.get_text() == ""


def test_the_words_are_in_the_pages_language(repo: StatusRepo) -> None:
    write_config(repo, language="de")
    home = read_page(built(repo), "")
    assert text_of(one(home, ".herald-banner__asof")) == "Status vom 25. Nov. 2026, 12:00 UTC"
    assert island(home)["words"] == {
        "updated": "Aktualisiert %(ago)s.",
        "stale": "Diese Seite ist möglicherweise nicht mehr aktuell. Sie wurde zuletzt"
        " %(ago)s aktualisiert (%(time)s).",
        "due": "Das nächste Update war bis %(time)s fällig.",
        "starts": "Sollte laut Plan laufen",
        "ends": "Sollte laut Plan abgeschlossen sein",
    }


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0m", "'0m' is zero (give a positive duration, e.g. 30m)"),
        ("soon", "'soon' is not a duration (write it with units, e.g. 30m, 1h or 1h30m)"),
        ("5", "expected text, not a number"),
    ],
)
def test_a_page_stale_after_that_is_no_duration_is_refused_by_build_and_check(
    repo: StatusRepo, value: str, problem: str
) -> None:
    write_config(repo, f"      page_stale_after: {value}\n")
    result = build_site(repo.root)
    assert result.returncode == 1
    assert f"Plugin 'herald' option 'page_stale_after': {problem}\n" in result.stderr
    check = run_herald(repo.root, "check")
    assert check.returncode == 1
    assert check.stdout.splitlines()[0].startswith(f"mkdocs.yml:8: page_stale_after: {problem}")
