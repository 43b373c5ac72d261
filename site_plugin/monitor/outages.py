"""From "these components fail" to what Herald does about it: the outage ledger.

Probes and alerts both say which components fail, since when, and which are healthy
again. This module keeps one record per outage in ``outages.json`` (beside the probe
results, on their own branch) and decides, run after run, what to do:

- the first failing component opens an outage: one draft incident, one pull request;
- more components failing while it is open join that outage (never a second draft);
- once every component of it is healthy again, the outage is over: one recovery note
  with the time and the command that resolves the incident.

The decisions are pure (state, what the run saw, ``now`` → actions); the command line
carries them out through ``pull_requests`` and records the new state only after each
action succeeded, so a failed run is simply run again.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from ..characters import one_line
from ..content.measurements import Outcome, ProbeResult
from ..content.model import ComponentStatus
from ..content.reading import read_regular_file
from ..content.rules import MAX_ID_LENGTH
from ..errors import MonitorError
from ..values import SLUG, utc_iso

STATE_VERSION = 1
MAX_ALERTS_READ = 1000
"""Alert names remembered as read: more than the inbox keeps (it is pruned to a week)."""
ALERT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.json")
"""How the inbox names an alert: its time and the run that received it."""
MAX_CLOSED = 50
"""Outages kept after they ended: enough to see what happened last week, bounded."""
BRANCH_PREFIX = "herald/outage/"
"""Every branch Herald pushes a draft to starts so: the record names no other."""
SOURCES = ("probe", "alertmanager", "grafana")
"""What may have seen a component fail."""
MAX_EVIDENCE = 10
"""Lines of evidence kept per component: the latest checks, not the whole history."""
MAX_EVIDENCE_LINE = 500
MAX_STATE_BYTES = 16 * 1024 * 1024
"""Far more than the record of 50 outages of 500 components: a larger file is not one."""
_BRANCH = re.compile(re.escape(BRANCH_PREFIX) + r"[a-z0-9][A-Za-z0-9_-]{0,149}")
_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


@dataclass(frozen=True)
class Failure:
    """One component failing, as a run saw it.

    Attributes:
        component_id: The failing component.
        since: When the failure began (the first failing probe, the alert's start).
        status: The status it most likely has, guessed from how it fails.
        evidence: Lines for a person to judge by (times, checks, codes, latency).
        source: ``probe`` or the alert source (``alertmanager``, ``grafana``).
    """

    component_id: str
    since: datetime
    status: ComponentStatus
    evidence: tuple[str, ...] = ()
    source: str = "probe"


@dataclass(frozen=True)
class OutageComponent:
    """A component of an outage: when it began failing and, once it has, when it recovered."""

    since: datetime
    status: ComponentStatus
    source: str
    recovered: datetime | None = None


@dataclass(frozen=True)
class Outage:
    """One outage Herald drafted an incident for.

    Attributes:
        incident_id: The incident folder of the draft.
        opened: When Herald drafted it.
        components: Every component that failed during it.
        pull_request: The number of the draft's pull request, once opened.
        branch: The branch that carries the draft.
        draft_commit: The commit Herald last pushed to that branch: while the branch
            still points there, no person has touched the draft and Herald may rewrite it.
        published: Whether the first update went straight to the default branch.
        recovered: When the last of its components recovered; ``None`` while open.
        evidence: The latest evidence, per component.
    """

    incident_id: str
    opened: datetime
    components: Mapping[str, OutageComponent]
    pull_request: int | None = None
    branch: str | None = None
    draft_commit: str | None = None
    published: bool = False
    recovered: datetime | None = None
    evidence: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def since(self) -> datetime:
        return min(component.since for component in self.components.values())

    @property
    def failing_ids(self) -> tuple[str, ...]:
        return tuple(cid for cid, part in self.components.items() if part.recovered is None)


@dataclass(frozen=True)
class OutageState:
    """What ``outages.json`` holds: the open outage, if any, recent closed ones, and the
    names of the alerts already read from the inbox (the latest ``MAX_ALERTS_READ``)."""

    open: Outage | None = None
    closed: tuple[Outage, ...] = ()
    alerts_read: tuple[str, ...] = ()


def read_alert(state: OutageState, name: str) -> OutageState:
    """``state`` with the alert ``name`` remembered as read."""
    kept = tuple(other for other in state.alerts_read if other != name)
    return replace(state, alerts_read=(*kept, name)[-MAX_ALERTS_READ:])


# The decisions.


@dataclass(frozen=True)
class OpenDraft:
    """Draft a new incident for these failures."""

    failures: tuple[Failure, ...]


@dataclass(frozen=True)
class ExtendDraft:
    """More components fail during the open outage: add them to its draft."""

    outage: Outage
    failures: tuple[Failure, ...]


@dataclass(frozen=True)
class RefreshEvidence:
    """The open outage goes on: the draft's evidence is brought up to date."""

    outage: Outage
    evidence: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Recover:
    """Every component of the open outage is healthy again."""

    outage: Outage
    at: datetime


Action = OpenDraft | ExtendDraft | RefreshEvidence | Recover


def decide(
    state: OutageState,
    failures: Sequence[Failure],
    healthy: Mapping[str, datetime],
) -> list[Action]:
    """What to do after a run that saw ``failures`` and ``healthy`` components (each with
    the time it was first seen healthy again)."""
    outage = state.open
    if outage is None:
        return [OpenDraft(tuple(failures))] if failures else []
    actions: list[Action] = []
    joining = tuple(f for f in failures if f.component_id not in outage.failing_ids)
    if joining:
        actions.append(ExtendDraft(outage, joining))
    still_failing = {f.component_id for f in failures}
    remaining = [cid for cid in outage.failing_ids if cid not in healthy or cid in still_failing]
    if not remaining and not joining:
        recovered_at = max(healthy[cid] for cid in outage.failing_ids)
        actions.append(Recover(outage, recovered_at))
    elif failures and not joining:
        evidence = {f.component_id: f.evidence for f in failures}
        if evidence != {cid: outage.evidence.get(cid, ()) for cid in evidence}:
            actions.append(RefreshEvidence(outage, evidence))
    return actions


def opened(
    incident_id: str,
    failures: Iterable[Failure],
    now: datetime,
    *,
    pull_request: int | None,
    branch: str | None,
    published: bool,
) -> Outage:
    """The record of an outage just drafted."""
    failures = tuple(failures)
    return Outage(
        incident_id=incident_id,
        opened=now,
        components={f.component_id: OutageComponent(f.since, f.status, f.source) for f in failures},
        pull_request=pull_request,
        branch=branch,
        published=published,
        evidence={f.component_id: f.evidence for f in failures},
    )


def extended(outage: Outage, failures: Iterable[Failure]) -> Outage:
    """``outage`` with more failing components (one that failed before fails again)."""
    components = dict(outage.components)
    evidence = dict(outage.evidence)
    for failure in failures:
        components[failure.component_id] = OutageComponent(
            failure.since, failure.status, failure.source
        )
        evidence[failure.component_id] = failure.evidence
    return replace(outage, components=components, evidence=evidence)


def with_recovered(outage: Outage, healthy: Mapping[str, datetime]) -> Outage:
    """``outage`` with each of ``healthy`` marked recovered (the outage itself too, when
    none is left failing)."""
    components = {
        cid: replace(part, recovered=healthy[cid])
        if part.recovered is None and cid in healthy
        else part
        for cid, part in outage.components.items()
    }
    result = replace(outage, components=components)
    if not result.failing_ids:
        result = replace(result, recovered=max(p.recovered or p.since for p in components.values()))
    return result


def closed(state: OutageState, outage: Outage) -> OutageState:
    """The state once ``outage`` ended."""
    return replace(state, open=None, closed=((outage, *state.closed))[:MAX_CLOSED])


# What probes say.

STATUS_BY_OUTCOME = {
    Outcome.SLOW: ComponentStatus.DEGRADED_PERFORMANCE,
    Outcome.WRONG_TEXT: ComponentStatus.PARTIAL_OUTAGE,
    Outcome.WRONG_STATUS: ComponentStatus.MAJOR_OUTAGE,
    Outcome.TIMEOUT: ComponentStatus.MAJOR_OUTAGE,
    Outcome.REFUSED: ComponentStatus.MAJOR_OUTAGE,
    Outcome.DNS: ComponentStatus.MAJOR_OUTAGE,
    Outcome.TLS: ComponentStatus.MAJOR_OUTAGE,
    Outcome.ERROR: ComponentStatus.MAJOR_OUTAGE,
}
"""The status a failing probe suggests. A wrong status in the 4xx range suggests a partial
outage (the service answers, but not as it should); every way of not answering, or a 5xx,
a major one. A person confirms or corrects it before anything is published."""


def guessed_status(result: ProbeResult) -> ComponentStatus:
    if result.outcome is Outcome.WRONG_STATUS and (result.status_code or 500) < 500:
        return ComponentStatus.PARTIAL_OUTAGE
    return STATUS_BY_OUTCOME.get(result.outcome, ComponentStatus.OPERATIONAL)


def probe_failure(
    component_id: str, latest: Sequence[ProbeResult], failures_needed: int
) -> Failure | None:
    """A failure when the last ``failures_needed`` results of a component all failed.

    ``latest`` is in time order, newest last. The failure began with the first result of
    the unbroken failing run that ends now; its status is the worst the last results
    suggest.
    """
    if len(latest) < failures_needed or not all(
        r.outcome.is_failing for r in latest[-failures_needed:]
    ):
        return None
    streak: list[ProbeResult] = []
    for result in reversed(latest):
        if not result.outcome.is_failing:
            break
        streak.append(result)
    streak.reverse()
    status = max(guessed_status(r) for r in streak[-failures_needed:])
    shown = streak[-min(failures_needed, MAX_EVIDENCE) :]
    return Failure(component_id, streak[0].at, status, evidence_lines(map(result_line, shown)))


def evidence_lines(lines: Iterable[str]) -> tuple[str, ...]:
    """Evidence as it is kept and shown: each line one line of at most
    ``MAX_EVIDENCE_LINE`` characters, and at most ``MAX_EVIDENCE`` lines, the last of them
    saying how many were left out."""
    shown = [one_line(line, MAX_EVIDENCE_LINE) for line in lines]
    if len(shown) > MAX_EVIDENCE:
        left_out = len(shown) - (MAX_EVIDENCE - 1)
        shown = [*shown[: MAX_EVIDENCE - 1], f"... and {left_out:,} more"]
    return tuple(shown)


def probe_recovery(latest: Sequence[ProbeResult], recoveries_needed: int) -> datetime | None:
    """When a component became healthy again: the first of its last
    ``recoveries_needed`` results, if they all were up."""
    if len(latest) < recoveries_needed:
        return None
    last = latest[-recoveries_needed:]
    if any(r.outcome.is_failing for r in last):
        return None
    return last[0].at


def result_line(result: ProbeResult) -> str:
    """``14:05:00 UTC: timeout (no response within 10s)``: one probe, for a person."""
    parts = [result.outcome.name.lower().replace("_", " ")]
    if result.status_code is not None:
        parts.append(f"HTTP {result.status_code}")
    if result.latency_ms is not None:
        parts.append(f"{result.latency_ms} ms")
    text = ", ".join(parts)
    if result.detail:
        text += f" ({result.detail})"
    return f"{result.at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC: {text}"


# The file.


def load_state(path: Path) -> OutageState:
    """``outages.json``, or an empty state when there is none yet.

    The record lives on a branch anyone with write access can push to, so every value is
    checked before Herald acts on it: ids are ids, branches are Herald's own, numbers are
    numbers, evidence is short lines. A record that links elsewhere is not read.
    """
    if not path.exists() and not path.is_symlink():
        return OutageState()
    try:
        if path.is_symlink():
            raise ValueError("it is a link; the record is a file of its own")
        data, size = read_regular_file(str(path), MAX_STATE_BYTES + 1)
        if data is None:
            raise ValueError("it is not a regular file")
        if size > MAX_STATE_BYTES:
            raise ValueError(f"it is more than {MAX_STATE_BYTES:,} bytes")
        document = json.loads(data.decode("utf-8"))
        if document.get("version") != STATE_VERSION:
            raise ValueError(f"version {document.get('version')!r}, not {STATE_VERSION}")
        open_outage = document.get("open")
        return OutageState(
            open=_outage_from(open_outage) if open_outage is not None else None,
            closed=tuple(_outage_from(item) for item in document.get("closed", [])),
            alerts_read=_alert_names(document.get("alerts_read", [])),
        )
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as e:
        raise MonitorError(
            f"{path}: cannot be read ({e}); restore it from the branch's history, or"
            " remove it to start again (an open outage would be drafted anew)"
        ) from None


def save_state(path: Path, state: OutageState) -> None:
    """Write ``outages.json`` atomically: a run killed while writing leaves the old one."""
    document = {
        "version": STATE_VERSION,
        "open": _outage_document(state.open) if state.open else None,
        "closed": [_outage_document(outage) for outage in state.closed],
        "alerts_read": list(state.alerts_read),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".outages-")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(document, file, indent=1, sort_keys=True)
            file.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _alert_names(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > MAX_ALERTS_READ:
        raise ValueError(f"alerts_read is not a list of at most {MAX_ALERTS_READ} names")
    for name in value:
        if not isinstance(name, str) or not ALERT_NAME.fullmatch(name):
            raise ValueError("alerts_read holds something that is not an alert's name")
    return tuple(value)


def _time(text: object) -> datetime:
    if not isinstance(text, str):
        raise TypeError("a time is not text")
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"time {text!r} has no offset")
    return moment


def _optional_time(text: object) -> datetime | None:
    return None if text is None else _time(text)


def _outage_from(item: Mapping[str, object]) -> Outage:
    components = item["components"]
    evidence = item.get("evidence", {})
    if not isinstance(components, dict) or not isinstance(evidence, dict):
        raise TypeError("components and evidence are not mappings")
    if not components:
        raise ValueError("an outage has no components")
    pull_request = item.get("pull_request")
    if pull_request is not None and (
        isinstance(pull_request, bool) or not isinstance(pull_request, int) or pull_request < 1
    ):
        raise ValueError(f"pull request {_shown(pull_request)} is not a number")
    branch = item.get("branch")
    if branch is not None and not (isinstance(branch, str) and _BRANCH.fullmatch(branch)):
        raise ValueError(f"branch {_shown(branch)} is not one of Herald's {BRANCH_PREFIX}...")
    if pull_request is not None and branch is None:
        raise ValueError(f"pull request {pull_request} has no branch")
    draft_commit = item.get("draft_commit")
    if draft_commit is not None and not (
        isinstance(draft_commit, str) and _COMMIT.fullmatch(draft_commit)
    ):
        raise ValueError(f"draft commit {_shown(draft_commit)} is not a commit id")
    published = item.get("published", False)
    if not isinstance(published, bool):
        raise TypeError("published is not true or false")
    return Outage(
        incident_id=_id(item["incident_id"], "incident"),
        opened=_time(item["opened"]),
        components={
            _id(cid, "component"): OutageComponent(
                since=_time(part["since"]),
                status=ComponentStatus(part["status"]),
                source=_source(part["source"]),
                recovered=_optional_time(part.get("recovered")),
            )
            for cid, part in components.items()
        },
        pull_request=pull_request,
        branch=branch,
        draft_commit=draft_commit,
        published=published,
        recovered=_optional_time(item.get("recovered")),
        evidence={_id(cid, "component"): _evidence(lines) for cid, lines in evidence.items()},
    )


def _id(value: object, what: str) -> str:
    """An incident's or a component's id, as content allows it: it goes into paths,
    branch names, commands and pull requests."""
    if not (isinstance(value, str) and len(value) <= MAX_ID_LENGTH and SLUG.fullmatch(value)):
        raise ValueError(f"{what} id {_shown(value)} is not an id")
    return value


def _source(value: object) -> str:
    if value not in SOURCES:
        raise ValueError(f"source {_shown(value)} is not one of {', '.join(SOURCES)}")
    return str(value)


def _evidence(lines: object) -> tuple[str, ...]:
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise TypeError("evidence is not a list of lines")
    return evidence_lines(lines)


def _shown(value: object) -> str:
    """A value from the record in a message: one short line."""
    return one_line(repr(value), 60)


def _outage_document(outage: Outage) -> dict[str, object]:
    return {
        "incident_id": outage.incident_id,
        "opened": utc_iso(outage.opened),
        "components": {
            cid: {
                "since": utc_iso(part.since),
                "status": part.status.value,
                "source": part.source,
                "recovered": utc_iso(part.recovered) if part.recovered else None,
            }
            for cid, part in outage.components.items()
        },
        "pull_request": outage.pull_request,
        "branch": outage.branch,
        "draft_commit": outage.draft_commit,
        "published": outage.published,
        "recovered": utc_iso(outage.recovered) if outage.recovered else None,
        "evidence": {cid: list(lines) for cid, lines in outage.evidence.items()},
    }
