"""Shared fixtures: small status repositories written into ``tmp_path`` at a fixed time."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

import pytest

from site_plugin.content.loader import ContentPaths, load_status_site
from site_plugin.content.model import StatusSite
from site_plugin.errors import ContentError

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
"""The fixed "now" of every test (also the example site's SOURCE_DATE_EPOCH)."""
NOW_EPOCH = "1795608000"
REPO_ROOT = Path(__file__).resolve().parent.parent

COMPONENTS = """\
components:
  - id: api
    name: REST API
    description: Public REST API.
  - id: dashboard
    name: Dashboard
  - id: regions
    name: Regions
    components:
      - id: eu-west
        name: EU West
      - id: us-east
        name: US East
  - id: sso
    name: Single sign-on
    hidden_unless_affected: true
    since: 2026-08-01
"""

INCIDENT_INDEX = """\
---
title: Elevated error rates on the REST API
kind: incident
impact: major
affected:
  api: partial_outage
---
Some API requests fail.
"""

FIRST_UPDATE = """\
---
at: 2026-11-20T14:10:00Z
status: investigating
next_update: 30m
---
We are seeing errors on the REST API and are investigating.
"""

RESOLVED_UPDATE = """\
---
at: 2026-11-20T15:00:00Z
status: resolved
---
The REST API is working normally again. We are sorry for the trouble.
"""

INCIDENT = "incidents/2026-11-20-api-errors"


class StatusRepo:
    """A status repository in a temporary folder, valid until a test breaks it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.write("components.yml", COMPONENTS)
        self.write(f"{INCIDENT}/index.md", INCIDENT_INDEX)
        self.write(f"{INCIDENT}/2026-11-20T1410Z-investigating.md", FIRST_UPDATE)
        self.write(f"{INCIDENT}/2026-11-20T1500Z-resolved.md", RESOLVED_UPDATE)
        self.write("docs/.gitkeep", "")  # MkDocs needs the folder; git keeps no empty one

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def remove(self, relative: str) -> None:
        (self.root / relative).unlink()

    def load(self, *, now: datetime = NOW, zone: tzinfo = UTC) -> StatusSite:
        return load_status_site(ContentPaths(self.root), now=now, zone=zone)

    def problems(self, *, now: datetime = NOW, zone: tzinfo = UTC) -> list[str]:
        """The reported problems, one string each; fails the test if loading succeeds."""
        with pytest.raises(ContentError) as caught:
            self.load(now=now, zone=zone)
        return [str(problem) for problem in caught.value.problems]


@pytest.fixture
def repo(tmp_path: Path) -> StatusRepo:
    return StatusRepo(tmp_path)


MKDOCS_YML = """\
site_name: Test status
site_url: https://status.test.example/
theme:
  name: material
plugins:
  - search
  - herald
"""


def build_site(
    root: Path, *, epoch: str = NOW_EPOCH, strict: bool = True, site_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``mkdocs build`` in ``root`` at a fixed time."""
    if not (root / "mkdocs.yml").exists():
        (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    environment = dict(os.environ, SOURCE_DATE_EPOCH=epoch, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else [])]
    if site_dir is not None:
        command += ["--site-dir", str(site_dir)]
    return subprocess.run(
        command, cwd=root, env=environment, capture_output=True, text=True, timeout=300, check=False
    )


def copy_example(root: Path) -> None:
    """Copy the repository's example content (not mkdocs.yml) into ``root``."""
    for name in ("components.yml", "incidents", "docs", "overrides"):
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)


def write_example_probes(root: Path) -> None:
    """Probe results for the example's REST API and email sending: 90 days of runs every
    5 minutes (starting a little late) up to ``NOW``, as the probe workflow records them,
    with an hour of timeouts for email yesterday. The same every time."""
    import random

    from site_plugin.content.measurements import Outcome, ProbeResult
    from site_plugin.content.probe_store import ProbeStore

    store = ProbeStore(root / ".herald-probes")
    for component_id, typical in (("api", 180), ("email", 650)):
        rng = random.Random(component_id)
        outage = (NOW - timedelta(hours=27), NOW - timedelta(hours=26))
        results = []
        for run in range(90 * 288):
            at = NOW - timedelta(minutes=5 * run) + timedelta(seconds=rng.randrange(40))
            if at > NOW:
                continue
            if component_id == "email" and outage[0] <= at < outage[1]:
                results.append(ProbeResult(at, Outcome.TIMEOUT))
                continue
            latency = int(typical * rng.lognormvariate(0, 0.3))
            outcome = Outcome.SLOW if latency > 4 * typical else Outcome.UP
            results.append(ProbeResult(at, outcome, 200, latency))
        store.append(component_id, results)


def epoch_of(moment: datetime) -> str:
    return str(int(moment.timestamp()))


HERALD = [sys.executable, "-m", "site_plugin.cli"]
CLEARED = ("SOURCE_DATE_EPOCH", "EDITOR", "VISUAL")


def run_herald(
    cwd: Path,
    *arguments: str,
    epoch: str | None = NOW_EPOCH,
    stdin: str | None = None,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    """The real ``herald`` command in ``cwd`` at a fixed time, with only the given settings."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in CLEARED and not key.startswith("HERALD_")
    }
    if epoch is not None:
        environment["SOURCE_DATE_EPOCH"] = epoch
    environment.update(env)
    return subprocess.run(
        [*HERALD, *arguments],
        cwd=cwd,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
