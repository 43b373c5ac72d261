"""Real ``mkdocs build --strict`` runs on fixture repositories, read back with an HTML parser."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from ..conftest import INCIDENT, REPO_ROOT, StatusRepo, build_site, epoch_of, run_herald

MAINTENANCE = "incidents/2026-11-23-database-upgrade"


def read_page(site: Path, url: str) -> BeautifulSoup:
    path = site / url / "index.html" if not url.endswith(".html") else site / url
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text_of(node: Tag | None) -> str:
    assert node is not None
    return " ".join(node.get_text().split())


def built(repo: StatusRepo, moment: datetime | None = None) -> Path:
    result = build_site(repo.root, **({"epoch": epoch_of(moment)} if moment else {}))
    assert result.returncode == 0, result.stderr
    return repo.root / "site"


def banner(home: BeautifulSoup) -> str:
    return text_of(home.select_one(".herald-banner__status"))


def component_status(home: BeautifulSoup, name: str) -> str:
    for row in home.select(".herald-component"):
        if text_of(row.select_one(".herald-component__name")) == name:
            return text_of(row.select_one(".herald-status"))
    raise AssertionError(f"no component row named {name!r}")


def open_incident(repo: StatusRepo) -> None:
    repo.remove(f"{INCIDENT}/2026-11-20T1500Z-resolved.md")
    repo.write(
        f"{INCIDENT}/2026-11-25T1130Z-identified.md",
        "---\nat: 2026-11-25T11:30:00Z\nstatus: identified\nnext_update: 2026-11-25T12:30:00Z\n"
        "---\nWe found a faulty deploy and are rolling it back.\n",
    )


def add_maintenance(repo: StatusRepo) -> None:
    repo.write(
        f"{MAINTENANCE}/index.md",
        "---\ntitle: Database upgrade\nkind: maintenance\naffected:\n  api: under_maintenance\n"
        "scheduled_start: 2026-11-30T06:00:00Z\nscheduled_end: 2026-11-30T08:00:00Z\n---\n",
    )
    repo.write(
        f"{MAINTENANCE}/2026-11-23T1000Z-scheduled.md",
        "---\nat: 2026-11-23T10:00:00Z\nstatus: scheduled\n---\n"
        "We will upgrade the API database on 30 November from 06:00 to 08:00 UTC.\n",
    )


def test_open_incident_shows_on_the_banner_component_and_with_its_promise(
    repo: StatusRepo,
) -> None:
    open_incident(repo)
    home = read_page(built(repo), "")
    assert banner(home) == "Partial System Outage"
    assert component_status(home, "REST API") == "Partial outage"
    assert component_status(home, "Dashboard") == "Operational"
    (card,) = home.select(".herald-card")
    assert text_of(card.select_one("h3")) == "Elevated error rates on the REST API"
    assert "We found a faulty deploy" in text_of(card.select_one(".herald-update"))
    promise = card.select_one(".herald-promise")
    assert text_of(promise) == "Next update by 25 Nov 2026, 12:30 UTC."
    assert promise is not None and promise.select_one("time")["datetime"] == "2026-11-25T12:30:00Z"  # type: ignore[index]


def test_overdue_promise_is_shown_as_overdue(repo: StatusRepo) -> None:
    open_incident(repo)
    home = read_page(built(repo, datetime(2026, 11, 25, 12, 45, tzinfo=UTC)), "")
    promise = home.select_one(".herald-promise--overdue")
    assert text_of(promise) == "The next update was due by 25 Nov 2026, 12:30 UTC."


@pytest.mark.parametrize(
    ("moment", "overall", "api", "section", "chip"),
    [
        (
            datetime(2026, 11, 25, 12, tzinfo=UTC),
            "All Systems Operational",
            "Operational",
            "Upcoming maintenance",
            "Scheduled",
        ),
        (
            datetime(2026, 11, 30, 7, tzinfo=UTC),
            "Service Under Maintenance",
            "Under maintenance",
            "Maintenance in progress",
            "In progress",
        ),
        (
            datetime(2026, 11, 30, 9, tzinfo=UTC),
            "All Systems Operational",
            "Operational",
            None,
            "Completed",
        ),
    ],
    ids=["before the window", "inside the window", "after the window"],
)
def test_maintenance_before_inside_and_after_its_window(
    repo: StatusRepo, moment: datetime, overall: str, api: str, section: str | None, chip: str
) -> None:
    add_maintenance(repo)
    site = built(repo, moment)
    home = read_page(site, "")
    assert banner(home) == overall
    assert component_status(home, "REST API") == api
    headings = {text_of(h2) for h2 in home.select(".herald-section h2")}
    maintenance_headings = headings & {"Upcoming maintenance", "Maintenance in progress"}
    assert maintenance_headings == ({section} if section else set())
    page = read_page(site, "incidents/2026-11-23-database-upgrade")
    assert text_of(page.select_one(".herald-chip")) == chip


def test_resolved_incident_leaves_everything_operational(repo: StatusRepo) -> None:
    home = read_page(built(repo), "")
    assert banner(home) == "All Systems Operational"
    assert home.select(".herald-card") == []
    assert component_status(home, "REST API") == "Operational"


def test_incident_page_tells_the_whole_story_newest_first(repo: StatusRepo) -> None:
    repo.write(
        f"{INCIDENT}/2026-11-20T1430Z-monitoring.md",
        "---\nat: 2026-11-20T14:30:00Z\nstatus: monitoring\n"
        "affected:\n  api: degraded_performance\n---\n"
        "A fix is in place and we are **watching** closely.\n",
    )
    repo.write(
        f"{INCIDENT}/postmortem.md",
        "---\npublished: 2026-11-22T09:00:00Z\n---\n## What happened\nA bad deploy.\n",
    )
    page = read_page(built(repo), "incidents/2026-11-20-api-errors")
    assert text_of(page.select_one("h1")) == "Elevated error rates on the REST API"
    statuses = [
        text_of(meta.select_one("strong"))
        for meta in page.select(".herald-timeline .herald-update__meta")
    ]
    assert statuses == ["Resolved", "Monitoring", "Investigating"]
    monitoring = page.select(".herald-timeline > li")[1]
    assert monitoring.select_one("strong:-soup-contains('watching')") is not None
    assert "REST API: degraded performance" in text_of(monitoring)
    facts = {text_of(div.dt): text_of(div.dd) for div in page.select(".herald-facts div")}
    assert facts == {
        "Started": "20 Nov 2026, 14:10 UTC",
        "Resolved": "20 Nov 2026, 15:00 UTC",
        "Duration": "50m",
        "Permalink": "https://status.test.example/incidents/2026-11-20-api-errors/",
        "Affected": "REST API",
    }
    assert "A bad deploy." in text_of(page.select_one(".herald-postmortem"))


def test_history_links_every_incident_exactly_once(repo: StatusRepo) -> None:
    add_maintenance(repo)
    for day in (3, 17):
        folder = f"incidents/2026-10-{day:02d}-old-{day}"
        repo.write(f"{folder}/index.md", f"---\ntitle: Old problem {day}\nimpact: minor\n---\n")
        repo.write(
            f"{folder}/2026-10-{day:02d}T1000Z-resolved.md",
            f"---\nat: 2026-10-{day:02d}T10:00:00Z\nstatus: resolved\n---\nA short blip.\n",
        )
    site = built(repo)
    index = read_page(site, "history")
    months = [link["href"] for link in index.select(".herald-months a")]
    assert [text_of(link) for link in index.select(".herald-months a")] == [
        "November 2026",
        "October 2026",
    ]
    linked: list[str] = []
    for href in months:
        month = read_page(site / "history", str(href))
        linked += [str(link["href"]) for link in month.select(".herald-list .herald-row > a")]
    names = sorted(re.sub(r"^(\.\./)+", "", href).strip("/") for href in linked)
    assert names == sorted(f"incidents/{path.name}" for path in (repo.root / "incidents").iterdir())


def test_user_text_is_escaped_and_intact(repo: StatusRepo) -> None:
    title = '<script>alert("x")</script> & \'quotes\' "double" 🚀'
    escaped_yaml = title.replace("'", "''")
    repo.write(
        f"{INCIDENT}/index.md",
        f"---\ntitle: '{escaped_yaml}'\nimpact: major\naffected:\n  api: partial_outage\n---\n",
    )
    site = built(repo)
    for url in ("incidents/2026-11-20-api-errors", "history/2026-11", ""):
        page = read_page(site, url)
        assert all("alert(" not in (script.string or "") for script in page.find_all("script"))
    page = read_page(site, "incidents/2026-11-20-api-errors")
    assert text_of(page.select_one(".herald-incident h1")) == title
    assert text_of(page.select_one("title")) == f"{title} - Test status"
    month = read_page(site, "history/2026-11")
    assert text_of(month.select_one(".herald-row > a")) == title


def test_a_content_error_fails_the_build_with_its_line_and_no_traceback(repo: StatusRepo) -> None:
    repo.write(
        f"{INCIDENT}/index.md",
        "---\ntitle: API errors\nimpact: major\naffected:\n  apii: partial_outage\n---\n",
    )
    result = build_site(repo.root)
    assert result.returncode == 1
    assert (
        f"{INCIDENT}/index.md:5: unknown component 'apii' in 'affected'"
        " (did you mean 'api'? ids are listed in components.yml)"
    ) in result.stderr
    assert "Traceback" not in result.stderr
    assert not (repo.root / "site" / "index.html").exists()


def test_incident_pages_stay_out_of_the_navigation(repo: StatusRepo) -> None:
    home = read_page(built(repo), "")
    nav_links = [str(link.get("href")) for link in home.select("nav.md-nav--primary a")]
    assert nav_links
    assert not [href for href in nav_links if "incidents/" in href or "components/" in href]
    assert any(href.rstrip("/").endswith("history") for href in nav_links)


def test_component_page_shows_status_uptime_and_incidents(repo: StatusRepo) -> None:
    page = read_page(built(repo), "components/api")
    assert text_of(page.select_one("h1")) == "REST API"
    uptimes = {text_of(div.dt): text_of(div.dd) for div in page.select(".herald-uptime div")}
    # 50 minutes of partial outage: 1 - 0.3 * 50 / (30 days of minutes, today until noon).
    assert uptimes["Uptime, last 30 days"] == "99.96%"
    assert [text_of(link) for link in page.select(".herald-list .herald-row > a")] == [
        "Elevated error rates on the REST API"
    ]
    bars = page.select(".herald-bars > li")
    assert len(bars) == 90
    assert "partial outage" in text_of(bars[-6]) and "Elevated error rates" in text_of(bars[-6])


def test_component_page_lists_the_last_year_and_points_to_the_history(repo: StatusRepo) -> None:
    # The incident started on 20 November 2026 and was resolved the same day.
    within = read_page(built(repo, datetime(2027, 11, 19, 12, tzinfo=UTC)), "components/api")
    assert text_of(within.select_one(".herald h2:-soup-contains('Incidents')")) == (
        "Incidents, last 365 days"
    )
    assert len(within.select(".herald-list .herald-row")) == 1
    assert "earlier" not in text_of(within.select_one(".herald"))

    later = read_page(built(repo, datetime(2027, 11, 22, 12, tzinfo=UTC)), "components/api")
    assert not later.select(".herald-list")
    content = text_of(later.select_one(".herald"))
    assert "No incidents have affected REST API in the last 365 days." in content
    assert "1 earlier incident is in the incident history." in content
    history = later.select_one(".herald a:-soup-contains('incident history')")
    assert history is not None and str(history["href"]).rstrip("/").endswith("history")


def test_an_incident_open_for_over_a_year_stays_on_its_component_page(repo: StatusRepo) -> None:
    open_incident(repo)
    page = read_page(built(repo, datetime(2028, 1, 5, 12, tzinfo=UTC)), "components/api")
    assert [text_of(link) for link in page.select(".herald-list .herald-row > a")] == [
        "Elevated error rates on the REST API"
    ]


def test_the_example_site_builds_strict(tmp_path: Path) -> None:
    result = build_site(REPO_ROOT, site_dir=tmp_path / "site")
    assert result.returncode == 0, result.stderr
    home = read_page(tmp_path / "site", "")
    assert banner(home) == "Partially Degraded Service"
    assert len(home.select(".herald-section h2")) >= 4


def test_one_partial_can_be_overridden_from_overrides(repo: StatusRepo) -> None:
    (repo.root / "mkdocs.yml").write_text(
        "site_name: Test status\nsite_url: https://status.test.example/\n"
        "theme:\n  name: material\n  custom_dir: overrides\n"
        "plugins:\n  - herald\n",
        encoding="utf-8",
    )
    repo.write(
        "overrides/herald/partials/banner.html",
        '<p class="team-banner">{{ herald.overall.description }} &amp; {{ herald_title }}</p>\n',
    )
    open_incident(repo)
    home = read_page(built(repo), "")
    assert text_of(home.select_one(".team-banner")) == "Partial System Outage & Current status"
    assert home.select_one(".herald-banner") is None
    # Everything else is still Herald's own.
    assert component_status(home, "REST API") == "Partial outage"
    assert home.select(".herald-card")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("use_directory_urls: false\n", "Herald's pages need use_directory_urls: true"),
        (
            "plugins:\n  - herald:\n      history_days: 0\n",
            "0 is not between 1 and 3660",
        ),
    ],
    ids=["flat URLs", "history_days out of range"],
)
def test_settings_herald_cannot_honour_fail_the_build(
    repo: StatusRepo, extra: str, message: str
) -> None:
    base = "site_name: Test status\nsite_url: https://status.test.example/\ntheme: material\n"
    if "plugins" not in extra:
        extra += "plugins:\n  - herald\n"
    (repo.root / "mkdocs.yml").write_text(base + extra, encoding="utf-8")
    result = build_site(repo.root)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_support_link_on_every_page(repo: StatusRepo) -> None:
    (repo.root / "mkdocs.yml").write_text(
        "site_name: Test status\nsite_url: https://status.test.example/\ntheme: material\n"
        "plugins:\n  - herald:\n      support_url: mailto:help@test.example\n",
        encoding="utf-8",
    )
    repo.write("docs/about.md", "# About\n\nHow this page works.\n")
    site = built(repo)
    for url in ("", "about", "incidents/2026-11-20-api-errors", "history", "components/api"):
        link = read_page(site, url).select_one(".herald-support a")
        assert link is not None and link["href"] == "mailto:help@test.example", url


@pytest.mark.parametrize(
    ("site_url", "said"),
    [
        ("https://status.test.example/#top", "has a query (?) or a fragment (#)"),
        ("https://status.test.example/?v=2", "has a query (?) or a fragment (#)"),
        ("https://ops:secret@status.test.example/", "carries a user name or password"),
    ],
)
def test_a_site_url_that_cannot_start_every_link_is_refused_by_build_and_check(
    repo: StatusRepo, site_url: str, said: str
) -> None:
    """Every absolute link starts with site_url: a fragment would send them all to the
    home page, a password would be published in every feed and email."""
    (repo.root / "mkdocs.yml").write_text(
        f"site_name: Test status\nsite_url: '{site_url}'\ntheme: material\nplugins:\n  - herald\n",
        encoding="utf-8",
    )
    result = build_site(repo.root)
    assert result.returncode == 1 and said in result.stderr
    assert "secret" not in result.stderr
    check = run_herald(repo.root, "check")
    assert check.returncode == 1 and said in check.stdout


@pytest.mark.parametrize(
    ("own_file", "herald_writes"),
    [
        ("docs/history.md", "the history page"),
        ("docs/badge.svg", "the site's badge, made apart from the pages"),
        ("docs/api/v2/summary.json", "the API's summary, made apart from the pages"),
    ],
)
def test_a_file_of_the_sites_own_in_herald_s_way_fails_the_build(
    repo: StatusRepo, own_file: str, herald_writes: str
) -> None:
    repo.write(own_file, "the team's own\n")
    result = build_site(repo.root)
    assert result.returncode == 1, herald_writes
    assert (
        f"{own_file} is in the way of the file Herald generates there: rename it, or change"
        " the URL layout in the herald options"
    ) in result.stderr
    assert "Traceback" not in result.stderr
