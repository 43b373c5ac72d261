"""How long ``herald check`` takes on large histories, and how much memory it needs.

Generates repositories of N incidents (four updates each, 50 components, three years)
and runs the real ``herald check`` on each, several times, printing the best and worst
wall time and the peak memory. Budget: 10,000 incidents checked in under 5 s.

    python benchmarks/check.py            # N = 1,000 and 10,000
    python benchmarks/check.py 100 2000   # other sizes
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import END, generate

BUDGET_SECONDS = {10_000: 5.0}
RUNS = 3


def run_check(root: Path) -> tuple[float, float, int]:
    """Run ``herald check`` once in ``root``: wall seconds, peak MiB, exit code."""
    environment = dict(os.environ, SOURCE_DATE_EPOCH=str(int(END.timestamp())))
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "site_plugin.cli", "check"],
        cwd=root,
        env=environment,
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, process.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000])
    arguments = parser.parse_args()
    print(f"herald check, {RUNS} runs each, {os.cpu_count()} CPUs")
    print(f"{'incidents':>10} {'files':>8} {'best s':>8} {'worst s':>8} {'peak MiB':>9}  budget")
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        for size in arguments.sizes:
            root = Path(scratch) / f"site-{size}"
            generate(root, size)
            files = sum(len(files) for _, _, files in os.walk(root))
            results = [run_check(root) for _ in range(RUNS)]
            if any(code != 0 for _, _, code in results):
                print(f"{size:>10}: herald check failed on generated content", file=sys.stderr)
                return 1
            times = [elapsed for elapsed, _, _ in results]
            peak = max(memory for _, memory, _ in results)
            budget = BUDGET_SECONDS.get(size)
            verdict = ""
            if budget is not None:
                within = max(times) < budget
                failed |= not within
                verdict = f"{'within' if within else 'OVER'} {budget:.0f} s"
            print(
                f"{size:>10} {files:>8} {min(times):>8.2f} {max(times):>8.2f} {peak:>9.0f}"
                f"  {verdict}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
