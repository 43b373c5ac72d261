"""How long a Herald site takes to build, beside the same text as plain MkDocs pages.

For each N, generates a status repository of N incidents (four updates each, 50
components, three years) and builds it with ``mkdocs build``; then builds the same text
as N plain Markdown pages kept out of the navigation with the same theme and plugins, so
the plugin's own cost shows as a ratio. Prints wall time, peak memory and output size.
Budget: Herald within 1.5x the plain build at 1,000 and 10,000; at 10,000 also under
30 s and 1 GiB. The two builds alternate, and the fastest of each counts.

    python benchmarks/build.py              # N = 100, 1,000 and 10,000
    python benchmarks/build.py 100 1000     # other sizes
"""

from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import END, generate

THEME = """\
site_name: Benchmark status
site_url: https://status.bench.example/
theme:
  name: material
  font: false
"""
RATIO_BUDGET = 1.5
RUNS = 5
"""Each build runs this many times (3 at 10,000) and the fastest counts: disk and VM noise
only slow a build down, so the minimum is the best estimate of its own cost. CPU seconds
(user + system) are printed too: they hardly depend on the disk."""
MEMORY_BUDGET_MIB = 1024
TIME_BUDGET_10K = 30.0
"""Seconds for 10,000 incidents, however fast the plain build is."""


def write_herald_site(root: Path, count: int) -> None:
    generate(root, count)
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(THEME + "plugins:\n  - search\n  - herald\n", "utf-8")


def write_plain_site(herald_root: Path, root: Path) -> None:
    """The same incident text as one plain Markdown page per incident, out of the nav."""
    docs = root / "docs" / "incidents"
    docs.mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Status\n", "utf-8")
    for folder in sorted((herald_root / "incidents").iterdir()):
        parts = []
        for path in sorted(folder.glob("*.md")):
            _, front, body = path.read_text("utf-8").split("---\n", 2)
            parts.append(f"<!--\n{front}-->\n\n{body}")
        (docs / f"{folder.name}.md").write_text("\n\n".join(parts), "utf-8")
    (root / "mkdocs.yml").write_text(
        THEME + "plugins:\n  - search\nnot_in_nav: |\n  /incidents/\n", "utf-8"
    )


def run_build(root: Path, site: Path) -> tuple[float, float, int, float]:
    """``mkdocs build`` once into ``site``: wall seconds, peak MiB, bytes written, CPU seconds.

    Each build writes a new folder, as the publish workflow's does on a fresh checkout.
    Not one emptied by the run before: on ext4, a file made soon after many were deleted
    costs several times more (the allocator skips inodes freed in the last minutes), a
    cost no fresh checkout pays and one that grows with the number of files written.
    The folders are deleted when the benchmark ends.
    """
    environment = dict(
        os.environ, SOURCE_DATE_EPOCH=str(int(END.timestamp())), NO_MKDOCS_2_WARNING="1"
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)],
        cwd=root,
        env=environment,
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"mkdocs build failed in {root}")
    size = sum(path.stat().st_size for path in site.rglob("*") if path.is_file())
    return elapsed, usage.ru_maxrss / 1024, size, usage.ru_utime + usage.ru_stime


def compile_herald() -> None:
    """Herald's bytecode, as an installed package has it (pip compiles on install).

    From a source checkout under PYTHONDONTWRITEBYTECODE, Python would compile Herald's
    modules again on every build, a cost no installed site pays and MkDocs and the
    theme (installed packages) do not pay here either.
    """
    import site_plugin

    compileall.compile_dir(Path(site_plugin.__file__).parent, quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1_000, 10_000])
    arguments = parser.parse_args()
    compile_herald()
    print(f"mkdocs build, best of {RUNS} runs each (3 at 10,000), {os.cpu_count()} CPUs")
    print(
        f"{'incidents':>10} {'herald s':>9} {'plain s':>8} {'ratio':>6} {'cpu ratio':>9}"
        f" {'herald MiB':>11} {'plain MiB':>10} {'output MB':>10}  budget"
    )
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        for size in arguments.sizes:
            herald_root = Path(scratch) / f"herald-{size}"
            plain_root = Path(scratch) / f"plain-{size}"
            write_herald_site(herald_root, size)
            write_plain_site(herald_root, plain_root)
            runs = RUNS if size < 10_000 else 3
            herald_runs: list[tuple[float, float, int, float]] = []
            plain_runs: list[tuple[float, float, int, float]] = []
            # Alternating, so that a machine that slows down for a while slows both.
            for run in range(runs):
                sites = Path(scratch) / f"sites-{size}-{run}"
                herald_runs.append(run_build(herald_root, sites / "herald"))
                plain_runs.append(run_build(plain_root, sites / "plain"))
            herald_cpu = min(run[3] for run in herald_runs)
            plain_cpu = min(run[3] for run in plain_runs)
            herald_time = min(run[0] for run in herald_runs)
            plain_time = min(run[0] for run in plain_runs)
            herald_memory = max(run[1] for run in herald_runs)
            plain_memory = max(run[1] for run in plain_runs)
            herald_size = herald_runs[0][2]
            ratio = herald_time / plain_time
            verdict = ""
            if size >= 1_000:
                within = ratio <= RATIO_BUDGET and (
                    size < 10_000
                    or (herald_memory < MEMORY_BUDGET_MIB and herald_time < TIME_BUDGET_10K)
                )
                failed |= not within
                verdict = "within" if within else "OVER"
            print(
                f"{size:>10} {herald_time:>9.2f} {plain_time:>8.2f} {ratio:>6.2f}"
                f" {herald_cpu / plain_cpu:>9.2f}"
                f" {herald_memory:>11.0f} {plain_memory:>10.0f} {herald_size / 1e6:>10.1f}"
                f"  {verdict}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
