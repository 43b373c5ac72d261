"""Reading the files of a status repository: bounded, never through a link out of it,
every problem collected with its line."""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TypeVar

from ..characters import content_character_fix, describe_character, forbidden_characters
from ..options import path_is_inside
from ..problems import Problem, did_you_mean
from ..values import (
    ValueProblem,
    describe,
    has_offset,
    parse_timestamp,
    time_as_written,
    utc_iso,
)
from .frontmatter import (
    MAX_FILE_BYTES,
    FrontMatterDocument,
    LineMapping,
    YamlProblem,
    decode_text,
    read_front_matter,
)
from .rules import (
    MAX_CHARACTER_PROBLEMS,
    MAX_MESSAGE_BRACKETS,
    MAX_MESSAGE_BYTES,
    MAX_MESSAGE_LINES,
    PLACEHOLDER,
    ContentPaths,
)

T = TypeVar("T")


class ContentReading:
    """Collects problems while reading; one instance per load (the readers below add to it)."""

    def __init__(self, paths: ContentPaths, *, now: datetime, zone: tzinfo) -> None:
        self.paths = paths
        self.now = now
        self.zone = zone
        self.problems: list[Problem] = []
        self.catalog_complete = True

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

    def zone_note(self, written: object) -> str:
        """``; times without an offset are read in Europe/Berlin`` for a time written
        without one: the likeliest reason it is not the moment its author meant."""
        return "" if has_offset(written) else f"; times without an offset are read in {self.zone}"

    def now_as_written(self, written: object, moment: datetime) -> str:
        """Now, in the form of the time ``written`` (read as ``moment``), for a problem that
        compares the two: to the minute, or to the second when they share a minute."""
        text = time_as_written(self.now, written, self.zone)
        if text == time_as_written(moment, written, self.zone):
            return time_as_written(self.now, written, self.zone, seconds=True)
        return text

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
            data, size = read_regular_file(path, MAX_FILE_BYTES + 1)
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
        self.report_placeholders(document, relative, what)
        return body

    def report_placeholders(self, document: FrontMatterDocument, relative: str, what: str) -> None:
        """A problem for each of a template's placeholders still in the body, on its line."""
        body = document.body
        if "[[" not in body:
            return  # the usual case, at no cost
        found = list(itertools.islice(PLACEHOLDER.finditer(body), MAX_CHARACTER_PROBLEMS + 1))
        for match in found[:MAX_CHARACTER_PROBLEMS]:
            self.report(
                relative,
                document.body_line + body.count("\n", 0, match.start()),
                f"the {what} still has the template's placeholder {describe(match[0])}",
                "replace the template's placeholder with what happened",
            )
        if len(found) > MAX_CHARACTER_PROBLEMS:
            rest = sum(1 for _ in PLACEHOLDER.finditer(body, found[-1].start()))
            self.report(
                relative,
                document.body_line + body.count("\n", 0, found[-1].start()),
                f"{rest} more of the template's placeholders are in the {what}",
                "replace each with what happened",
            )

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

    def list_folder(self, folder: str, relative: str) -> list[os.DirEntry[str]]:
        """The entries of a folder, sorted by name; a problem when it cannot be read."""
        try:
            with os.scandir(folder) as entries:
                return sorted(entries, key=lambda entry: entry.name)
        except OSError as error:
            self.report(relative, 1, f"cannot be read: {error.strerror}", "check its permissions")
            return []


def read_regular_file(path: str, limit: int) -> tuple[bytes | None, int]:
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


def is_file_entry(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def iso_text(moment: datetime) -> str:
    """``2026-11-20T14:10:00Z``: a time in a problem's message, to the second."""
    return utc_iso(moment)
