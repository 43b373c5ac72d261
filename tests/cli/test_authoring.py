"""``herald new``, ``update``, ``resolve``, ``list`` and ``summary`` on real folders."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import INCIDENT, MKDOCS_YML, StatusRepo, build_site, run_herald

T1200 = "1795608000"  # 2026-11-25 12:00 UTC
T1210 = "1795608600"
T1230 = "1795609800"


def herald(
    root: Path, *arguments: str, epoch: str = T1200, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return run_herald(root, *arguments, epoch=epoch, stdin=stdin, **env)


def snapshot(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text("utf-8")
        for path in sorted((root / "incidents").rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def site(repo: StatusRepo) -> Path:
    (repo.root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    return repo.root


NEW = "incidents/2026-11-25-elevated-api-errors"


def test_new_update_resolve_walkthrough(site: Path) -> None:
    created = herald(
        site, "new", "Elevated API errors", "--component", "api=partial_outage", "--impact", "major"
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout.splitlines()[:2] == [
        f"wrote {NEW}/index.md",
        f"wrote {NEW}/2026-11-25T1200Z-investigating.md",
    ]
    assert (site / NEW / "index.md").read_text("utf-8") == (
        "---\ntitle: Elevated API errors\nkind: incident\nimpact: major\n"
        "affected:\n  api: partial_outage\n---\n"
    )
    first = (site / NEW / "2026-11-25T1200Z-investigating.md").read_text("utf-8")
    assert first == (
        "---\nat: 2026-11-25T12:00:00Z\nstatus: investigating\nnext_update: 2026-11-25T12:30:00Z\n"
        "---\nWe are investigating a problem with REST API. Some customers may see errors or"
        " failed requests.\nWe are working to find the cause. We will post another update by"
        " 12:30 UTC.\n"
    )
    assert herald(site, "check").returncode == 0

    updated = herald(
        site,
        "update",
        "elevated",
        "--status",
        "identified",
        "--next",
        "20m",
        "--component",
        "api=degraded_performance",
        "-m",
        "We found a **faulty deploy**.",
        epoch=T1210,
    )
    assert updated.returncode == 0, updated.stderr
    assert (site / NEW / "2026-11-25T1210Z-identified.md").read_text("utf-8") == (
        "---\nat: 2026-11-25T12:10:00Z\nstatus: identified\nnext_update: 2026-11-25T12:30:00Z\n"
        "affected:\n  api: degraded_performance\n---\nWe found a **faulty deploy**.\n"
    )
    listed = herald(site, "list", epoch=T1210)
    assert listed.stdout.splitlines()[:3] == [
        "Open incidents (1)",
        "  2026-11-25-elevated-api-errors  identified, major impact, since 25 Nov 2026,"
        " 12:00 UTC: Elevated API errors",
        "    next update due by 25 Nov 2026, 12:30 UTC (in 20m)",
    ]

    resolved = herald(site, "resolve", f"{NEW}/", epoch=T1230)
    assert resolved.returncode == 0, resolved.stderr
    assert (site / NEW / "2026-11-25T1230Z-resolved.md").read_text("utf-8") == (
        "---\nat: 2026-11-25T12:30:00Z\nstatus: resolved\n---\nThis incident is resolved."
        " REST API has been working normally since 25 Nov 2026, 12:30 UTC, after 30 minutes.\n"
        "We are sorry for the trouble this caused.\n"
    )
    assert "The message comes from the 'resolved' template" in resolved.stdout
    assert herald(site, "check", epoch=T1230).returncode == 0
    build = build_site(site, epoch=T1230)
    assert build.returncode == 0, build.stderr


def test_maintenance_and_notice(site: Path) -> None:
    maintenance = herald(
        site,
        "new",
        "Database upgrade",
        "--kind",
        "maintenance",
        "--component",
        "regions",
        "--start",
        "2026-12-02T06:00Z",
        "--end",
        "+7d",
    )
    assert maintenance.returncode == 0, maintenance.stderr
    folder = site / "incidents/2026-11-25-database-upgrade"
    assert (folder / "index.md").read_text("utf-8") == (
        "---\ntitle: Database upgrade\nkind: maintenance\naffected:\n  regions: under_maintenance\n"
        "scheduled_start: 2026-12-02T06:00:00Z\nscheduled_end: 2026-12-02T12:00:00Z\n---\n"
    )
    announcement = (folder / "2026-11-25T1200Z-scheduled.md").read_text("utf-8")
    assert "2 Dec 2026, 06:00 UTC to 2 Dec 2026, 12:00 UTC" in announcement
    assert "During the window, Regions may be unavailable" in announcement
    notice = herald(
        site, "new", "API v1 retires", "--kind", "notice", "-m", "Version 1 retires in March."
    )
    assert notice.returncode == 0, notice.stderr
    assert herald(site, "check").returncode == 0


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (
            ("update", "nothing-like-this", "--status", "identified", "-m", "x"),
            "herald: no incident 'nothing-like-this' in incidents/ (still open, newest first:"
            " 2026-11-21-api-errors)",
        ),
        (
            ("update", "2026-11-2", "--status", "identified", "-m", "x"),
            "herald: '2026-11-2' matches 2 incidents: 2026-11-20-api-errors,"
            " 2026-11-21-api-errors (type more of the id)",
        ),
        (
            ("update", "2026-11-21", "--status", "in_progress", "-m", "x"),
            "herald: 'in_progress' is not a status for 2026-11-21-api-errors (incident)"
            " (use one of: investigating, identified, monitoring, resolved)",
        ),
        (
            ("update", "2026-11-20", "--status", "identified", "-m", "x"),
            "herald: 2026-11-20-api-errors is already closed (20 Nov 2026, 15:00 UTC)"
            " (open a new incident with herald new if the problem is back)",
        ),
        (
            ("update", "2026-11-21", "--status", "identified", "-m", "x", "--next", "soon"),
            "herald: --next: 'soon' is neither a duration nor a time (write a duration such as"
            " 30m or 1h, a time such as 2026-11-25T12:30Z, or none)",
        ),
        (
            ("update", "2026-11-21", "--status", "identified", "-m", "x", "--next", "30"),
            "herald: --next 30 has no unit (write --next 30m for 30 minutes, or a duration such"
            " as 1h, or a time such as 2026-11-25T12:30Z)",
        ),
        (
            ("update", "2026-11-21", "--status", "identified", "-m", "x", "--next", "9:15"),
            "herald: --next 9:15 has no date (write --next 2026-11-26T09:15, read in UTC, or a"
            " duration such as 30m)",
        ),
        (
            ("new", "Slow", "--next", "2026-11-25"),
            "herald: --next: '2026-11-25' is a date without a time (add the time, e.g."
            " 2026-11-25 14:10, read in UTC; or with its offset, 2026-11-25T14:10:00Z)",
        ),
        (
            ("update", "2026-11-21", "--status", "identified", "-m", "x", "--component", "apii"),
            "herald: unknown component 'apii' (did you mean 'api'? known ids: api, dashboard,"
            " eu-west, us-east, sso, regions)",
        ),
        (
            ("new", "Slow", "--component", "api=slow"),
            "herald: 'slow' is not a component status (use one of: operational,"
            " under_maintenance, degraded_performance, partial_outage, major_outage)",
        ),
        (
            ("new", "Slow", "--at", "+10m"),
            "herald: --at +10m is in the future (post updates when they happen; announce future"
            " work with --kind maintenance)",
        ),
        (
            ("new", "Work", "--kind", "maintenance"),
            "herald: maintenance needs its window (give --start and --end, e.g. --start +2d"
            " --end +2d2h)",
        ),
        (
            ("new", "Slow", "--template", "nope"),
            "herald: no message template 'nope' (use one of: completed, degraded, identified,"
            " in_progress, investigating, maintenance, monitoring, notice, outage, postmortem,"
            " resolved, scheduled, security, third-party, verifying)",
        ),
    ],
    ids=[
        "unknown incident",
        "ambiguous prefix",
        "status wrong for the kind",
        "update to a resolved incident",
        "bad duration",
        "bare number as the promise",
        "clock time as the promise",
        "date as the promise",
        "unknown component",
        "unknown component status",
        "time in the future",
        "maintenance without window",
        "unknown template",
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    site: Path, repo: StatusRepo, arguments: tuple[str, ...], error: str
) -> None:
    repo.write(
        "incidents/2026-11-21-api-errors/index.md", "---\ntitle: Slow API\nimpact: minor\n---\n"
    )
    repo.write(
        "incidents/2026-11-21-api-errors/2026-11-21T1000Z-investigating.md",
        "---\nat: 2026-11-21T10:00:00Z\nstatus: investigating\n---\nLooking.\n",
    )
    before = snapshot(site)
    result = herald(site, *arguments)
    assert result.returncode == 2
    assert result.stderr.strip() == error
    assert result.stdout == ""
    assert snapshot(site) == before


def test_broken_content_is_refused_before_anything_is_written(site: Path, repo: StatusRepo) -> None:
    repo.write(f"{INCIDENT}/index.md", "---\ntitle: API\nimpact: majr\n---\n")
    before = snapshot(site)
    result = herald(site, "new", "Slow API")
    assert result.returncode == 2
    assert result.stderr.splitlines()[:2] == [
        "herald: the content already has problems:",
        f"{INCIDENT}/index.md:3: 'impact': 'majr' is not a known impact (did you mean 'major'?)"
        " (fix them first; herald check lists them)",
    ]
    assert snapshot(site) == before


def test_message_from_standard_input_and_from_an_editor(site: Path, tmp_path: Path) -> None:
    assert (
        herald(site, "new", "Slow API", "--component", "api=degraded_performance").returncode == 0
    )
    piped = herald(
        site,
        "update",
        "slow",
        "--status",
        "identified",
        "--message-file",
        "-",
        stdin="A slow query. We are fixing it.\n",
        epoch=T1210,
    )
    assert piped.returncode == 0, piped.stderr
    folder = site / "incidents/2026-11-25-slow-api"
    assert (
        (folder / "2026-11-25T1210Z-identified.md")
        .read_text("utf-8")
        .endswith("---\nA slow query. We are fixing it.\n")
    )
    # A real editor: a script that appends a line to the prefilled message.
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\necho "Edited by the on-call engineer." >> "$1"\n', "utf-8")
    editor.chmod(0o755)
    edited = herald(
        site, "update", "slow", "--status", "monitoring", epoch=T1230, EDITOR=str(editor)
    )
    assert edited.returncode == 0, edited.stderr
    text = (folder / "2026-11-25T1230Z-monitoring.md").read_text("utf-8")
    assert "A fix is in place and REST API is recovering." in text
    assert text.endswith("Edited by the on-call engineer.\n")
    failing = tmp_path / "fail.sh"
    failing.write_text("#!/bin/sh\nexit 3\n", "utf-8")
    failing.chmod(0o755)
    before = snapshot(site)
    refused = herald(site, "resolve", "slow", "--edit", epoch="1795610000", EDITOR=str(failing))
    assert refused.returncode == 2
    assert refused.stderr.strip() == "herald: the editor exited with 3; nothing was written"
    assert snapshot(site) == before


def test_summary_says_what_customers_will_see(site: Path, tmp_path: Path) -> None:
    base = tmp_path / "base"
    shutil.copytree(site, base)
    herald(site, "new", "Login failures", "--component", "dashboard=major_outage", "-m", "x")
    result = herald(site, "summary", "--before", str(base))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "## What this change shows customers",
        "",
        "As of 25 Nov 2026, 12:00 UTC.",
        "",
        "- **Overall status:** All Systems Operational → **Major System Outage**",
        "- **Dashboard:** Operational → **Major outage**",
        "- **New incident:** “Login failures” (critical impact, investigating), with 1 update.",
    ]


def test_postmortem_starts_from_its_template(site: Path) -> None:
    result = herald(site, "postmortem", "2026-11-20")
    assert result.returncode == 0, result.stderr
    report = (site / f"{INCIDENT}/postmortem.md").read_text("utf-8")
    assert report.startswith("---\npublished: 2026-11-25T12:00:00Z\n---\n## What happened\n")
    assert "REST API was affected for 50 minutes. [[Describe what customers saw.]]" in report
    # The draft is the author's to fill in: until then it is a problem, never published.
    check = herald(site, "check")
    assert check.returncode == 1
    assert check.stdout.splitlines() == [
        f"{INCIDENT}/postmortem.md:{line}: the post-incident report still has the template's"
        f" placeholder '[[{text}]]' (replace the template's placeholder with what happened)"
        for line, text in (
            (6, "Describe what customers saw."),
            (10, "Describe the cause in plain words, without blame."),
            (14, "List what changes so that this does not happen again."),
        )
    ] + ["Found 3 problems in 1 file; nothing was published."]
    build = build_site(site)
    assert build.returncode == 1
    assert all(line in build.stderr for line in check.stdout.splitlines()[:3])
    filled = re.sub(r"\[\[[^\]]*\]\]", "What we found.", report)
    (site / f"{INCIDENT}/postmortem.md").write_text(filled, encoding="utf-8")
    assert herald(site, "check", "--strict").returncode == 0
    again = herald(site, "postmortem", "2026-11-20")
    assert again.returncode == 2
    assert again.stderr.strip() == (
        f"herald: {INCIDENT}/postmortem.md already exists (edit it instead)"
    )


def test_promises_on_another_day_name_the_day_and_no_promise_says_nothing(site: Path) -> None:
    later = herald(site, "new", "Slow API", "--next", "2026-11-27T09:00Z")
    assert later.returncode == 0, later.stderr
    first = site / "incidents/2026-11-25-slow-api/2026-11-25T1200Z-investigating.md"
    assert "We will post another update by 27 Nov 2026, 09:00 UTC." in first.read_text("utf-8")
    silent = herald(site, "new", "Quiet API", "--next", "none")
    assert silent.returncode == 0, silent.stderr
    text = (site / "incidents/2026-11-25-quiet-api/2026-11-25T1200Z-investigating.md").read_text(
        "utf-8"
    )
    assert "next_update" not in text and "another update" not in text


@pytest.mark.parametrize("folder", ["../escaped", "/tmp/abs", ".hidden", "sub/dir", "Caps"])
def test_id_must_be_one_folder_name(site: Path, folder: str) -> None:
    before = snapshot(site)
    result = herald(site, "new", "X", "-m", "x", "--id", folder)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"herald: --id {folder!r} cannot be an incident folder (use lowercase letters, digits"
        " and hyphens, e.g. 2026-11-20-api-errors)"
    )
    assert snapshot(site) == before
    assert not (site / "escaped").exists() and not (site / "incidents/sub").exists()


def test_title_must_be_one_line(site: Path) -> None:
    result = herald(site, "new", "Evil\n- **Removes** nothing", "-m", "x")
    assert result.returncode == 2
    assert result.stderr.strip() == "herald: the title has a line break (write it on one line)"


def test_update_never_writes_through_a_link_out_of_the_repository(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    created = herald(site, "new", "Elevated API errors", "-m", "Slow.", "--impact", "minor")
    assert created.returncode == 0, created.stderr
    outside = tmp_path_factory.mktemp("outside") / "planted.md"
    trap = site / NEW / "2026-11-25T1210Z-identified.md"
    trap.symlink_to(outside)  # dangling: "does not exist", and writing to it would follow it
    before = snapshot(site)
    result = herald(site, "update", NEW, "--status", "identified", "-m", "Found.", epoch=T1210)
    assert result.returncode == 2
    assert f"{NEW}/2026-11-25T1210Z-identified.md:1: is a link to a place outside the" in (
        result.stderr
    )
    assert not outside.exists()
    assert snapshot(site) == before and trap.is_symlink()


def test_a_message_with_control_characters_is_refused_before_it_is_written(site: Path) -> None:
    before = snapshot(site)
    result = herald(site, "new", "Slow API", "-m", "Errors: \x1b[31mFAILED\x1b[0m")
    assert result.returncode == 2
    assert "the text has the control character U+001B (escape)" in result.stderr
    assert "\x1b" not in result.stderr
    assert snapshot(site) == before


def test_message_templates_cannot_reach_python_or_leave_the_repository(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    created = herald(site, "new", "Elevated API errors", "-m", "Slow.", "--impact", "minor")
    assert created.returncode == 0, created.stderr
    (site / "templates").mkdir()
    (site / "templates/identified.md").write_text(
        "{{ cycler.__init__.__globals__.os.popen('echo pwned').read() }}", encoding="utf-8"
    )
    before = snapshot(site)
    result = herald(site, "update", NEW, "--status", "identified", epoch=T1210)
    assert result.returncode == 2
    assert "message template 'identified' failed" in result.stderr
    assert "pwned" not in result.stdout + result.stderr
    assert snapshot(site) == before
    outside = tmp_path_factory.mktemp("outside") / "passwd"
    outside.write_text("root:x:0:0\n", encoding="utf-8")
    (site / "templates/identified.md").unlink()
    (site / "templates/identified.md").symlink_to(outside)
    result = herald(site, "update", NEW, "--status", "identified", epoch=T1210)
    assert result.returncode == 2
    assert "templates/identified.md is a link out of the repository" in result.stderr
    assert snapshot(site) == before


def test_commands_run_back_to_back_take_the_next_free_second(site: Path) -> None:
    created = herald(site, "new", "Elevated API errors", "-m", "Errors.", "--impact", "minor")
    assert created.returncode == 0, created.stderr
    updated = herald(site, "update", NEW, "--status", "identified", "-m", "Found it.")
    assert updated.returncode == 0, updated.stderr
    assert updated.stdout.splitlines()[:2] == [
        f"wrote {NEW}/2026-11-25T1200Z-identified.md",
        "Posted at 2026-11-25T12:00:01Z, a second after the latest update"
        " (2026-11-25-elevated-api-errors already has one from this second).",
    ]
    resolved = herald(site, "resolve", NEW, "-m", "Fixed.")
    assert resolved.returncode == 0, resolved.stderr
    assert (
        (site / NEW / "2026-11-25T1200Z-resolved.md")
        .read_text("utf-8")
        .startswith("---\nat: 2026-11-25T12:00:02Z\nstatus: resolved\n")
    )
    checked = herald(site, "check")
    assert checked.returncode == 0, checked.stdout
    # Two updates at one time written by hand are still refused.
    (site / NEW / "2026-11-25T1200Z-monitoring.md").write_text(
        "---\nat: 2026-11-25T12:00:01Z\nstatus: monitoring\n---\nWatching.\n", encoding="utf-8"
    )
    assert "two updates have the same time" in herald(site, "check").stdout


def _open_incident(repo: StatusRepo, incident_id: str, at: str, kind: str = "incident") -> None:
    """An incident (or maintenance) with one update, still open at the tests' now."""
    window = (
        "scheduled_start: 2026-12-02T06:00:00Z\nscheduled_end: 2026-12-02T08:00:00Z\n"
        if kind == "maintenance"
        else "impact: minor\n"
    )
    status = "scheduled" if kind == "maintenance" else "investigating"
    repo.write(
        f"incidents/{incident_id}/index.md",
        f"---\ntitle: {incident_id}\nkind: {kind}\n{window}---\n",
    )
    stamp = at.replace(":", "")[:15] + "Z"
    repo.write(
        f"incidents/{incident_id}/{stamp}-{status}.md",
        f"---\nat: {at}:00Z\nstatus: {status}\n---\nLooking.\n",
    )


def test_an_unknown_incident_names_the_closest_ids_and_the_open_ones_newest_first(
    site: Path, repo: StatusRepo
) -> None:
    _open_incident(repo, "2026-11-22-login-failures", "2026-11-22T08:00")
    _open_incident(repo, "2026-11-24-slow-dashboard", "2026-11-24T09:30")
    _open_incident(repo, "2026-11-23-database-upgrade", "2026-11-23T10:00", kind="maintenance")
    _open_incident(repo, "2026-11-24-api-latency", "2026-11-24T07:00")
    before = snapshot(site)

    typo = herald(site, "update", "api-erors", "--status", "identified", "-m", "x")
    assert typo.returncode == 2
    assert typo.stderr == (
        "herald: no incident 'api-erors' in incidents/ (did you mean '2026-11-20-api-errors'?"
        " still open, newest first: 2026-11-24-slow-dashboard, 2026-11-24-api-latency,"
        " 2026-11-23-database-upgrade, 2026-11-22-login-failures)\n"
    )
    dated = herald(site, "update", "2026-11-24-slow-dashbord", "--status", "identified")
    assert dated.stderr.startswith(
        "herald: no incident '2026-11-24-slow-dashbord' in incidents/"
        " (did you mean '2026-11-24-slow-dashboard'? still open, newest first: 2026-11-24-slow"
    )
    nothing_close = herald(site, "resolve", "nope")
    assert nothing_close.returncode == 2
    assert nothing_close.stderr == (
        "herald: no incident 'nope' in incidents/ (still open, newest first:"
        " 2026-11-24-slow-dashboard, 2026-11-24-api-latency, 2026-11-23-database-upgrade,"
        " 2026-11-22-login-failures)\n"
    )
    assert snapshot(site) == before
    repo.write(f"{INCIDENT}-2/index.md", "---\ntitle: API errors again\nimpact: minor\n---\n")
    repo.write(
        f"{INCIDENT}-2/2026-11-20T1600Z-investigating.md",
        "---\nat: 2026-11-20T16:00:00Z\nstatus: investigating\n---\nBack.\n",
    )
    repo.write(
        f"{INCIDENT}-2/2026-11-20T1700Z-resolved.md",
        "---\nat: 2026-11-20T17:00:00Z\nstatus: resolved\n---\nFixed.\n",
    )
    similar = herald(site, "postmortem", "2026-11-20-api-erors")
    assert similar.stderr.startswith(
        "herald: no incident '2026-11-20-api-erors' in incidents/ (did you mean"
        " '2026-11-20-api-errors' or '2026-11-20-api-errors-2'? still open, newest first:"
    )


def test_an_unknown_incident_with_many_open_or_none_open(site: Path, repo: StatusRepo) -> None:
    none_open = herald(site, "update", "nope", "--status", "identified")
    assert none_open.stderr == (
        "herald: no incident 'nope' in incidents/ (none is open; the latest:"
        " 2026-11-20-api-errors)\n"
    )
    for day in range(1, 8):
        _open_incident(repo, f"2026-11-0{day}-outage-{day}", f"2026-11-0{day}T10:00")
    many_open = herald(site, "update", "nope", "--status", "identified")
    assert many_open.stderr == (
        "herald: no incident 'nope' in incidents/ (still open, newest first:"
        " 2026-11-07-outage-7, 2026-11-06-outage-6, 2026-11-05-outage-5, 2026-11-04-outage-4,"
        " 2026-11-03-outage-3 and 2 more, which herald list shows)\n"
    )


@pytest.mark.parametrize(
    ("title", "folder"),
    [
        ("Elevated API errors!", "elevated-api-errors"),
        (
            "Database connections from the billing service are timing out intermittently",
            "database-connections-from-the-billing-service",
        ),
        (
            "Payments in the European region are failing for some card issuers",
            "payments-in-the-european-region-are-failing-for",
        ),
        (
            "Störung: Zahlungsabwicklung über Kreditkarten verzögert",
            "storung-zahlungsabwicklung-uber-kreditkarten",
        ),
        ("x" * 48 + " outage", "x" * 48),
        (
            "Unerreichbarkeitsbenachrichtigungsweiterleitungsdienststörung",
            "unerreichbarkeitsbenachrichtigungsweiterleitungs",
        ),
        ("!!!", "incident"),
    ],
    ids=[
        "short title",
        "cut after a whole word",
        "exactly the limit",
        "accents",
        "first word of exactly the limit",
        "one word longer than the limit",
        "no letters",
    ],
)
def test_a_title_becomes_a_folder_name_cut_at_a_word_boundary(
    site: Path, title: str, folder: str
) -> None:
    result = herald(site, "new", title, "-m", "Looking into it.", "--impact", "minor")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"wrote incidents/2026-11-25-{folder}/index.md"
    assert len(folder) <= 48 and not folder.endswith("-")
