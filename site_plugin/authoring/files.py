"""Writing content files: front matter, file names, and every file of a command or none."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from ..content.loader import load_status_site
from ..content.model import (
    UpdateStatus,
)
from ..content.rules import PLACEHOLDER
from ..errors import AuthoringError, ContentError
from ..options import path_is_inside
from .inputs import Workspace


def _scalar(value: Any) -> str:
    """One YAML value: plain when it reads back as the same text, quoted otherwise."""
    text = str(value)
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:+\-]*", text) and not re.fullmatch(
        r"(?i)(true|false|yes|no|on|off|null|~)", text
    ):
        return text
    dumped = yaml.safe_dump(text, allow_unicode=True, width=10_000)
    return dumped.removesuffix("\n...\n").strip()


def front_matter(fields: dict[str, Any]) -> str:
    lines = ["---"]
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend(f"  {_scalar(k)}: {_scalar(v)}" for k, v in value.items())
        else:
            lines.append(f"{key}: {_scalar(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def update_file_name(folder: Path, at: datetime, status: UpdateStatus) -> Path:
    utc = at.astimezone(UTC)
    for pattern in ("%Y-%m-%dT%H%MZ", "%Y-%m-%dT%H%M%SZ"):
        candidate = folder / f"{utc.strftime(pattern)}-{status.value}.md"
        if not os.path.lexists(candidate):
            return candidate
    raise AuthoringError(
        f"{candidate.name} already exists", "post the update a second later, with --at"
    )


def commit_files(workspace: Workspace, files: dict[Path, str], created_folder: Path | None) -> None:
    """Write ``files``; read the content back; undo everything if it does not load."""
    for path in files:
        # lexists: a dangling link "does not exist", and writing to it would follow it.
        if os.path.lexists(path):
            raise AuthoringError(f"{workspace.relative(path)} already exists")
        if not path_is_inside(workspace.paths.root, created_folder or path.parent):
            raise AuthoringError(
                f"{workspace.relative(path.parent)} leads outside the repository",
                "replace the link with a real folder",
            )
    if created_folder is not None:
        created_folder.mkdir()
    written = []
    try:
        # A template's draft is for the author to fill in: its [[placeholders]] are
        # problems until they are replaced, so that none is published. Everything else
        # is checked on the text as it reads once they are; then the draft takes its place.
        for path, text in files.items():
            _write_new_file(path, PLACEHOLDER.sub(r"\g<text>", text))
            written.append(path)
        load_status_site(workspace.paths, now=workspace.now, zone=workspace.zone)
        for path, text in files.items():
            if PLACEHOLDER.search(text):
                _replace_text(path, text)
    except ContentError as error:
        _undo(written, created_folder)
        raise AuthoringError(
            "what would be written has problems:\n" + error.report(), "nothing was written"
        ) from None
    except BaseException:
        _undo(written, created_folder)
        raise


def has_placeholders(path: Path) -> bool:
    """Whether a file just written still has a template's [[placeholders]] to fill in."""
    return PLACEHOLDER.search(path.read_text(encoding="utf-8")) is not None


def _replace_text(path: Path, text: str) -> None:
    """Write ``text`` over the file a command has just created (never through a link)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)


def _write_new_file(path: Path, text: str) -> None:
    """Create ``path`` and write ``text``; never through a link, never over a file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags, 0o644)
    except FileExistsError:
        raise AuthoringError(f"{path.name} already exists", "nothing was written") from None
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)


def _undo(written: list[Path], created_folder: Path | None) -> None:
    for path in written:
        path.unlink(missing_ok=True)
    if created_folder is not None and created_folder.exists():
        created_folder.rmdir()
