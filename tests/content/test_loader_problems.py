"""Every kind of content problem: one broken file each, the exact message and line.

Each case starts from the valid repository in ``conftest.StatusRepo``, writes or
replaces files, and asserts everything ``herald check`` would print.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from ..conftest import INCIDENT, StatusRepo

UPDATE = f"{INCIDENT}/2026-11-20T1410Z-investigating.md"
RESOLVED = f"{INCIDENT}/2026-11-20T1500Z-resolved.md"
INDEX = f"{INCIDENT}/index.md"
MAINTENANCE = "incidents/2026-11-30-database-upgrade"

MAINTENANCE_INDEX = """\
---
title: Database upgrade
kind: maintenance
affected:
  api: under_maintenance
scheduled_start: 2026-11-30T06:00:00Z
scheduled_end: 2026-11-30T08:00:00Z
---
"""
MAINTENANCE_ANNOUNCEMENT = """\
---
at: 2026-11-23T10:00:00Z
status: scheduled
---
We will upgrade the API database on 30 November from 06:00 to 08:00 UTC.
"""
OTHER_UPDATE = "---\nat: 2026-11-21T10:00:00Z\nstatus: investigating\n---\nLooking into it.\n"


@dataclass
class Case:
    name: str
    files: dict[str, str | bytes]
    expected: list[str]
    removed: list[str] = field(default_factory=list)


CASES = [
    Case(
        "malformed YAML",
        {UPDATE: "---\nat: 2026-11-20T14:10:00Z\nstatus: investigating: now\n---\nText.\n"},
        [
            f"{UPDATE}:3: invalid YAML: mapping values are not allowed in this context"
            " (put quotes around a value that contains ': ')"
        ],
    ),
    Case(
        "no front matter",
        {UPDATE: "We are investigating.\n"},
        [
            f"{UPDATE}:1: the file does not start with front matter (begin the file with a line"
            " '---', the YAML settings, then another '---')"
        ],
    ),
    Case(
        "front matter not closed",
        {UPDATE: "---\nat: 2026-11-20T14:10:00Z\nstatus: investigating\nText.\n"},
        [f"{UPDATE}:1: the front matter is not closed (add a line '---' after the YAML settings)"],
    ),
    Case(
        "front matter is a list",
        {UPDATE: "---\n- at\n- status\n---\nText.\n"},
        [
            f"{UPDATE}:2: the front matter is not a set of 'key: value' settings"
            " (write each setting as 'key: value' on its own line)"
        ],
    ),
    Case(
        "tab indentation",
        {INDEX: "---\ntitle: API errors\nimpact: major\naffected:\n\tapi: partial_outage\n---\n"},
        [
            f"{INDEX}:5: invalid YAML: found character that cannot start any token"
            " (indent with spaces, not tabs)"
        ],
    ),
    Case(
        "duplicate key",
        {
            UPDATE: "---\nat: 2026-11-20T14:10:00Z\nstatus: investigating\nat: 2026-11-20T14:20Z\n"
            "---\nText.\n"
        },
        [f"{UPDATE}:4: 'at' is given twice (first on line 2) (keep one of them)"],
    ),
    Case(
        "missing required field",
        {UPDATE: "---\nstatus: investigating\n---\nText.\n"},
        [
            f"{UPDATE}:2: 'at' is missing (add 'at: ' with the time the update is posted,"
            " e.g. 2026-11-20T14:10:00Z)"
        ],
    ),
    Case(
        "unknown key with a suggestion",
        {
            UPDATE: "---\nat: 2026-11-20T14:10:00Z\nstatus: investigating\nnext_updte: 30m\n---\n"
            "Text.\n"
        },
        [f"{UPDATE}:4: unknown key 'next_updte' in an update (did you mean 'next_update'?)"],
    ),
    Case(
        "unknown key without a close match",
        {INDEX: "---\ntitle: API errors\nimpact: major\nseverity: high\n---\n"},
        [
            f"{INDEX}:4: unknown key 'severity' in index.md (allowed: title, kind, impact,"
            " affected, started, scheduled_start, scheduled_end)"
        ],
    ),
    Case(
        "unknown component id",
        {INDEX: "---\ntitle: API errors\nimpact: major\naffected:\n  apii: partial_outage\n---\n"},
        [
            f"{INDEX}:5: unknown component 'apii' in 'affected' (did you mean 'api'?"
            " ids are listed in components.yml)"
        ],
    ),
    Case(
        "unknown component status",
        {INDEX: "---\ntitle: API errors\nimpact: major\naffected:\n  api: partial\n---\n"},
        [f"{INDEX}:5: 'partial' is not a component status (did you mean 'partial_outage'?)"],
    ),
    Case(
        "operational in index.md",
        {INDEX: "---\ntitle: API errors\nimpact: major\naffected:\n  api: operational\n---\n"},
        [
            f"{INDEX}:5: a component cannot be 'operational' in index.md"
            " (give the status it has while the incident is open)"
        ],
    ),
    Case(
        "unknown kind",
        {INDEX: "---\ntitle: API errors\nkind: outage\nimpact: major\n---\n"},
        [
            f"{INDEX}:3: 'kind': 'outage' is not a known kind"
            " (use one of: incident, maintenance, notice)"
        ],
    ),
    Case(
        "unknown impact",
        {INDEX: "---\ntitle: API errors\nimpact: majr\n---\n"},
        [f"{INDEX}:3: 'impact': 'majr' is not a known impact (did you mean 'major'?)"],
    ),
    Case(
        "title with a line break",
        {INDEX: '---\ntitle: "API errors\\nBcc: someone@example.com"\nimpact: major\n---\n'},
        [f"{INDEX}:2: 'title': it has a line break (write it on one line)"],
    ),
    Case(
        "missing impact on an incident",
        {INDEX: "---\ntitle: API errors\n---\n"},
        [f"{INDEX}:2: 'impact' is missing (add 'impact: none | minor | major | critical')"],
    ),
    Case(
        "unknown update status",
        {UPDATE: "---\nat: 2026-11-20T14:10:00Z\nstatus: investigatng\n---\nText.\n"},
        [
            f"{UPDATE}:3: 'status': 'investigatng' is not a known status (did you mean"
            " 'investigating'?)"
        ],
    ),
    Case(
        "update status wrong for an incident",
        {UPDATE: "---\nat: 2026-11-20T14:10:00Z\nstatus: in_progress\n---\nText.\n"},
        [
            f"{UPDATE}:3: 'in_progress' is not a status for an incident"
            " (use one of: investigating, identified, monitoring, resolved)"
        ],
    ),
    Case(
        "update status wrong for maintenance",
        {
            f"{MAINTENANCE}/index.md": MAINTENANCE_INDEX,
            f"{MAINTENANCE}/2026-11-23T1000Z-scheduled.md": MAINTENANCE_ANNOUNCEMENT.replace(
                "status: scheduled", "status: investigating"
            ),
        },
        [
            f"{MAINTENANCE}/2026-11-23T1000Z-scheduled.md:3: 'investigating' is not a status"
            " for a maintenance (use one of: scheduled, in_progress, verifying, completed)"
        ],
    ),
    Case(
        "bare date where a time is needed",
        {UPDATE: "---\nat: 2026-11-20\nstatus: investigating\n---\nText.\n"},
        [
            f"{UPDATE}:2: 'at': '2026-11-20' is a date without a time (add the time, e.g."
            " 2026-11-20 14:10, read in UTC; or with its offset, 2026-11-20T14:10:00Z)"
        ],
    ),
    Case(
        "impossible offset",
        {UPDATE: "---\nat: 2026-11-20T14:10:00+25:00\nstatus: investigating\n---\nText.\n"},
        [
            f"{UPDATE}:2: 'at': '2026-11-20T14:10:00+25:00' is not a timestamp"
            " (write it as ISO 8601 with its offset, e.g. 2026-11-20T14:10:00Z)"
        ],
    ),
    Case(
        "update before the incident's start",
        {INDEX: "---\ntitle: API errors\nimpact: major\nstarted: 2026-11-20T14:30:00Z\n---\n"},
        [
            f"{UPDATE}:2: this update is before the incident's start (2026-11-20T14:30:00Z)"
            f" (correct 'at', or move 'started' in {INDEX} earlier)"
        ],
    ),
    Case(
        "maintenance window ends before it starts",
        {
            f"{MAINTENANCE}/index.md": MAINTENANCE_INDEX.replace(
                "scheduled_end: 2026-11-30T08:00:00Z", "scheduled_end: 2026-11-30T05:00:00Z"
            ),
            f"{MAINTENANCE}/2026-11-23T1000Z-scheduled.md": MAINTENANCE_ANNOUNCEMENT,
        },
        [
            f"{MAINTENANCE}/index.md:7: the maintenance window ends before it starts"
            " (make scheduled_end later than scheduled_start)"
        ],
    ),
    Case(
        "maintenance without a window",
        {
            f"{MAINTENANCE}/index.md": "---\ntitle: Database upgrade\nkind: maintenance\n---\n",
            f"{MAINTENANCE}/2026-11-23T1000Z-scheduled.md": MAINTENANCE_ANNOUNCEMENT,
        },
        [
            f"{MAINTENANCE}/index.md:2: 'scheduled_start' is missing"
            " (give the maintenance window, e.g. 2026-12-02T06:00:00Z)",
            f"{MAINTENANCE}/index.md:2: 'scheduled_end' is missing"
            " (give the maintenance window, e.g. 2026-12-02T06:00:00Z)",
        ],
    ),
    Case(
        "a window on an incident",
        {INDEX: "---\ntitle: API errors\nimpact: major\nscheduled_end: 2026-11-20T16:00Z\n---\n"},
        [
            f"{INDEX}:4: 'scheduled_end' applies only to maintenance (remove it, or set"
            " 'kind: maintenance')"
        ],
    ),
    Case(
        "update after the resolving one",
        {
            f"{INCIDENT}/2026-11-20T1510Z-monitoring.md": "---\nat: 2026-11-20T15:10:00Z\n"
            "status: monitoring\n---\nStill watching.\n"
        },
        [
            f"{INCIDENT}/2026-11-20T1510Z-monitoring.md:2: this update comes after the resolved"
            " update 2026-11-20T1500Z-resolved.md (an incident ends with its resolved update:"
            " change that one to another status, or correct the times)"
        ],
    ),
    Case(
        "update in the future",
        {
            RESOLVED: "---\nat: 2026-11-25T12:01:00Z\nstatus: resolved\n---\nFixed.\n",
        },
        [
            f"{RESOLVED}:2: 'at' is in the future (now is 2026-11-25T12:00Z)"
            " (post updates when they happen; announce future work as maintenance)"
        ],
    ),
    Case(
        "two updates at the same time",
        {
            f"{INCIDENT}/2026-11-20T1410Z-identified.md": "---\nat: 2026-11-20T14:10:00Z\n"
            "status: identified\n---\nFound it.\n"
        },
        [
            f"{UPDATE}:2: two updates have the same time (2026-11-20T14:10:00Z): this one and"
            " 2026-11-20T1410Z-identified.md (give each update its own 'at')"
        ],
    ),
    Case(
        "next_update before the update",
        {
            UPDATE: "---\nat: 2026-11-20T14:10:00Z\nstatus: investigating\n"
            "next_update: 2026-11-20T14:00:00Z\n---\nText.\n"
        },
        [
            f"{UPDATE}:4: 'next_update' is not after the update's 'at' (promise a time after"
            " the update is posted, or a duration such as 30m)"
        ],
    ),
    Case(
        "next_update unreadable",
        {
            UPDATE: "---\nat: 2026-11-20T14:10:00Z\nstatus: investigating\nnext_update: soon\n"
            "---\nText.\n"
        },
        [
            f"{UPDATE}:4: 'next_update': 'soon' is neither a duration nor a timestamp (write a"
            " duration such as 30m or 1h, or a time such as 2026-11-20T14:40:00Z)"
        ],
    ),
    Case(
        "next_update on a resolved update",
        {
            RESOLVED: "---\nat: 2026-11-20T15:00:00Z\nstatus: resolved\nnext_update: 1h\n---\n"
            "Fixed.\n"
        },
        [f"{RESOLVED}:4: a resolved update promises no next update (remove 'next_update')"],
    ),
    Case(
        "empty message",
        {UPDATE: "---\nat: 2026-11-20T14:10:00Z\nstatus: investigating\n---\n\n"},
        [
            f"{UPDATE}:4: the update has no message"
            " (write below the front matter what customers should know)"
        ],
    ),
    Case(
        "a notice that affects components",
        {INDEX: "---\ntitle: API v1 retires\nkind: notice\naffected:\n  api: major_outage\n---\n"},
        [
            f"{INDEX}:4: a notice cannot affect components"
            " (remove 'affected', or set 'kind: incident' if customers are affected)"
        ],
    ),
    Case(
        "empty incident folder",
        {"incidents/2026-11-21-nothing/notes.txt": "draft"},
        [
            "incidents/2026-11-21-nothing:1: the incident folder is empty"
            " (add index.md and a first update, or delete the folder)"
        ],
    ),
    Case(
        "incident without index.md",
        {"incidents/2026-11-21-no-index/2026-11-21T1000Z-investigating.md": OTHER_UPDATE},
        [
            "incidents/2026-11-21-no-index/index.md:1: the incident has no index.md (add it with"
            " the incident's title, kind, impact and affected components)"
        ],
    ),
    Case(
        "incident without updates",
        {"incidents/2026-11-21-no-updates/index.md": "---\ntitle: Slow API\nimpact: minor\n---\n"},
        [
            "incidents/2026-11-21-no-updates/index.md:1: the incident has no updates (add a first"
            " update beside index.md, e.g. 2026-11-20T1410Z-investigating.md; herald new writes"
            " one)"
        ],
    ),
    Case(
        "incident written as a single file",
        {"incidents/2026-11-21-api.md": "---\ntitle: Slow API\n---\n"},
        [
            "incidents/2026-11-21-api.md:1: incidents are folders, not single files (move it to"
            " incidents/2026-11-21-api/index.md and put each update in a file of its own beside"
            " it)"
        ],
    ),
    Case(
        "folder name unusable in URLs",
        {
            "incidents/API Errors/index.md": "---\ntitle: API errors\nimpact: minor\n---\n",
            "incidents/API Errors/2026-11-21T1000Z-investigating.md": OTHER_UPDATE,
        },
        [
            "incidents/API Errors:1: 'API Errors' cannot be used as an incident id in URLs"
            " (rename the folder with lowercase letters, digits and hyphens,"
            " e.g. 2026-11-20-api-errors)"
        ],
    ),
    Case(
        "post-incident report without a date",
        {f"{INCIDENT}/postmortem.md": "---\ntitle: Report\n---\n## What happened\nA bug.\n"},
        [
            f"{INCIDENT}/postmortem.md:2: unknown key 'title' in a post-incident report"
            " (allowed: published)",
            f"{INCIDENT}/postmortem.md:2: 'published' is missing"
            " (add 'published: ' with the time it was published)",
        ],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_problem_is_reported_with_its_line_and_fix(repo: StatusRepo, case: Case) -> None:
    for relative, text in case.files.items():
        repo.write(relative, text)
    assert repo.problems() == case.expected


COMPONENT_CASES = [
    Case(
        "duplicate component id",
        {
            "components.yml": "components:\n  - id: api\n    name: REST API\n  - id: api\n"
            "    name: API again\n"
        },
        [
            "components.yml:4: component id 'api' is used twice (first on line 2)"
            " (give each component and group its own id)"
        ],
    ),
    Case(
        "group inside a group",
        {
            "components.yml": "components:\n  - id: outer\n    name: Outer\n    components:\n"
            "      - id: inner\n        name: Inner\n        components:\n"
            "          - id: deep\n            name: Deep\n"
        },
        [
            "components.yml:7: group 'inner' is inside group 'outer'"
            " (groups hold components only: move it to the top level)",
        ],
    ),
    Case(
        "component without a name",
        {"components.yml": "components:\n  - id: api\n"},
        ["components.yml:2: 'name' is missing (add the customer-facing name)"],
    ),
    Case(
        "unusable id",
        {"components.yml": "components:\n  - id: REST API\n    name: REST API\n"},
        [
            "components.yml:2: 'id': 'REST API' is not a usable id"
            " (use lowercase letters, digits and hyphens, e.g. email-delivery)"
        ],
    ),
    Case(
        "since is not a date",
        {"components.yml": "components:\n  - id: api\n    name: API\n    since: March\n"},
        [
            "components.yml:4: 'since': 'March' is not a date"
            " (write it as YYYY-MM-DD, e.g. 2026-03-01)"
        ],
    ),
    Case(
        "hidden flag is not true or false",
        {
            "components.yml": "components:\n  - id: api\n    name: API\n"
            "    hidden_unless_affected: yes\n"
        },
        [
            "components.yml:4: 'hidden_unless_affected': 'yes' is not true or false"
            " (write true or false)"
        ],
    ),
    Case(
        "no components list",
        {"components.yml": "- id: api\n  name: API\n"},
        [
            "components.yml:1: the file has no 'components:' list"
            " (start it with 'components:' followed by '- id: ...' entries)"
        ],
    ),
]


@pytest.mark.parametrize("case", COMPONENT_CASES, ids=[case.name for case in COMPONENT_CASES])
def test_component_file_problems(repo: StatusRepo, case: Case) -> None:
    for relative, text in case.files.items():
        repo.write(relative, text)
    problems = repo.problems()
    # The valid incident refers to 'api', which some cases remove; only compare the
    # components.yml lines.
    assert [line for line in problems if line.startswith("components.yml")] == case.expected


def test_every_problem_in_every_file_is_reported_at_once(repo: StatusRepo) -> None:
    repo.write(
        INDEX, "---\ntitle: API errors\nimpact: majr\naffected:\n  apii: major_outage\n---\n"
    )
    repo.write(UPDATE, "---\nat: 2026-11-20\nstatus: investigating\n---\nText.\n")
    repo.write(RESOLVED, "---\nat: 2026-11-20T15:00:00Z\nstatus: resolvd\n---\nFixed.\n")
    problems = repo.problems()
    assert [line.split(": ", 1)[0] for line in problems] == [
        f"{UPDATE}:2",
        f"{RESOLVED}:3",
        f"{INDEX}:3",
        f"{INDEX}:5",
    ]


def test_missing_components_file_and_incidents_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    repo = StatusRepo(tmp_path)
    repo.remove("components.yml")
    for path in sorted((tmp_path / "incidents").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (tmp_path / "incidents").rmdir()
    assert repo.problems() == [
        "components.yml:1: the components file is missing (create it with a 'components:' list)",
        "incidents:1: the incidents folder is missing"
        " (create it, with an empty .gitkeep file so that git keeps it)",
    ]


def test_compact_and_out_of_range_times_are_refused(repo: StatusRepo) -> None:
    repo.write(INDEX, "---\ntitle: API errors\nimpact: major\nstarted: 20261120\n---\n")
    repo.write(UPDATE, "---\nat: 9999-12-31T23:59:59-01:00\nstatus: investigating\n---\nText.\n")
    repo.write(RESOLVED, "---\nat: 2026-11-20T15:00:00Z\nstatus: resolved\n---\nFixed.\n")
    repo.write(
        f"{INCIDENT}/2026-11-20T1420Z-identified.md",
        "---\nat: 2026-11-20T14:20:00Z\nstatus: identified\nnext_update: 3000000d\n---\nFound.\n",
    )
    assert repo.problems() == [
        f"{INCIDENT}/2026-11-20T1410Z-investigating.md:2: 'at': '9999-12-31T23:59:59-01:00'"
        " is out of range (give a real date, e.g. 2026-11-20T14:10:00Z)",
        f"{INCIDENT}/2026-11-20T1420Z-identified.md:4: 'next_update': '3000000d' is longer"
        " than a year (give a shorter duration)",
        f"{INDEX}:4: 'started': '20261120' is not a timestamp (write it as ISO 8601, e.g."
        " 2026-11-20 14:10, read in UTC; or with its offset, 2026-11-20T14:10:00Z)",
    ]


def test_local_times_that_a_dst_change_skips_or_repeats(repo: StatusRepo) -> None:
    from zoneinfo import ZoneInfo

    repo.write(UPDATE, "---\nat: 2026-03-29 02:40\nstatus: investigating\n---\nText.\n")
    repo.write(RESOLVED, "---\nat: 2026-10-25 02:30\nstatus: resolved\n---\nFixed.\n")
    assert repo.problems(zone=ZoneInfo("Europe/Berlin")) == [
        f"{UPDATE}:2: 'at': '2026-03-29 02:40' does not exist in Europe/Berlin (the clocks skip"
        " it) (check the time, and write it with its UTC offset)",
        f"{RESOLVED}:2: 'at': '2026-10-25 02:30' happens twice in Europe/Berlin (the clocks go"
        " back) (add the UTC offset you mean: +02:00 or +01:00)",
    ]


def test_an_update_saved_with_another_ending_is_reported(repo: StatusRepo) -> None:
    repo.remove(RESOLVED)
    repo.write(
        f"{INCIDENT}/2026-11-20T1500Z-resolved.MD",
        "---\nat: 2026-11-20T15:00:00Z\nstatus: resolved\n---\nFixed.\n",
    )
    assert repo.problems() == [
        f"{INCIDENT}/2026-11-20T1500Z-resolved.MD:1: Herald reads only files ending in .md;"
        " this one is skipped (rename it to 2026-11-20T1500Z-resolved.md)"
    ]


def test_a_broken_components_file_is_the_only_problem_reported(repo: StatusRepo) -> None:
    repo.write("components.yml", "components:\n  - id: api\n   name: REST API\n")
    problems = repo.problems()
    assert len(problems) == 1
    assert problems[0].startswith("components.yml:3: invalid YAML")


def test_paths_of_the_wrong_kind(repo: StatusRepo) -> None:
    import shutil

    shutil.rmtree(repo.root / "incidents")
    repo.write("incidents", "not a folder")
    repo.remove("components.yml")
    (repo.root / "components.yml").mkdir()
    assert repo.problems() == [
        "components.yml:1: the components file is a folder, not a file"
        " (create it with a 'components:' list)",
        "incidents:1: the incidents folder is a file, not a folder"
        " (create it, with an empty .gitkeep file so that git keeps it)",
    ]


def test_an_unreadable_folder_is_a_problem_not_a_crash(repo: StatusRepo) -> None:
    loop = repo.root / "incidents" / "2026-11-21-loop"
    loop.symlink_to(loop)
    assert repo.problems() == [
        "incidents/2026-11-21-loop:1: cannot be read: Too many levels of symbolic links (check it)"
    ]
