"""``herald init``: a status repository for your own site, or its workflows upgraded."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..authoring.scaffold import (
    in_the_way,
    new_site,
    parse_components,
    repository_files,
    unified_diff,
    upgraded_workflows,
    write_file,
    write_files,
)
from ..clock import build_time
from ..errors import SettingsError
from .common import EXIT_OK, EXIT_USAGE, say


def run_init(arguments: argparse.Namespace) -> int:
    root = Path(arguments.directory)
    if arguments.upgrade:
        return _upgrade(root)
    components, groups = parse_components(arguments.component, arguments.group)
    site = new_site(
        name=arguments.name,
        url=arguments.url,
        components=components,
        groups=groups,
        language=arguments.language,
        timezone=arguments.timezone,
        support_url=arguments.support_url,
        started=build_time().date(),
    )
    if root.exists() and not root.is_dir():
        raise SettingsError(f"{root} is a file: name a folder for the new repository")
    files = repository_files(site)
    occupied = in_the_way(root, files)
    if occupied:
        say(
            f"herald: nothing was written: {len(occupied)} files are already in {root}:", sys.stderr
        )
        for path in occupied:
            say(f"  {path}", sys.stderr)
        say("Move them away or start in an empty folder; to update the workflows of an"
            " existing status repository, run herald init --upgrade.", sys.stderr)  # fmt: skip
        return EXIT_USAGE
    write_files(root, files)
    for path in sorted(files):
        say(str(root / path))
    say(
        f"\nA status repository for {site.name} is in {root}. Next: cd there,"
        " git init, run herald check and mkdocs serve, then push it and follow README.md"
        " ('Setting up publishing')."
    )
    return EXIT_OK


def _upgrade(root: Path) -> int:
    if not (root / "mkdocs.yml").is_file():
        raise SettingsError(
            f"{root} has no mkdocs.yml: --upgrade updates an existing status repository"
            " (run herald init without --upgrade to start one)"
        )
    changed = upgraded_workflows(root)
    if not changed:
        say(f"The workflows in {root} are already this version's.")
        return EXIT_OK
    for path, (before, after) in sorted(changed.items()):
        say(unified_diff(path, before, after).rstrip("\n"))
        write_file(root, path, after, replace=True)
    say(f"\nUpdated {len(changed)} files; review the diff above and commit it.")
    return EXIT_OK
