"""Herald's message templates: the placeholders they leave are marked, and what they
write reads as a customer expects."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from site_plugin.authoring.inputs import Workspace
from site_plugin.authoring.templates import PACKAGE_TEMPLATES, render_template, template_context
from site_plugin.content.loader import ContentPaths
from site_plugin.content.rules import PLACEHOLDER

from ..conftest import MKDOCS_YML, NOW, StatusRepo, run_herald

TEMPLATES = sorted(path.stem for path in PACKAGE_TEMPLATES.glob("*.md"))
PLACEHOLDERS = {
    "notice": ["Write here what is changing, when, and whether customers need to do anything."],
    "postmortem": [
        "Describe what customers saw.",
        "Describe the cause in plain words, without blame.",
        "List what changes so that this does not happen again.",
    ],
}
"""Every text a shipped template leaves for its author; any other template leaves none."""
TO_THE_AUTHOR = re.compile(r"(?:^|[.!?]\s+)(Describe|Write|List|Say|Explain|Add|Fill|TODO)\b")
"""How a sentence addressed to the author begins: outside a placeholder, it would go live."""


@pytest.mark.parametrize("name", TEMPLATES)
def test_what_a_template_leaves_for_its_author_is_marked(repo: StatusRepo, name: str) -> None:
    workspace = Workspace(ContentPaths(repo.root), zone=UTC, now=NOW)
    context = template_context(
        repo.load().catalog,
        ["api"],
        title="Elevated error rates",
        at=NOW,
        next_update=None,
        start=datetime(2026, 11, 25, 11, tzinfo=UTC),
        end=NOW,
        duration="1 hour",
    )
    text = render_template(workspace, name, context)
    assert [match["text"] for match in PLACEHOLDER.finditer(text)] == PLACEHOLDERS.get(name, [])
    assert TO_THE_AUTHOR.search(PLACEHOLDER.sub("", text)) is None, text


@pytest.fixture
def site(repo: StatusRepo) -> Path:
    (repo.root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    return repo.root


@pytest.mark.parametrize(
    ("epoch", "after"),
    [
        ("1795608040", "after less than a minute"),  # 12:00:40
        ("1795608060", "after 1 minute"),
        ("1795611900", "after 1 hour and 5 minutes"),
    ],
)
def test_a_resolved_message_says_how_long_in_words(site: Path, epoch: str, after: str) -> None:
    created = run_herald(site, "new", "Login failures", "--component", "api=major_outage")
    assert created.returncode == 0, created.stderr
    resolved = run_herald(site, "resolve", "login", epoch=epoch)
    assert resolved.returncode == 0, resolved.stderr
    (written,) = (site / "incidents/2026-11-25-login-failures").glob("*-resolved.md")
    assert f" UTC, {after}.\nWe are sorry for the trouble this caused.\n" in written.read_text(
        "utf-8"
    )
