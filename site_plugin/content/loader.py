"""Reading a status repository (``components.yml`` and ``incidents/``) into the model.

Every problem in the content is collected with its file, line and fix, and reported
together in one ``ContentError``: a half-read repository must never be published, and
an engineer in the middle of an outage should fix everything in one pass.
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TypeVar

from ..characters import content_character_fix, describe_character, forbidden_characters
from ..errors import ContentError
from ..options import path_is_inside
from ..problems import Problem, did_you_mean
from ..values import (
    SLUG,
    ValueProblem,
    describe,
    parse_date,
    parse_duration,
    parse_flag,
    parse_line,
    parse_text,
    parse_timestamp,
)
from .frontmatter import (
    MAX_FILE_BYTES,
    FrontMatterDocument,
    LineMapping,
    YamlProblem,
    decode_text,
    load_yaml,
    read_front_matter,
)
from .model import (
    STATUSES_BY_KIND,
    Catalog,
    Component,
    ComponentStatus,
    Group,
    Impact,
    Incident,
    IncidentKind,
    Postmortem,
    Source,
    StatusSite,
    Update,
    UpdateStatus,
)

T = TypeVar("T")

INDEX_FILE = "index.md"
UPDATE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
"""Endings of files that look like updates; only ``.md`` is read, the rest are reported."""
POSTMORTEM_FILE = "postmortem.md"
_UPDATE_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.md")

POSTING_LEAD = timedelta(seconds=30)
"""How far an update's ``at`` may lie ahead of now: commands run back to back in one
second post their updates a second apart (``herald update`` takes the next free second)."""
MAX_CATALOG_ENTRIES = 500
"""Components and groups together: every page shows each with its history, so the status
page of a catalogue this size is already long; more would let one file make a build run
for hours (40,000 entries built a 3.6 GB site)."""
MAX_ID_LENGTH = 100
MAX_MESSAGE_BYTES = 100 * 1024
"""A message, summary or report is read on a phone: 100 KiB is some 15,000 words."""
MAX_MESSAGE_LINES = 1000
MAX_MESSAGE_BRACKETS = 1000
"""Python-Markdown takes time growing with the square of the number of unclosed ``[``,
of rules and of headings in one text: within these bounds any message renders in well
under a second."""
MAX_CHARACTER_PROBLEMS = 10
"""Control characters reported per file; the rest are counted."""

COMPONENT_KEYS = ("id", "name", "description", "components", "hidden_unless_affected", "since")
INDEX_KEYS = (
    "title",
    "kind",
    "impact",
    "affected",
    "started",
    "scheduled_start",
    "scheduled_end",
)
UPDATE_KEYS = ("at", "status", "next_update", "affected", "scheduled_start", "scheduled_end")
POSTMORTEM_KEYS = ("published",)


@dataclass(frozen=True)
class ContentPaths:
    """Where a status repository keeps its content.

    Attributes:
        root: The repository root; reported paths are relative to it.
        components: The components file, relative to ``root``.
        incidents: The incidents folder, relative to ``root``.
    """

    root: Path
    components: str = "components.yml"
    incidents: str = "incidents"


def load_status_site(paths: ContentPaths, *, now: datetime, zone: tzinfo) -> StatusSite:
    """Read and validate a whole status repository.

    Args:
        paths: Where the content is.
        now: The moment the site describes; content dated after it is an error.
        zone: The time zone naive timestamps are read in.

    Returns:
        The validated model.

    Raises:
        ContentError: Every problem found, at once.
    """
    reader = _ContentReader(paths, now=now, zone=zone)
    catalog = reader.read_catalog()
    # With components.yml broken, every id would look unknown: report only the real cause.
    reader.catalog_complete = not reader.problems
    incidents = reader.read_incidents(catalog)
    if reader.problems:
        raise ContentError(reader.problems)
    return StatusSite(catalog=catalog, incidents=incidents)


class _ContentReader:
    """Collects problems while reading; one instance per load."""

    def __init__(self, paths: ContentPaths, *, now: datetime, zone: tzinfo) -> None:
        self.paths = paths
        self.now = now
        self.zone = zone
        self.problems: list[Problem] = []
        self.catalog_complete = True

    # -- reporting -------------------------------------------------------------------

    def report(self, path: str, line: int, message: str, fix: str = "") -> None:
        self.problems.append(Problem(path, line, message, fix))

    def value(
        self,
        doc: LineMapping,
        key: str,
        parse: Callable[[object], T],
        path: str,
        *,
        required: str = "",
    ) -> T | None:
        """Parse ``doc[key]``; report a problem and return ``None`` when it is unusable.

        ``required`` is the fix to suggest when the key is missing; empty means optional.
        """
        if key not in doc:
            if required:
                self.report(path, doc.line, f"'{key}' is missing", required)
            return None
        try:
            return parse(doc[key])
        except ValueProblem as problem:
            self.report(path, doc.line_of(key), f"'{key}': {problem.message}", problem.fix)
            return None

    def check_keys(self, doc: LineMapping, allowed: Iterable[str], path: str, what: str) -> None:
        allowed = tuple(allowed)
        for key in doc:
            if key in allowed:
                continue
            fix = did_you_mean(key, allowed, f"allowed: {', '.join(allowed)}")
            self.report(path, doc.line_of(key), f"unknown key '{key}' in {what}", fix)

    def timestamp(self, value: object) -> datetime:
        return parse_timestamp(value, self.zone)

    def read_text_file(self, path: str, relative: str, *, listed: bool = False) -> str | None:
        """A content file's text: inside the repository, a regular file, small, UTF-8, and
        free of control characters; ``None`` after reporting why not.

        ``listed``: the file was found by listing an incident folder, whose links out of
        the repository were reported then, so it needs no second look.
        """
        if not listed and not self.inside_root(path):
            self.report_link_out(relative, "file")
            return None
        try:
            data, size = _read_regular_file(path, MAX_FILE_BYTES + 1)
        except OSError as error:
            self.report(relative, 1, f"cannot be read: {error.strerror}", "check the file")
            return None
        if data is None:
            self.report(relative, 1, "is not a regular file", "replace it with a text file")
            return None
        try:
            text = decode_text(data, size=size)
        except YamlProblem as problem:
            self.report(relative, problem.line, problem.message, problem.fix)
            return None
        found = forbidden_characters(text)
        for line, char in found[:MAX_CHARACTER_PROBLEMS]:
            self.report(
                relative,
                line,
                f"the text has the control character {describe_character(char)}",
                content_character_fix(char),
            )
        if len(found) > MAX_CHARACTER_PROBLEMS:
            self.report(
                relative,
                found[MAX_CHARACTER_PROBLEMS][0],
                f"{len(found) - MAX_CHARACTER_PROBLEMS} more lines have control characters",
                "remove them",
            )
        return None if found else text

    def inside_root(self, path: str | Path) -> bool:
        """Whether ``path``, every link in it followed, stays inside the repository."""
        return path_is_inside(self.paths.root, path)

    def report_link_out(self, relative: str, what: str) -> None:
        self.report(
            relative,
            1,
            "is a link to a place outside the repository",
            f"Herald reads only what the repository holds: replace the link with the {what}",
        )

    def message(self, document: FrontMatterDocument, relative: str, what: str) -> str:
        """The Markdown body, reported when it is longer than a message may be (in bytes,
        lines or ``[``) for Python-Markdown to render it quickly."""
        body = document.body
        size = len(body.encode("utf-8"))
        lines = body.count("\n") + 1
        if size > MAX_MESSAGE_BYTES:
            self.report(
                relative,
                document.body_line,
                f"the {what} is {size // 1024} KiB, over the {MAX_MESSAGE_BYTES // 1024} KiB limit",
                "say it shorter, and link to longer material",
            )
        elif lines > MAX_MESSAGE_LINES:
            self.report(
                relative,
                document.body_line,
                f"the {what} has {lines} lines, more than {MAX_MESSAGE_LINES}",
                "say it shorter, and link to longer material",
            )
        elif body.count("[") > MAX_MESSAGE_BRACKETS:
            self.report(
                relative,
                document.body_line,
                f"the {what} has {body.count('[')} '[', more than {MAX_MESSAGE_BRACKETS}",
                "link to fewer places, or write the brackets as \\[",
            )
        return body

    def read_document(self, path: str, relative: str) -> FrontMatterDocument | None:
        """A Markdown file from an incident folder, split into front matter and body."""
        text = self.read_text_file(path, relative, listed=True)
        if text is None:
            return None
        try:
            return read_front_matter(text)
        except YamlProblem as problem:
            self.report(relative, problem.line, problem.message, problem.fix)
            return None

    # -- components.yml --------------------------------------------------------------

    def read_catalog(self) -> Catalog:
        relative = self.paths.components
        path = self.paths.root / relative
        if not path.is_file():
            what = "is a folder, not a file" if path.is_dir() else "is missing"
            self.report(
                relative, 1, f"the components file {what}", "create it with a 'components:' list"
            )
            return Catalog(())
        text = self.read_text_file(str(path), relative)
        if text is None:
            return Catalog(())
        try:
            document = load_yaml(text)
        except YamlProblem as problem:
            self.report(relative, problem.line, problem.message, problem.fix)
            return Catalog(())
        if not isinstance(document, LineMapping) or "components" not in document:
            self.report(
                relative,
                1,
                "the file has no 'components:' list",
                "start it with 'components:' followed by '- id: ...' entries",
            )
            return Catalog(())
        self.check_keys(document, ("components",), relative, "components.yml")
        entries = document["components"]
        if not isinstance(entries, list) or not entries:
            self.report(
                relative,
                document.line_of("components"),
                "'components' is not a list of components",
                "list each component as '- id: ...' with its 'name'",
            )
            return Catalog(())
        size = sum(
            1 + (len(entry["components"]) if _has_member_list(entry) else 0) for entry in entries
        )
        if size > MAX_CATALOG_ENTRIES:
            self.report(
                relative,
                document.line_of("components"),
                f"the file lists {size} components and groups, more than the"
                f" {MAX_CATALOG_ENTRIES} a status page can show",
                "list what customers depend on, grouping small parts into one component",
            )
            return Catalog(())
        seen: dict[str, int] = {}
        catalog: list[Component | Group] = []
        position = 0
        for raw in entries:
            entry = self.read_catalog_entry(raw, document, seen, group=None, position=position)
            if entry is not None:
                catalog.append(entry)
                position += 1 + (len(entry.components) if isinstance(entry, Group) else 0)
        return Catalog(tuple(catalog))

    def read_catalog_entry(
        self,
        raw: object,
        parent: LineMapping,
        seen: dict[str, int],
        *,
        group: LineMapping | None,
        position: int,
    ) -> Component | Group | None:
        relative = self.paths.components
        if not isinstance(raw, LineMapping):
            line = parent.line_of("components")
            self.report(
                relative,
                line,
                f"a component entry is {describe(raw)}, not a component",
                "write each entry as '- id: ...' with 'name: ...' below it",
            )
            return None
        self.check_keys(raw, COMPONENT_KEYS, relative, "a component")
        entry_id = self.value(raw, "id", self.component_id, relative, required="add 'id: a-slug'")
        name = self.value(
            raw, "name", parse_line, relative, required="add the customer-facing name"
        )
        description = self.value(raw, "description", parse_text, relative) or ""
        hidden = self.value(raw, "hidden_unless_affected", parse_flag, relative) or False
        since = self.value(raw, "since", parse_date, relative)
        if entry_id is not None:
            if entry_id in seen:
                self.report(
                    relative,
                    raw.line_of("id"),
                    f"component id '{entry_id}' is used twice (first on line {seen[entry_id]})",
                    "give each component and group its own id",
                )
                entry_id = None
            else:
                seen[entry_id] = raw.line_of("id")
        source = Source(relative, raw.line)
        if "components" not in raw:
            if entry_id is None or name is None:
                return None
            return Component(
                id=entry_id,
                name=name,
                description=description,
                group_id=group.get("id") if group is not None else None,
                hidden_unless_affected=hidden,
                since=since,
                position=position + 1,
                source=source,
            )
        if group is not None:
            self.report(
                relative,
                raw.line_of("components"),
                f"group '{raw.get('id')}' is inside group '{group.get('id')}'",
                "groups hold components only: move it to the top level",
            )
            return None
        members = raw["components"]
        if not isinstance(members, list) or not members:
            self.report(
                relative,
                raw.line_of("components"),
                f"group '{entry_id}' has no components",
                "list its members under 'components:', or remove the key",
            )
            return None
        children: list[Component] = []
        for offset, member in enumerate(members, start=1):
            child = self.read_catalog_entry(
                member, raw, seen, group=raw, position=position + offset
            )
            if isinstance(child, Component):
                if child.since is None and since is not None:
                    child = replace(child, since=since)
                children.append(child)
        if entry_id is None or name is None:
            return None
        return Group(
            id=entry_id,
            name=name,
            components=tuple(children),
            description=description,
            hidden_unless_affected=hidden,
            since=since,
            position=position + 1,
            source=source,
        )

    @staticmethod
    def component_id(value: object) -> str:
        if not isinstance(value, str) or not SLUG.fullmatch(value):
            raise ValueProblem(
                f"{describe(value)} is not a usable id",
                "use lowercase letters, digits and hyphens, e.g. email-delivery",
            )
        if len(value) > MAX_ID_LENGTH:
            raise ValueProblem(
                f"the id is {len(value)} characters long", f"keep it to {MAX_ID_LENGTH}"
            )
        return value

    # -- incidents/ ------------------------------------------------------------------

    def read_incidents(self, catalog: Catalog) -> tuple[Incident, ...]:
        relative = self.paths.incidents.rstrip("/")
        folder = self.paths.root / relative
        if not self.inside_root(folder):
            self.report(
                relative,
                1,
                "the incidents folder is a link to a place outside the repository",
                "keep the incidents in the repository itself",
            )
            return ()
        if not folder.is_dir():
            what = "is a file, not a folder" if folder.exists() else "is missing"
            self.report(
                relative,
                1,
                f"the incidents folder {what}",
                "create it, with an empty .gitkeep file so that git keeps it",
            )
            return ()
        incidents: list[Incident] = []
        listing = self.list_folder(str(folder), relative)
        for entry in listing:
            if entry.name.startswith((".", "_")):
                continue
            entry_relative = f"{relative}/{entry.name}"
            if entry.is_symlink() and not self.inside_root(entry.path):
                self.report_link_out(entry_relative, "folder itself")
                continue
            try:
                is_folder = entry.is_dir()
            except OSError as error:
                self.report(entry_relative, 1, f"cannot be read: {error.strerror}", "check it")
                continue
            if is_folder:
                incident = self.read_incident(entry.path, entry.name, entry_relative, catalog)
                if incident is not None:
                    incidents.append(incident)
            elif entry.name.lower().endswith(UPDATE_SUFFIXES) and entry.name.lower() != "readme.md":
                self.report(
                    entry_relative,
                    1,
                    "incidents are folders, not single files",
                    f"move it to {relative}/{entry.name[:-3]}/{INDEX_FILE}"
                    " and put each update in a file of its own beside it",
                )
        incidents.sort(key=lambda incident: (incident.start, incident.id))
        return tuple(incidents)

    def list_folder(self, folder: str, relative: str) -> list[os.DirEntry[str]]:
        """The entries of a folder, sorted by name; a problem when it cannot be read."""
        try:
            with os.scandir(folder) as entries:
                return sorted(entries, key=lambda entry: entry.name)
        except OSError as error:
            self.report(relative, 1, f"cannot be read: {error.strerror}", "check its permissions")
            return []

    def read_incident(
        self, folder: str, incident_id: str, relative: str, catalog: Catalog
    ) -> Incident | None:
        entries = self.list_folder(folder, relative)
        for entry in [entry for entry in entries if entry.is_symlink()]:
            if not self.inside_root(entry.path):
                self.report_link_out(f"{relative}/{entry.name}", "file")
                entries.remove(entry)
        names = sorted(entry.name for entry in entries if _is_file(entry))
        for name in names:
            if not name.endswith(".md") and name.lower().endswith(UPDATE_SUFFIXES):
                stem = name.rsplit(".", 1)[0]
                self.report(
                    f"{relative}/{name}",
                    1,
                    "Herald reads only files ending in .md; this one is skipped",
                    f"rename it to {stem}.md",
                )
        markdown = [name for name in names if name.endswith(".md")]
        for name in markdown:
            if not _UPDATE_FILE_NAME.fullmatch(name):
                self.report(
                    f"{relative}/{name}",
                    1,
                    f"the file name {describe(name)} cannot be used in a link",
                    "rename it with letters, digits, hyphens and underscores,"
                    " e.g. 2026-11-20T1410Z-investigating.md",
                )
        markdown = [name for name in markdown if _UPDATE_FILE_NAME.fullmatch(name)]
        update_names = [name for name in markdown if name not in (INDEX_FILE, POSTMORTEM_FILE)]
        if not markdown:
            self.report(
                relative,
                1,
                "the incident folder is empty",
                f"add {INDEX_FILE} and a first update, or delete the folder",
            )
            return None
        if not SLUG.fullmatch(incident_id):
            self.report(
                relative,
                1,
                f"{describe(incident_id)} cannot be used as an incident id in URLs",
                "rename the folder with lowercase letters, digits and hyphens,"
                " e.g. 2026-11-20-api-errors",
            )
        elif len(incident_id) > MAX_ID_LENGTH:
            self.report(
                relative,
                1,
                f"the folder name is {len(incident_id)} characters long",
                f"keep incident ids to {MAX_ID_LENGTH} characters",
            )
        index_relative = f"{relative}/{INDEX_FILE}"
        if INDEX_FILE not in names:
            self.report(
                index_relative,
                1,
                f"the incident has no {INDEX_FILE}",
                "add it with the incident's title, kind, impact and affected components",
            )
            return None
        index = self.read_document(os.path.join(folder, INDEX_FILE), index_relative)
        header = self.read_header(index, index_relative, catalog) if index else None
        if not update_names:
            self.report(
                index_relative,
                1,
                "the incident has no updates",
                "add a first update beside index.md, e.g. 2026-11-20T1410Z-investigating.md"
                "; herald new writes one",
            )
        kind = header.kind if header else _declared_kind(index)
        updates = [
            update
            for name in update_names
            if (
                update := self.read_update(
                    os.path.join(folder, name), f"{relative}/{name}", kind, catalog
                )
            )
        ]
        postmortem = None
        if POSTMORTEM_FILE in names:
            postmortem = self.read_postmortem(
                os.path.join(folder, POSTMORTEM_FILE), f"{relative}/{POSTMORTEM_FILE}"
            )
        if header is None or len(updates) != len(update_names) or not updates:
            return None
        updates.sort(key=lambda update: update.at)
        if not self.check_timeline(header, updates, index_relative):
            return None
        return Incident(
            id=incident_id,
            title=header.title,
            kind=header.kind,
            impact=header.impact,
            affected=header.affected,
            affected_ids=header.affected_ids,
            summary=self.message(index, index_relative, "summary") if index else "",
            updates=tuple(updates),
            started=header.started,
            scheduled_start=header.scheduled_start,
            scheduled_end=header.scheduled_end,
            postmortem=postmortem,
            source=Source(index_relative),
        )

    def read_header(
        self, document: FrontMatterDocument, relative: str, catalog: Catalog
    ) -> _Header | None:
        doc = document.front_matter
        problems_before = len(self.problems)
        self.check_keys(doc, INDEX_KEYS, relative, INDEX_FILE)
        title = self.value(doc, "title", parse_line, relative, required="add 'title: ...'")
        kind = self.value(doc, "kind", _parse_kind, relative)
        kind = kind or IncidentKind.INCIDENT
        impact = self.value(
            doc,
            "impact",
            _parse_impact,
            relative,
            required="add 'impact: none | minor | major | critical'"
            if kind is IncidentKind.INCIDENT
            else "",
        )
        affected = self.read_affected(doc, relative, kind, catalog, in_index=True)
        started = self.value(doc, "started", self.timestamp, relative)
        start = end = None
        if kind is IncidentKind.MAINTENANCE:
            window_fix = "give the maintenance window, e.g. 2026-12-02T06:00:00Z"
            start = self.value(
                doc, "scheduled_start", self.timestamp, relative, required=window_fix
            )
            end = self.value(doc, "scheduled_end", self.timestamp, relative, required=window_fix)
            if start is not None and end is not None and end <= start:
                self.report(
                    relative,
                    doc.line_of("scheduled_end"),
                    "the maintenance window ends before it starts",
                    "make scheduled_end later than scheduled_start",
                )
            if "started" in doc:
                self.report(
                    relative,
                    doc.line_of("started"),
                    "'started' does not apply to maintenance",
                    "the window is scheduled_start and scheduled_end; post an in_progress"
                    " update when work begins",
                )
        else:
            for key in ("scheduled_start", "scheduled_end"):
                if key in doc:
                    self.report(
                        relative,
                        doc.line_of(key),
                        f"'{key}' applies only to maintenance",
                        "remove it, or set 'kind: maintenance'",
                    )
        if started is not None and started > self.now:
            self.report(
                relative,
                doc.line_of("started"),
                f"'started' is in the future (now is {_iso(self.now)})",
                "give the time the problem began",
            )
        if title is None or len(self.problems) != problems_before:
            return None
        written, expanded = affected
        return _Header(
            title=title,
            kind=kind,
            impact=impact or Impact.NONE,
            affected=expanded,
            affected_ids=written,
            started=started,
            scheduled_start=start,
            scheduled_end=end,
        )

    def read_affected(
        self,
        doc: LineMapping,
        relative: str,
        kind: IncidentKind | None,
        catalog: Catalog,
        *,
        in_index: bool,
    ) -> tuple[tuple[str, ...], tuple[tuple[str, ComponentStatus], ...]]:
        """Read ``affected``: the ids as written, and leaf statuses with groups expanded."""
        if "affected" not in doc:
            return (), ()
        line = doc.line_of("affected")
        raw = doc["affected"]
        if kind is IncidentKind.NOTICE:
            self.report(
                relative,
                line,
                "a notice cannot affect components",
                "remove 'affected', or set 'kind: incident' if customers are affected",
            )
            return (), ()
        if kind is IncidentKind.MAINTENANCE and isinstance(raw, list):
            items = [(item, ComponentStatus.UNDER_MAINTENANCE.value, line) for item in raw]
        elif isinstance(raw, LineMapping):
            items = [(key, value, raw.line_of(key)) for key, value in raw.items()]
        else:
            self.report(
                relative,
                line,
                f"'affected' is {describe(raw)}, not a list of component statuses",
                "write one 'component-id: status' per line below 'affected:'",
            )
            return (), ()
        written: list[str] = []
        named = {key for key, _, _ in items if isinstance(catalog.get(key), Component)}
        expanded: dict[str, ComponentStatus] = {}
        for key, value, key_line in items:
            entry = catalog.get(key) if isinstance(key, str) else None
            if entry is None and not self.catalog_complete:
                continue
            if entry is None:
                known = [component.id for component in catalog.components]
                known += [group.id for group in catalog.groups]
                hint = did_you_mean(key, known)
                hint = f"{hint} " if hint else ""
                self.report(
                    relative,
                    key_line,
                    f"unknown component '{key}' in 'affected'",
                    f"{hint}ids are listed in {self.paths.components}",
                )
                continue
            status = self.component_status(value, relative, key_line, in_index=in_index)
            if status is None:
                continue
            written.append(entry.id)
            for leaf in catalog.leaf_ids(entry.id):
                # A component named on its own overrides the status its group gives it.
                if leaf == entry.id or leaf not in named:
                    expanded[leaf] = status
        return tuple(written), tuple(expanded.items())

    def component_status(
        self, value: object, relative: str, line: int, *, in_index: bool
    ) -> ComponentStatus | None:
        choices = _INDEX_COMPONENT_STATUSES if in_index else _UPDATE_COMPONENT_STATUSES
        status = choices.get(value) if isinstance(value, str) else None
        if status is None:
            fix = did_you_mean(value, choices, f"use one of: {', '.join(choices)}")
            message = f"{describe(value)} is not a component status"
            if value == ComponentStatus.OPERATIONAL.value:
                message = "a component cannot be 'operational' in index.md"
                fix = "give the status it has while the incident is open"
            self.report(relative, line, message, fix)
            return None
        return status

    def read_update(
        self, path: str, relative: str, kind: IncidentKind | None, catalog: Catalog
    ) -> Update | None:
        """Read one update; ``kind`` is ``None`` when index.md does not say it clearly."""
        document = self.read_document(path, relative)
        if document is None:
            return None
        doc = document.front_matter
        problems_before = len(self.problems)
        self.check_keys(doc, UPDATE_KEYS, relative, "an update")
        at = self.value(doc, "at", self.timestamp, relative, required=_AT_FIX)
        allowed = STATUSES_BY_KIND[kind or IncidentKind.INCIDENT]
        status = self.value(
            doc,
            "status",
            _parse_update_status,
            relative,
            required=f"add 'status: {allowed[0].value}'",
        )
        if kind is not None and status is not None and status not in allowed:
            self.report(
                relative,
                doc.line_of("status"),
                f"'{status.value}' is not a status for {_a(kind.value)}",
                f"use one of: {', '.join(choice.value for choice in allowed)}",
            )
        next_update = self.read_next_update(doc, relative, at)
        if next_update is not None and status is not None and status.is_final:
            self.report(
                relative,
                doc.line_of("next_update"),
                f"a {status.value} update promises no next update",
                "remove 'next_update'",
            )
        _, affected = self.read_affected(doc, relative, kind, catalog, in_index=False)
        reschedule = {}
        for key in ("scheduled_start", "scheduled_end"):
            if key in doc and kind not in (IncidentKind.MAINTENANCE, None):
                self.report(
                    relative,
                    doc.line_of(key),
                    f"'{key}' applies only to maintenance",
                    "remove it; an incident's updates say what changed in words",
                )
            else:
                reschedule[key] = self.value(doc, key, self.timestamp, relative)
        if at is not None and at > self.now + POSTING_LEAD:
            self.report(
                relative,
                doc.line_of("at"),
                f"'at' is in the future (now is {_iso(self.now)})",
                "post updates when they happen; announce future work as maintenance",
            )
        if not document.body:
            self.report(
                relative,
                document.body_line - 1,
                "the update has no message",
                "write below the front matter what customers should know",
            )
        if at is None or status is None or len(self.problems) != problems_before:
            return None
        return Update(
            id=os.path.basename(path)[:-3],
            at=at,
            status=status,
            message=self.message(document, relative, "message"),
            next_update=next_update,
            affected=affected if "affected" in doc else None,
            scheduled_start=reschedule.get("scheduled_start"),
            scheduled_end=reschedule.get("scheduled_end"),
            source=Source(relative, doc.line_of("at")),
        )

    def read_next_update(
        self, doc: LineMapping, relative: str, at: datetime | None
    ) -> datetime | None:
        if "next_update" not in doc:
            return None
        raw = doc["next_update"]
        line = doc.line_of("next_update")
        try:
            promise = parse_duration(raw)
        except ValueProblem as problem:
            if not problem.message.endswith("is not a duration"):
                self.report(relative, line, f"'next_update': {problem.message}", problem.fix)
                return None
            promise = None
        try:
            due = self.timestamp(raw) if promise is None else None
        except ValueProblem:
            self.report(
                relative,
                line,
                f"'next_update': {describe(raw)} is neither a duration nor a timestamp",
                "write a duration such as 30m or 1h, or a time such as 2026-11-20T14:40:00Z",
            )
            return None
        if at is None:
            return None
        if promise is not None:
            return at + promise
        assert due is not None
        if due <= at:
            self.report(
                relative,
                line,
                "'next_update' is not after the update's 'at'",
                "promise a time after the update is posted, or a duration such as 30m",
            )
            return None
        return due

    def read_postmortem(self, path: str, relative: str) -> Postmortem | None:
        document = self.read_document(path, relative)
        if document is None:
            return None
        doc = document.front_matter
        self.check_keys(doc, POSTMORTEM_KEYS, relative, "a post-incident report")
        published = self.value(
            doc,
            "published",
            self.timestamp,
            relative,
            required="add 'published: ' with the time it was published",
        )
        if published is not None and published > self.now:
            self.report(
                relative,
                doc.line_of("published"),
                f"'published' is in the future (now is {_iso(self.now)})",
                "publish the report when it is ready",
            )
            return None
        if not document.body:
            self.report(
                relative,
                document.body_line - 1,
                "the post-incident report is empty",
                "say what happened, why, and what changes so it does not happen again",
            )
            return None
        if published is None:
            return None
        body = self.message(document, relative, "post-incident report")
        return Postmortem(published=published, body=body, source=Source(relative))

    def check_timeline(self, header: _Header, updates: list[Update], index_relative: str) -> bool:
        """Check the order of updates; ``updates`` is sorted by ``at``."""
        problems_before = len(self.problems)
        for previous, update in itertools.pairwise(updates):
            if update.at == previous.at:
                self.report(
                    update.source.path,
                    update.source.line,
                    f"two updates have the same time ({_iso(update.at)}):"
                    f" this one and {_file_name(previous)}",
                    "give each update its own 'at'",
                )
            if previous.status.is_final:
                self.report(
                    update.source.path,
                    update.source.line,
                    f"this update comes after the {previous.status.value} update"
                    f" {_file_name(previous)}",
                    f"an incident ends with its {previous.status.value} update: change that one"
                    " to another status, or correct the times",
                )
        if header.started is not None and updates[0].at < header.started:
            self.report(
                updates[0].source.path,
                updates[0].source.line,
                f"this update is before the incident's start ({_iso(header.started)})",
                f"correct 'at', or move 'started' in {index_relative} earlier",
            )
        if header.kind is IncidentKind.MAINTENANCE:
            start, end = header.scheduled_start, header.scheduled_end
            for update in updates:
                start = update.scheduled_start or start
                end = update.scheduled_end or end
                moved = update.scheduled_start or update.scheduled_end
                if moved and start and end and end <= start:
                    self.report(
                        update.source.path,
                        update.source.line,
                        "after this update the maintenance window ends before it starts",
                        "make scheduled_end later than scheduled_start",
                    )
        return len(self.problems) == problems_before


@dataclass(frozen=True)
class _Header:
    """What ``index.md`` says, validated."""

    title: str
    kind: IncidentKind
    impact: Impact
    affected: tuple[tuple[str, ComponentStatus], ...]
    affected_ids: tuple[str, ...]
    started: datetime | None
    scheduled_start: datetime | None
    scheduled_end: datetime | None


_UPDATE_COMPONENT_STATUSES = {status.value: status for status in ComponentStatus}
_INDEX_COMPONENT_STATUSES = {
    value: status
    for value, status in _UPDATE_COMPONENT_STATUSES.items()
    if status is not ComponentStatus.OPERATIONAL
}
_AT_FIX = "add 'at: ' with the time the update is posted, e.g. 2026-11-20T14:10:00Z"

E = TypeVar("E", IncidentKind, Impact, UpdateStatus)


def _enum_parser(enum_type: type[E], key: str) -> Callable[[object], E]:
    choices = [member.value for member in enum_type]
    members = {member.value: member for member in enum_type}

    def parse(value: object) -> E:
        member = members.get(value) if isinstance(value, str) else None
        if member is None:
            fix = did_you_mean(value, choices, f"use one of: {', '.join(choices)}")
            raise ValueProblem(f"{describe(value)} is not a known {key}", fix)
        return member

    return parse


_parse_kind = _enum_parser(IncidentKind, "kind")
_parse_impact = _enum_parser(Impact, "impact")
_parse_update_status = _enum_parser(UpdateStatus, "status")


def _read_regular_file(path: str, limit: int) -> tuple[bytes | None, int]:
    """At most ``limit`` bytes of a regular file and its size; ``None`` for anything else
    (a named pipe would block the build forever, a device never ends)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            return None, 0
        # Never read more than the limit: a link or a mistake can point at gigabytes.
        wanted = min(info.st_size, limit)
        chunks = []
        while wanted > 0:
            chunk = os.read(descriptor, wanted)
            if not chunk:
                break
            chunks.append(chunk)
            wanted -= len(chunk)
        return b"".join(chunks), info.st_size
    finally:
        os.close(descriptor)


def _has_member_list(entry: object) -> bool:
    return isinstance(entry, LineMapping) and isinstance(entry.get("components"), list)


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _declared_kind(index: FrontMatterDocument | None) -> IncidentKind | None:
    """The kind index.md declares, when it is readable; problems are reported elsewhere."""
    if index is None:
        return None
    try:
        return _parse_kind(index.front_matter.get("kind", IncidentKind.INCIDENT.value))
    except ValueProblem:
        return None


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _file_name(update: Update) -> str:
    return update.source.path.rsplit("/", 1)[-1]
