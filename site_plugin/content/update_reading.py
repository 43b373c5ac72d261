"""Reading one update (or ``postmortem.md``) of an incident."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from ..problems import did_you_mean
from ..values import (
    ValueProblem,
    describe,
    parse_duration,
)
from .catalog_reading import CatalogReading
from .frontmatter import (
    LineMapping,
)
from .model import (
    STATUSES_BY_KIND,
    Catalog,
    Component,
    ComponentStatus,
    Impact,
    IncidentKind,
    Postmortem,
    Source,
    Update,
    UpdateStatus,
)
from .rules import (
    POSTING_LEAD,
    POSTMORTEM_KEYS,
    UPDATE_KEYS,
)

UPDATE_COMPONENT_STATUSES = {status.value: status for status in ComponentStatus}


INDEX_COMPONENT_STATUSES = {
    value: status
    for value, status in UPDATE_COMPONENT_STATUSES.items()
    if status is not ComponentStatus.OPERATIONAL
}


AT_FIX = "add 'at: ' with the time the update is posted, e.g. 2026-11-20T14:10:00Z"


E = TypeVar("E", IncidentKind, Impact, UpdateStatus)


def enum_parser(enum_type: type[E], key: str) -> Callable[[object], E]:
    choices = [member.value for member in enum_type]
    members = {member.value: member for member in enum_type}

    def parse(value: object) -> E:
        member = members.get(value) if isinstance(value, str) else None
        if member is None:
            fix = did_you_mean(value, choices, f"use one of: {', '.join(choices)}")
            raise ValueProblem(f"{describe(value)} is not a known {key}", fix)
        return member

    return parse


parse_kind = enum_parser(IncidentKind, "kind")


parse_impact = enum_parser(Impact, "impact")


parse_update_status = enum_parser(UpdateStatus, "status")


class UpdateReading(CatalogReading):
    """One update file, its component statuses and promises, and the post-incident report."""

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
        choices = INDEX_COMPONENT_STATUSES if in_index else UPDATE_COMPONENT_STATUSES
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
        at = self.value(doc, "at", self.timestamp, relative, required=AT_FIX)
        allowed = STATUSES_BY_KIND[kind or IncidentKind.INCIDENT]
        status = self.value(
            doc,
            "status",
            parse_update_status,
            relative,
            required=f"add 'status: {allowed[0].value}'",
        )
        if kind is not None and status is not None and status not in allowed:
            self.report(
                relative,
                doc.line_of("status"),
                f"'{status.value}' is not a status for {with_article(kind.value)}",
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
                f"'at' is in the future (now is {self.now_as_written(doc['at'], at)})",
                "post updates when they happen; announce future work as maintenance"
                + self.zone_note(doc["at"]),
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
                "'published' is in the future"
                f" (now is {self.now_as_written(doc['published'], published)})",
                f"publish the report when it is ready{self.zone_note(doc['published'])}",
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


def with_article(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"
