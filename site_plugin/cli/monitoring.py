"""``herald probe`` and ``herald draft``: what monitoring sees becomes a draft incident.

Both end in the same place. Probes (run on a schedule) and alerts (posted by Alertmanager
or Grafana) say which components fail since when, and which are healthy again; the
outage record (``monitor.outages``) decides; this module carries the decision out:

- a new outage: a draft incident from the outage template on its own branch, and a draft
  pull request with the evidence (or, with ``publish_first_update``, the first update
  pushed to the default branch);
- more components failing: the draft lists them too (a comment when a person has taken
  the draft over, or it is merged);
- recovery: a comment with the time and the command that resolves the incident.

Nothing is published unless a person merges, or the team chose otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from ..authoring.inputs import Workspace
from ..authoring.templates import names_text, render_template
from ..authoring.writing import NewIncident, NewUpdate, prepare_new, prepare_update
from ..characters import one_line
from ..content.measurements import ProbeResult
from ..content.model import Catalog, ComponentStatus, StatusSite, UpdateStatus
from ..content.rules import INDEX_FILE
from ..errors import MonitorError, SettingsError
from ..monitor.alerts import AlertEvent
from ..monitor.outages import (
    BRANCH_PREFIX,
    Action,
    ExtendDraft,
    Failure,
    OpenDraft,
    Outage,
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
    read_alert,
    result_line,
    save_state,
    with_recovered,
)
from ..monitor.pull_requests import DraftBranch, GitHub, PullRequestState
from ..present.formatting import utc_clock, utc_text
from .common import EXIT_OK, say
from .posting import workspace
from .settings import Settings

OUTAGES_FILE = "outages.json"
DEFAULT_CONCURRENCY = 8
LINE_LIMIT = 500
"""Characters of one evidence line or name shown in a pull request."""
STREAK_LOOKBACK = 2016
"""Results read back, beyond the ones a decision needs, to find where a failing streak
began: a week of 5-minute probes. A longer streak dates from a week ago."""


def _setting(name: str) -> str:
    """A setting from the environment; empty is unset, as GitHub Actions passes it."""
    return os.environ.get(name, "").strip()


@dataclass(frozen=True)
class Drafting:
    """Everything needed to carry out outage decisions."""

    settings: Settings
    space: Workspace
    site: StatusSite
    now: datetime
    branch: DraftBranch
    github: GitHub
    base: str
    state_path: Path


def drafting(
    arguments: argparse.Namespace,
    settings: Settings,
    now: datetime,
    space: Workspace,
    site: StatusSite,
) -> Drafting:
    """The repository, GitHub and the outage record, from the environment GitHub Actions
    gives a workflow (``GITHUB_REPOSITORY``, ``GITHUB_API_URL``, ``GITHUB_SERVER_URL``)
    and Herald's own ``HERALD_GITHUB_TOKEN`` and ``HERALD_GIT_REMOTE``."""
    token = _setting("HERALD_GITHUB_TOKEN")
    repository = _setting("GITHUB_REPOSITORY")
    missing = [
        name
        for name, value in (("HERALD_GITHUB_TOKEN", token), ("GITHUB_REPOSITORY", repository))
        if not value
    ]
    if missing:
        raise SettingsError(
            f"drafting incidents needs {' and '.join(missing)}: the workflow sets them"
            " (run without --draft to only record the probes)"
        )
    if repository.count("/") != 1 or any(not part for part in repository.split("/")):
        raise SettingsError(f"GITHUB_REPOSITORY {repository!r} is not OWNER/NAME")
    server = _setting("GITHUB_SERVER_URL") or "https://github.com"
    remote = _setting("HERALD_GIT_REMOTE") or f"{server.rstrip('/')}/{repository}.git"
    return Drafting(
        settings=settings,
        space=space,
        site=site,
        now=now,
        branch=DraftBranch(settings.root, remote, token),
        github=GitHub(_setting("GITHUB_API_URL") or "https://api.github.com", repository, token),
        base=arguments.base or _setting("GITHUB_REF_NAME") or "main",
        state_path=settings.root / settings.probe_results / OUTAGES_FILE,
    )


# herald probe


def run_probe(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald probe``: run every component's probe once, record the results, and with
    ``--draft`` act on the outages they show."""
    space = workspace(settings, now)
    site = space.load()
    probes = {c.id: c.probe for c in site.catalog.components if c.probe is not None}
    if not probes:
        say("No component in components.yml has a probe: nothing to do.")
        return EXIT_OK
    from ..content.probe_store import ProbeStore
    from ..monitor.probing import run_probes

    run = run_probes(probes, now, concurrency=arguments.concurrency)
    store = ProbeStore(settings.root / settings.probe_results)
    for component_id, result in run.results.items():
        store.append(component_id, [result])
        say(f"{component_id}: {result_line(result)}")
    for warning in run.certificate_warnings:
        probe = probes[warning.component_id]
        say(
            f"{probe.source}: warning: the certificate of {warning.host} expires"
            f" {utc_text(warning.expires)} (renew it before then)"
        )
    if not arguments.draft:
        return EXIT_OK
    needed = max(settings.probe_failures, settings.probe_recoveries)
    failures: list[Failure] = []
    healthy: dict[str, datetime] = {}
    for component_id in probes:
        latest: Sequence[ProbeResult] = store.latest(component_id, needed + STREAK_LOOKBACK)
        failure = probe_failure(component_id, latest, settings.probe_failures)
        if failure is not None:
            failures.append(failure)
            continue
        recovered = probe_recovery(latest, settings.probe_recoveries)
        if recovered is not None:
            healthy[component_id] = recovered
    carry_out(drafting(arguments, settings, now, space, site), failures, healthy)
    return EXIT_OK


# herald draft [--from alertmanager|grafana] FILE


def run_draft(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald draft FILE...``: alert webhooks' payloads, in the order given, each acted
    on as a probe run is. A file already read (by its name, as the alert inbox names each
    alert) is skipped, so a repeated run drafts nothing twice."""
    from ..monitor.alerts import (
        alerts_by_component,
        load_payload_json,
        read_alert_document,
        read_sender_payload,
        unmatched_warnings,
    )

    space = workspace(settings, now)
    context = drafting(arguments, settings, now, space, space.load())
    for file in arguments.files:
        name = "standard input" if file == "-" else file
        # The inbox's own name for the alert: read once, however often the run is repeated.
        inbox_name = None if file == "-" else Path(file).name
        if inbox_name is not None and inbox_name in load_state(context.state_path).alerts_read:
            say(f"{name}: already read")
            continue
        try:
            data = sys.stdin.buffer.read() if file == "-" else Path(name).read_bytes()
        except OSError as error:
            raise MonitorError(f"{name}: cannot be read ({error.strerror})") from None
        document = load_payload_json(data, name)
        if arguments.source:
            payload = read_sender_payload(document, arguments.source, name)
        else:
            payload = read_alert_document(document, name)
        catalog = context.site.catalog
        for warning in (*payload.warnings, *unmatched_warnings(payload.events, catalog)):
            say(f"{name}: warning: {warning}")
        failures: list[Failure] = []
        healthy: dict[str, datetime] = {}
        for component_id, alerts in alerts_by_component(payload.events, catalog).items():
            if alerts.firing and alerts.firing_since is not None:
                firing = [alert for alert in alerts.alerts if alert.firing]
                failures.append(
                    Failure(
                        component_id,
                        alerts.firing_since,
                        max(alert_status(alert.labels) for alert in firing),
                        evidence_lines(alert_line(alert) for alert in firing),
                        payload.source,
                    )
                )
            elif alerts.resolved_at is not None:
                healthy[component_id] = alerts.resolved_at
        carry_out(context, failures, healthy, alert=inbox_name)
    return EXIT_OK


ALERT_SEVERITIES = {
    "critical": ComponentStatus.MAJOR_OUTAGE,
    "page": ComponentStatus.MAJOR_OUTAGE,
    "error": ComponentStatus.MAJOR_OUTAGE,
    "warning": ComponentStatus.DEGRADED_PERFORMANCE,
}
"""The status an alert's ``severity`` label suggests; any other, a partial outage."""


def alert_status(labels: Mapping[str, str]) -> ComponentStatus:
    """An alert's own ``herald_status`` label when it names a status, else its severity's."""
    try:
        named = ComponentStatus(labels.get("herald_status", ""))
    except ValueError:
        named = None
    if named is not None and named is not ComponentStatus.OPERATIONAL:
        return named
    severity = labels.get("severity", "").strip().lower()
    return ALERT_SEVERITIES.get(severity, ComponentStatus.PARTIAL_OUTAGE)


def alert_line(alert: AlertEvent) -> str:
    """``2026-12-01 12:10:00 UTC: HighErrorRate firing: 5% of requests fail``."""
    line = f"{alert.starts_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC: {alert.name} firing"
    if alert.summary and alert.summary != alert.name:
        line += f": {alert.summary}"
    if alert.source_url:
        line += f" ({alert.source_url})"
    return line


# Carrying out.


def carry_out(
    context: Drafting,
    failures: Sequence[Failure],
    healthy: Mapping[str, datetime],
    *,
    alert: str | None = None,
) -> None:
    """Do what the outage record decides, recording the new state after each step; with
    ``alert`` (an alert's name in the inbox), remember it as read, in the same write."""
    state = load_state(context.state_path)
    for action in decide(state, failures, healthy):
        state = _carry_out(context, state, action)
        save_state(context.state_path, state)
    if state.open is not None and healthy:
        # Some components of a still-open outage recovered: remember it.
        state = replace(state, open=with_recovered(state.open, healthy))
    if alert is not None:
        state = read_alert(state, alert)
    save_state(context.state_path, state)


def _carry_out(context: Drafting, state: OutageState, action: Action) -> OutageState:
    if isinstance(action, OpenDraft):
        return replace(state, open=_open_draft(context, action.failures))
    if isinstance(action, ExtendDraft):
        return replace(state, open=_extend_draft(context, action))
    if isinstance(action, RefreshEvidence):
        outage = action.outage
        merged = {**outage.evidence, **action.evidence}
        refreshed = replace(outage, evidence=merged)
        if outage.pull_request is not None and _draft_state(context, outage).open:
            context.github.update_pull_request(
                outage.pull_request, body=_pull_request_body(context, refreshed)
            )
        return replace(state, open=refreshed)
    assert isinstance(action, Recover)
    _recover(context, action)
    recovered = with_recovered(action.outage, dict.fromkeys(action.outage.failing_ids, action.at))
    return closed(state, recovered)


def _open_draft(context: Drafting, failures: Sequence[Failure]) -> Outage:
    incident_id, files, title = _draft_files(context, failures, incident_id=None)
    if context.settings.publish_first_update:
        context.branch.commit(
            context.base,
            files,
            f"Investigating: {title}\n\nPublished by herald from what monitoring saw.",
            base=context.base,
        )
        say(f"Published the first update of {incident_id} on {context.base}.")
        return opened(incident_id, failures, context.now, pull_request=None, branch=None,
                      published=True)  # fmt: skip
    free_id = _free_branch_id(context, incident_id)
    if free_id != incident_id:
        incident_id, files, title = _draft_files(context, failures, incident_id=free_id)
    branch = BRANCH_PREFIX + incident_id
    commit = context.branch.commit(
        branch, files, f"Draft: {title}\n\nDrafted by herald from what monitoring saw.",
        base=context.base,
    )  # fmt: skip
    outage = opened(incident_id, failures, context.now, pull_request=None, branch=branch,
                    published=False)  # fmt: skip
    outage = replace(outage, draft_commit=commit)
    number = context.github.open_pull_request(
        branch=branch,
        base=context.base,
        title=_title(title),
        body=_pull_request_body(context, outage),
    )
    say(f"Opened draft pull request #{number} for {incident_id} ({branch}).")
    return replace(outage, pull_request=number)


MAX_BRANCH_TRIES = 20


def _free_branch_id(context: Drafting, incident_id: str) -> str:
    """``incident_id``, or ``incident_id-2``, ``-3``...: the first whose draft branch is not
    on the remote yet. A branch of the name may be there already, left by a run that
    pushed it and could not open its pull request, or pushed by someone else: it is never
    replaced, and never keeps the outage from its draft."""
    candidates = [incident_id, *(f"{incident_id}-{n}" for n in range(2, MAX_BRANCH_TRIES + 1))]
    for candidate in candidates:
        if context.branch.head(BRANCH_PREFIX + candidate) is None:
            return candidate
    raise MonitorError(
        f"the branches {BRANCH_PREFIX}{incident_id} to {BRANCH_PREFIX}{candidates[-1]} are"
        " all taken, so the draft has no branch (delete those no longer needed)"
    )


def _extend_draft(context: Drafting, action: ExtendDraft) -> Outage:
    outage = extended(action.outage, action.failures)
    names = _names(context.site.catalog, [f.component_id for f in action.failures])
    since = min(f.since for f in action.failures)
    recorded = outage.draft_commit
    number = outage.pull_request
    if number is not None and outage.branch is not None:
        state = _draft_state(context, outage)
        untouched = (
            recorded is not None
            and state.open
            and not state.merged
            and context.branch.head(outage.branch) == recorded
        )
        if untouched:
            everything = [
                Failure(cid, part.since, part.status, outage.evidence.get(cid, ()), part.source)
                for cid, part in outage.components.items()
                if part.recovered is None
            ]
            _, files, title = _draft_files(context, everything, incident_id=outage.incident_id)
            commit = context.branch.commit(
                outage.branch, files, f"Draft: {title}\n\nAlso failing: {names}.",
                base=context.base, replace_commit=recorded,
            )  # fmt: skip
            outage = replace(outage, draft_commit=commit)
            context.github.update_pull_request(
                number, body=_pull_request_body(context, outage), title=_title(title)
            )
            say(f"Added {names} to draft pull request #{number}.")
            return outage
        prose = (
            f"Monitoring sees **{_markdown_text(names)}** failing too, since {utc_clock(since)}."
        )
        command = (
            f"To say so on the status page: `herald update {outage.incident_id}"
            f" {_component_options(action.failures)}`"
        )
        budget = BODY_LIMIT - _size(prose) - _size(command) - 8
        context.github.comment(
            number, f"{prose}\n\n{_evidence_block(action.failures, budget)}\n{command}"
        )
        say(f"Commented on pull request #{number}: {names} failing too.")
        return outage
    # Published directly: the news goes in a draft update for a person to merge.
    files = _update_files(
        context,
        outage.incident_id,
        UpdateStatus.IDENTIFIED,
        tuple(f"{f.component_id}={f.status.value}" for f in action.failures),
    )
    branch = f"{BRANCH_PREFIX}{outage.incident_id}-{context.now:%Y%m%dT%H%M%S}"
    context.branch.commit(branch, files, f"Draft update: {names} failing too", base=context.base)
    number = context.github.open_pull_request(
        branch=branch,
        base=context.base,
        title=_title(f"Update: {names} failing too"),
        body=_evidence_block(action.failures, BODY_LIMIT),
    )
    say(f"Opened draft pull request #{number}: {names} failing too.")
    return replace(outage, pull_request=number, branch=branch, draft_commit=None)


def _draft_state(context: Drafting, outage: Outage) -> PullRequestState:
    """The state of the outage's pull request, once GitHub confirms it is the one of the
    outage's branch: the record is on a branch anyone with write access can push, and
    must not make Herald rewrite or comment on someone else's pull request."""
    assert outage.pull_request is not None and outage.branch is not None
    state = context.github.pull_request(outage.pull_request)
    if not context.github.is_own_branch(state, outage.branch):
        raise MonitorError(
            f"{context.space.relative(context.state_path)}: pull request"
            f" #{outage.pull_request} is not the draft of {outage.branch} (GitHub says its"
            f" branch is {state.head or 'unknown'}); restore the record from the branch's"
            " history, or remove it to start again"
        )
    return state


def _recover(context: Drafting, action: Recover) -> None:
    outage = action.outage
    names = _names(context.site.catalog, list(outage.components))
    lasted = action.at - outage.since
    minutes = max(1, round(lasted.total_seconds() / 60))
    text = (
        f"Monitoring sees **{_markdown_text(names)}** healthy again since"
        f" {utc_text(action.at)} (about {minutes} min after it began at"
        f" {utc_clock(outage.since)}).\n\n"
    )
    if outage.pull_request is None:
        files = _update_files(context, outage.incident_id, UpdateStatus.RESOLVED, ())
        branch = f"{BRANCH_PREFIX}{outage.incident_id}-resolved"
        context.branch.commit(branch, files, f"Draft: resolve {outage.incident_id}",
                              base=context.base)  # fmt: skip
        number = context.github.open_pull_request(
            branch=branch, base=context.base, title=_title(f"Resolve {outage.incident_id}"),
            body=text + "Read the message, then merge to resolve the incident.",
        )  # fmt: skip
        say(f"Opened draft pull request #{number} to resolve {outage.incident_id}.")
        return
    state = _draft_state(context, outage)
    if state.merged:
        text += (
            "If customers are no longer affected, resolve the incident:\n\n"
            f"    herald resolve {outage.incident_id}\n"
        )
    else:
        text += (
            "If customers are no longer affected, merge this and resolve the incident"
            f" (`herald resolve {outage.incident_id}`); if it was a blip nobody noticed,"
            " close this pull request."
        )
    context.github.comment(outage.pull_request, text)
    say(f"Commented on pull request #{outage.pull_request}: {names} recovered.")


# The words.

TITLES = {
    ComponentStatus.MAJOR_OUTAGE: "{names} unavailable",
    ComponentStatus.PARTIAL_OUTAGE: "Errors on {names}",
    ComponentStatus.DEGRADED_PERFORMANCE: "Slow responses from {names}",
}


TITLE_LIMIT = 256
"""The longest title GitHub takes for a pull request: a longer one is refused (422), and
a draft that cannot be opened is stuck on its branch."""
BODY_LIMIT = 65_536
"""The longest description or comment GitHub takes, measured here in UTF-8 bytes (never
more than GitHub's characters), with room to spare for what is added to it."""
NAMES_SHOWN = 120
"""The most characters of component names a title or a sentence lists; the rest are
counted ("REST API, Dashboard and 8 more")."""


def _names(catalog: Catalog, component_ids: Sequence[str]) -> str:
    """``REST API and Dashboard``: the components' names, as many as ``NAMES_SHOWN`` has
    room for, then how many more."""
    names = []
    for component_id in component_ids:
        entry = catalog.get(component_id)
        names.append(one_line(entry.name if entry is not None else component_id, NAMES_SHOWN))
    text = names_text(names)
    for shown in range(len(names) - 1, 0, -1):
        if len(text) <= NAMES_SHOWN:
            break
        text = f"{', '.join(names[:shown])} and {len(names) - shown} more"
    return text


def _title(text: str) -> str:
    """A pull request's title: one line GitHub takes."""
    return one_line(text, TITLE_LIMIT)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _draft_files(
    context: Drafting, failures: Sequence[Failure], *, incident_id: str | None
) -> tuple[str, dict[str, str], str]:
    """The draft incident's files (paths relative to the repository), id and title."""
    worst = max(f.status for f in failures)
    names = _names(context.site.catalog, [f.component_id for f in failures])
    title = TITLES.get(worst, "Problem with {names}").format(names=names)
    request = NewIncident(
        title=title,
        components=tuple(f"{f.component_id}={f.status.value}" for f in failures),
        at="now",
        started=min(f.since for f in failures),
        incident_id=incident_id,
    )
    prepared = prepare_new(context.space, request)
    message = render_template(context.space, prepared.template, prepared.context).strip()
    folder = context.space.relative(prepared.folder)
    files = {
        f"{folder}/{INDEX_FILE}": prepared.index,
        context.space.relative(prepared.update_path): prepared.update_fields + message + "\n",
    }
    return prepared.folder.name, files, title


def _update_files(
    context: Drafting, incident_id: str, status: UpdateStatus, components: tuple[str, ...]
) -> dict[str, str]:
    request = NewUpdate(incident=incident_id, status=status, at="now", components=components)
    path, fields, template, template_context, _ = prepare_update(context.space, request)
    message = render_template(context.space, template, template_context).strip()
    return {context.space.relative(path): fields + message + "\n"}


def _component_options(failures: Sequence[Failure]) -> str:
    return " ".join(f"--component {f.component_id}={f.status.value}" for f in failures)


def _pull_request_body(context: Drafting, outage: Outage) -> str:
    """What a person reads before merging: what failed, since when, and how to decide."""
    catalog = context.site.catalog
    lines = [
        "Monitoring drafted this incident. **Nothing is published until you merge.**",
        "",
        "Read the title, the affected components and the message; correct what is wrong"
        " (push to this branch, or edit the files on GitHub), then mark it ready and merge."
        " If it is a false alarm, close this pull request.",
        "",
        "| Component | Failing since | Guessed status | Source |",
        "|---|---|---|---|",
    ]
    rows = []
    for component_id, part in outage.components.items():
        name = _names(catalog, [component_id])
        recovered = f" (recovered {utc_clock(part.recovered)})" if part.recovered else ""
        rows.append(
            f"\n| {_markdown_text(name)} | {utc_text(part.since)}{recovered}"
            f" | {part.status.label} | {_markdown_text(part.source)} |"
        )
    checks = [
        f"\n\n**{_markdown_text(_names(catalog, [component_id]))}**, latest checks:\n\n"
        + _fenced(evidence)
        for component_id, evidence in outage.evidence.items()
        if evidence
    ]
    end = f"\n\nUpdated {utc_text(context.now)} by `herald`."
    return _bounded("\n".join(lines), [*rows, *checks], end)


def _bounded(start: str, parts: Sequence[str], end: str) -> str:
    """``start``, as many of ``parts`` as GitHub takes beside it, and ``end``: a part is
    never cut (a fence cut open would let what follows it out), and those left out are
    counted."""
    note = "\n\n{count:,} more entries are left out: GitHub takes no longer description."
    budget = BODY_LIMIT - _size(start) - _size(end) - _size(note) - 16
    kept = 0
    for part in parts:
        budget -= _size(part)
        if budget < 0:
            break
        kept += 1
    left_out = note.format(count=len(parts) - kept) if kept < len(parts) else ""
    return start + "".join(parts[:kept]) + left_out + end


def _evidence_block(failures: Sequence[Failure], budget: int) -> str:
    return _fenced([line for failure in failures for line in failure.evidence], budget)


def _fenced(lines: Sequence[str], budget: int = BODY_LIMIT) -> str:
    """Lines shown verbatim: in a fence longer than any run of backticks in them, so no
    text from a server or an alert can close it, mention people or add markup; as many
    lines as ``budget`` bytes hold, then how many more there were."""
    shown = [one_line(line, LINE_LIMIT) for line in lines]
    longest = max((len(run) for line in shown for run in re.findall("`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    room = budget - 2 * _size(fence) - 64
    kept: list[str] = []
    for line in shown:
        room -= _size(line) + 1
        if room < 0:
            kept.append(f"... and {len(shown) - len(kept):,} more lines")
            break
        kept.append(line)
    text = "\n".join(kept)
    return f"{fence}text\n{text}\n{fence}"


def _markdown_text(text: str) -> str:
    """Text in Markdown prose: every character that could be markup, a mention or a
    link escaped (component names come from the repository, but may still be hostile)."""
    escaped = []
    for char in one_line(text, LINE_LIMIT):
        if char in "\\`*_{}[]()<>#+-.!|@~&:":
            escaped.append("\\" + char)
        else:
            escaped.append(char)
    return "".join(escaped)
