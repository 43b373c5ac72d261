"""Reading ``incidents/``: every incident folder, checked as a whole (its timeline too)."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from datetime import datetime

from ..parallel import map_on_cores
from ..problems import Problem
from ..values import (
    SLUG,
    ValueProblem,
    describe,
    parse_line,
)
from .frontmatter import (
    FrontMatterDocument,
)
from .model import (
    Catalog,
    ComponentStatus,
    Impact,
    Incident,
    IncidentKind,
    Source,
    Update,
)
from .reading import is_file_entry, iso_text
from .rules import (
    INDEX_FILE,
    INDEX_KEYS,
    MAX_ID_LENGTH,
    POSTMORTEM_FILE,
    UPDATE_FILE_NAME,
    UPDATE_SUFFIXES,
)
from .update_reading import (
    UpdateReading,
    parse_impact,
    parse_kind,
)


class IncidentReading(UpdateReading):
    """``incidents/``: each folder's ``index.md``, its updates and its report, as one incident."""

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
        folders: list[tuple[str, str, str]] = []
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
                folders.append((entry.path, entry.name, entry_relative))
            elif entry.name.lower().endswith(UPDATE_SUFFIXES) and entry.name.lower() != "readme.md":
                self.report(
                    entry_relative,
                    1,
                    "incidents are folders, not single files",
                    f"move it to {relative}/{entry.name[:-3]}/{INDEX_FILE}"
                    " and put each update in a file of its own beside it",
                )
        incidents: list[Incident] = []

        def read(folder: tuple[str, str, str]) -> tuple[Incident | None, list[Problem]]:
            # Each folder's problems travel with its incident: a forked copy's reader
            # collects them in its own list, which this one never sees.
            before = len(self.problems)
            incident = self.read_incident(*folder, catalog)
            found = self.problems[before:]
            del self.problems[before:]
            return incident, found

        for incident, found in map_on_cores(read, folders):
            self.problems += found
            if incident is not None:
                incidents.append(incident)
        incidents.sort(key=lambda incident: (incident.start, incident.id))
        return tuple(incidents)

    def read_incident(
        self, folder: str, incident_id: str, relative: str, catalog: Catalog
    ) -> Incident | None:
        entries = self.list_folder(folder, relative)
        for entry in [entry for entry in entries if entry.is_symlink()]:
            if not self.inside_root(entry.path):
                self.report_link_out(f"{relative}/{entry.name}", "file")
                entries.remove(entry)
        names = sorted(entry.name for entry in entries if is_file_entry(entry))
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
            if not UPDATE_FILE_NAME.fullmatch(name):
                self.report(
                    f"{relative}/{name}",
                    1,
                    f"the file name {describe(name)} cannot be used in a link",
                    "rename it with letters, digits, hyphens and underscores,"
                    " e.g. 2026-11-20T1410Z-investigating.md",
                )
        markdown = [name for name in markdown if UPDATE_FILE_NAME.fullmatch(name)]
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
        kind = header.kind if header else declared_kind(index)
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
    ) -> IncidentHeader | None:
        doc = document.front_matter
        problems_before = len(self.problems)
        self.check_keys(doc, INDEX_KEYS, relative, INDEX_FILE)
        title = self.value(doc, "title", parse_line, relative, required="add 'title: ...'")
        kind = self.value(doc, "kind", parse_kind, relative)
        kind = kind or IncidentKind.INCIDENT
        impact = self.value(
            doc,
            "impact",
            parse_impact,
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
                "'started' is in the future"
                f" (now is {self.now_as_written(doc['started'], started)})",
                f"give the time the problem began{self.zone_note(doc['started'])}",
            )
        if title is None or len(self.problems) != problems_before:
            return None
        written, expanded = affected
        return IncidentHeader(
            title=title,
            kind=kind,
            impact=impact or Impact.NONE,
            affected=expanded,
            affected_ids=written,
            started=started,
            scheduled_start=start,
            scheduled_end=end,
        )

    def check_timeline(
        self, header: IncidentHeader, updates: list[Update], index_relative: str
    ) -> bool:
        """Check the order of updates; ``updates`` is sorted by ``at``."""
        problems_before = len(self.problems)
        for previous, update in itertools.pairwise(updates):
            if update.at == previous.at:
                self.report(
                    update.source.path,
                    update.source.line,
                    f"two updates have the same time ({iso_text(update.at)}):"
                    f" this one and {update_file_name(previous)}",
                    "give each update its own 'at'",
                )
            if previous.status.is_final:
                self.report(
                    update.source.path,
                    update.source.line,
                    f"this update comes after the {previous.status.value} update"
                    f" {update_file_name(previous)}",
                    f"an incident ends with its {previous.status.value} update: change that one"
                    " to another status, or correct the times",
                )
        if header.started is not None and updates[0].at < header.started:
            self.report(
                updates[0].source.path,
                updates[0].source.line,
                f"this update is before the incident's start ({iso_text(header.started)})",
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
class IncidentHeader:
    """What ``index.md`` says, validated."""

    title: str
    kind: IncidentKind
    impact: Impact
    affected: tuple[tuple[str, ComponentStatus], ...]
    affected_ids: tuple[str, ...]
    started: datetime | None
    scheduled_start: datetime | None
    scheduled_end: datetime | None


def declared_kind(index: FrontMatterDocument | None) -> IncidentKind | None:
    """The kind index.md declares, when it is readable; problems are reported elsewhere."""
    if index is None:
        return None
    try:
        return parse_kind(index.front_matter.get("kind", IncidentKind.INCIDENT.value))
    except ValueProblem:
        return None


def update_file_name(update: Update) -> str:
    return update.source.path.rsplit("/", 1)[-1]
