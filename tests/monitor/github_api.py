"""GitHub's pull request API played by a real HTTP server on loopback.

It answers the requests ``monitor.pull_requests.GitHub`` sends as GitHub does (numbers,
states, 201/200), records each one, and lets a test say a pull request was merged.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TITLE_LIMIT = 256
BODY_LIMIT = 65_536


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class PullRequest:
    number: int
    head: str
    base: str
    title: str
    body: str
    draft: bool
    state: str = "open"
    merged: bool = False
    comments: list[str] = field(default_factory=list)
    repository: str = ""
    """Where its branch is: this repository, or a fork."""


class GitHubApi:
    """``/repos/OWNER/NAME/pulls``, ``/pulls/N`` and ``/issues/N/comments``."""

    def __init__(self, repository: str) -> None:
        self.repository = repository
        self.requests: list[Recorded] = []
        self.pulls: dict[int, PullRequest] = {}
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else {}
                with api.lock:
                    headers = {name.lower(): value for name, value in self.headers.items()}
                    api.requests.append(Recorded(method, self.path, headers, body))
                    code, answer = api.answer(method, self.path, body)
                data = json.dumps(answer).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

            def do_PATCH(self) -> None:
                self._answer("PATCH")

            def log_message(self, *arguments: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        prefix = f"/repos/{self.repository}/"
        if not path.startswith(prefix):
            return 404, {"message": "Not Found"}
        # GitHub's limits: a longer title, description or comment is refused.
        if len(body.get("title", "")) > TITLE_LIMIT or len(body.get("body", "")) > BODY_LIMIT:
            return 422, {"message": "Validation Failed"}
        parts = path.removeprefix(prefix).split("/")
        if parts == ["pulls"] and method == "POST":
            number = len(self.pulls) + 1
            self.pulls[number] = PullRequest(
                number,
                body["head"],
                body["base"],
                body["title"],
                body["body"],
                body["draft"],
                repository=self.repository,
            )
            return 201, {"number": number, "state": "open", "draft": body["draft"]}
        if len(parts) == 2 and parts[0] == "pulls" and parts[1].isdigit():
            pull = self.pulls.get(int(parts[1]))
            if pull is None:
                return 404, {"message": "Not Found"}
            if method == "PATCH":
                pull.body = body.get("body", pull.body)
                pull.title = body.get("title", pull.title)
            return 200, {
                "number": pull.number,
                "state": pull.state,
                "merged": pull.merged,
                "head": {"ref": pull.head, "repo": {"full_name": pull.repository}},
            }
        if len(parts) == 3 and parts[0] == "issues" and parts[2] == "comments":
            pull = self.pulls.get(int(parts[1])) if parts[1].isdigit() else None
            if pull is None or method != "POST":
                return 404, {"message": "Not Found"}
            pull.comments.append(body["body"])
            return 201, {"id": len(pull.comments)}
        return 404, {"message": "Not Found"}

    def merge(self, number: int) -> None:
        with self.lock:
            self.pulls[number].state = "closed"
            self.pulls[number].merged = True

    def of(self, method: str, suffix: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.endswith(suffix)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
