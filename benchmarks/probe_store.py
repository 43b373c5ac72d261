"""How large a year of probe results is on disk, and how fast a build reads it.

Generates a year of 5-minute probes for 50 components through the store's API, as the
scheduled workflow would record them: GitHub Actions starts scheduled runs late (a minute
or two usually, a quarter of an hour at busy times) and skips some, latency drifts over the
day and is noisy, and each component has a few outages (timeouts, refused connections,
5xx answers) and slow spells. Then prints the store's size on disk (in whole blocks, as
the budget counts it), the time of one run's append (one result for each component), and
the time to read what a build needs (90 days of every component) and to compute the
measured figures from it. Budget: under 20 MB on disk, the build's reading and figures
under 1 s. Deterministic: the same seed gives the same store.

    python benchmarks/probe_store.py              # 50 components, 365 days
    python benchmarks/probe_store.py --components 10 --days 30
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from site_plugin.content.measurements import Outcome, ProbeResult
from site_plugin.content.probe_store import ProbeStore
from site_plugin.engine.measured import measured_figures, reading_span

END = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
"""The moment the generated year ends (the other benchmarks' moment)."""
INTERVAL = timedelta(minutes=5)
SIZE_BUDGET_BYTES = 20_000_000
READ_BUDGET_SECONDS = 1.0
RUNS = 3
"""The build's reading runs this many times and the fastest counts."""


def run_times(rng: random.Random, start: datetime, end: datetime) -> Iterator[datetime]:
    """When the scheduled runs started: late by a skewed delay, some skipped, and none
    starting before the one before it (GitHub drops a run queued behind another)."""
    scheduled = start
    last = start - INTERVAL
    while scheduled < end:
        busy = rng.random() < 0.05
        delay = rng.lognormvariate(math.log(90), 0.6) * (6 if busy else 1)
        if rng.random() < 0.02:  # skipped outright
            scheduled += INTERVAL
            continue
        at = scheduled + timedelta(seconds=int(delay))
        if at > last and at < end:
            yield at
            last = at
        scheduled += INTERVAL


class Component:
    """One component's behaviour: its usual latency, its daily rhythm, its bad spells."""

    def __init__(self, rng: random.Random, start: datetime, days: int) -> None:
        self.rng = rng
        self.base = rng.uniform(40, 400)
        self.swing = rng.uniform(0.05, 0.3)
        self.outages = []
        for _ in range(rng.randint(2, 6)):
            begin = start + timedelta(minutes=rng.randrange(days * 1440))
            length = timedelta(minutes=rng.choice((10, 20, 45, 90, 180)))
            kind = rng.choice((Outcome.TIMEOUT, Outcome.REFUSED, Outcome.WRONG_STATUS))
            self.outages.append((begin, begin + length, kind))
        self.slow = []
        for _ in range(rng.randint(3, 12)):
            begin = start + timedelta(minutes=rng.randrange(days * 1440))
            self.slow.append((begin, begin + timedelta(hours=rng.choice((1, 2, 6)))))

    def result(self, at: datetime) -> ProbeResult:
        rng = self.rng
        for begin, end, kind in self.outages:
            if begin <= at < end and rng.random() < 0.9:
                if kind is Outcome.TIMEOUT:
                    return ProbeResult(at, kind)
                if kind is Outcome.REFUSED:
                    return ProbeResult(at, kind)
                return ProbeResult(at, kind, rng.choice((500, 502, 503)), int(self.base / 3))
        hour = at.hour + at.minute / 60
        rhythm = 1 + self.swing * math.sin((hour - 9) / 24 * 2 * math.pi)
        latency = self.base * rhythm * rng.lognormvariate(0, 0.25)
        if any(begin <= at < end for begin, end in self.slow):
            latency *= rng.uniform(3, 8)
        if rng.random() < 0.0005:
            return ProbeResult(at, rng.choice((Outcome.ERROR, Outcome.DNS, Outcome.TLS)))
        if rng.random() < 0.001:
            latency *= 20
        outcome = Outcome.SLOW if latency > self.base * 4 else Outcome.UP
        return ProbeResult(at, outcome, 200, int(latency))


def generate(store: ProbeStore, components: int, days: int, seed: int = 1) -> int:
    """A year (``days``) of runs for ``components``, appended a month at a time per
    component, as the workflow's results add up; how many results were stored."""
    rng = random.Random(seed)
    start = END - timedelta(days=days)
    runs = list(run_times(rng, start, END))
    stored = 0
    for number in range(components):
        component = Component(random.Random(seed * 1000 + number), start, days)
        results = [component.result(at) for at in runs]
        stored += store.append(f"service-{number}", results)
    return stored


def size_on_disk(folder: Path) -> tuple[int, int, int]:
    """Bytes of every file under ``folder``, the bytes the file system allocates for them
    (whole blocks), and how many files there are."""
    stats = [path.stat() for path in folder.rglob("*") if path.is_file()]
    return (
        sum(stat.st_size for stat in stats),
        sum(stat.st_blocks * 512 for stat in stats),
        len(stats),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", type=int, default=50)
    parser.add_argument("--days", type=int, default=365)
    arguments = parser.parse_args()
    full = arguments.components == 50 and arguments.days == 365
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / ".herald-probes"
        store = ProbeStore(folder)
        started = time.perf_counter()
        stored = generate(store, arguments.components, arguments.days)
        writing = time.perf_counter() - started
        content, size, files = size_on_disk(folder)
        print(
            f"{arguments.components} components, {arguments.days} days: {stored:,} results"
            f" in {files} files, written in {writing:.1f} s"
        )
        per_result = content / stored if stored else 0.0
        print(
            f"on disk: {size / 1e6:.2f} MB in whole blocks, {content / 1e6:.2f} MB of files"
            f" ({per_result:.2f} bytes a result)"
        )

        # One scheduled run: one new result for every component.
        run = END + timedelta(seconds=30)
        started = time.perf_counter()
        for number in range(arguments.components):
            store.append(f"service-{number}", [ProbeResult(run, Outcome.UP, 200, 120)])
        appending = time.perf_counter() - started
        print(f"one run's append (a result for each component): {appending:.3f} s")

        since, until = reading_span(END)
        ids = [f"service-{number}" for number in range(arguments.components)]
        reading = figures = float("inf")
        count = 0
        for _ in range(RUNS):
            started = time.perf_counter()
            found, problems = ProbeStore(folder).read(ids, since, until)
            read_at = time.perf_counter()
            for series in found.values():
                measured_figures(series, END)
            done = time.perf_counter()
            assert not problems, problems
            count = sum(len(series) for series in found.values())
            reading = min(reading, read_at - started)
            figures = min(figures, done - read_at)
        total = reading + figures
        print(
            f"a build's reading, 90 days of every component ({count:,} results):"
            f" read {reading:.3f} s + figures {figures:.3f} s = {total:.3f} s"
            f" (best of {RUNS}, {os.cpu_count()} CPUs)"
        )
    over = []
    if full and size >= SIZE_BUDGET_BYTES:
        over.append(f"size {size / 1e6:.2f} MB over {SIZE_BUDGET_BYTES / 1e6:.0f} MB")
    if full and total >= READ_BUDGET_SECONDS:
        over.append(f"reading {total:.3f} s over {READ_BUDGET_SECONDS:.0f} s")
    if over:
        print("OVER budget: " + "; ".join(over), file=sys.stderr)
        return 1
    if full:
        print(f"within budget: {SIZE_BUDGET_BYTES / 1e6:.0f} MB, {READ_BUDGET_SECONDS:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
