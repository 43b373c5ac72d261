"""Update files whose names and times disagree: warnings that ``herald check`` and the
build give alike (``--strict`` fails on them in both)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from site_plugin.content.update_names import update_name_warnings

from ..conftest import INCIDENT, MKDOCS_YML, StatusRepo, build_site, run_herald

FIRST = f"{INCIDENT}/2026-11-20T1410Z-investigating.md"


def warnings_of(repo: StatusRepo, zone: str = "UTC") -> list[str]:
    site = repo.load(zone=ZoneInfo(zone))
    return [str(warning) for warning in update_name_warnings(site, ZoneInfo(zone))]


def test_names_that_match_their_times_give_no_warning(repo: StatusRepo) -> None:
    repo.write(
        f"{INCIDENT}/2026-11-20T141059Z-identified.md",
        "---\nat: 2026-11-20T14:10:59Z\nstatus: identified\n---\nFound it.\n",
    )
    # Listed first, and first in time; herald names a second update in one minute with its
    # seconds, which the folder lists before the minute's first: both are in order.
    repo.write(
        f"{INCIDENT}/0-heads-up.md",
        "---\nat: 2026-11-20T14:05:00Z\nstatus: investigating\n---\nHeads up.\n",
    )
    assert warnings_of(repo) == []


def test_an_at_that_contradicts_its_file_name_is_a_warning(repo: StatusRepo) -> None:
    # A local time in a file named for UTC: the usual mistake.
    repo.write(FIRST, "---\nat: 2026-11-20 14:10\nstatus: investigating\n---\nLooking.\n")
    repo.write(
        f"{INCIDENT}/2026-11-20T1500Z-resolved.md",
        "---\nat: 2026-11-20T15:00:00+01:00\nstatus: resolved\n---\nFixed.\n",
    )
    assert warnings_of(repo, "Europe/Berlin") == [
        f"{FIRST}:2: the file name says 2026-11-20 14:10 UTC but 'at' is 2026-11-20 13:10 UTC"
        " (14:10 in Europe/Berlin) (correct 'at', or rename the file"
        " 2026-11-20T1310Z-investigating.md)",
        f"{INCIDENT}/2026-11-20T1500Z-resolved.md:2: the file name says 2026-11-20 15:00 UTC"
        " but 'at' is 2026-11-20 14:00 UTC (15:00 in Europe/Berlin) (correct 'at', or rename"
        " the file 2026-11-20T1400Z-resolved.md)",
    ]


def test_an_at_that_reorders_the_folder_is_a_warning(repo: StatusRepo) -> None:
    repo.remove(f"{INCIDENT}/2026-11-20T1500Z-resolved.md")
    repo.write(
        f"{INCIDENT}/a-first-look.md",
        "---\nat: 2026-11-20T14:20:00Z\nstatus: identified\n---\nFound it.\n",
    )
    repo.write(
        f"{INCIDENT}/b-second-look.md",
        "---\nat: 2026-11-20T14:15:00Z\nstatus: identified\n---\nLooking again.\n",
    )
    assert warnings_of(repo) == [
        f"{INCIDENT}/b-second-look.md:2: 'at' (2026-11-20 14:15 UTC) puts this update before"
        " a-first-look.md (2026-11-20 14:20 UTC), which the folder lists before it (correct"
        " 'at', or rename the files so that they list in time order)",
    ]


def test_check_and_build_warn_alike_and_strict_fails_on_both(repo: StatusRepo) -> None:
    (repo.root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    repo.write(FIRST, "---\nat: 2026-11-20T14:25:00Z\nstatus: investigating\n---\nLooking.\n")
    warning = (
        f"{FIRST}:2: the file name says 2026-11-20 14:10 UTC but 'at' is 2026-11-20 14:25 UTC"
        " (correct 'at', or rename the file 2026-11-20T1425Z-investigating.md)"
    )
    check = run_herald(repo.root, "check")
    assert check.returncode == 0, check.stdout
    assert check.stdout.splitlines() == [
        f"{warning} [warning]",
        "Checked 5 components and 1 incident: no problems, 1 warning.",
    ]
    assert run_herald(repo.root, "check", "--strict").returncode == 1
    lenient = build_site(repo.root, strict=False)
    assert lenient.returncode == 0, lenient.stderr
    assert f"WARNING -  site_plugin: {warning}\n" in lenient.stderr
    strict = build_site(repo.root)
    assert strict.returncode == 1
    assert warning in strict.stderr and "Traceback" not in strict.stderr
