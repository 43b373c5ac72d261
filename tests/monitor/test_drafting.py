"""From a service that dies to one draft pull request and a recovery comment.

Everything real but GitHub: the ``herald probe --draft`` command, a service on loopback
that goes down and comes back, a git repository with a remote to push drafts to, and a
loopback server answering as GitHub's pull request API does.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from site_plugin.present.formatting import utc_text

from ..conftest import epoch_of, run_herald
from .alertmanager import Alertmanager, FakeGitHub, alert
from .github_api import GitHubApi, PullRequest

START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
REPOSITORY = "kestrel/status"
TOKEN = "test-token-not-a-secret"

MKDOCS = """\
site_name: Kestrel status
site_url: https://status.kestrel.example/
theme:
  name: material
plugins:
  - herald:
      probe_failures: 3
      probe_recoveries: 2
"""


class Service:
    """An HTTP service on loopback that can die and come back on the same port."""

    def __init__(self) -> None:
        self.server: ThreadingHTTPServer | None = None
        self.port = 0
        self.start()

    def start(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = b"ok"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *arguments: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def die(self) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/health"


@pytest.fixture
def service() -> Iterator[Service]:
    running = Service()
    yield running
    if running.server is not None:
        running.die()


@pytest.fixture
def github_api() -> Iterator[GitHubApi]:
    api = GitHubApi(REPOSITORY)
    yield api
    api.close()


def git(cwd: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@test.example", *arguments],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def status_repository(root: Path, service_url: str) -> Path:
    """A status repository with one probed component, committed, and its remote."""
    root.mkdir()
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    (root / "components.yml").write_text(
        "components:\n"
        "  - id: api\n"
        "    name: REST API\n"
        "    probe:\n"
        f"      url: {service_url}\n"
        "      body_contains: ok\n"
        "      timeout: 5s\n"
        "  - id: dashboard\n"
        "    name: Dashboard\n",
        encoding="utf-8",
    )
    (root / "incidents").mkdir()
    (root / "incidents" / ".gitkeep").write_text("", encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / ".gitkeep").write_text("", encoding="utf-8")
    (root / ".gitignore").write_text(".herald-probes/\n", encoding="utf-8")
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Start")
    remote = root.parent / "remote.git"
    git(root.parent, "clone", "--quiet", "--bare", str(root), str(remote))
    return remote


def probe(root: Path, remote: Path, github_api: GitHubApi, moment: datetime) -> str:
    result = run_herald(
        root, "probe", "--draft", epoch=epoch_of(moment), **drafting_environment(remote, github_api)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_a_service_that_dies_gets_one_draft_pull_request_and_a_recovery_comment(
    tmp_path: Path, service: Service, github_api: GitHubApi
) -> None:
    root = tmp_path / "status"
    remote = status_repository(root, service.url)
    main_before = git(remote, "rev-parse", "main")
    times = [START + timedelta(minutes=5 * run) for run in range(9)]

    for moment in times[:2]:
        probe(root, remote, github_api, moment)
    assert github_api.requests == []

    service.die()
    # Two failures: not yet (probe_failures is 3).
    probe(root, remote, github_api, times[2])
    probe(root, remote, github_api, times[3])
    assert github_api.of("POST", "/pulls") == []
    output = probe(root, remote, github_api, times[4])
    assert "Opened draft pull request #1" in output
    # Still down: the same outage, never a second draft.
    probe(root, remote, github_api, times[5])

    opened = github_api.of("POST", "/pulls")
    assert len(opened) == 1
    request = opened[0]
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["x-github-api-version"] == "2022-11-28"
    assert request.body["draft"] is True
    assert request.body["base"] == "main"
    assert request.body["title"] == "REST API unavailable"
    branch = request.body["head"]
    assert branch.startswith("herald/outage/2026-12-01-")
    pull = github_api.pulls[1]
    assert "Nothing is published until you merge" in pull.body
    assert "12:10" in pull.body  # failing since the first failed probe
    assert "refused" in pull.body

    # The draft is on its branch; the default branch is untouched.
    assert git(remote, "rev-parse", "main") == main_before
    files = git(remote, "ls-tree", "-r", "--name-only", branch).split()
    incident = branch.removeprefix("herald/outage/")
    assert f"incidents/{incident}/index.md" in files
    index = git(remote, "show", f"{branch}:incidents/{incident}/index.md")
    assert "api: major_outage" in index
    assert "started: 2026-12-01T12:10:00Z" in index
    assert "impact: critical" in index or "impact: major" in index
    update_name = next(name for name in files if name.endswith("-investigating.md"))
    update = git(remote, "show", f"{branch}:{update_name}")
    assert "Since 12:10 UTC, we have been seeing a problem with REST API" in update

    # The draft passes herald check and builds, as a person would merge it.
    checkout = tmp_path / "review"
    git(tmp_path, "clone", "--quiet", "--branch", branch, str(remote), str(checkout))
    checked = run_herald(checkout, "check", "--strict", epoch=epoch_of(times[5]))
    assert checked.returncode == 0, checked.stdout + checked.stderr

    service.start()
    probe(root, remote, github_api, times[6])
    assert pull.comments == []  # one good probe is not a recovery (probe_recoveries: 2)
    probe(root, remote, github_api, times[7])
    assert len(pull.comments) == 1
    comment = pull.comments[0]
    assert "healthy again since 1 Dec 2026, 12:30 UTC" in comment
    assert f"herald resolve {incident}" in comment
    # Healthy from now on: nothing more is said.
    probe(root, remote, github_api, times[8])
    assert len(pull.comments) == 1
    assert len(github_api.of("POST", "/pulls")) == 1


def test_more_components_failing_join_the_draft_and_a_person_s_edit_is_kept(
    tmp_path: Path, github_api: GitHubApi
) -> None:
    services = {name: Service() for name in ("api", "dashboard", "webhooks")}
    try:
        root = tmp_path / "status"
        remote = status_repository(root, services["api"].url)
        with (root / "components.yml").open("a", encoding="utf-8") as file:
            file.write(f"    probe: {services['dashboard'].url}\n")
            file.write(
                f"  - id: webhooks\n    name: Webhooks\n    probe: {services['webhooks'].url}\n"
            )
        git(root, "commit", "--quiet", "-am", "Probe everything")
        git(root, "push", "--quiet", str(remote), "main")
        times = iter(START + timedelta(minutes=5 * run) for run in range(20))

        services["api"].die()
        for _ in range(3):
            probe(root, remote, github_api, next(times))
        pull = github_api.pulls[1]
        assert pull.title == "REST API unavailable"
        branch = pull.head
        incident = branch.removeprefix("herald/outage/")

        # The dashboard fails too while nobody has touched the draft: it is rewritten.
        services["dashboard"].die()
        for _ in range(3):
            probe(root, remote, github_api, next(times))
        assert len(github_api.of("POST", "/pulls")) == 1
        assert pull.title == "REST API and Dashboard unavailable"
        index = git(remote, "show", f"{branch}:incidents/{incident}/index.md")
        assert "api: major_outage" in index
        assert "dashboard: major_outage" in index
        assert "Dashboard" in pull.body

        # A person takes the draft over; then webhooks fail too: Herald only comments.
        person = tmp_path / "person"
        git(tmp_path, "clone", "--quiet", "--branch", branch, str(remote), str(person))
        index_file = person / "incidents" / incident / "index.md"
        index_file.write_text(
            index_file.read_text("utf-8").replace(
                "REST API and Dashboard unavailable", "Sign-in errors"
            ),
            encoding="utf-8",
        )
        git(person, "commit", "--quiet", "-am", "A better title")
        git(person, "push", "--quiet", "origin", branch)
        services["webhooks"].die()
        for _ in range(3):
            probe(root, remote, github_api, next(times))
        assert len(github_api.of("POST", "/pulls")) == 1
        assert "title: Sign-in errors" in git(
            remote, "show", f"{branch}:incidents/{incident}/index.md"
        )
        assert len(pull.comments) == 1
        assert "Webhooks" in pull.comments[0]
        assert f"herald update {incident} --component webhooks=major_outage" in pull.comments[0]
    finally:
        for running in services.values():
            if running.server is not None:
                running.die()


def test_with_publish_first_update_the_first_update_goes_to_main(
    tmp_path: Path, service: Service, github_api: GitHubApi
) -> None:
    root = tmp_path / "status"
    remote = status_repository(root, service.url)
    mkdocs = root / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text("utf-8") + "      publish_first_update: true\n", "utf-8")
    git(root, "commit", "--quiet", "-am", "Publish at once")
    git(root, "push", "--quiet", str(remote), "main")
    service.die()
    for run in range(3):
        probe(root, remote, github_api, START + timedelta(minutes=5 * run))
    assert github_api.of("POST", "/pulls") == []
    files = git(remote, "ls-tree", "-r", "--name-only", "main").split()
    assert any(name.endswith("-investigating.md") for name in files)
    # The recovery comes as a draft for a person: the resolution is theirs to publish.
    git(root, "pull", "--quiet", str(remote), "main")
    service.start()
    for run in range(3, 5):
        probe(root, remote, github_api, START + timedelta(minutes=5 * run))
    opened = github_api.of("POST", "/pulls")
    assert len(opened) == 1
    assert opened[0].body["draft"] is True
    resolution = git(remote, "ls-tree", "-r", "--name-only", opened[0].body["head"]).split()
    assert any(name.endswith("-resolved.md") for name in resolution)


def test_an_alert_alertmanager_fired_drafts_the_same_incident_and_its_resolution_comments(
    tmp_path: Path, alertmanager: Alertmanager, github: FakeGitHub, github_api: GitHubApi
) -> None:
    """Alertmanager fires at the relay, the relay posts the dispatch event, and the alert
    workflow's command turns the event's client_payload into the draft."""
    root = tmp_path / "status"
    remote = status_repository(root, "http://127.0.0.1:9/unused")
    # Alertmanager keeps real time: the alert is dated a few minutes before now.
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=4)
    labels = {"alertname": "HighErrorRate", "component": "api", "severity": "critical"}
    alertmanager.post_alerts([alert(labels, "5% of API requests fail", started)])
    (firing,) = github.wait_for(lambda found: len(found) >= 1, "the firing alert arrived")
    # The alert workflow keeps each event's file as GitHub writes it, named by its arrival.
    event = tmp_path / "20261201T000001Z-1-1.json"
    event.write_text(json.dumps(workflow_event(firing.body)), encoding="utf-8")

    output = draft(root, remote, github_api, event, started + timedelta(minutes=5))
    assert "Opened draft pull request #1" in output
    (opened,) = github_api.of("POST", "/pulls")
    assert opened.body["title"] == "REST API unavailable"
    pull = github_api.pulls[1]
    assert "HighErrorRate firing: 5% of API requests fail" in pull.body
    assert "alertmanager" in pull.body
    incident = pull.head.removeprefix("herald/outage/")
    index = git(remote, "show", f"{pull.head}:incidents/{incident}/index.md")
    assert f"started: {started:%Y-%m-%dT%H:%M:%S}Z" in index
    assert "api: major_outage" in index
    # The same alert again (Alertmanager repeats itself): still one draft.
    repeated = tmp_path / "20261201T000002Z-2-1.json"
    repeated.write_bytes(event.read_bytes())
    draft(root, remote, github_api, repeated, started + timedelta(minutes=6))
    assert len(github_api.of("POST", "/pulls")) == 1

    ended = started + timedelta(minutes=5)
    alertmanager.post_alerts([alert(labels, "5% of API requests fail", started, ended)])
    dispatches = github.wait_for(lambda found: len(found) >= 2, "the resolution arrived")
    resolution = tmp_path / "20261201T000003Z-3-1.json"
    resolution.write_text(json.dumps(workflow_event(dispatches[1].body)), encoding="utf-8")
    draft(root, remote, github_api, resolution, started + timedelta(minutes=7))
    assert len(pull.comments) == 1
    assert f"healthy again since {utc_text(ended)}" in pull.comments[0]
    assert f"herald resolve {incident}" in pull.comments[0]


def workflow_event(dispatch: dict[str, Any]) -> dict[str, Any]:
    """The ``repository_dispatch`` event GitHub writes at ``$GITHUB_EVENT_PATH`` for a
    dispatch request."""
    return {
        "action": dispatch["event_type"],
        "branch": "main",
        "client_payload": dispatch["client_payload"],
        "repository": {"full_name": REPOSITORY, "default_branch": "main"},
        "sender": {"login": "relay-bot", "type": "User"},
    }


def test_a_sender_s_own_payload_is_read_with_from(tmp_path: Path, github_api: GitHubApi) -> None:
    root = tmp_path / "status"
    remote = status_repository(root, "http://127.0.0.1:9/unused")
    saved = Path(__file__).parent / "payloads" / "alertmanager-firing.json"
    starts_at = datetime.fromisoformat(
        json.loads(saved.read_text("utf-8"))["alerts"][0]["startsAt"]
    )
    result = run_herald(
        root,
        "draft",
        "--from",
        "alertmanager",
        str(saved),
        epoch=epoch_of(starts_at + timedelta(minutes=1)),
        **drafting_environment(remote, github_api),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(github_api.of("POST", "/pulls")) == 1


def test_every_alert_in_the_inbox_is_read_once_in_order(
    tmp_path: Path, github_api: GitHubApi
) -> None:
    """The inbox as the alert workflow keeps it: a file per dispatch event, named by when
    it came. A run reads those it has not read; a repeated run (or a later one given the
    same files) drafts nothing twice and reopens nothing."""
    root = tmp_path / "status"
    remote = status_repository(root, "http://127.0.0.1:9/unused")
    payloads = Path(__file__).parent / "payloads"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    names = []
    for when, saved in (("20261201T155830Z", "firing"), ("20261201T160530Z", "resolved")):
        name = f"{when}-100{len(names)}-1.json"
        event = {
            "action": "herald-alert",
            "client_payload": {
                "source": "alertmanager",
                "payload": json.loads((payloads / f"alertmanager-{saved}.json").read_text()),
            },
        }
        (inbox / name).write_text(json.dumps(event), encoding="utf-8")
        names.append(str(inbox / name))
    moment = datetime(2026, 12, 1, 16, 10, tzinfo=UTC)
    environment = drafting_environment(remote, github_api)
    first = run_herald(root, "draft", *names, epoch=epoch_of(moment), **environment)
    assert first.returncode == 0, first.stdout + first.stderr
    # Firing, then resolved: one draft, then its recovery comment.
    assert len(github_api.of("POST", "/pulls")) == 1
    assert len(github_api.pulls[1].comments) == 1
    assert "healthy again since 1 Dec 2026, 16:05 UTC" in github_api.pulls[1].comments[0]
    again = run_herald(
        root, "draft", *names, epoch=epoch_of(moment + timedelta(minutes=5)), **environment
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("already read") == 2
    assert len(github_api.of("POST", "/pulls")) == 1
    assert len(github_api.pulls[1].comments) == 1


def drafting_environment(remote: Path, github_api: GitHubApi) -> dict[str, str]:
    return {
        "HERALD_GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_API_URL": github_api.url,
        "HERALD_GIT_REMOTE": str(remote),
        "GITHUB_REF_NAME": "main",
    }


def draft(root: Path, remote: Path, github_api: GitHubApi, event: Path, moment: datetime) -> str:
    result = run_herald(
        root,
        "draft",
        str(event),
        epoch=epoch_of(moment),
        **drafting_environment(remote, github_api),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_record_naming_someone_else_s_pull_request_never_touches_it(
    tmp_path: Path, service: Service, github_api: GitHubApi
) -> None:
    """``outages.json`` is on a branch anyone with write access can push: a record that
    names a person's pull request as the draft must not get its description rewritten."""
    root = tmp_path / "status"
    remote = status_repository(root, service.url)
    theirs = PullRequest(1, "fix-login", "main", "Fix the login", "Their words", False)
    theirs.repository = REPOSITORY
    github_api.pulls[1] = theirs
    forked = PullRequest(2, "herald/outage/x", "main", "A fork's", "Fork's words", False)
    forked.repository = "someone/status"
    github_api.pulls[2] = forked
    service.die()
    for number, branch in ((1, "herald/outage/2026-12-01-rest-api-unavailable"),
                           (2, "herald/outage/x")):  # fmt: skip
        record = {
            "version": 1,
            "open": {
                "incident_id": branch.removeprefix("herald/outage/"),
                "opened": "2026-12-01T11:50:00Z",
                "components": {
                    "api": {
                        "since": "2026-12-01T11:40:00Z",
                        "status": "major_outage",
                        "source": "probe",
                    }
                },
                "pull_request": number,
                "branch": branch,
                "published": False,
                "evidence": {"api": ["old evidence"]},
            },
            "closed": [],
        }
        (root / ".herald-probes").mkdir(exist_ok=True)
        (root / ".herald-probes" / "outages.json").write_text(json.dumps(record), "utf-8")
        for run in range(3):
            result = run_herald(
                root,
                "probe",
                "--draft",
                epoch=epoch_of(START + timedelta(minutes=5 * run)),
                **drafting_environment(remote, github_api),
            )
        assert result.returncode == 1, result.stdout + result.stderr
        assert f"pull request #{number} is not the draft of {branch}" in result.stderr
        assert "Traceback" not in result.stderr
    assert (theirs.body, theirs.comments) == ("Their words", [])
    assert (forked.body, forked.comments) == ("Fork's words", [])
    assert github_api.of("PATCH", "/pulls/1") == github_api.of("PATCH", "/pulls/2") == []


HOSTILE_NAME = (
    "Login @kestrel/everyone `code` [x](https://evil.example) https://evil.example/a <b> "
)


def test_a_big_outage_with_hostile_names_and_alerts_still_gets_its_draft(
    tmp_path: Path, github_api: GitHubApi
) -> None:
    """Forty components with long names, a thousand alerts with long summaries: the draft
    is still opened (GitHub refuses a title over 256 characters and a description over
    65,536), and nothing in it mentions anyone, links anywhere or leaves its fence."""
    root = tmp_path / "status"
    remote = status_repository(root, "http://127.0.0.1:9/unused")
    with (root / "components.yml").open("a", encoding="utf-8") as file:
        for index in range(40):
            file.write(f"  - id: c{index}\n    name: '{HOSTILE_NAME * 3}{index}'\n")
    git(root, "commit", "--quiet", "-am", "Many components")
    git(root, "push", "--quiet", str(remote), "main")
    summary = "``` @here ````\n[click](https://evil.example) <img src=x> " * 4
    alerts = [
        {
            "status": "firing",
            "labels": {"alertname": f"Down{index}", "component": f"c{index % 40}"},
            "annotations": {"summary": summary},
            "startsAt": "2026-12-01T11:50:00Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": f"https://prometheus.test.example/graph?g0.expr={'x' * 300}",
        }
        for index in range(1000)
    ]
    event = tmp_path / "alert.json"
    payload = {"version": "4", "status": "firing", "alerts": alerts}
    event.write_text(json.dumps({"source": "alertmanager", "payload": payload}), "utf-8")

    draft(root, remote, github_api, event, START)
    pull = github_api.pulls[1]
    assert len(pull.title) <= 256
    assert pull.title.endswith(" and 39 more")
    assert len(pull.body.encode("utf-8")) <= 65_536
    assert "more entries are left out" in pull.body
    prose = outside_fences(pull.body)
    assert "Down0 firing" not in prose
    for mark in ("@", "[", "<", "`code", "https:"):
        assert all(prose[at - 1] == "\\" for at in occurrences(prose, mark)), (mark, prose)


def outside_fences(markdown: str) -> str:
    """The Markdown without its fenced blocks (each opened and closed by the same fence)."""
    kept, fence = [], ""
    for line in markdown.split("\n"):
        if fence:
            if line == fence:
                fence = ""
            continue
        if line.startswith("```"):
            fence = line.removesuffix("text")
            continue
        kept.append(line)
    assert not fence, "a fence is left open"
    return "\n".join(kept)


def occurrences(text: str, mark: str) -> list[int]:
    found, at = [], text.find(mark)
    while at >= 0:
        found.append(at)
        at = text.find(mark, at + 1)
    return found


def test_a_branch_already_there_never_keeps_the_outage_from_its_draft(
    tmp_path: Path, service: Service, github_api: GitHubApi
) -> None:
    """The draft's branch name is foreseeable: one pushed before (by a person, or a run
    that could not open its pull request) is left alone, and the draft takes the next."""
    root = tmp_path / "status"
    remote = status_repository(root, service.url)
    taken = "herald/outage/2026-12-01-rest-api-unavailable"
    theirs = git(root, "commit-tree", "main^{tree}", "-p", "main", "-m", "Someone's").strip()
    git(root, "push", "--quiet", str(remote), f"{theirs}:refs/heads/{taken}")
    before = git(remote, "rev-parse", taken)
    service.die()
    for run in range(3):
        probe(root, remote, github_api, START + timedelta(minutes=5 * run))
    pull = github_api.pulls[1]
    assert pull.head == f"{taken}-2"
    files = git(remote, "ls-tree", "-r", "--name-only", pull.head).split()
    assert "incidents/2026-12-01-rest-api-unavailable-2/index.md" in files
    assert git(remote, "rev-parse", taken) == before
