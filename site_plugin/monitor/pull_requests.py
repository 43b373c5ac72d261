"""The one way Herald proposes content: a branch in the status repository and a pull request.

Two small parts, both real: ``DraftBranch`` commits files onto a branch of the status
repository with ``git`` (in a separate worktree, so the checkout the command runs in is
left as it is) and pushes it; ``GitHub`` opens, updates and comments on pull requests
through GitHub's REST API. The token travels in a header, never in a URL, an argument
or a message.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..errors import MonitorError
from ..options import path_is_inside

API_VERSION = "2022-11-28"
BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
TIMEOUT = 30.0
MAX_RESPONSE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class DraftBranch:
    """Where drafts are pushed.

    Attributes:
        root: The status repository's checkout.
        push_url: The remote to push to (``https://github.com/OWNER/NAME.git``, or a
            path to another repository).
        token: For an https remote: sent as an HTTP header, never stored.
    """

    root: Path
    push_url: str
    token: str = ""

    def commit(
        self,
        branch: str,
        files: Mapping[str, str],
        message: str,
        *,
        base: str,
        replace_commit: str | None = None,
    ) -> str:
        """Commit ``files`` (paths relative to the repository) on ``branch``, starting
        from ``base`` (a branch of the remote), and push it; returns the new commit.

        With ``replace_commit``, the branch is replaced only if it still points there: a
        branch someone has pushed to since is left alone (``MonitorError``).
        ``branch == base`` commits on top of the base itself (never forced).
        """
        with tempfile.TemporaryDirectory(prefix="herald-draft-") as scratch:
            worktree = Path(scratch) / "tree"
            self._git("fetch", "--quiet", "--depth=1", self.push_url, f"refs/heads/{base}")
            self._git("worktree", "add", "--quiet", "--detach", str(worktree), "FETCH_HEAD")
            try:
                for relative, text in files.items():
                    target = worktree / relative
                    if target == worktree or not path_is_inside(worktree, target):
                        raise MonitorError(f"{relative}: not a path inside the repository")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(text, encoding="utf-8")
                self._git("add", "--", *files, cwd=worktree)
                self._git(
                    "-c",
                    f"user.name={BOT_NAME}",
                    "-c",
                    f"user.email={BOT_EMAIL}",
                    "commit",
                    "--quiet",
                    "--no-verify",
                    "-m",
                    message,
                    cwd=worktree,
                )
                commit = self._git("rev-parse", "HEAD", cwd=worktree).strip()
                push = ["push", "--quiet", self.push_url, f"HEAD:refs/heads/{branch}"]
                if replace_commit is not None and branch != base:
                    push.insert(2, f"--force-with-lease=refs/heads/{branch}:{replace_commit}")
                self._git(*push, cwd=worktree)
                return commit
            finally:
                self._git("worktree", "remove", "--force", str(worktree), check=False)

    def head(self, branch: str) -> str | None:
        """The commit ``branch`` points to on the remote, or ``None`` if there is none."""
        output = self._git("ls-remote", "--heads", self.push_url, f"refs/heads/{branch}")
        line = output.strip().splitlines()
        return line[0].split()[0] if line else None

    def _git(self, *arguments: str, cwd: Path | None = None, check: bool = True) -> str:
        result = subprocess.run(
            ["git", *arguments],
            cwd=cwd or self.root,
            env=self._environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            what = arguments[0] if arguments[0] != "-c" else "commit"
            detail = result.stderr.strip().splitlines()[-1:] or ["no message"]
            raise MonitorError(f"git {what} failed: {self._redacted(detail[0])}")
        return result.stdout

    def _credentials(self) -> str:
        """The token as the Basic credentials GitHub takes over https; empty without one."""
        if not (self.token and self.push_url.startswith("https://")):
            return ""
        return base64.b64encode(f"x-access-token:{self.token}".encode()).decode()

    def _environment(self) -> dict[str, str]:
        """What every git command of Herald's runs with.

        The settings go in the environment, not the command line, so that nothing that
        lists processes or logs the command shows the token, and they come after every
        configuration file, so that none can undo them:

        - the token is sent to the push URL only (``http.<url>.extraHeader``), never to
          another server git or a filter it runs talks to (Git LFS reads the content's
          ``.lfsconfig``, which may name any server);
        - no hook and no file system monitor of the checkout runs, and Git LFS downloads
          nothing: they would run with the token in their environment, and the commit
          is Herald's own (``--no-verify`` alone leaves the checkout and push hooks).
        """
        settings = [
            ("core.hooksPath", os.devnull),
            ("core.fsmonitor", "false"),
        ]
        credentials = self._credentials()
        if credentials:
            settings.append(
                (f"http.{self.push_url}.extraHeader", f"Authorization: Basic {credentials}")
            )
        environment = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_LFS_SKIP_SMUDGE="1")
        environment["GIT_CONFIG_COUNT"] = str(len(settings))
        for index, (key, value) in enumerate(settings):
            environment[f"GIT_CONFIG_KEY_{index}"] = key
            environment[f"GIT_CONFIG_VALUE_{index}"] = value
        return environment

    def _redacted(self, text: str) -> str:
        """``text`` without the token, as it is or as the credentials carry it."""
        for secret in (self.token, self._credentials()):
            if secret:
                text = text.replace(secret, "***")
        return text


@dataclass(frozen=True)
class PullRequestState:
    """What Herald needs to know of a pull request.

    Attributes:
        number: Its number.
        open: Whether it is open.
        merged: Whether it was merged.
        head: Its branch, as ``OWNER/NAME:BRANCH`` (the repository its branch is in: a
            fork's pull request names the fork); empty when GitHub did not say.
    """

    number: int
    open: bool
    merged: bool
    head: str = ""


@dataclass(frozen=True)
class GitHub:
    """GitHub's REST API for one repository.

    Attributes:
        api_url: ``https://api.github.com``, or a GitHub Enterprise Server's API.
        repository: ``OWNER/NAME``.
        token: A token allowed to write pull requests (and contents, for branches).
    """

    api_url: str
    repository: str
    token: str

    def open_pull_request(self, *, branch: str, base: str, title: str, body: str) -> int:
        """Open a draft pull request of ``branch`` into ``base``; returns its number."""
        answer = self._request(
            "POST",
            "pulls",
            {"title": title, "head": branch, "base": base, "body": body, "draft": True},
        )
        number = answer.get("number")
        if not isinstance(number, int):
            raise MonitorError("GitHub did not say which pull request it opened")
        return number

    def update_pull_request(self, number: int, *, body: str, title: str | None = None) -> None:
        fields = {"body": body} if title is None else {"body": body, "title": title}
        self._request("PATCH", f"pulls/{number}", fields)

    def comment(self, number: int, body: str) -> None:
        """Comment on a pull request (open, closed or merged alike)."""
        self._request("POST", f"issues/{number}/comments", {"body": body})

    def pull_request(self, number: int) -> PullRequestState:
        answer = self._request("GET", f"pulls/{number}", None)
        head = answer.get("head")
        head = head if isinstance(head, dict) else {}
        repository = head.get("repo")
        repository = repository.get("full_name") if isinstance(repository, dict) else None
        branch = head.get("ref")
        return PullRequestState(
            number=number,
            open=answer.get("state") == "open",
            merged=bool(answer.get("merged")),
            head=f"{repository}:{branch}"
            if isinstance(repository, str) and isinstance(branch, str)
            else "",
        )

    def is_own_branch(self, state: PullRequestState, branch: str) -> bool:
        """Whether ``state`` is the pull request of ``branch`` in this repository (GitHub
        compares repository names without regard to case)."""
        return state.head.lower() == f"{self.repository}:{branch}".lower() and (
            state.head.endswith(f":{branch}")
        )

    def _request(
        self, method: str, path: str, fields: Mapping[str, object] | None
    ) -> dict[str, object]:
        url = f"{self.api_url.rstrip('/')}/repos/{self.repository}/{path}"
        data = json.dumps(fields).encode("utf-8") if fields is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("X-GitHub-Api-Version", API_VERSION)
        request.add_header("User-Agent", f"Herald/{__version__}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with _OPENER.open(request, timeout=TIMEOUT) as response:
                body = response.read(MAX_RESPONSE_BYTES)
        except urllib.error.HTTPError as error:
            if 300 <= error.code < 400:
                error.close()
                raise MonitorError(
                    f"GitHub answered {method} {path} with a redirect (HTTP {error.code}),"
                    " which Herald does not follow: the token would go with it (set"
                    " GITHUB_REPOSITORY or GITHUB_API_URL to where it points)"
                ) from None
            raise MonitorError(
                f"GitHub refused {method} {path}: HTTP {error.code}{_github_message(error)}"
            ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise MonitorError(f"GitHub's API cannot be reached ({reason})") from None
        if not body:
            return {}
        try:
            answer = json.loads(body)
        except ValueError:
            raise MonitorError(f"GitHub's answer to {method} {path} is not JSON") from None
        return answer if isinstance(answer, dict) else {}


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect reaches the caller as the 3xx it is: followed, a GET would carry the
    token's header to wherever it points, and a POST would become a GET."""

    def redirect_request(self, *arguments: object, **options: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_RefuseRedirects)


def _github_message(error: urllib.error.HTTPError) -> str:
    """GitHub's own words for a refusal (``Validation Failed``), one short line."""
    try:
        message = json.loads(error.read(64 * 1024)).get("message", "")
    except (ValueError, AttributeError, OSError):
        return ""
    text = "".join(char for char in str(message) if char.isprintable())[:200]
    return f" ({text})" if text else ""
