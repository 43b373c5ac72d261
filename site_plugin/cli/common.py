"""What every command shares: exit codes, safe printing, loading the site."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..characters import terminal_line
from ..errors import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, ContentError
from ..problems import Problem

if TYPE_CHECKING:
    from ..content.model import StatusSite
    from .settings import Settings

__all__ = ["EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "load", "load_or_report", "say"]


def settings_name(arguments: argparse.Namespace) -> str:
    return Path(arguments.config).name


def load_or_report(settings: Settings, now: datetime) -> StatusSite | None:
    """The site, or ``None`` after printing its problems."""
    try:
        return load(settings, now)
    except ContentError as error:
        print_problems(error.problems, sys.stdout)
        return None


def load(settings: Settings, now: datetime) -> StatusSite:
    """Load the site the settings point at (raises ContentError)."""
    # Here, not at the top: herald --help and a usage error need no content reader.
    from ..content.loader import ContentPaths, load_status_site

    paths = ContentPaths(
        root=settings.root, components=settings.components, incidents=settings.incidents
    )
    return load_status_site(paths, now=now, zone=settings.zone)


def say(text: str, stream: TextIO | None = None) -> None:
    """Print ``text`` so that no line of it can act on a terminal or a CI log."""
    for line in text.split("\n"):
        print(terminal_line(line), file=stream or sys.stdout)


def count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def print_problems(problems: Sequence[Problem], stream: TextIO) -> None:
    for problem in problems:
        print(problem, file=stream)
    files = len({problem.path for problem in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    where = "file" if files == 1 else "files"
    print(f"Found {len(problems)} {noun} in {files} {where}; nothing was published.", file=stream)
