"""``herald notify`` killed with SIGKILL at random moments, then run again, until done.

Copies the example site, subscribes N addresses (default 2,000) to everything, records
the past for them, posts one update, then starts ``herald notify`` and kills it (kill -9:
no cleanup, no flush) after a random delay, several times over, each new run taking up
where the journal says the last one stopped; a last run finishes. A loopback SMTP server
counts what each subscriber received, by Message-ID.

The promise being checked (README, "Exactly once"): every subscriber gets the update; a
subscriber may get it twice only when a kill fell between the server accepting the
message and the journal line being written, and then both copies carry the same
Message-ID (so mail clients show one). At most one such duplicate per kill. No temporary
file is left beside the ledger. Exits 1 when any of that does not hold.

    python benchmarks/notify_faults.py                 # 2,000 subscribers, 6 kills
    python benchmarks/notify_faults.py 5000 --kills 10 --seed 7
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from notify import EPOCH, LATER, example_with_subscribers, free_port, post_news, smtp_environment


class MessageIds:
    """Records, per recipient, the Message-ID of every message it was sent."""

    def __init__(self) -> None:
        self.received: dict[str, list[str]] = defaultdict(list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default_policy)
        for recipient in envelope.rcpt_tos:
            self.received[recipient].append(str(message["Message-ID"]))
        return "250 OK"

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.received.values())


def notify_command() -> list[str]:
    return [
        *(sys.executable, "-m", "site_plugin.cli", "notify", "--retry-delay", "0.01"),
        *("--subscribers", "subscribers.yml"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("subscribers", nargs="?", type=int, default=2_000)
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()
    chance = random.Random(arguments.seed)
    inbox = MessageIds()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder) / "site"
            example_with_subscribers(root, arguments.subscribers, "faults.example")
            environment = smtp_environment(port, "faults-key-" + "0" * 32)
            first = subprocess.run(
                notify_command(),
                cwd=root,
                env=dict(environment, SOURCE_DATE_EPOCH=EPOCH),
                stdout=subprocess.DEVNULL,
                check=False,
            )
            if first.returncode != 0:
                raise SystemExit("the first run (recording the past) failed")
            post_news(root)
            later = dict(environment, SOURCE_DATE_EPOCH=LATER)
            kills_at: list[float] = []
            started = time.perf_counter()
            for _ in range(arguments.kills):
                before = inbox.total
                process = subprocess.Popen(
                    notify_command(), cwd=root, env=later, stdout=subprocess.DEVNULL
                )
                delay = chance.uniform(0.3, 3.0)
                try:
                    process.wait(delay)
                except subprocess.TimeoutExpired:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    kills_at.append(delay)
                    print(f"killed after {delay:.2f} s: {inbox.total - before} messages taken")
                else:
                    print(f"finished within {delay:.2f} s: {inbox.total - before} messages")
            final = subprocess.run(
                notify_command(), cwd=root, env=later, stdout=subprocess.DEVNULL, check=False
            )
            elapsed = time.perf_counter() - started
            leftovers = sorted(path.name for path in (root / ".herald-ledger").glob("*.tmp"))
    finally:
        controller.stop()

    expected = {f"person{n}@faults.example" for n in range(arguments.subscribers)}
    missing = expected - set(inbox.received)
    split = [address for address, ids in inbox.received.items() if len(set(ids)) > 1]
    duplicates = sum(len(ids) - 1 for ids in inbox.received.values())
    print(
        f"{arguments.subscribers} subscribers, {len(kills_at)} kills, {elapsed:.1f} s in all:"
        f" {inbox.total} messages, {len(missing)} missing, {duplicates} duplicates"
        f" (same Message-ID), {len(split)} with two different Message-IDs,"
        f" final run exit {final.returncode}, {len(leftovers)} temporary files left"
    )
    failed = (
        bool(missing)
        or bool(split)
        or duplicates > len(kills_at)
        or final.returncode != 0
        or bool(leftovers)
    )
    print("exactly once (duplicates only as documented)" if not failed else "BROKEN")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
