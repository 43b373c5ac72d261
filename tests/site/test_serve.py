"""``mkdocs serve`` rebuilds when an engineer saves a new update: no stale status."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from ..conftest import INCIDENT, MKDOCS_YML, NOW_EPOCH, StatusRepo


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def wait_for(url: str, text: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if text in fetch(url):
            return True
        time.sleep(0.3)
    return False


def test_a_saved_update_shows_without_restarting(repo: StatusRepo, tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (tmp_path / "docs").mkdir(exist_ok=True)
    repo.remove(f"{INCIDENT}/2026-11-20T1500Z-resolved.md")
    port = free_port()
    environment = dict(os.environ, SOURCE_DATE_EPOCH=NOW_EPOCH, NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    home = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(home, "Partial System Outage", time.monotonic() + 60)
        repo.write(
            f"{INCIDENT}/2026-11-20T1500Z-resolved.md",
            "---\nat: 2026-11-20T15:00:00Z\nstatus: resolved\n---\nAll fixed. Sorry.\n",
        )
        assert wait_for(home, "All Systems Operational", time.monotonic() + 60)
        repo.write(
            "components.yml",
            "components:\n  - id: api\n    name: Public API\n",
        )
        assert wait_for(home, "Public API", time.monotonic() + 60)
    finally:
        server.terminate()
        server.wait(timeout=30)
