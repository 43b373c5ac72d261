"""Problems whose hint must fit the mistake: a template's placeholder left in, an indented
line, a time read in the site's zone. Exact messages, lines and fixes, as ``herald check``
prints them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from ..conftest import INCIDENT, MKDOCS_YML, NOW, StatusRepo, build_site, run_herald
from .test_loader_problems import INDEX, RESOLVED, UPDATE, Case

CASES = [
    Case(
        "a template's placeholder left in a message",
        {
            UPDATE: "---\nat: 2026-11-20T14:10:00Z\nstatus: investigating\n---\n\n"
            "The API fails.\n[[Say who is affected.]]\n"
        },
        [
            f"{UPDATE}:7: the message still has the template's placeholder"
            " '[[Say who is affected.]]' (replace the template's placeholder with what happened)"
        ],
    ),
    Case(
        "a template's placeholder left in a summary",
        {INDEX: "---\ntitle: API errors\nimpact: major\n---\nIt began [[when]].\n"},
        [
            f"{INDEX}:5: the summary still has the template's placeholder '[[when]]'"
            " (replace the template's placeholder with what happened)"
        ],
    ),
    Case(
        "a template's placeholders left in a post-incident report",
        {
            f"{INCIDENT}/postmortem.md": "---\npublished: 2026-11-22T09:00:00Z\n---\n"
            "## What happened\n\nIt lasted 50 minutes. [[Describe what customers saw.]]\n\n"
            "## Why it happened\n\n[[Describe the cause in plain words, without blame.]]\n"
        },
        [
            f"{INCIDENT}/postmortem.md:6: the post-incident report still has the template's"
            " placeholder '[[Describe what customers saw.]]' (replace the template's"
            " placeholder with what happened)",
            f"{INCIDENT}/postmortem.md:10: the post-incident report still has the template's"
            " placeholder '[[Describe the cause in plain words, without blame.]]' (replace the"
            " template's placeholder with what happened)",
        ],
    ),
    Case(
        "an over-indented line under 'affected:'",
        {
            INDEX: "---\ntitle: API errors\nimpact: major\naffected:\n  api: partial_outage\n"
            "    dashboard: degraded_performance\n---\n"
        },
        [
            f"{INDEX}:6: invalid YAML: mapping values are not allowed in this context"
            " (line up the keys under 'affected:')"
        ],
    ),
    Case(
        "an under-indented line under 'affected:'",
        {
            INDEX: "---\ntitle: API errors\nimpact: major\naffected:\n    api: partial_outage\n"
            "  dashboard: degraded_performance\n---\n"
        },
        [
            f"{INDEX}:6: invalid YAML: did not find expected key"
            " (line up the keys under 'affected:')"
        ],
    ),
    Case(
        "an indented setting after a value",
        {UPDATE: "---\nat: 2026-11-20T14:10:00Z\n  status: investigating\n---\nText.\n"},
        [
            f"{UPDATE}:3: invalid YAML: mapping values are not allowed in this context"
            " (line up 'status:' with 'at:' above it)"
        ],
    ),
    Case(
        "a title with ': ' in it",
        {INDEX: "---\ntitle: API errors: 5xx on writes\nimpact: major\n---\n"},
        [
            f"{INDEX}:2: invalid YAML: mapping values are not allowed in this context"
            " (put quotes around a value that contains ': ')"
        ],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_hint_fits_its_mistake(repo: StatusRepo, case: Case) -> None:
    for relative, text in case.files.items():
        repo.write(relative, text)
    assert repo.problems() == case.expected


def test_times_in_problems_read_as_their_author_wrote_them(repo: StatusRepo) -> None:
    """To the minute (no microseconds from the clock), at the author's offset or in the
    zone named; and the fix for a time without an offset says where it was read."""
    now = NOW.replace(second=10, microsecond=123456)
    later = f"{INCIDENT}/2026-11-25T1230Z-monitoring.md"
    soon = f"{INCIDENT}/2026-11-25T1200Z-monitoring.md"
    repo.write(INDEX, "---\ntitle: API errors\nimpact: major\nstarted: 2026-11-25 14:00\n---\n")
    repo.write(RESOLVED, "---\nat: 2026-11-25 13:30\nstatus: identified\n---\nFound it.\n")
    repo.write(later, "---\nat: 2026-11-25T14:30+01:00\nstatus: monitoring\n---\nWatching.\n")
    repo.write(soon, "---\nat: 2026-11-25T12:00:50Z\nstatus: monitoring\n---\nWatching.\n")
    repo.write(
        f"{INCIDENT}/postmortem.md", "---\npublished: 2026-11-25 1330\n---\n## What happened\n"
    )
    assert repo.problems(now=now, zone=ZoneInfo("Europe/Berlin")) == [
        f"{INCIDENT}/2026-11-20T1500Z-resolved.md:2: 'at' is in the future (now is"
        " 2026-11-25 13:00 in Europe/Berlin) (post updates when they happen; announce future"
        " work as maintenance; times without an offset are read in Europe/Berlin)",
        f"{soon}:2: 'at' is in the future (now is 2026-11-25T12:00:10Z) (post updates when"
        " they happen; announce future work as maintenance)",
        f"{later}:2: 'at' is in the future (now is 2026-11-25T13:00+01:00) (post updates when"
        " they happen; announce future work as maintenance)",
        f"{INDEX}:4: 'started' is in the future (now is 2026-11-25 13:00 in Europe/Berlin)"
        " (give the time the problem began; times without an offset are read in"
        " Europe/Berlin)",
        f"{INCIDENT}/postmortem.md:2: 'published': '2026-11-25 1330' is not a timestamp"
        " (write it as ISO 8601, e.g. 2026-11-20 14:10, read in Europe/Berlin; or with its"
        " offset, 2026-11-20T14:10:00Z)",
    ]


def test_check_and_build_name_the_sites_zone_for_a_time_without_an_offset(
    repo: StatusRepo,
) -> None:
    config = MKDOCS_YML.replace("  - herald\n", "  - herald:\n      timezone: Europe/Berlin\n")
    (repo.root / "mkdocs.yml").write_text(config, encoding="utf-8")
    repo.write(RESOLVED, "---\nat: 2026-11-25 13:30\nstatus: resolved\n---\nFixed.\n")
    problem = (
        f"{RESOLVED}:2: 'at' is in the future (now is 2026-11-25 13:00 in Europe/Berlin)"
        " (post updates when they happen; announce future work as maintenance; times without"
        " an offset are read in Europe/Berlin)"
    )
    check = run_herald(repo.root, "check")
    assert check.returncode == 1
    assert check.stdout.splitlines()[0] == problem
    build = build_site(repo.root)
    assert build.returncode == 1
    assert problem in build.stderr and "Traceback" not in build.stderr
