"""The outage record's decisions, at fixed times: one draft per outage, one recovery."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from site_plugin.content.measurements import Outcome, ProbeResult
from site_plugin.content.model import ComponentStatus
from site_plugin.errors import MonitorError
from site_plugin.monitor.outages import (
    MAX_EVIDENCE,
    ExtendDraft,
    Failure,
    OpenDraft,
    OutageState,
    Recover,
    RefreshEvidence,
    closed,
    decide,
    evidence_lines,
    extended,
    load_state,
    opened,
    probe_failure,
    probe_recovery,
    result_line,
    save_state,
    with_recovered,
)

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def results(*outcomes: Outcome, status_code: int | None = None) -> list[ProbeResult]:
    return [
        ProbeResult(at(5 * index), outcome, status_code, 100 if outcome.is_available else None)
        for index, outcome in enumerate(outcomes)
    ]


UP, DOWN, SLOW = Outcome.UP, Outcome.REFUSED, Outcome.SLOW


def failure(component_id: str, minutes: int = 10, evidence: tuple[str, ...] = ("x",)) -> Failure:
    return Failure(component_id, at(minutes), ComponentStatus.MAJOR_OUTAGE, evidence)


def test_a_failure_needs_that_many_failed_probes_in_a_row() -> None:
    assert probe_failure("api", results(UP, DOWN, DOWN), 3) is None
    assert probe_failure("api", results(DOWN, UP, DOWN, DOWN), 3) is None
    found = probe_failure("api", results(UP, UP, DOWN, DOWN, DOWN, DOWN), 3)
    assert found is not None
    # It began with the first failure of the unbroken run, not the Nth.
    assert found.since == at(10)
    assert found.status is ComponentStatus.MAJOR_OUTAGE
    assert len(found.evidence) == 3
    assert found.evidence[-1].startswith("2026-12-01 12:25:00 UTC: refused")


@pytest.mark.parametrize(
    ("outcome", "code", "status"),
    [
        (Outcome.SLOW, 200, ComponentStatus.DEGRADED_PERFORMANCE),
        (Outcome.WRONG_TEXT, 200, ComponentStatus.PARTIAL_OUTAGE),
        (Outcome.WRONG_STATUS, 404, ComponentStatus.PARTIAL_OUTAGE),
        (Outcome.WRONG_STATUS, 503, ComponentStatus.MAJOR_OUTAGE),
        (Outcome.TIMEOUT, None, ComponentStatus.MAJOR_OUTAGE),
        (Outcome.TLS, None, ComponentStatus.MAJOR_OUTAGE),
    ],
)
def test_the_status_is_guessed_from_how_it_fails(
    outcome: Outcome, code: int | None, status: ComponentStatus
) -> None:
    found = probe_failure("api", results(outcome, outcome, status_code=code), 2)
    assert found is not None
    assert found.status is status


def test_the_worst_of_the_last_failures_wins() -> None:
    found = probe_failure("api", results(SLOW, SLOW, DOWN), 3)
    assert found is not None
    assert found.status is ComponentStatus.MAJOR_OUTAGE


def test_recovery_needs_that_many_good_probes_and_dates_from_the_first() -> None:
    assert probe_recovery(results(DOWN, UP), 2) is None
    assert probe_recovery(results(DOWN, UP, UP), 2) == at(5)
    assert probe_recovery(results(DOWN, UP, SLOW), 2) is None  # slow is not healthy


def test_nothing_failing_and_nothing_open_does_nothing() -> None:
    assert decide(OutageState(), [], {"api": at(0)}) == []


def test_the_first_failure_opens_one_draft_for_everything_failing() -> None:
    actions = decide(OutageState(), [failure("api"), failure("web")], {})
    assert actions == [OpenDraft((failure("api"), failure("web")))]


def open_state(*component_ids: str) -> OutageState:
    outage = opened(
        "2026-12-01-api-unavailable",
        [failure(cid) for cid in component_ids],
        at(20),
        pull_request=1,
        branch="herald/outage/2026-12-01-api-unavailable",
        published=False,
    )
    return OutageState(open=outage)


def test_an_open_outage_is_never_drafted_twice() -> None:
    state = open_state("api")
    assert decide(state, [failure("api")], {}) == []


def test_new_evidence_refreshes_the_draft() -> None:
    state = open_state("api")
    actions = decide(state, [failure("api", evidence=("y",))], {})
    assert actions == [RefreshEvidence(state.open, {"api": ("y",)})]  # type: ignore[arg-type]


def test_another_component_failing_joins_the_open_outage() -> None:
    state = open_state("api")
    actions = decide(state, [failure("api"), failure("web", 25)], {})
    assert actions == [ExtendDraft(state.open, (failure("web", 25),))]  # type: ignore[arg-type]


def test_recovery_waits_for_every_component_of_the_outage() -> None:
    state = open_state("api", "web")
    assert decide(state, [failure("web")], {"api": at(30)}) == []
    partly = OutageState(with_recovered(state.open, {"api": at(30)}))  # type: ignore[arg-type]
    assert partly.open is not None
    assert partly.open.failing_ids == ("web",)
    actions = decide(partly, [], {"web": at(40)})
    assert actions == [Recover(partly.open, at(40))]


def test_a_closed_outage_is_kept_and_the_next_failure_is_a_new_outage(tmp_path: Path) -> None:
    state = open_state("api")
    assert state.open is not None
    ended = closed(state, with_recovered(state.open, {"api": at(30)}))
    assert ended.open is None
    assert ended.closed[0].recovered == at(30)
    path = tmp_path / "outages.json"
    save_state(path, ended)
    assert load_state(path) == ended
    assert decide(load_state(path), [failure("api", 60)], {}) == [OpenDraft((failure("api", 60),))]


def test_the_record_reads_back_as_written(tmp_path: Path) -> None:
    state = open_state("api")
    assert state.open is not None
    grown = OutageState(extended(state.open, [failure("web", 25)]))
    path = tmp_path / "outages.json"
    save_state(path, grown)
    assert load_state(path) == grown
    assert load_state(tmp_path / "missing.json") == OutageState()


@pytest.mark.parametrize(
    "text",
    ["{", '{"version": 9}', '{"version": 1, "open": {"incident_id": "x"}}', "[]", "\xff"],
)
def test_a_broken_record_is_a_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "outages.json"
    path.write_text(text, encoding="latin-1")
    with pytest.raises(MonitorError) as caught:
        load_state(path)
    assert str(caught.value).startswith(f"{path}: cannot be read")


def record(**changes: object) -> dict[str, object]:
    """An open outage as ``outages.json`` holds it, with ``changes``."""
    outage: dict[str, object] = {
        "incident_id": "2026-12-01-api-unavailable",
        "opened": "2026-12-01T12:20:00Z",
        "components": {
            "api": {"since": "2026-12-01T12:10:00Z", "status": "major_outage", "source": "probe"}
        },
        "pull_request": 1,
        "branch": "herald/outage/2026-12-01-api-unavailable",
        "draft_commit": "0" * 40,
        "published": False,
        "evidence": {"api": ["x"]},
    }
    outage.update(changes)
    return {"version": 1, "open": outage, "closed": []}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"branch": "main"}, "branch 'main' is not one of Herald's herald/outage/..."),
        ({"branch": "herald/outage/x:refs/heads/main"}, "is not one of Herald's"),
        ({"branch": None}, "pull request 1 has no branch"),
        ({"pull_request": True}, "pull request True is not a number"),
        ({"incident_id": "x` @kestrel/everyone `"}, "incident id 'x` @kestrel/everyone `' is"),
        ({"incident_id": "../../.github/workflows"}, "is not an id"),
        ({"incident_id": "x\nherald resolve y"}, "is not an id"),
        ({"components": {"../api": {}}}, "component id '../api' is not an id"),
        ({"components": {}}, "an outage has no components"),
        ({"evidence": {"@here": ["x"]}}, "component id '@here' is not an id"),
        ({"draft_commit": "--upload-pack=touch x"}, "draft commit '--upload-pack=touch x' is"),
        ({"published": "yes"}, "published is not true or false"),
        (
            {"components": {"api": {"since": T0.isoformat(), "status": "major_outage",
                                    "source": "[me](https://x.example)"}}},
            "source '[me](https://x.example)' is not one of probe, alertmanager, grafana",
        ),
    ],
)  # fmt: skip
def test_a_record_with_values_herald_never_writes_is_refused(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    """The record is on a branch anyone with write access can push: a value from it goes
    into branch names, paths, commands and pull requests only as Herald wrote it."""
    path = tmp_path / "outages.json"
    path.write_text(json.dumps(record(**changes)), encoding="utf-8")
    with pytest.raises(MonitorError) as caught:
        load_state(path)
    assert str(caught.value).startswith(f"{path}: cannot be read (")
    assert message in str(caught.value)


def test_a_record_that_links_elsewhere_is_not_read(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps(record()), encoding="utf-8")
    path = tmp_path / "outages.json"
    path.symlink_to(elsewhere)
    with pytest.raises(MonitorError, match="it is a link; the record is a file of its own"):
        load_state(path)
    path.unlink()
    path.symlink_to(tmp_path / "missing.json")
    with pytest.raises(MonitorError, match="it is a link"):
        load_state(path)


def test_evidence_is_kept_short_however_much_there_was(tmp_path: Path) -> None:
    lines = [f"12:{index:02d}: HighErrorRate firing {'x' * 900}\u202e" for index in range(50)]
    path = tmp_path / "outages.json"
    path.write_text(json.dumps(record(evidence={"api": lines})), encoding="utf-8")
    state = load_state(path)
    assert state.open is not None
    kept = state.open.evidence["api"]
    assert len(kept) == MAX_EVIDENCE
    assert kept[-1] == "... and 41 more"
    assert all(len(line) <= 500 and "\u202e" not in line for line in kept)
    # Kept as it is read: the next run's evidence compares equal, so no rewrite each run.
    assert evidence_lines(lines) == kept
    failing = results(*[DOWN] * 40)
    found = probe_failure("api", failing, 40)
    assert found is not None
    assert len(found.evidence) == MAX_EVIDENCE
    assert found.evidence[-1] == result_line(failing[-1])
