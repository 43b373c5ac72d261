"""Which characters content may hold, and how text is made safe for one-line contexts.

Three rules, each in one place:

- **Content** (every file under ``incidents/`` and ``components.yml``) holds no control
  characters but tab and line break: an escape sequence pasted from a log, a form feed or
  a bell cannot be written into XML (feeds, calendars) and means nothing to a reader, so
  ``herald check`` and the build both refuse it with its line.
- **One-line text** (email subjects and headers, chat titles, feed titles and summaries)
  has no line breaks, no control characters and no bidirectional embeddings, overrides or
  isolates, which could make a title read backwards or disguise what follows it.
- **Terminal and CI logs**: what ``herald`` prints shows every control character escaped,
  and no line it prints starts a GitHub Actions workflow command.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Embeddings, overrides and isolates; the marks U+200E, U+200F and U+061C are harmless."""

_FORBIDDEN_IN_CONTENT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff" + "".join(sorted(BIDI_CONTROLS)) + "]"
)
"""Lone surrogates only arrive through a YAML escape ("\\ud800"); no page can be written
with one."""
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff"
    + "".join(sorted(BIDI_CONTROLS))
    + "]"
)
"""What ``terminal_line`` escapes: controls, line and paragraph separators, bidirectional
controls, and lone surrogates (YAML's ``"\\ud800"``), which no terminal can be sent."""
_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_WORKFLOW_COMMAND = re.compile(r"\s*::")

CHARACTER_NAMES = {
    "\x00": "NUL",
    "\x07": "bell",
    "\x08": "backspace",
    "\x0b": "vertical tab",
    "\x0c": "form feed",
    "\x1b": "escape",
    "\x7f": "delete",
    "\x85": "next line",
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override",
    "\u202e": "right-to-left override",
    "\u2066": "left-to-right isolate",
    "\u2067": "right-to-left isolate",
    "\u2068": "first strong isolate",
    "\u2069": "pop directional isolate",
}


def describe_character(char: str) -> str:
    """``U+001B (escape)``: a character named so a person can find it."""
    name = CHARACTER_NAMES.get(char)
    code = f"U+{ord(char):04X}"
    return f"{code} ({name})" if name else code


def forbidden_characters(text: str) -> list[tuple[int, str]]:
    """The lines (1-based) of ``text`` holding a character content may not have, with the
    first such character of each line."""
    found: list[tuple[int, str]] = []
    if _FORBIDDEN_IN_CONTENT.search(text) is None:
        return found
    for number, line in enumerate(text.split("\n"), start=1):
        match = _FORBIDDEN_IN_CONTENT.search(line)
        if match is not None:
            found.append((number, match.group()))
    return found


def content_character_fix(char: str) -> str:
    """How to fix a forbidden character, in words for the problem report."""
    if char in BIDI_CONTROLS:
        return "remove it: Herald sets the direction of text itself, and these can disguise it"
    if char == "\x1b":
        return "remove it: it is a terminal colour or escape code, likely pasted from a log"
    if "\ud800" <= char <= "\udfff":
        return "remove the \\u escape: half a character cannot be shown or written"
    return "remove it, or write the text again without it"


def one_line(text: str, limit: int = 150) -> str:
    """Text for a header, subject, title or chat line: one line, plain, bounded."""
    cleaned = _LINE_BREAKS.sub(" ", text)
    cleaned = _UNPRINTABLE.sub("", cleaned.replace("\t", " "))
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_line(text: str) -> str:
    """``text`` safe to print as one line in a terminal or a CI log.

    Control characters, line breaks and bidirectional controls are shown escaped
    (``\\x1b``, ``\\n``, ``\\u202e``), so nothing content holds can move the cursor,
    recolour the terminal, add a line or start a workflow command (``::error ...``).
    """
    line = _UNPRINTABLE.sub(_escaped, text)
    # The runner reads "::command" at the start of a line, and the older "##[command]"
    # anywhere in one.
    line = line.replace("##[", "#\\x23[")
    if _WORKFLOW_COMMAND.match(line):
        line = "> " + line
    return line
