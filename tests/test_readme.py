"""The README says what the code does: options and commands, as they are."""

from __future__ import annotations

from site_plugin.schema import OPTIONS

from .conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text("utf-8")


def test_the_readme_lists_every_option() -> None:
    missing = [option.name for option in OPTIONS if f"| `{option.name}` |" not in README]
    assert missing == []


def test_the_readme_starts_with_the_two_commands_then_your_own_site() -> None:
    sections = [line for line in README.splitlines() if line.startswith("## ")]
    assert sections[:3] == [
        "## Two commands",
        "## Start your own status page",
        "## This repository is the example",
    ]
