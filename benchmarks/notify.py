"""How fast ``herald notify`` emails many subscribers, against a real SMTP server on loopback.

For each N, copies the example site, subscribes N addresses to everything, records the
past for all of them (a first run), posts one update, and times the run that emails it
(one digest per subscriber) and then a run with nothing new. Prints wall seconds,
messages per second and peak memory. Budget: 10,000 subscribers in 60 s or less, under
200 MiB, and the run with nothing new in 5 s or less.

    python benchmarks/notify.py              # N = 1,000 and 10,000
    python benchmarks/notify.py 2000         # other sizes
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1795608000"  # 2026-11-25 12:00 UTC, the example site's moment
LATER = "1795609800"
BUDGET_SECONDS = {10_000: 60.0}
NOTHING_NEW_BUDGET = 5.0
MEMORY_BUDGET_MIB = 200
OPEN = "incidents/2026-11-25-yahoo-delivery-delays"


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += len(envelope.rcpt_tos)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(root: Path, epoch: str, environment: dict[str, str]) -> tuple[float, float]:
    """``herald notify`` once: wall seconds and peak MiB."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "site_plugin.cli", "notify", "--retry-delay", "0.01"),
            *("--subscribers", "subscribers.yml"),
        ],
        cwd=root,
        env=dict(environment, SOURCE_DATE_EPOCH=epoch),
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"herald notify failed in {root}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def example_with_subscribers(root: Path, count: int, domain: str) -> None:
    """The example site in ``root``, with ``count`` subscribers to everything."""
    root.mkdir()
    for name in ("components.yml", "incidents", "docs", "mkdocs.yml"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    # A file: 10,000 addresses are more than one environment variable may hold.
    (root / "subscribers.yml").write_text(
        "".join(f"person{n}@{domain}: all\n" for n in range(count)), "utf-8"
    )


def smtp_environment(port: int, ledger_key: str) -> dict[str, str]:
    """This process's environment without HERALD_* settings, then email to ``port``."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("HERALD_")}
    environment.update(
        HERALD_LEDGER_KEY=ledger_key,
        HERALD_SMTP_HOST="127.0.0.1",
        HERALD_SMTP_PORT=str(port),
        HERALD_SMTP_SECURITY="none",
        HERALD_SMTP_FROM="Bench status <status@bench.example>",
    )
    return environment


def post_news(root: Path) -> None:
    """One new update on the example's open incident: what the measured run sends."""
    (root / OPEN / "2026-11-25T1230Z-resolved.md").write_text(
        "---\nat: 2026-11-25T12:30:00Z\nstatus: resolved\n---\nAll delivered.\n",
        encoding="utf-8",
    )


def measure(count: int) -> tuple[float, float, float, int]:
    counter = Counter()
    port = free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder) / "site"
            example_with_subscribers(root, count, "bench.example")
            environment = smtp_environment(port, "benchmark-key-" + "0" * 32)
            run(root, EPOCH, environment)  # first run: the past is recorded as delivered
            post_news(root)
            seconds, peak = run(root, LATER, environment)
            quiet, _ = run(root, LATER, environment)
    finally:
        controller.stop()
    return seconds, peak, quiet, counter.count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000])
    arguments = parser.parse_args()
    print(f"herald notify to aiosmtpd on loopback, {os.cpu_count()} CPUs")
    print(" subscribers  emailed  seconds  msgs/s  peak MiB  nothing-new s  budget")
    over = False
    for count in arguments.sizes:
        seconds, peak, quiet, emailed = measure(count)
        budget = BUDGET_SECONDS.get(count)
        verdict = ""
        if emailed != count:
            verdict, over = f"WRONG: {emailed} emailed", True
        elif budget is not None:
            late = seconds > budget or peak > MEMORY_BUDGET_MIB or quiet > NOTHING_NEW_BUDGET
            verdict = "OVER" if late else "within"
            over = over or late
        print(
            f" {count:11}  {emailed:7}  {seconds:7.2f}  {emailed / seconds:6.0f}"
            f"  {peak:8.0f}  {quiet:13.2f}  {verdict}"
        )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
