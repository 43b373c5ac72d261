"""Probe results on a real ``mkdocs build`` of a site whose store a test wrote: a damaged
store stops the build and ``herald check`` alike."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from site_plugin.content.measurements import Outcome, ProbeResult
from site_plugin.content.probe_store import ProbeStore

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
    (tmp_path / "measurements" / "api" / "2026-11.probes").write_bytes(b"broken")
    config = MKDOCS_YML.replace("  - herald\n", "  - herald:\n      probe_results: measurements\n")
    repo.write("mkdocs.yml", config)
    result = build_site(repo.root)
    assert result.returncode == 1
    assert "measurements/api/2026-11.probes:1: is not a probe results file" in result.stderr
    assert run_herald(repo.root, "check").returncode == 1
    repo.write("mkdocs.yml", config.replace("measurements", "nowhere"))
    assert build_site(repo.root).returncode == 0
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
