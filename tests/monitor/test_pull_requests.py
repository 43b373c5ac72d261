"""The seam to GitHub: real git repositories, and a loopback server playing GitHub's API."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_plugin.errors import MonitorError
from site_plugin.monitor.pull_requests import DraftBranch, GitHub

from .github_api import GitHubApi

TOKEN = "test-token-not-a-secret"


def git(cwd: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Person", "-c", "user.email=person@test.example", *arguments],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repository(tmp_path: Path) -> tuple[Path, Path]:
    """A checkout with one commit on main, and the bare remote it came from."""
    root = tmp_path / "status"
    root.mkdir()
    (root / "components.yml").write_text("components: []\n", encoding="utf-8")
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Start")
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(root), str(remote))
    return root, remote


@pytest.fixture
def github_api() -> Iterator[GitHubApi]:
    api = GitHubApi("kestrel/status")
    yield api
    api.close()


def test_a_draft_is_committed_on_its_own_branch_and_main_is_untouched(
    repository: tuple[Path, Path],
) -> None:
    root, remote = repository
    main = git(remote, "rev-parse", "main")
    branch = DraftBranch(root, str(remote))
    commit = branch.commit(
        "herald/outage/x", {"incidents/x/index.md": "---\ntitle: X\n---\n"}, "Draft: X", base="main"
    )
    assert git(remote, "rev-parse", "herald/outage/x").strip() == commit
    assert git(remote, "rev-parse", "main") == main
    assert git(remote, "show", "herald/outage/x:incidents/x/index.md") == "---\ntitle: X\n---\n"
    assert git(remote, "log", "-1", "--format=%an", "herald/outage/x").strip() == (
        "github-actions[bot]"
    )
    assert branch.head("herald/outage/x") == commit
    assert branch.head("herald/outage/none") is None
    # The checkout the command ran in is as it was: no branch, no file, no worktree.
    assert git(root, "status", "--porcelain") == ""
    assert "herald/outage/x" not in git(root, "branch", "--list")
    assert len(git(root, "worktree", "list").splitlines()) == 1


def test_herald_rewrites_its_draft_only_while_nobody_has_touched_it(
    repository: tuple[Path, Path], tmp_path: Path
) -> None:
    root, remote = repository
    branch = DraftBranch(root, str(remote))
    first = branch.commit("herald/outage/x", {"a.md": "1\n"}, "Draft", base="main")
    second = branch.commit(
        "herald/outage/x", {"a.md": "2\n"}, "Draft", base="main", replace_commit=first
    )
    assert git(remote, "show", "herald/outage/x:a.md") == "2\n"
    # A person pushes an edit to the draft: Herald's rewrite is refused.
    person = tmp_path / "person"
    git(tmp_path, "clone", "--quiet", "--branch", "herald/outage/x", str(remote), str(person))
    (person / "a.md").write_text("a person's words\n", encoding="utf-8")
    git(person, "commit", "--quiet", "-am", "Better words")
    git(person, "push", "--quiet", "origin", "herald/outage/x")
    with pytest.raises(MonitorError, match="git push failed"):
        branch.commit(
            "herald/outage/x", {"a.md": "3\n"}, "Draft", base="main", replace_commit=second
        )
    assert git(remote, "show", "herald/outage/x:a.md") == "a person's words\n"


def test_committing_on_the_base_itself_adds_to_it(repository: tuple[Path, Path]) -> None:
    root, remote = repository
    before = git(remote, "rev-parse", "main").strip()
    DraftBranch(root, str(remote)).commit("main", {"b.md": "b\n"}, "Publish", base="main")
    assert git(remote, "rev-parse", "main~1").strip() == before


def test_a_path_out_of_the_repository_is_refused(repository: tuple[Path, Path]) -> None:
    root, remote = repository
    with pytest.raises(MonitorError, match="not a path inside the repository"):
        DraftBranch(root, str(remote)).commit("x", {"../escape.md": "x"}, "Draft", base="main")
    assert not (root.parent / "escape.md").exists()


def test_a_failed_push_never_shows_the_token(repository: tuple[Path, Path]) -> None:
    root, _ = repository
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        port = closed_port.getsockname()[1]
    branch = DraftBranch(root, f"https://127.0.0.1:{port}/kestrel/status.git", TOKEN)
    with pytest.raises(MonitorError) as caught:
        branch.commit("x", {"a.md": "a"}, "Draft", base="main")
    assert TOKEN not in str(caught.value)


def test_pull_requests_are_opened_as_drafts_updated_and_commented(github_api: GitHubApi) -> None:
    api = GitHub(github_api.url, "kestrel/status", TOKEN)
    number = api.open_pull_request(branch="herald/outage/x", base="main", title="T", body="B")
    assert number == 1
    api.update_pull_request(1, body="B2", title="T2")
    api.comment(1, "Recovered")
    assert api.pull_request(1).open
    github_api.merge(1)
    state = api.pull_request(1)
    assert (state.open, state.merged) == (False, True)
    pull = github_api.pulls[1]
    assert (pull.title, pull.body, pull.draft, pull.comments) == ("T2", "B2", True, ["Recovered"])
    for request in github_api.requests:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.headers["accept"] == "application/vnd.github+json"


def test_github_s_refusal_is_named_without_the_token(github_api: GitHubApi) -> None:
    api = GitHub(github_api.url, "kestrel/other", TOKEN)
    with pytest.raises(MonitorError) as caught:
        api.comment(7, "x")
    assert str(caught.value) == "GitHub refused POST issues/7/comments: HTTP 404 (Not Found)"
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        port = closed_port.getsockname()[1]
    with pytest.raises(MonitorError, match="cannot be reached"):
        GitHub(f"http://127.0.0.1:{port}", "kestrel/status", TOKEN).comment(1, "x")
