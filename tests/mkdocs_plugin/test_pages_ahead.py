"""Herald's pages rendered by a forked copy are the pages rendered here, byte for byte.

Each build runs in a fresh interpreter (a process with threads never forks). A hooks file
holds the build back, after Herald's last ``on_env``, until the copy has left: the copy
then has every page it could render, and the build takes them, whatever the machine's
speed. Without it, which pages the copy renders depends on the two cores' speeds.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from ..conftest import NOW_EPOCH, REPO_ROOT, copy_example
from ..test_parallel import BUILD, files_of, needs_two_cores, python_alone

HOOKS = """
import json, os
from mkdocs.plugins import event_priority

def children():
    return set(open(f"/proc/self/task/{os.getpid()}/children").read().split())

before = set()
ahead = []
pages = []

def on_files(files, config):
    before.update(children())  # the copy making the other files, if any
    return files

@event_priority(-200)
def on_env(env, config, files):
    for pid in children() - before:  # the copy rendering the pages
        os.waitid(os.P_PID, int(pid), os.WEXITED | os.WNOWAIT)
    if os.environ.get("UNREADABLE"):
        import site_plugin.parallel
        site_plugin.parallel.MappedFromTheEnd.result = lambda self, index: None
    return env

@event_priority(-200)
def on_page_context(context, page, config, nav):
    if "herald" in context:
        pages.append(page.file.src_uri)
        if "herald_ahead_html" in context:
            ahead.append(page.file.src_uri)
    return context

def on_post_build(config):
    with open(os.environ["COUNTS"], "w") as counts:
        json.dump({"pages": len(pages), "ahead": len(ahead)}, counts)
"""


def build(root: Path, name: str, smallest_run: int, **environment: str) -> dict[str, int]:
    counts = root / f"{name}.json"
    env = dict(
        os.environ,
        SOURCE_DATE_EPOCH=NOW_EPOCH,
        NO_MKDOCS_2_WARNING="1",
        COUNTS=str(counts),
        **environment,
    )
    python_alone(BUILD, str(smallest_run), str(root / name), cwd=root, env=env)
    found: dict[str, int] = json.loads(counts.read_text("utf-8"))
    return found


@pytest.fixture
def example(tmp_path: Path) -> Path:
    copy_example(tmp_path)
    (tmp_path / "hooks.py").write_text(textwrap.dedent(HOOKS), "utf-8")
    config = (REPO_ROOT / "mkdocs.yml").read_text("utf-8")
    (tmp_path / "mkdocs.yml").write_text(config + "\nhooks:\n  - hooks.py\n", "utf-8")
    return tmp_path


@needs_two_cores
def test_pages_the_copy_rendered_are_the_pages_rendered_here(example: Path) -> None:
    here = build(example, "here", 10**9)
    copied = build(example, "copied", 1)
    assert here["ahead"] == 0
    # All but the first, which this process claims as it forks the copy.
    assert copied["ahead"] >= copied["pages"] - 1 > 10
    one_loop = files_of(example / "here")
    assert any(path.startswith("incidents/") for path in one_loop)
    assert files_of(example / "copied") == one_loop


@needs_two_cores
def test_a_page_the_copy_rendered_but_that_cannot_be_read_is_rendered_here(
    example: Path,
) -> None:
    build(example, "here", 10**9)
    unreadable = build(example, "unreadable", 1, UNREADABLE="1")
    assert unreadable["ahead"] == 0
    assert files_of(example / "unreadable") == files_of(example / "here")
