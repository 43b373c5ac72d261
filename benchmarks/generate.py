"""Generate a synthetic status repository for benchmarks.

N incidents with four updates each over three years, 50 components in 5 groups.
With ``--per-year R`` the history is as long as N incidents at R a year take instead
(10,000 at 333 a year: thirty years), so two sizes differ in history, not in how often
things break. Deterministic: the same arguments give the same files.

    python benchmarks/generate.py 1000 /tmp/herald-1000
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

END = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
"""The moment the generated history ends; pass it as SOURCE_DATE_EPOCH."""
SPAN = timedelta(days=3 * 365)
GROUPS = 5
COMPONENTS_PER_GROUP = 10
STATUSES = ("degraded_performance", "partial_outage", "major_outage")
IMPACTS = ("minor", "major", "critical")


def component_ids() -> list[str]:
    return [f"service-{g}-{c}" for g in range(GROUPS) for c in range(COMPONENTS_PER_GROUP)]


def write_components(root: Path) -> None:
    lines = ["components:"]
    for group in range(GROUPS):
        lines += [f"  - id: group-{group}", f"    name: Group {group}", "    components:"]
        for component in range(COMPONENTS_PER_GROUP):
            lines += [
                f"      - id: service-{group}-{component}",
                f"        name: Service {group}.{component}",
                f"        description: Synthetic component {component} of group {group}.",
            ]
    (root / "components.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_incidents(root: Path, count: int, span: timedelta = SPAN) -> None:
    rng = random.Random(count)
    ids = component_ids()
    incidents = root / "incidents"
    incidents.mkdir(parents=True, exist_ok=True)
    step = span / count
    for number in range(count):
        start = END - span + step * number + timedelta(minutes=rng.randrange(0, 30))
        start = start.replace(second=0, microsecond=0)
        folder = incidents / f"{start:%Y-%m-%d}-incident-{number:05d}"
        folder.mkdir()
        affected = rng.sample(ids, rng.randint(1, 3))
        status = rng.choice(STATUSES)
        affected_yaml = "".join(f"  {cid}: {status}\n" for cid in affected)
        (folder / "index.md").write_text(
            "---\n"
            f"title: Synthetic incident {number} affecting {len(affected)} components\n"
            "kind: incident\n"
            f"impact: {rng.choice(IMPACTS)}\n"
            f"affected:\n{affected_yaml}"
            "---\n"
            "A generated incident used to measure Herald on large histories.\n",
            encoding="utf-8",
        )
        at = start
        for status_name in ("investigating", "identified", "monitoring", "resolved"):
            promise = "" if status_name == "resolved" else "next_update: 30m\n"
            (folder / f"{at:%Y-%m-%dT%H%MZ}-{status_name}.md").write_text(
                "---\n"
                f"at: {_stamp(at)}\n"
                f"status: {status_name}\n"
                f"{promise}"
                "---\n"
                f"Update on synthetic incident {number}: we are {status_name}. The affected"
                " customers see slower responses; we will post again within 30 minutes.\n",
                encoding="utf-8",
            )
            at += timedelta(minutes=rng.randint(10, 50))


def generate(root: Path, count: int, per_year: float | None = None) -> None:
    """Write components.yml and ``count`` incidents into ``root`` (which must not exist).

    Args:
        per_year: Incidents a year; the history is as long as that takes (default:
            all ``count`` over three years).
    """
    root.mkdir(parents=True)
    write_components(root)
    span = SPAN if per_year is None else timedelta(days=365 * count / per_year)
    write_incidents(root, count, span)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    parser.add_argument("--per-year", type=float, help="incidents a year (default: N / 3)")
    arguments = parser.parse_args()
    generate(arguments.target, arguments.count, arguments.per_year)
    print(f"wrote {arguments.count} incidents to {arguments.target}")


if __name__ == "__main__":
    main()
