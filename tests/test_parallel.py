"""Work mapped on every core gives what one loop gives, whatever happens to the copies.

Each case runs in a fresh Python process: the test runner may have threads of its own,
and a process with threads never forks (the map is then one loop, which the last cases
check on purpose).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from site_plugin.parallel import usable_cores

from .conftest import NOW_EPOCH, REPO_ROOT, copy_example

needs_two_cores = pytest.mark.skipif(
    usable_cores() < 2 or not sys.platform.startswith("linux"),
    reason="a map on several cores needs two of them, and fork (Linux)",
)


HELPERS = """
import os


def copies_left():
    \"\"\"Whether this process has a child, running or not yet reaped.\"\"\"
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return "none"
    return "some"


def wait_for_the_copy():
    \"\"\"Until the copy (this process's only child) has left, without reaping it: what
    it made is then all said, whatever the machine's speed.\"\"\"
    os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOWAIT)
"""


def run_python(
    code: str, *arguments: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``code`` run by itself in a new interpreter, with the helpers above defined."""
    return subprocess.run(
        [sys.executable, "-c", HELPERS + textwrap.dedent(code), *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def python_alone(
    code: str, *arguments: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> str:
    """What ``code`` prints, run by itself in a new interpreter (which must succeed)."""
    completed = run_python(code, *arguments, cwd=cwd, env=env)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def run_alone(code: str) -> object:
    """What ``code`` prints as JSON, run by itself in a new interpreter."""
    return json.loads(python_alone(code))


@needs_two_cores
def test_the_runs_after_the_first_are_mapped_in_forked_copies_in_order() -> None:
    found = run_alone(
        """
        import json, os
        from site_plugin.parallel import map_on_cores
        results = map_on_cores(lambda n: (n * n, os.getpid()), range(1000), smallest_run=100)
        print(json.dumps({
            "values": [value for value, _ in results],
            "first": results[0][1],
            "last": results[-1][1],
            "here": os.getpid(),
            "processes": len({pid for _, pid in results}),
        }))
        """
    )
    assert isinstance(found, dict)
    assert found["values"] == [n * n for n in range(1000)]
    assert found["first"] == found["here"]
    assert found["last"] != found["here"]
    assert found["processes"] == min(usable_cores(), 10)


@needs_two_cores
def test_a_copy_that_fails_costs_time_not_results() -> None:
    found = run_alone(
        """
        import json, os
        from site_plugin.parallel import map_on_cores
        here = os.getpid()

        def square(n):
            if os.getpid() != here:
                raise RuntimeError("a copy that breaks")
            return n * n

        print(json.dumps(map_on_cores(square, range(600), smallest_run=100)))
        """
    )
    assert found == [n * n for n in range(600)]


@needs_two_cores
def test_results_that_do_not_pickle_are_made_here() -> None:
    found = run_alone(
        """
        import json
        from site_plugin.parallel import map_on_cores
        results = map_on_cores(lambda n: (lambda: n), range(600), smallest_run=100)
        print(json.dumps([result() for result in results]))
        """
    )
    assert found == list(range(600))


@needs_two_cores
def test_an_error_here_propagates_and_leaves_no_copy_behind() -> None:
    found = run_alone(
        """
        import json, os, time
        from site_plugin.parallel import map_on_cores

        def slow_square(n):
            if n == 5:
                raise ValueError("item 5")
            time.sleep(0.001)
            return n * n

        try:
            map_on_cores(slow_square, range(1000), smallest_run=100)
        except ValueError as error:
            message = str(error)
        children = copies_left()
        print(json.dumps([message, children]))
        """
    )
    assert found == ["item 5", "none"]


def test_a_process_with_threads_maps_in_one_loop() -> None:
    found = run_alone(
        """
        import json, os, threading
        from site_plugin.parallel import map_on_cores
        stop = threading.Event()
        waiting = threading.Thread(target=stop.wait)
        waiting.start()
        results = map_on_cores(lambda n: os.getpid(), range(1000), smallest_run=100)
        stop.set()
        waiting.join()
        print(json.dumps(len(set(results))))
        """
    )
    assert found == 1


def test_few_items_are_mapped_in_one_loop() -> None:
    found = run_alone(
        """
        import json, os
        from site_plugin.parallel import map_on_cores
        print(json.dumps(len(set(map_on_cores(lambda n: os.getpid(), range(100))))))
        """
    )
    assert found == 1


BUILD = """
import sys
import site_plugin.parallel
site_plugin.parallel.SMALLEST_RUN = int(sys.argv[1])
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "--quiet", "--site-dir", sys.argv[2]]
cli()
"""


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@needs_two_cores
def test_the_example_built_on_every_core_is_the_one_built_on_one(tmp_path: Path) -> None:
    """Reading the incidents and converting their messages in forked copies (a run of one
    item each), and the other files made in a copy, give the site, byte for byte, that
    one process gives."""
    copy_example(tmp_path)
    (tmp_path / "mkdocs.yml").write_bytes((REPO_ROOT / "mkdocs.yml").read_bytes())
    environment = dict(os.environ, SOURCE_DATE_EPOCH=NOW_EPOCH, NO_MKDOCS_2_WARNING="1")
    for name, smallest_run in (("one-loop", 10**9), ("every-core", 1)):
        python_alone(BUILD, str(smallest_run), str(tmp_path / name), cwd=tmp_path, env=environment)
    one_loop = files_of(tmp_path / "one-loop")
    assert any(path.startswith("incidents/") for path in one_loop)
    assert files_of(tmp_path / "every-core") == one_loop


PROBLEMS = """
import json, sys
from datetime import UTC, datetime
from pathlib import Path
import site_plugin.parallel
site_plugin.parallel.SMALLEST_RUN = int(sys.argv[1])
from site_plugin.content.loader import ContentPaths, load_status_site
from site_plugin.errors import ContentError
try:
    load_status_site(ContentPaths(Path(".")), now=datetime(2026, 11, 25, tzinfo=UTC), zone=UTC)
except ContentError as error:
    print(json.dumps([str(problem) for problem in error.problems]))
"""


@needs_two_cores
def test_problems_found_in_forked_copies_are_all_reported(tmp_path: Path) -> None:
    (tmp_path / "components.yml").write_text("components:\n  - id: api\n    name: API\n", "utf-8")
    for number in range(8):
        folder = tmp_path / "incidents" / f"2026-11-{number + 10}-incident-{number}"
        folder.mkdir(parents=True)
        impact = "majr" if number % 3 == 0 else "major"
        (folder / "index.md").write_text(
            f"---\ntitle: Incident {number}\nimpact: {impact}\naffected:\n"
            "  api: major_outage\n---\n",
            "utf-8",
        )
        (folder / f"2026-11-{number + 10}T1000Z-investigating.md").write_text(
            f"---\nat: 2026-11-{number + 10}T10:00:00Z\nstatus: investigatin\n---\nLooking.\n",
            "utf-8",
        )
    one_loop, every_core = (
        json.loads(python_alone(PROBLEMS, str(smallest_run), cwd=tmp_path))
        for smallest_run in (10**9, 1)
    )
    assert len(one_loop) == 8 + 3
    assert every_core == one_loop


@needs_two_cores
def test_pending_work_runs_in_a_copy_and_comes_back() -> None:
    found = run_alone(
        """
        import json, os
        from site_plugin.parallel import Pending
        pending = Pending(lambda: os.getpid(), size=1000)
        there = pending.result()
        children = copies_left()
        print(json.dumps([there != os.getpid(), children]))
        """
    )
    assert found == [True, "none"]


def test_pending_work_not_worth_a_fork_runs_when_asked() -> None:
    found = run_alone(
        """
        import json, os
        from site_plugin.parallel import Pending
        calls = []
        pending = Pending(lambda: calls.append(os.getpid()) or len(calls), size=10)
        before = list(calls)
        print(json.dumps([before, pending.result(), calls == [os.getpid()]]))
        """
    )
    assert found == [[], 1, True]


@needs_two_cores
def test_pending_work_cancelled_leaves_no_copy_behind() -> None:
    found = run_alone(
        """
        import json, os, time
        from site_plugin.parallel import Pending
        pending = Pending(lambda: time.sleep(60), size=1000)
        pending.cancel()
        children = copies_left()
        print(json.dumps(children))
        """
    )
    assert found == "none"


# -- mapped from both ends -------------------------------------------------------------


def from_the_end(code: str, *arguments: str) -> object:
    """What ``code`` prints as JSON, run alone with ``MappedFromTheEnd`` imported."""
    preamble = "import json\nfrom site_plugin.parallel import MappedFromTheEnd\n"
    return json.loads(python_alone(preamble + textwrap.dedent(code), *arguments))


@needs_two_cores
def test_a_copy_left_alone_makes_every_item_from_the_last_back() -> None:
    found = from_the_end(
        """
        made_here = os.getpid()
        order = iter(range(10**6))
        mapped = MappedFromTheEnd(lambda n: (n * n, next(order), os.getpid()), range(300))
        wait_for_the_copy()
        ahead = [mapped.made_ahead(index) for index in range(300)]
        results = [mapped.result(index) for index in range(300)]
        mapped.close()
        print(json.dumps({
            "ahead": all(ahead),
            "values": [value for value, _, _ in results],
            "order": [place for _, place, _ in results],
            "elsewhere": all(pid != made_here for _, _, pid in results),
        }))
        """
    )
    assert found == {
        "ahead": True,
        "values": [n * n for n in range(300)],
        "order": [299 - n for n in range(300)],
        "elsewhere": True,
    }


@needs_two_cores
def test_the_copy_stops_before_the_first_item_claimed_here() -> None:
    """The copy is held inside the last item while this process claims every other one;
    let go, it makes that item and stops: nothing is made twice, nothing is lost."""
    found = from_the_end(
        """
        held, let_go = os.pipe()
        calls = []

        def square(n):
            calls.append(n)
            os.read(held, 1)  # in the copy: wait to be let go
            return n * n

        mapped = MappedFromTheEnd(square, range(300))
        claimed = [mapped.made_ahead(index) for index in range(299)]
        os.write(let_go, b".")
        wait_for_the_copy()
        last = mapped.made_ahead(299)
        print(json.dumps([any(claimed), last, mapped.result(299), calls]))
        mapped.close()
        """
    )
    assert found == [False, True, 299 * 299, []]


@needs_two_cores
def test_a_copy_that_fails_leaves_the_rest_to_this_process() -> None:
    found = from_the_end(
        """
        def square(n):
            if n == 200:
                raise RuntimeError("a copy that breaks")
            return n * n

        mapped = MappedFromTheEnd(square, range(300))
        wait_for_the_copy()
        ahead = [index for index in range(300) if mapped.made_ahead(index)]
        print(json.dumps([ahead, [mapped.result(index) for index in ahead[:2]]]))
        mapped.close()
        """
    )
    assert found == [list(range(201, 300)), [201 * 201, 202 * 202]]


@needs_two_cores
def test_results_that_do_not_pickle_are_not_made_ahead() -> None:
    found = from_the_end(
        """
        mapped = MappedFromTheEnd(lambda n: (lambda: n), range(300))
        wait_for_the_copy()
        print(json.dumps(any(mapped.made_ahead(index) for index in range(300))))
        mapped.close()
        """
    )
    assert found is False


def test_nothing_is_made_ahead_for_few_items_or_in_a_process_with_threads() -> None:
    found = from_the_end(
        """
        import threading
        few = MappedFromTheEnd(lambda n: n, range(10))
        stop = threading.Event()
        waiting = threading.Thread(target=stop.wait)
        waiting.start()
        threaded = MappedFromTheEnd(lambda n: n, range(1000))
        stop.set()
        waiting.join()
        children = copies_left()
        print(json.dumps([
            [few.made_ahead(index) for index in range(10)].count(True),
            [threaded.made_ahead(index) for index in range(1000)].count(True),
            children,
        ]))
        """
    )
    assert found == [0, 0, "none"]


@needs_two_cores
def test_a_copy_closed_early_leaves_no_copy_behind() -> None:
    found = from_the_end(
        """
        import time
        mapped = MappedFromTheEnd(lambda n: time.sleep(60), range(300))
        mapped.close()
        children = copies_left()
        print(json.dumps([children, mapped.made_ahead(0)]))
        """
    )
    assert found == ["none", False]


@needs_two_cores
def test_without_a_temporary_folder_nothing_is_made_ahead(tmp_path: Path) -> None:
    found = from_the_end(
        """
        import sys, tempfile
        tempfile.tempdir = sys.argv[1]
        mapped = MappedFromTheEnd(lambda n: n, range(300))
        print(json.dumps([[mapped.made_ahead(i) for i in range(300)].count(True), copies_left()]))
        """,
        str(tmp_path / "missing"),
    )
    assert found == [0, "none"]
