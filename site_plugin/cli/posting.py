"""``herald new``, ``update``, ``resolve`` and ``postmortem``: write content files."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from ..authoring.files import has_placeholders
from ..authoring.inputs import Workspace, find_incident
from ..authoring.templates import render_template
from ..authoring.writing import (
    NewIncident,
    NewUpdate,
    new_incident,
    new_postmortem,
    prepare_update,
    preview_new,
    write_update,
)
from ..content.loader import ContentPaths
from ..content.model import Impact, IncidentKind, UpdateStatus
from ..errors import AuthoringError
from .common import EXIT_OK, say
from .settings import Settings


def workspace(settings: Settings, now: datetime) -> Workspace:
    templates = settings.root / settings.message_templates
    return Workspace(
        paths=ContentPaths(
            root=settings.root, components=settings.components, incidents=settings.incidents
        ),
        zone=settings.zone,
        now=now,
        templates=templates if templates.is_dir() else None,
    )


def _given_message(arguments: argparse.Namespace) -> str | None:
    if arguments.message is not None and arguments.message_file is not None:
        raise AuthoringError("give -m or --message-file, not both")
    if arguments.message_file == "-":
        return sys.stdin.read()
    if arguments.message_file is not None:
        try:
            return Path(arguments.message_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise AuthoringError(f"cannot read {arguments.message_file}: {error}") from None
    return str(arguments.message) if arguments.message is not None else None


def _edit(text: str) -> str:
    """Open $VISUAL or $EDITOR on ``text``; the saved file is the message."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise AuthoringError("--edit needs $EDITOR", "set EDITOR, or give the message with -m")
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as file:
        file.write(text)
        path = Path(file.name)
    try:
        result = subprocess.run([*shlex.split(editor), str(path)], check=False)
        if result.returncode != 0:
            raise AuthoringError(f"the editor exited with {result.returncode}; nothing was written")
        return path.read_text(encoding="utf-8")
    finally:
        path.unlink(missing_ok=True)


def _report_written(space: Workspace, paths: list[Path], note: str = "") -> None:
    for path in paths:
        say(f"wrote {space.relative(path)}")
    drafts = [space.relative(path) for path in paths if has_placeholders(path)]
    if drafts:
        say(
            f"Fill in the [[...]] of the template in {', '.join(drafts)} before you merge:"
            " herald check and the build refuse them until then."
        )
    if note:
        say(note)
    print("Check it with herald check, then open a pull request.")


def run_new(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald new``: an incident folder with index.md and a first update."""
    space = workspace(settings, now)
    message = _given_message(arguments)
    request = NewIncident(
        title=arguments.title,
        kind=IncidentKind(arguments.kind),
        impact=Impact(arguments.impact) if arguments.impact else None,
        components=tuple(arguments.component),
        template=arguments.template,
        status=UpdateStatus(arguments.status) if arguments.status else None,
        message=message,
        at=arguments.at,
        next_update=arguments.next_update,
        start=arguments.start,
        end=arguments.end,
        incident_id=arguments.incident_id,
    )
    if arguments.edit:
        request = replace(request, message=_edit(message or preview_new(space, request)))
    written = new_incident(space, request)
    note = "" if message else "The message comes from a template: read it before you merge."
    _report_written(space, written, note)
    return EXIT_OK


def run_update(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald update``: one more update file."""
    return _post(arguments, settings, now, UpdateStatus(arguments.status))


def run_resolve(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald resolve``: the final update."""
    space = workspace(settings, now)
    incident = find_incident(space.load(), arguments.incident, space)
    final = UpdateStatus.COMPLETED if incident.is_maintenance else UpdateStatus.RESOLVED
    arguments.next_update = None
    return _post(arguments, settings, now, final)


def _post(
    arguments: argparse.Namespace, settings: Settings, now: datetime, status: UpdateStatus
) -> int:
    space = workspace(settings, now)
    message = _given_message(arguments)
    request = NewUpdate(
        incident=arguments.incident,
        status=status,
        message=message,
        at=arguments.at,
        next_update=arguments.next_update,
        components=tuple(arguments.component),
        template=arguments.template,
    )
    path, fields, template, context, note = prepare_update(space, request)
    if message is None:
        message = render_template(space, template, context)
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if arguments.edit or editor:
            message = _edit(message)
        else:
            from_template = (
                f"The message comes from the '{template}' template: read it before you merge."
            )
            note = f"{note} {from_template}" if note else from_template
    written = write_update(space, path, fields, message)
    _report_written(space, written, note)
    return EXIT_OK


def run_postmortem(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald postmortem``: postmortem.md from its template."""
    space = workspace(settings, now)
    message = _given_message(arguments)
    written = new_postmortem(space, arguments.incident, message)
    _report_written(space, written)
    return EXIT_OK
