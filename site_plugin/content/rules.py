"""What a status repository's files are called, the keys they may hold, and how
much content Herald reads: the rules every reader of ``incidents/`` follows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

INDEX_FILE = "index.md"
UPDATE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
"""Endings of files that look like updates; only ``.md`` is read, the rest are reported."""
POSTMORTEM_FILE = "postmortem.md"
UPDATE_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.md")
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
"""Control characters (and template placeholders) reported per file; the rest are counted."""
PLACEHOLDER = re.compile(r"\[\[(?P<text>[^\[\]\n]{1,500})\]\]")
"""Text a message template leaves for its author to replace, written between double
brackets: ``[[Describe what customers saw.]]``. A message, summary or report that still
holds one is a problem, so a template's prompt is never published."""
COMPONENT_KEYS = (
    "id",
    "name",
    "description",
    "components",
    "hidden_unless_affected",
    "since",
    "subscribe_email",
    "probe",
    "alerts",
)
PROBE_KEYS = (
    "url",
    "method",
    "expect_status",
    "body_contains",
    "timeout",
    "slow_after",
    "verify_tls",
    "certificate_warning",
)
PROBE_METHODS = ("GET", "HEAD")
MAX_PROBE_TIMEOUT = timedelta(seconds=60)
"""A probe that waits longer than this tells nothing a customer would not have given up on."""
DEFAULT_PROBE_TIMEOUT = timedelta(seconds=10)
DEFAULT_CERTIFICATE_WARNING = timedelta(days=14)
ALERT_LABEL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
"""A Prometheus label name, which Grafana's labels follow too."""
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
