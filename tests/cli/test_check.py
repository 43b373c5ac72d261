"""``herald check`` as an engineer runs it: the installed command, real files, exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .. import conftest
from ..conftest import INCIDENT, NOW_EPOCH, REPO_ROOT, StatusRepo


def run_herald(
    *arguments: str, cwd: Path, epoch: str | None = NOW_EPOCH
) -> subprocess.CompletedProcess[str]:
    return conftest.run_herald(cwd, *arguments, epoch=epoch)


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A copy of this repository's own example status site."""
    target = tmp_path / "site"
    target.mkdir()
    shutil.copy(REPO_ROOT / "components.yml", target)
    if (REPO_ROOT / "mkdocs.yml").exists():
        shutil.copy(REPO_ROOT / "mkdocs.yml", target)
    shutil.copytree(REPO_ROOT / "incidents", target / "incidents")
    shutil.copytree(REPO_ROOT / "docs", target / "docs")
    return target


def test_example_site_is_clean(example_copy: Path) -> None:
    result = run_herald("check", cwd=example_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Checked 10 components and ")
    assert "no problems" in result.stdout
    assert result.stderr == ""


def test_unknown_component_in_a_copy_of_the_example(example_copy: Path) -> None:
    index = example_copy / "incidents/2026-05-28-api-errors-after-deploy/index.md"
    lines = index.read_text(encoding="utf-8").splitlines()
    line = lines.index("  api: partial_outage") + 1
    lines[line - 1] = "  apii: partial_outage"
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    relative = index.relative_to(example_copy).as_posix()
    result = run_herald("check", cwd=example_copy)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{relative}:{line}: unknown component 'apii' in 'affected'"
        " (did you mean 'api'? ids are listed in components.yml)",
        "Found 1 problem in 1 file; nothing was published.",
    ]
    assert "Traceback" not in result.stderr


def test_config_option_points_at_another_folder(repo: StatusRepo, tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Status\nplugins:\n  - search\n  - herald:\n      incidents: history\n"
        "      timezone: Europe/Berlin\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        encoding="utf-8",
    )
    (tmp_path / "incidents").rename(tmp_path / "history")
    elsewhere = tmp_path.parent
    result = run_herald("--config", str(tmp_path / "mkdocs.yml"), "check", cwd=elsewhere)
    assert result.returncode == 0, result.stdout
    assert result.stdout == "Checked 5 components and 1 incident: no problems.\n"


def test_unknown_time_zone_is_a_problem(repo: StatusRepo, tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Status\nplugins:\n  - herald:\n      timezone: Europe/Berlinn\n",
        encoding="utf-8",
    )
    result = run_herald("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "mkdocs.yml:4: timezone: unknown time zone 'Europe/Berlinn' (did you mean 'Europe/Berlin'?)"
    )


def test_overdue_promise_warns_and_strict_fails(repo: StatusRepo, tmp_path: Path) -> None:
    repo.remove(f"{INCIDENT}/2026-11-20T1500Z-resolved.md")
    relaxed = run_herald("check", cwd=tmp_path)
    assert relaxed.returncode == 0
    assert relaxed.stdout.splitlines() == [
        f"{INCIDENT}/2026-11-20T1410Z-investigating.md:2: the next update was promised by"
        " 2026-11-20 14:40 UTC and is 4d 21h overdue"
        " (post an update now, even if there is no news) [warning]",
        "Checked 5 components and 1 incident: no problems, 1 warning.",
    ]
    strict = run_herald("check", "--strict", cwd=tmp_path)
    assert strict.returncode == 1


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_herald(cwd=tmp_path).returncode == 2
    assert run_herald("chek", cwd=tmp_path).returncode == 2
    missing = run_herald("--config", "nowhere/mkdocs.yml", "check", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr == "herald: nowhere/mkdocs.yml not found (pass the site's mkdocs.yml)\n"


def test_bad_source_date_epoch_is_a_usage_error(repo: StatusRepo, tmp_path: Path) -> None:
    result = run_herald("check", cwd=tmp_path, epoch="yesterday")
    assert result.returncode == 2
    assert result.stderr == (
        "herald: SOURCE_DATE_EPOCH='yesterday' is not a Unix time"
        " (set it to whole seconds since 1970, e.g. 1795608000, or unset it)\n"
    )


def test_content_is_checked_against_the_real_clock_without_epoch(
    repo: StatusRepo, tmp_path: Path
) -> None:
    # Without SOURCE_DATE_EPOCH "now" is the real clock, which is after the fixture's dates.
    result = run_herald("check", cwd=tmp_path, epoch=None)
    assert result.returncode == 0, result.stdout


def test_console_script_is_installed() -> None:
    script = shutil.which("herald", path=str(Path(sys.executable).parent))
    assert script is not None
    result = subprocess.run(
        [script, "--version"], capture_output=True, text=True, check=False, timeout=30
    )
    assert result.returncode == 0
    assert result.stdout.startswith("herald ")


def test_maintenance_running_over_its_window_warns(repo: StatusRepo, tmp_path: Path) -> None:
    folder = "incidents/2026-11-25-upgrade"
    repo.write(
        f"{folder}/index.md",
        "---\ntitle: Upgrade\nkind: maintenance\naffected: [api]\n"
        "scheduled_start: 2026-11-25T09:00:00Z\nscheduled_end: 2026-11-25T11:00:00Z\n---\n",
    )
    repo.write(
        f"{folder}/2026-11-25T1100Z-in_progress.md",
        "---\nat: 2026-11-25T11:00:00Z\nstatus: in_progress\n---\nStill working on it.\n",
    )
    result = run_herald("check", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == (
        f"{folder}/2026-11-25T1100Z-in_progress.md:2: the maintenance is still in progress"
        " 1h after its window ended (2026-11-25 11:00 UTC) (post a completed update, or move"
        " scheduled_end in a new update) [warning]"
    )


def test_an_open_incident_gone_quiet_warns(repo: StatusRepo, tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Status\nplugins:\n  - herald:\n      stale_after: 2h\n", encoding="utf-8"
    )
    repo.remove(f"{INCIDENT}/2026-11-20T1500Z-resolved.md")
    repo.write(
        f"{INCIDENT}/2026-11-25T0930Z-identified.md",
        "---\nat: 2026-11-25T09:30:00Z\nstatus: identified\n---\nFound the cause.\n",
    )
    result = run_herald("check", cwd=tmp_path)
    assert result.stdout.splitlines()[0] == (
        f"{INCIDENT}/2026-11-25T0930Z-identified.md:2: the incident has had no update for"
        " 2h 30m (more than 2h) and promises none (post an update, and say when the next one"
        " comes with next_update) [warning]"
    )


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            "  - herald:\n      timezone: Europe\n",
            "mkdocs.yml:4: timezone: unknown time zone 'Europe'",
        ),
        (
            "  - herald:\n      history_days: " + "9" * 5000 + "\n",
            "mkdocs.yml:1: cannot be read: a number in it has thousands of digits",
        ),
        ("  - herald: 5\n", "mkdocs.yml:3: the herald plugin's options are not a mapping"),
        (
            "  - herald:\n      home_title: !!binary aGk=\n",
            "mkdocs.yml:4: home_title: expected text, not binary data",
        ),
        (
            '  - herald:\n      timezone: "\\ud800"\n',
            "mkdocs.yml:4: timezone: unknown time zone '\\ud800'",
        ),
    ],
)
def test_hostile_options_are_problems_not_tracebacks(
    tmp_path: Path, options: str, expected: str
) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Status\nplugins:\n" + options, "utf-8")
    result = run_herald("check", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines()[0].startswith(expected), result.stdout


def test_env_tags_are_read_as_mkdocs_reads_them(tmp_path: Path, repo: StatusRepo) -> None:
    """!ENV gives the variable's value typed as YAML types it, or the default."""
    (repo.root / "mkdocs.yml").write_text(
        "site_name: Status\nplugins:\n  - herald:\n      recent_days: !ENV HERALD_TEST_DAYS\n"
        "      feed_size: !ENV [HERALD_TEST_UNSET, 7]\n",
        encoding="utf-8",
    )
    result = conftest.run_herald(repo.root, "check", HERALD_TEST_DAYS="30")
    assert result.returncode == 0, result.stdout


def test_a_missing_docs_folder_is_a_problem_as_it_is_for_the_build(repo: StatusRepo) -> None:
    """git keeps no empty folder: a fresh clone without docs/ would not build."""
    (repo.root / "mkdocs.yml").write_text(conftest.MKDOCS_YML, encoding="utf-8")
    shutil.rmtree(repo.root / "docs")
    result = run_herald("check", cwd=repo.root)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "mkdocs.yml:1: the docs folder 'docs' does not exist, and MkDocs needs it"
        " (add docs/about.md (a page about the status page), or an empty docs/.gitkeep)"
    )
    (repo.root / "docs").mkdir()
    assert run_herald("check", cwd=repo.root).returncode == 0
