"""Herald's pages rendered by a forked copy are the pages rendered here, byte for byte.

Each build runs in a fresh interpreter (a process with threads never forks). A hooks file
holds the build back at its first page, until the copy has left: the copy then has every
page it could render, and the build takes them, whatever the machine's speed. Without
it, which pages the copy renders depends on the two cores' speeds.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from ..conftest import NOW_EPOCH, REPO_ROOT, copy_example
from ..test_parallel import files_of, needs_two_cores, run_python

HOOKS = """
import json, logging, os
from mkdocs.plugins import event_priority

def children():
    return set(open(f"/proc/self/task/{os.getpid()}/children").read().split())

before = set()
waited = []
ahead = []
pages = []

def on_files(files, config):
    before.update(children())  # the copy making the other files, if any
    return files

def shout(page):
    # Logs a warning while one page renders (SHOUT_AT), as a theme or template might.
    if page is not None and page.file.src_uri == os.environ.get("SHOUT_AT"):
        logging.getLogger("mkdocs.plugins.shout").warning("a warning from %s", page.url)
    return ""

@event_priority(-200)
def on_env(env, config, files):
    # Late, but before Herald's last: the copy renders with what it sets.
    env.globals.update(late_word="late", shout=shout)
    return env

@event_priority(-200)
def on_page_context(context, page, config, nav):
    if not waited:
        waited.append(True)
        for pid in children() - before:  # the copy rendering the pages
            os.waitid(os.P_PID, int(pid), os.WEXITED | os.WNOWAIT)
        if os.environ.get("UNREADABLE"):
            import site_plugin.parallel
            site_plugin.parallel.MappedFromTheEnd.result = lambda self, index: None
    if "herald" in context:
        pages.append(page.file.src_uri)
        if "herald_ahead_html" in context:
            ahead.append(page.file.src_uri)
    return context

def on_post_build(config):
    with open(os.environ["COUNTS"], "w") as counts:
        json.dump({"pages": len(pages), "ahead": len(ahead)}, counts)
"""

OVERRIDE = """\
{% extends "base.html" %}
{% block extrahead %}{{ super() }}<meta name="late" content="{{ late_word }}">
{{- shout(page) }}{% endblock %}
"""

BUILD = """
import sys
import site_plugin.parallel
site_plugin.parallel.SMALLEST_RUN = int(sys.argv[1])
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "--site-dir", *sys.argv[2:]]
cli()
"""


def build(
    root: Path, name: str, smallest_run: int, *options: str, **environment: str
) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        SOURCE_DATE_EPOCH=NOW_EPOCH,
        NO_MKDOCS_2_WARNING="1",
        COUNTS=str(root / f"{name}.json"),
        **environment,
    )
    return run_python(BUILD, str(smallest_run), str(root / name), *options, cwd=root, env=env)


def counts(root: Path, name: str) -> dict[str, int]:
    found: dict[str, int] = json.loads((root / f"{name}.json").read_text("utf-8"))
    return found


@pytest.fixture
def example(tmp_path: Path) -> Path:
    copy_example(tmp_path)
    (tmp_path / "hooks.py").write_text(textwrap.dedent(HOOKS), "utf-8")
    (tmp_path / "overrides").mkdir(exist_ok=True)
    (tmp_path / "overrides" / "main.html").write_text(OVERRIDE, "utf-8")
    config = (REPO_ROOT / "mkdocs.yml").read_text("utf-8")
    (tmp_path / "mkdocs.yml").write_text(config + "\nhooks:\n  - hooks.py\n", "utf-8")
    return tmp_path


def built(root: Path, name: str, smallest_run: int, **environment: str) -> dict[str, bytes]:
    completed = build(root, name, smallest_run, "--quiet", **environment)
    assert completed.returncode == 0, completed.stderr
    return files_of(root / name)


@needs_two_cores
def test_pages_the_copy_rendered_are_the_pages_rendered_here(example: Path) -> None:
    here = built(example, "here", 10**9)
    copied = built(example, "copied", 1)
    assert counts(example, "here")["ahead"] == 0
    # All but the first, which this process claims as it forks the copy.
    ahead = counts(example, "copied")
    assert ahead["ahead"] >= ahead["pages"] - 1 > 10
    assert any(path.startswith("incidents/") for path in here)
    # What a plugin's late on_env sets is on the copy's pages too.
    incident = next(path for path in here if path.startswith("incidents/"))
    assert b'<meta name="late" content="late">' in here[incident]
    assert copied == here


@needs_two_cores
def test_a_page_the_copy_rendered_but_that_cannot_be_read_is_rendered_here(
    example: Path,
) -> None:
    here = built(example, "here", 10**9)
    unreadable = built(example, "unreadable", 1, UNREADABLE="1")
    assert counts(example, "unreadable")["ahead"] == 0
    assert unreadable == here


@needs_two_cores
def test_a_warning_while_a_page_renders_is_said_once_and_fails_a_strict_build(
    example: Path,
) -> None:
    incident = sorted((example / "incidents").iterdir())[-1].name
    shout_at = f"incidents/{incident}.md"
    results = {
        name: build(example, name, smallest_run, "--strict", SHOUT_AT=shout_at)
        for name, smallest_run in (("here", 10**9), ("copied", 1))
    }
    for completed in results.values():
        assert completed.returncode != 0
        assert completed.stderr.count(f"a warning from incidents/{incident}/") == 1
