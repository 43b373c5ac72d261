"""The ``herald`` command: authoring and checking a status repository.

Exit codes: 0 when all is well, 1 when the content has problems, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from . import __version__
from .clock import ClockError, build_time
from .loader import ContentPaths, load_status_site
from .model import StatusSite, format_duration
from .problems import ContentError, Problem
from .settings import Settings, read_settings
from .status import maintenance_overrun, promises

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``herald`` command line; returns the exit code."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        now = build_time()
    except ClockError as error:
        print(f"herald: {error}", file=sys.stderr)
        return EXIT_USAGE
    config_file = Path(arguments.config)
    if arguments.config != "mkdocs.yml" and not config_file.is_file():
        print(f"herald: {config_file} not found (pass the site's mkdocs.yml)", file=sys.stderr)
        return EXIT_USAGE
    settings, problems = read_settings(config_file)
    if problems:
        _print_problems(problems, sys.stdout)
        return EXIT_PROBLEMS
    return int(arguments.handler(arguments, settings, now))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="herald",
        description="Status pages as code: check and write incidents for a Herald status site.",
    )
    parser.add_argument("--version", action="version", version=f"herald {__version__}")
    parser.add_argument(
        "-f",
        "--config",
        default="mkdocs.yml",
        metavar="FILE",
        help="the site's mkdocs.yml; content paths are relative to its folder"
        " (default: %(default)s)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="validate components.yml and incidents/ without building",
        description="Validate components.yml and every incident; print every problem as"
        " path:line: what is wrong (how to fix). Exit 1 if there is any.",
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="also fail on warnings, such as an overdue next-update promise",
    )
    check.set_defaults(handler=run_check)
    return parser


def load(settings: Settings, now: datetime) -> StatusSite:
    """Load the site the settings point at (raises ContentError)."""
    paths = ContentPaths(
        root=settings.root, components=settings.components, incidents=settings.incidents
    )
    return load_status_site(paths, now=now, zone=settings.zone)


def run_check(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald check``: validate everything, report every problem at once."""
    try:
        site = load(settings, now)
    except ContentError as error:
        _print_problems(error.problems, sys.stdout)
        return EXIT_PROBLEMS
    warnings = overdue_warnings(site, now)
    for warning in warnings:
        print(f"{warning} [warning]")
    components = len(site.catalog.components)
    print(
        f"Checked {components} components and {len(site.incidents)} incidents:"
        f" no problems{f', {len(warnings)} warnings' if warnings else ''}."
    )
    return EXIT_PROBLEMS if warnings and arguments.strict else EXIT_OK


def overdue_warnings(site: StatusSite, now: datetime) -> list[Problem]:
    """A warning for every broken promise: an overdue next update, or maintenance still
    in progress after its window."""
    warnings = []
    for incident in site.incidents:
        end = maintenance_overrun(incident, now)
        if end is not None:
            latest = incident.updates_until(now)[-1]
            warnings.append(
                Problem(
                    latest.source.path,
                    latest.source.line,
                    f"the maintenance is still in progress {format_duration(now - end)} after"
                    f" its window ended ({end:%Y-%m-%d %H:%M} UTC)",
                    "post a completed update, or move scheduled_end in a new update",
                )
            )
    for promise in promises(site, now):
        if not promise.overdue:
            continue
        latest = promise.incident.updates_until(now)[-1]
        late = format_duration(now - promise.due)
        warnings.append(
            Problem(
                latest.source.path,
                latest.source.line,
                f"the next update was promised by {promise.due:%Y-%m-%d %H:%M} UTC"
                f" and is {late} overdue",
                "post an update now, even if there is no news",
            )
        )
    return warnings


def _print_problems(problems: Sequence[Problem], stream: TextIO) -> None:
    for problem in problems:
        print(problem, file=stream)
    files = len({problem.path for problem in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    where = "file" if files == 1 else "files"
    print(f"Found {len(problems)} {noun} in {files} {where}; nothing was published.", file=stream)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
