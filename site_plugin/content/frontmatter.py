"""Reading YAML and Markdown front matter safely, keeping the line of every key.

Only plain YAML is accepted: mappings, lists and text. Every scalar stays a string so
that the loader, not YAML, decides what a value means (a timestamp keeps its zone,
``no`` stays a word). Anchors and aliases are refused, which also defuses "billion
laughs" documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from ..characters import content_character_fix, describe_character, forbidden_characters

MAX_FILE_BYTES = 1024 * 1024
"""Incident and component files are small; anything larger is a mistake (or an attack)."""

MAX_NESTING = 20
"""Front matter is at most three levels deep; deeper YAML is refused before parsing."""

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlProblem(Exception):
    """YAML that cannot be read, with the 1-based line where reading failed."""

    def __init__(self, line: int, message: str, fix: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.fix = fix


class LineMapping(dict[str, Any]):
    """A YAML mapping that remembers the line of each key and of itself."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class _NodeLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Composes YAML into nodes (in C where libyaml is available), resolving no types.

    With no implicit resolvers every plain scalar is text: ``true``, ``30`` and
    ``2026-11-20`` all stay strings, and the loader's parsers decide what a value means,
    so YAML 1.1 surprises (``no`` meaning false, timestamps losing their zone) cannot
    misread content.
    """

    yaml_implicit_resolvers: dict[str, list[object]] = {}  # noqa: RUF012


_PLAIN_TAGS = frozenset(("tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"))


def _to_value(
    node: yaml.Node, offset: int, seen: set[int] | None, depth: int = 0, *, escapes: bool = True
) -> Any:
    """Turn a node into text, lists and LineMappings with file line numbers."""
    if seen is not None:
        if id(node) in seen:
            raise YamlProblem(
                node.start_mark.line + offset,
                "YAML anchors and aliases (& and *) are not supported",
                "write the value out in full",
            )
        seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        raise YamlProblem(
            node.start_mark.line + offset,
            f"the YAML tag '{node.tag}' is not supported",
            "remove the '!' tag; only plain YAML is read",
        )
    if depth > MAX_NESTING:
        raise YamlProblem(
            node.start_mark.line + offset,
            f"YAML nested more than {MAX_NESTING} levels deep",
            "flatten it",
        )
    if isinstance(node, yaml.ScalarNode):
        if escapes:
            _refuse_control_characters(node, offset)
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_to_value(item, offset, seen, depth + 1, escapes=escapes) for item in node.value]
    mapping = LineMapping()
    mapping.line = node.start_mark.line + offset
    key_lines: dict[str, int] = {}
    mapping.key_lines = key_lines
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + offset
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlProblem(
                key_line, "a key is not a name", "keys are words such as 'title' or 'at'"
            )
        if escapes:
            _refuse_control_characters(key_node, offset)
        key = key_node.value
        if key in mapping:
            raise YamlProblem(
                key_line,
                f"'{key}' is given twice (first on line {key_lines[key]})",
                "keep one of them",
            )
        mapping[key] = _to_value(value_node, offset, seen, depth + 1, escapes=escapes)
        key_lines[key] = key_line
    return mapping


def _refuse_control_characters(node: yaml.ScalarNode, offset: int) -> None:
    """A double-quoted YAML escape (``"\\e"``, ``"\\a"``, ``"\\u202e"``) writes a control
    character into a value without one in the file: refused as one in the text is."""
    found = forbidden_characters(node.value)
    if found:
        _, char = found[0]
        raise YamlProblem(
            node.start_mark.line + offset,
            f"a value has the control character {describe_character(char)}",
            content_character_fix(char),
        )


def _nesting_depth(text: str) -> int:
    """A cheap upper bound of flow-style nesting ([ and {) to refuse hostile input early."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


def load_yaml(text: str, *, first_line: int = 1) -> Any:
    """Parse one YAML document.

    Args:
        text: The YAML source.
        first_line: The file line on which ``text`` starts, so that reported lines
            point into the file rather than into the snippet.

    Returns:
        The parsed value; mappings are ``LineMapping`` with file line numbers.

    Raises:
        YamlProblem: The text is not plain, readable YAML.
    """
    if ("[" in text or "{" in text) and _nesting_depth(text) > MAX_NESTING:
        raise YamlProblem(
            first_line, f"YAML nested more than {MAX_NESTING} levels deep", "flatten it"
        )
    try:
        loader = _NodeLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark is not None else 1) + first_line - 1
        reason = error.problem or error.context or "unreadable YAML"
        source_lines = text.split("\n")
        index = mark.line if mark is not None and mark.line < len(source_lines) else None
        fix = _yaml_fix(reason, source_lines, index)
        raise YamlProblem(line, f"invalid YAML: {reason}", fix) from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as error:
        raise YamlProblem(
            first_line, f"invalid YAML: {error}", "check the indentation and quoting"
        ) from None
    if node is None:
        return None
    seen: set[int] | None = set() if "&" in text or "*" in text else None
    # Only a double-quoted escape ("\\e") can put a control character in a value that the
    # file's text does not have (the loader refuses those in the text).
    return _to_value(node, first_line, seen, escapes="\\" in text)


def _yaml_fix(reason: str, lines: list[str], index: int | None) -> str:
    """How to mend the line YAML stopped at (``lines[index]``), judged from its text."""
    faulty_line = lines[index] if index is not None else ""
    if "\t" in faulty_line or "tab" in reason:
        return "indent with spaces, not tabs"
    misaligned = _misaligned_key_fix(lines, index) if index is not None else None
    if misaligned is not None and (
        "mapping values are not allowed" in reason or "expected key" in reason
    ):
        return misaligned
    if "mapping values are not allowed" in reason:
        return "put quotes around a value that contains ': '"
    if "could not find expected ':'" in reason or "simple key" in reason:
        return "write each setting as 'key: value' on its own line"
    if "found undefined tag" in reason or "could not determine a constructor" in reason:
        return "remove the '!' tag; only plain YAML is read"
    return "check the indentation and quoting"


_KEY_LINE = re.compile(r"(?P<indent> *)(?P<key>[A-Za-z0-9_-]+):(?: +(?P<value>.*))?$")


def _misaligned_key_fix(lines: list[str], index: int) -> str | None:
    """The fix for a ``key: value`` line indented more (or less) than the key above it,
    when it sits among keys: ``line up the keys under 'affected:'``. ``None`` when the
    line does not look like one key with a plain value (a value holding ``': '`` is the
    other common cause, and its fix is quoting)."""
    faulty = _KEY_LINE.match(lines[index])
    if faulty is None or ": " in (faulty["value"] or ""):
        return None
    above = next(
        (
            match
            for line in reversed(lines[:index])
            if line.strip() and not line.lstrip().startswith("#")
            for match in [_KEY_LINE.match(line)]
        ),
        None,
    )
    if above is None or not above["value"] or above["indent"] == faulty["indent"]:
        return None  # under a key without a value, deeper indentation is right
    parent = next(
        (
            match["key"]
            for line in reversed(lines[:index])
            if (match := _KEY_LINE.match(line)) is not None
            and not match["value"]
            and len(match["indent"]) < len(above["indent"])
        ),
        None,
    )
    if parent is None:
        return f"line up '{faulty['key']}:' with '{above['key']}:' above it"
    return f"line up the keys under '{parent}:'"


@dataclass(frozen=True)
class FrontMatterDocument:
    """A Markdown file split into its front matter and body.

    Attributes:
        front_matter: The YAML mapping between the ``---`` fences.
        body: The Markdown after the closing fence, stripped.
        body_line: The line on which the body's text starts (without a body: the line
            after the closing fence).
    """

    front_matter: LineMapping
    body: str
    body_line: int


def read_front_matter(text: str) -> FrontMatterDocument:
    """Split a Markdown file into front matter and body.

    Raises:
        YamlProblem: No front matter, an unclosed fence, unreadable YAML, or YAML
            that is not a mapping.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise YamlProblem(
            1,
            "the file does not start with front matter",
            "begin the file with a line '---', the YAML settings, then another '---'",
        )
    closing = next(
        (index for index in range(1, len(lines)) if lines[index].rstrip() in ("---", "...")),
        None,
    )
    if closing is None:
        raise YamlProblem(
            1,
            "the front matter is not closed",
            "add a line '---' after the YAML settings",
        )
    yaml_text = "\n".join(lines[1:closing])
    value = load_yaml(yaml_text, first_line=2) if yaml_text.strip() else None
    if value is None:
        raise YamlProblem(1, "the front matter is empty", "add the required settings")
    if not isinstance(value, LineMapping):
        raise YamlProblem(
            2,
            "the front matter is not a set of 'key: value' settings",
            "write each setting as 'key: value' on its own line",
        )
    after = lines[closing + 1 :]
    body = "\n".join(after).strip()
    # The body's first line of text, so that a problem in it is reported where it is.
    blank = next((count for count, line in enumerate(after) if line.strip()), 0) if body else 0
    return FrontMatterDocument(value, body, closing + 2 + blank)


def decode_text(data: bytes, *, size: int | None = None) -> str:
    """Decode a content file, refusing binary and oversized data.

    Args:
        data: The file's bytes (perhaps only its first ``MAX_FILE_BYTES + 1``).
        size: The file's whole size, when ``data`` is only its beginning.

    Raises:
        YamlProblem: The data is too large, binary, or not UTF-8.
    """
    size = len(data) if size is None else size
    if size > MAX_FILE_BYTES:
        raise YamlProblem(
            1,
            f"the file is {size / 1048576:.1f} MiB, over the {MAX_FILE_BYTES // 1048576} MiB"
            " limit for content files",
            "keep each file to a page of text; link to large material instead",
        )
    if b"\0" in data:
        raise YamlProblem(1, "the file is binary, not text", "remove it or save it as UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise YamlProblem(line, "the file is not valid UTF-8 text", "save it as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
