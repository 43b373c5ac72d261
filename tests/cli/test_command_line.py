"""The ``herald`` parser as a user meets it: where options may go, and what --help says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ..conftest import INCIDENT, MKDOCS_YML, StatusRepo, run_herald

SITE_COMMANDS = {
    "check": ("check",),
    "new": ("new", "Slow API", "-m", "Some requests are slow."),
    "update": ("update", "api-errors", "--status", "monitoring", "-m", "A fix is out."),
    "resolve": ("resolve", "api-errors", "-m", "All is well again."),
    "postmortem": ("postmortem", "api-errors", "-m", "## What happened\nA bad deploy."),
    "next-change": ("next-change",),
    "list": ("list",),
    "notify": ("notify", "--dry-run"),
    "digest": ("digest", "--out", "digest.eml"),
    "summary": ("summary", "--before", "site"),
    "probe": ("probe",),
}
"""Every command that reads a site, with arguments it succeeds with on the test site."""

COMMANDS = [*SITE_COMMANDS, "draft", "init", "relay-alerts"]


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder holding the site in ``site/`` and a broken mkdocs.yml of its own, so a
    command that falls back to the default config file fails loudly."""
    repo = StatusRepo(tmp_path / "site")
    repo.remove(f"{INCIDENT}/2026-11-20T1500Z-resolved.md")  # open, for update and resolve
    (repo.root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("plugins: [herald: {timezone: Nowhere/City}]\n", "utf-8")
    return tmp_path


@pytest.mark.parametrize("position", ["before the command", "after the command"])
@pytest.mark.parametrize("command", list(SITE_COMMANDS))
def test_config_may_come_before_or_after_the_command(
    elsewhere: Path, command: str, position: str
) -> None:
    arguments = SITE_COMMANDS[command]
    config = ("--config", "site/mkdocs.yml")
    if position == "before the command":
        result = run_herald(elsewhere, *config, *arguments)
    else:
        result = run_herald(elsewhere, *arguments, *config)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Nowhere/City" not in result.stdout + result.stderr


def test_config_after_the_command_reads_as_the_readme_writes_it(elsewhere: Path) -> None:
    for short_or_long in ("--config", "-f"):
        result = run_herald(elsewhere, "check", "--strict", short_or_long, "site/mkdocs.yml")
        assert result.returncode == 1  # the open incident's promise is overdue: a warning
        assert result.stdout.splitlines()[-1] == (
            "Checked 5 components and 1 incident: no problems, 1 warning."
        )


def test_config_after_the_command_wins_over_one_before_it(elsewhere: Path) -> None:
    result = run_herald(elsewhere, "--config", "mkdocs.yml", "list", "--config", "site/mkdocs.yml")
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("Open incidents (1)\n  2026-11-20-api-errors ")
    missing = run_herald(elsewhere, "list", "--config", "nowhere/mkdocs.yml")
    assert missing.returncode == 2
    assert missing.stderr == "herald: nowhere/mkdocs.yml not found (pass the site's mkdocs.yml)\n"


def test_without_config_the_commands_read_mkdocs_yml_here(elsewhere: Path) -> None:
    result = run_herald(elsewhere / "site", "check")
    assert result.returncode == 0, result.stdout
    broken = run_herald(elsewhere, "check")
    assert broken.returncode == 1
    assert "unknown time zone 'Nowhere/City'" in broken.stdout


def test_every_command_is_listed_with_a_help_line(tmp_path: Path) -> None:
    result = run_herald(tmp_path, "--help")
    assert result.returncode == 0
    listed = dict(re.findall(r"^    (\S+)\s+(\S.*)$", result.stdout, flags=re.MULTILINE))
    assert sorted(listed) == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_a_description(tmp_path: Path, command: str) -> None:
    result = run_herald(tmp_path, command, "--help")
    assert result.returncode == 0
    # argparse prints: usage, a blank line, the description, a blank line, the arguments.
    paragraphs = result.stdout.split("\n\n")
    assert paragraphs[0].startswith(f"usage: herald {command} ")
    description = " ".join(paragraphs[1].split())
    assert not description.startswith(("options:", "positional arguments:"))
    assert len(description) > 40, description


def test_list_says_what_it_shows(tmp_path: Path) -> None:
    result = run_herald(tmp_path, "list", "--help")
    assert " ".join(result.stdout.split("\n\n")[1].split()) == (
        "Print what is open right now: incidents with their status, impact and when they"
        " began, maintenance in progress and upcoming, open notices, and when each promised"
        " update is due or how long it is overdue. Writes nothing."
    )
