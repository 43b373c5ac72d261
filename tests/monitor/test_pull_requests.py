"""The seam to GitHub: real git repositories, and a loopback server playing GitHub's API."""

from __future__ import annotations

import base64
import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


def test_no_hook_or_file_system_monitor_of_the_checkout_runs(
    repository: tuple[Path, Path], tmp_path: Path
) -> None:
    """Herald's git commands carry the token in their environment: nothing of the
    checkout's configuration may run a program beside them."""
    root, remote = repository
    ran = tmp_path / "ran"
    hooks = root / ".git" / "hooks"
    for name in ("post-checkout", "pre-commit", "post-commit", "pre-push", "reference-transaction"):
        (hooks / name).write_text(f'#!/bin/sh\necho {name} >> "{ran}"\n', encoding="utf-8")
        (hooks / name).chmod(0o755)
    monitor = tmp_path / "fsmonitor"
    monitor.write_text(f'#!/bin/sh\necho fsmonitor >> "{ran}"\n', encoding="utf-8")
    monitor.chmod(0o755)
    git(root, "config", "core.fsmonitor", str(monitor))
    git(root, "config", "core.hooksPath", str(hooks))
    DraftBranch(root, str(remote), TOKEN).commit(
        "herald/outage/x", {"a.md": "a\n"}, "D", base="main"
    )
    assert not ran.exists(), ran.read_text("utf-8")
    assert git(remote, "show", "herald/outage/x:a.md") == "a\n"


def test_the_token_goes_to_the_push_url_only(repository: tuple[Path, Path], tmp_path: Path) -> None:
    """A filter git runs on the content (Git LFS, which reads the content's .lfsconfig for
    its server) is told the token for the push URL, and for no other server."""
    root, remote = repository
    push_url = "https://git.test.example/kestrel/status.git"
    # The push URL leads to the bare repository on disk, as a real remote would.
    git(root, "config", f"url.{remote.as_uri()}.insteadOf", push_url)
    seen = tmp_path / "seen"
    smudge = tmp_path / "smudge"
    smudge.write_text(
        "#!/bin/sh\n"
        f'{{ echo "skip=$GIT_LFS_SKIP_SMUDGE"\n'
        f"  echo other=$(git config --get-urlmatch http.extraheader https://lfs.test.example/x)\n"
        f"  echo push=$(git config --get-urlmatch http.extraheader {push_url}/info/lfs)\n"
        f'}} > "{seen}"\n'
        "cat\n",
        encoding="utf-8",
    )
    smudge.chmod(0o755)
    git(root, "config", "filter.fake-lfs.smudge", str(smudge))
    git(root, "config", "filter.fake-lfs.clean", "cat")
    (root / ".gitattributes").write_text("*.yml filter=fake-lfs\n", encoding="utf-8")
    git(root, "add", ".gitattributes")
    git(root, "commit", "--quiet", "-m", "Attributes")
    git(root, "push", "--quiet", str(remote), "main")

    DraftBranch(root, push_url, TOKEN).commit("herald/outage/x", {"a.md": "a\n"}, "D", base="main")
    credentials = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    assert seen.read_text("utf-8").splitlines() == [
        "skip=1",
        "other=",
        f"push=Authorization: Basic {credentials}",
    ]
    assert git(remote, "show", "herald/outage/x:a.md") == "a\n"


def test_a_failure_never_shows_the_token_in_its_credentials_either(
    repository: tuple[Path, Path],
) -> None:
    root, _ = repository
    credentials = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    branch = DraftBranch(root, "https://127.0.0.1:9/kestrel/status.git", TOKEN)
    # What git says is passed on: a message that repeats the header is not.
    assert branch._redacted(f"bad header: Authorization: Basic {credentials}") == (
        "bad header: Authorization: Basic ***"
    )


def test_a_redirect_is_not_followed_with_the_token() -> None:
    """Followed, a GET would carry the token's header to wherever the answer points."""
    elsewhere = GitHubApi("kestrel/status")
    redirecting = Redirecting(f"{elsewhere.url}/repos/kestrel/status/pulls/1")
    try:
        api = GitHub(redirecting.url, "kestrel/status", TOKEN)
        with pytest.raises(MonitorError) as caught:
            api.pull_request(1)
        assert str(caught.value) == (
            "GitHub answered GET pulls/1 with a redirect (HTTP 301), which Herald does not"
            " follow: the token would go with it (set GITHUB_REPOSITORY or GITHUB_API_URL to"
            " where it points)"
        )
        with pytest.raises(MonitorError, match=r"POST issues/1/comments with a redirect"):
            api.comment(1, "Recovered")
        assert elsewhere.requests == []
    finally:
        redirecting.close()
        elsewhere.close()


class Redirecting:
    """A server that answers every request with a redirect to ``location``."""

    def __init__(self, location: str) -> None:
        class Handler(BaseHTTPRequestHandler):
            def _redirect(self) -> None:
                self.send_response(301)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PATCH = _redirect

            def log_message(self, *arguments: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
