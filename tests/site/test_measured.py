"""What probes measured, on a real ``mkdocs build`` of a site whose store a test wrote:
the component page's table and charts, in English and German, beside what people posted;
a damaged store stops the build and ``herald check`` alike."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from site_plugin.content.measurements import Outcome, ProbeResult
from site_plugin.content.probe_store import ProbeStore
from site_plugin.engine.measured import LatencyBucket
from site_plugin.site.measured import scale_top, step_path

from ..conftest import MKDOCS_YML, NOW, StatusRepo, build_site, run_herald
from ..test_hostile_site import HOSTILE_NAME

COMPONENTS = f"""\
components:
  - id: api
    name: REST API
    probe: https://api.test.example/health
  - id: dashboard
    name: Dashboard
  - id: web
    name: {HOSTILE_NAME!r}
"""
FIVE_MINUTES = timedelta(minutes=5)
RESULTS = 90 * 288
"""Every 5 minutes for 90 days, the newest at the moment of the build."""
OUTAGE = range(100, 112)
"""Results (counted back from now) that timed out: an hour, eight hours ago."""


def api_results() -> list[ProbeResult]:
    """The last day: 100 ms, every tenth 300 ms, an hour of timeouts; before it, 200 ms."""
    results = []
    for back in range(RESULTS):
        at = NOW - back * FIVE_MINUTES
        if back in OUTAGE:
            results.append(ProbeResult(at, Outcome.TIMEOUT))
        elif back < 288:
            results.append(ProbeResult(at, Outcome.UP, 200, 300 if back % 10 == 0 else 100))
        else:
            results.append(ProbeResult(at, Outcome.UP, 200, 200))
    return results


def write_site(root: Path, language: str = "en") -> StatusRepo:
    repo = StatusRepo(root)
    repo.write("components.yml", COMPONENTS)
    config = MKDOCS_YML.replace("  name: material\n", f"  name: material\n  language: {language}\n")
    repo.write("mkdocs.yml", config)
    store = ProbeStore(root / ".herald-probes")
    store.append("api", api_results())
    store.append("web", [ProbeResult(NOW - timedelta(hours=2), Outcome.UP, 200, 42)])
    return repo


def build(repo: StatusRepo) -> Path:
    result = build_site(repo.root)
    assert result.returncode == 0, result.stderr
    return repo.root / "site"


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text("utf-8"), "html.parser")


def text(node: Tag | None) -> str:
    assert node is not None
    return " ".join(node.get_text().split())


def table(section: Tag) -> list[list[str]]:
    return [[text(cell) for cell in row.find_all(["th", "td"])] for row in section.select("tr")]


def buckets_of(*p95: int | None) -> list[LatencyBucket]:
    return [LatencyBucket(NOW, NOW, 1, value, value) for value in p95]


def test_a_chart_s_scale_is_a_round_number_above_its_highest_line() -> None:
    assert scale_top(buckets_of()) == 1 and scale_top(buckets_of(None, 0)) == 1
    assert scale_top(buckets_of(9)) == 10
    assert scale_top(buckets_of(10, None)) == 12
    assert scale_top(buckets_of(95, 300, 120)) == 400
    assert scale_top(buckets_of(1_072)) == 1_200
    assert scale_top(buckets_of(7_200)) == 8_000
    assert scale_top(buckets_of(7_300)) == 10_000


def test_a_chart_s_lines_are_steps_broken_where_nothing_was_measured() -> None:
    assert step_path([], 100) == ""
    assert step_path([None, None], 100) == ""
    assert step_path([50], 100) == "M0 50H1"
    assert step_path([50, 50, 50, 20, 20], 100) == "M0 50H3V80H5"
    assert step_path([None, 40, None, 40, 60], 100) == "M1 60H2M3 60H4V40H5"
    # Above the scale (it never is, but a team's override may pick another): at the top.
    assert step_path([0, 250], 200) == "M0 100H1V0H2"


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield build(write_site(tmp_path_factory.mktemp("measured")))


def test_the_component_page_shows_the_measured_figures(english: Path) -> None:
    api = page(english, "components/api")
    section = api.select_one(".herald-measured")
    assert section is not None
    assert text(section.h2) == "Measured response time"
    assert table(section) == [
        ["Period", "Median", "95th percentile", "Measured availability", "Probes"],
        # 288 probes, 12 timed out; of the 276 latencies 27 are 300 ms.
        ["Last 24 hours", "100 ms", "300 ms", "95.83%", "288"],
        ["Last 7 days", "200 ms", "200 ms", "99.40%", "2,016"],
        ["Last 90 days", "200 ms", "200 ms", "99.95%", "25,920"],
    ]


def test_the_measured_availability_stands_beside_the_posted_uptime(english: Path) -> None:
    api = page(english, "components/api")
    uptimes = {text(div.dt): text(div.dd) for div in api.select(".herald-uptime div")}
    assert uptimes == {
        "Uptime, last 30 days": "99.96%",
        "Uptime, last 90 days": "99.98%",
        "Uptime, last 365 days": "99.99%",
        "Measured by probes, last 90 days": "99.95%",
    }


def test_nothing_measured_changes_a_status(english: Path) -> None:
    # An hour of timeouts this morning, and nobody posted an incident: still operational.
    api = page(english, "components/api")
    assert text(api.select_one(".herald-status")) == "Operational"
    home = BeautifulSoup((english / "index.html").read_text("utf-8"), "html.parser")
    assert text(home.select_one(".herald-banner__status")) == "All Systems Operational"
    assert not home.select(".herald-measured, .herald-chart")


def test_each_window_has_a_chart_of_its_median_and_95th_percentile(english: Path) -> None:
    section = page(english, "components/api").select_one(".herald-measured")
    assert section is not None
    charts = section.select(".herald-chart")
    assert [text(chart.h3) for chart in charts] == ["Last 24 hours", "Last 7 days", "Last 90 days"]
    svgs = [chart.svg for chart in charts]
    assert [svg["role"] for svg in svgs] == ["img"] * 3
    assert [svg["aria-label"] for svg in svgs] == [
        "REST API, response time over the last 24 hours, hourly: median and 95th percentile",
        "REST API, response time over the last 7 days, every 6 hours: median and 95th percentile",
        "REST API, response time over the last 90 days, daily: median and 95th percentile",
    ]
    assert [svg["viewbox"] for svg in svgs] == ["0 -3 24 106", "0 -3 28 106", "0 -3 90 106"]
    paths = [
        {path["class"][0]: path["d"] for path in svg.find_all("path")}  # type: ignore[index]
        for svg in svgs
    ]
    # The scale runs to 400 ms: 100 ms is 75 of 100 from the top, 200 ms 50, 300 ms 25.
    assert paths[0]["herald-chart__median"] == "M0 75H24"
    assert set(re.findall(r"V(\d+)", paths[0]["herald-chart__p95"])) == {"25", "75"}
    # A week: the last four 6-hour buckets are the last day's.
    assert paths[1] == {
        "herald-chart__axis": "M0 100H28",
        "herald-chart__p95": "M0 50H24V25H28",
        "herald-chart__median": "M0 50H24V75H28",
    }
    assert paths[2]["herald-chart__median"] == "M0 50H89V75H90"
    assert paths[2]["herald-chart__p95"] == "M0 50H89V25H90"
    assert [text(chart.select_one(".herald-chart__top")) for chart in charts] == ["400 ms"] * 3
    spans = [[time["datetime"] for time in chart.select("time")] for chart in charts]
    assert spans == [
        ["2026-11-24T12:00:00Z", "2026-11-25T12:00:00Z"],
        ["2026-11-18T12:00:00Z", "2026-11-25T12:00:00Z"],
        ["2026-08-27T12:00:00Z", "2026-11-25T12:00:00Z"],
    ]
    # Small: the three charts together are a few kilobytes.
    assert sum(len(str(svg)) for svg in svgs) < 3000


def test_a_component_without_results_has_no_measured_figures(english: Path) -> None:
    dashboard = page(english, "components/dashboard")
    assert not dashboard.select(".herald-measured, .herald-chart, svg[role=img]")
    assert "Measured" not in text(dashboard.select_one(".herald"))
    assert [text(dt) for dt in dashboard.select(".herald-uptime dt")] == [
        "Uptime, last 30 days",
        "Uptime, last 90 days",
        "Uptime, last 365 days",
    ]


def test_figures_cover_only_the_days_the_probes_ran(english: Path) -> None:
    web = page(english, "components/web")
    uptimes = {text(div.dt): text(div.dd) for div in web.select(".herald-uptime div")}
    assert uptimes["Measured by probes since 25 Nov 2026"] == "100.00%"
    section = web.select_one(".herald-measured")
    assert section is not None
    assert table(section)[1:] == [
        ["Last 24 hours", "42 ms", "42 ms", "100.00%", "1"],
        ["Last 7 days", "42 ms", "42 ms", "100.00%", "1"],
        ["Last 90 days", "42 ms", "42 ms", "100.00%", "1"],
    ]


def test_a_hostile_name_stays_text_in_the_chart(english: Path) -> None:
    raw = (english / "components/web/index.html").read_text("utf-8")
    section = raw[raw.index('<section class="herald-measured"') : raw.index("</section>")]
    assert "<script" not in section
    labels = re.findall(r'<svg [^>]*aria-label="([^"]*)"', section)
    assert len(labels) == 3
    escaped = "API &lt;script&gt;alert(1)&lt;/script&gt; &#34;quoted&#34; &amp; co"
    assert all(label.startswith(escaped + ", response time over the last") for label in labels)
    web = BeautifulSoup(raw, "html.parser")
    svg = web.select_one(".herald-chart svg")
    assert svg is not None and str(svg["aria-label"]).startswith(HOSTILE_NAME + ", ")
    assert not web.select(".herald-measured script, .herald-measured [onload]")


def test_the_figures_read_in_the_pages_language(tmp_path: Path) -> None:
    site = build(write_site(tmp_path, "de"))
    api = page(site, "components/api")
    section = api.select_one(".herald-measured")
    assert section is not None
    assert text(section.h2) == "Gemessene Antwortzeit"
    assert text(section.p) == (
        "Automatische Prüfungen rufen REST API alle paar Minuten ab. Status und Verfügbarkeit"
        " oben meldet das Team; diese Messungen ändern sie nicht."
    )
    assert table(section) == [
        ["Zeitraum", "Median", "95. Perzentil", "Gemessene Verfügbarkeit", "Prüfungen"],
        ["Letzte 24 Stunden", "100 ms", "300 ms", "95,83 %", "288"],
        ["Letzte 7 Tage", "200 ms", "200 ms", "99,40 %", "2.016"],
        ["Letzte 90 Tage", "200 ms", "200 ms", "99,95 %", "25.920"],
    ]
    uptimes = {text(div.dt): text(div.dd) for div in api.select(".herald-uptime div")}
    assert uptimes["Von Prüfungen gemessen, letzte 90 Tage"] == "99,95 %"
    svg = section.select_one("svg")
    assert svg is not None
    assert svg["aria-label"] == (
        "REST API, Antwortzeit der letzten 24 Stunden, stündlich: Median und 95. Perzentil"
    )
    assert text(section.select_one(".herald-chart__top")) == "400 ms"


def test_a_damaged_store_stops_the_build_and_check_alike(tmp_path: Path) -> None:
    repo = write_site(tmp_path)
    month = tmp_path / ".herald-probes" / "api" / "2026-11.probes"
    month.write_bytes(month.read_bytes()[:-20])
    expected = (
        ".herald-probes/api/2026-11.probes:1: is cut short: it ends in the middle of its results"
        " (restore it from the probe results branch's history, or delete it)"
    )
    result = build_site(repo.root)
    assert result.returncode == 1
    assert expected in result.stderr and "Traceback" not in result.stderr
    check = run_herald(repo.root, "check")
    assert check.returncode == 1
    assert check.stdout.splitlines() == [
        expected,
        "Found 1 problem in 1 file; nothing was published.",
    ]


def test_the_option_names_the_folder_read_and_a_missing_one_is_silent(tmp_path: Path) -> None:
    repo = write_site(tmp_path)
    (tmp_path / ".herald-probes").rename(tmp_path / "measurements")
    config = MKDOCS_YML.replace("  - herald\n", "  - herald:\n      probe_results: measurements\n")
    repo.write("mkdocs.yml", config)
    assert page(build(repo), "components/api").select(".herald-measured")
    (tmp_path / "measurements" / "api" / "2026-11.probes").write_bytes(b"broken")
    result = build_site(repo.root)
    assert result.returncode == 1
    assert "measurements/api/2026-11.probes:1: is not a probe results file" in result.stderr
    assert run_herald(repo.root, "check").returncode == 1
    repo.write("mkdocs.yml", config.replace("measurements", "nowhere"))
    assert not page(build(repo), "components/api").select(".herald-measured")
    assert run_herald(repo.root, "check").returncode == 0


@pytest.mark.parametrize("value", ["../probes", "/srv/probes"])
def test_a_folder_outside_the_repository_is_refused_by_build_and_check(
    tmp_path: Path, value: str
) -> None:
    repo = write_site(tmp_path)
    repo.write(
        "mkdocs.yml",
        MKDOCS_YML.replace("  - herald\n", f"  - herald:\n      probe_results: {value}\n"),
    )
    result = build_site(repo.root)
    assert result.returncode == 1 and "probe_results" in result.stderr
    check = run_herald(repo.root, "check")
    assert check.returncode == 1
    assert "probe_results: " in check.stdout and "mkdocs.yml:" in check.stdout
