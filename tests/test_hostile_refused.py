"""Hostile input that cannot be made safe is refused, by ``herald check`` and by the build
alike, as ``path:line: what (fix)``: never accepted by one and refused by the other, never
a traceback, never a line that acts on a terminal or a CI log."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError

from site_plugin import cli

from .conftest import INCIDENT, MKDOCS_YML, NOW_EPOCH, StatusRepo, run_herald

UPDATE = f"{INCIDENT}/2026-11-20T1410Z-investigating.md"
INDEX = f"{INCIDENT}/index.md"


def _update(body: str) -> str:
    return f"---\nat: 2026-11-20T14:10:00Z\nstatus: investigating\n---\n{body}\n"


def _index(title: str) -> str:
    return f"---\ntitle: {title}\nimpact: major\naffected:\n  api: partial_outage\n---\n"


def _link(repo: StatusRepo, relative: str, target: Path) -> None:
    path = repo.root / relative
    if path.is_dir():
        for child in path.iterdir():
            child.unlink()
        path.rmdir()
    elif path.exists():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def _outside(repo: StatusRepo) -> Path:
    """A folder beside the repository, holding valid content the repository must not read."""
    outside = repo.root.parent / f"{repo.root.name}-outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.md").write_text(_update("The secret is 42."), encoding="utf-8")
    (outside / "components.yml").write_text("components:\n  - id: api\n    name: A\n", "utf-8")
    incident = outside / "incident"
    incident.mkdir(exist_ok=True)
    (incident / "index.md").write_text(_index("Secret"), encoding="utf-8")
    (incident / "2026-11-20T1410Z-investigating.md").write_text(_update("Secret."), "utf-8")
    return outside


@dataclass(frozen=True)
class Case:
    name: str
    prepare: Callable[[StatusRepo], None]
    expected: str
    """A problem line (or its beginning) both must report."""


def _write(relative: str, text: str | bytes) -> Callable[[StatusRepo], None]:
    return lambda repo: repo.write(relative, text) and None


def _sparse(repo: StatusRepo) -> None:
    with open(repo.root / UPDATE, "r+b") as file:
        file.truncate(2 * 1024**3)


def _components(count: int) -> str:
    return "components:\n" + "".join(f"- {{id: c{n}, name: C}}\n" for n in range(count))


CONTENT_CASES = [
    Case(
        "escape sequence pasted from a log",
        _write(UPDATE, _update("Errors: \x1b[31mFAILED\x1b[0m on api-1")),
        f"{UPDATE}:5: the text has the control character U+001B (escape) (remove it: it is a"
        " terminal colour or escape code, likely pasted from a log)",
    ),
    Case(
        "form feed in a message",
        _write(UPDATE, _update("Page one\x0cPage two")),
        f"{UPDATE}:5: the text has the control character U+000C (form feed)",
    ),
    Case(
        "bell in a YAML title",
        _write(INDEX, _index("API down\x07")),
        f"{INDEX}:2: the text has the control character U+0007 (bell)",
    ),
    Case(
        "bell written as a YAML escape",
        _write(INDEX, _index('"API down\\a"')),
        f"{INDEX}:2: a value has the control character U+0007 (bell)",
    ),
    Case(
        "escape written as a YAML escape in a key",
        _write(
            UPDATE, '---\nat: 2026-11-20T14:10:00Z\nstatus: investigating\n"\\e[2J": x\n---\nT.\n'
        ),
        f"{UPDATE}:4: a value has the control character U+001B (escape)",
    ),
    Case(
        "NUL in a message",
        _write(UPDATE, _update("Down\x00")),
        f"{UPDATE}:1: the file is binary, not text",
    ),
    Case(
        "a noncharacter XML cannot hold",
        _write(UPDATE, _update("Down \ufffe now")),
        f"{UPDATE}:5: the text has the control character U+FFFE",
    ),
    Case(
        "C1 next-line in a title",
        _write(INDEX, _index("API\x85down")),
        f"{INDEX}:2: the text has the control character U+0085 (next line)",
    ),
    Case(
        "right-to-left override in a title",
        _write(INDEX, _index("Invoice \u202egnp.exe")),
        f"{INDEX}:2: the text has the control character U+202E (right-to-left override)"
        " (remove it: Herald sets the direction of text itself, and these can disguise it)",
    ),
    Case(
        "right-to-left isolate in a component name",
        _write("components.yml", "components:\n  - id: api\n    name: API \u2067x\u2069\n"),
        "components.yml:3: the text has the control character U+2067 (right-to-left isolate)",
    ),
    Case(
        "component id with a trailing line break",
        _write(
            "components.yml",
            'components:\n  - id: "api\\n"\n    name: REST API\n  - id: dashboard\n'
            "    name: Dashboard\n",
        ),
        "components.yml:2: 'id': 'api\\x0a' is not a usable id",
    ),
    Case(
        "incident folder with a trailing line break",
        lambda repo: os.rename(repo.root / INCIDENT, repo.root / (INCIDENT + "\n")),
        "incidents/2026-11-20-api-errors\\x0a:1: '2026-11-20-api-errors\\x0a' cannot be used as"
        " an incident id in URLs",
    ),
    Case(
        "update file name with a line break",
        lambda repo: os.rename(
            repo.root / UPDATE, repo.root / f"{INCIDENT}/2026-11-20T1410Z\n::error::x.md"
        ),
        f"{INCIDENT}/2026-11-20T1410Z\\x0a::error::x.md:1: the file name",
    ),
    Case(
        "incident folder linked outside the repository",
        lambda repo: _link(repo, "incidents/2026-11-21-secret", _outside(repo) / "incident"),
        "incidents/2026-11-21-secret:1: is a link to a place outside the repository",
    ),
    Case(
        "update file linked outside the repository",
        lambda repo: _link(
            repo, f"{INCIDENT}/2026-11-20T1420Z-identified.md", _outside(repo) / "secret.md"
        ),
        f"{INCIDENT}/2026-11-20T1420Z-identified.md:1: is a link to a place outside the repository",
    ),
    Case(
        "components.yml linked outside the repository",
        lambda repo: _link(repo, "components.yml", _outside(repo) / "components.yml"),
        "components.yml:1: is a link to a place outside the repository",
    ),
    Case(
        "a 2 GB update file",
        _sparse,
        f"{UPDATE}:1: the file is 2048.0 MiB, over the 1 MiB limit for content files",
    ),
    Case(
        "a components.yml of 40,000 components",
        _write("components.yml", _components(40_000)),
        "components.yml:1: the file lists 40000 components and groups, more than the 500 a"
        " status page can show",
    ),
    Case(
        "a message of 200 KiB",
        _write(UPDATE, _update("word " * 40_000)),
        f"{UPDATE}:5: the message is 195 KiB, over the 100 KiB limit",
    ),
    Case(
        "brackets nested 30,000 deep",
        _write(UPDATE, _update("[" * 30_000 + "]" * 30_000)),
        f"{UPDATE}:5: the message has 30000 '[', more than 1000",
    ),
    Case(
        "unclosed links, each making the next slower",
        _write(UPDATE, _update("[](" * 10_000)),
        f"{UPDATE}:5: the message has 10000 '[', more than 1000",
    ),
    Case(
        "ten thousand rules",
        _write(
            f"{INCIDENT}/postmortem.md",
            "---\npublished: 2026-11-21T09:00:00Z\n---\n" + "* * *\n" * 10_000,
        ),
        f"{INCIDENT}/postmortem.md:4: the post-incident report has 10000 lines, more than 1000",
    ),
    Case(
        "a legacy workflow command in a folder name",
        lambda repo: os.rename(repo.root / INCIDENT, repo.root / "incidents/##[error]x"),
        "incidents/#\\x23[error]x:1: '#\\x23[error]x' cannot be used as an incident id",
    ),
    Case(
        "a workflow command in an unknown value",
        _write(INDEX, _index("T").replace("impact: major", 'impact: "x\\n::error file=a::pwned"')),
        f"{INDEX}:3: 'impact': 'x\\x0a::error file=a::pwned' is not a known impact",
    ),
]


@dataclass(frozen=True)
class SettingCase:
    name: str
    options: str
    expected: str
    """What both say about the setting."""
    top: str = ""


SETTING_CASES = [
    SettingCase(
        "support_url with javascript:",
        "support_url: javascript:alert(document.domain)",
        "must be an absolute URL starting with http:, https:, mailto:, tel:",
    ),
    SettingCase(
        "support_url disguised with a character reference",
        "support_url: javascript&colon;alert(1)",
        "must be an absolute URL starting with http:, https:, mailto:, tel:",
    ),
    SettingCase(
        "unsubscribe with a line break",
        'unsubscribe: "mailto:leave@test.example\\r\\nBcc: everyone@test.example"',
        "has white space, a line break or a control character in it",
    ),
    SettingCase(
        "unsubscribe with javascript:",
        "unsubscribe: javascript:alert(1)",
        "must be an absolute URL starting with https:, mailto:",
    ),
    SettingCase(
        "incident_url leaving the site folder",
        'incident_url: "../escaped-{id}/"',
        "may hold only folder names of letters, digits",
    ),
    SettingCase(
        "incident_url cutting ids short",
        "incident_url: 'incidents/{id:.4}/'",
        "formats {id}: write it plainly, as {id}",
    ),
    SettingCase(
        "components path leaving the repository",
        "components: ../../etc/components.yml",
        "leads out of the folder of mkdocs.yml",
    ),
    SettingCase(
        "a title with an escape sequence",
        'home_title: "\\e]0;owned\\a Status"',
        "has a line break or a control character in it",
    ),
    SettingCase("a title that is not text", "home_title: true", "expected text, not true or false"),
    SettingCase("a count that is not a number", "feed_size: many", "expected a whole number"),
    SettingCase("a switch that is not one", "web_fonts: maybe", "expected true or false, not text"),
    SettingCase("history out of range", "history_days: 0", "0 is not between 1 and 3660"),
    SettingCase("an unknown email mode", "email_mode: hourly", "is not one of immediate, daily"),
    SettingCase(
        "site_name with markup",
        "",
        'may not hold <, > or " (the theme prints the name unescaped)',
        top="site_name: 'Acme\"><img src=x onerror=alert(1)>'\n",
    ),
]


def _check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = cli.main(["-f", str(root / "mkdocs.yml"), "check"])
    return code, capsys.readouterr().out.splitlines()


def _build(root: Path, caplog: pytest.LogCaptureFixture) -> list[str]:
    """The errors a strict build logs; fails the test unless the build stops cleanly."""
    caplog.clear()
    with caplog.at_level(logging.ERROR), pytest.raises((Abort, ConfigurationError)):
        config = load_config(str(root / "mkdocs.yml"), strict=True)
        config["site_dir"] = str(root / "site")
        build(config)
    return [line for record in caplog.records for line in record.getMessage().splitlines()]


@pytest.fixture
def site(repo: StatusRepo, monkeypatch: pytest.MonkeyPatch) -> StatusRepo:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW_EPOCH)
    monkeypatch.chdir(repo.root)
    (repo.root / "docs").mkdir(exist_ok=True)
    repo.write("mkdocs.yml", MKDOCS_YML)
    return repo


@pytest.mark.parametrize("case", CONTENT_CASES, ids=[case.name for case in CONTENT_CASES])
def test_check_and_build_refuse_the_same_content_with_the_same_words(
    site: StatusRepo,
    case: Case,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    case.prepare(site)
    code, checked = _check(site.root, capsys)
    assert code == cli.EXIT_PROBLEMS, checked
    problems = [line for line in checked if not line.startswith("Found ")]
    assert any(line.startswith(case.expected) for line in problems), problems
    built = _build(site.root, caplog)
    assert set(problems) <= set(built), built
    assert not any("Traceback" in line for line in built)
    assert not (site.root / "site").exists()
    for line in checked + built:
        assert "\x1b" not in line and "##[" not in line, line
        assert not line.lstrip().startswith("::"), line


@pytest.mark.parametrize("case", SETTING_CASES, ids=[case.name for case in SETTING_CASES])
def test_check_and_build_refuse_the_same_settings(
    site: StatusRepo,
    case: SettingCase,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = MKDOCS_YML.replace("  - herald\n", f"  - herald:\n      {case.options}\n")
    if case.top:
        config = case.top + config.replace("site_name: Test status\n", "")
    site.write("mkdocs.yml", config)
    code, checked = _check(site.root, capsys)
    assert code == cli.EXIT_PROBLEMS, checked
    assert any(case.expected in line for line in checked), checked
    built = _build(site.root, caplog)
    assert any(case.expected in line for line in built), built
    for line in checked + built:
        assert "\x1b" not in line and "\r" not in line, line


def test_a_mistyped_option_is_refused_by_check_and_by_a_strict_build(
    site: StatusRepo, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    config = MKDOCS_YML.replace("  - herald\n", "  - herald:\n      unsubscrib: mailto:x@y.z\n")
    site.write("mkdocs.yml", config)
    line = config.splitlines().index("      unsubscrib: mailto:x@y.z") + 1
    code, checked = _check(site.root, capsys)
    assert code == cli.EXIT_PROBLEMS
    assert checked[0] == (
        f"mkdocs.yml:{line}: unsubscrib: is not a herald option (did you mean 'unsubscribe'?)"
    )
    caplog.clear()
    with caplog.at_level(logging.WARNING), pytest.raises(Abort):
        strict = load_config(str(site.root / "mkdocs.yml"), strict=True)
        strict["site_dir"] = str(site.root / "site")
        build(strict)
    assert any(
        "Unrecognised configuration name: unsubscrib" in r.getMessage() for r in caplog.records
    )


def test_herald_check_output_is_safe_for_a_terminal_and_a_ci_log(repo: StatusRepo) -> None:
    """The real command: what content holds is quoted and escaped, on the problem's line."""
    repo.write(
        INDEX,
        _index("T").replace(
            "impact: major", 'impact: "\\n::error file=x.py,line=1::pwned\\n##[error]x"'
        ),
    )
    repo.write("mkdocs.yml", MKDOCS_YML)
    result = run_herald(repo.root, "check")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{INDEX}:3: 'impact': '\\x0a::error file=x.py,line=1::pwned")
    for line in lines:
        assert not line.lstrip().startswith(("::", "##[")), line


def test_check_and_build_refuse_a_page_that_would_replace_another(
    site: StatusRepo, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    site.write(
        "mkdocs.yml",
        MKDOCS_YML.replace("  - herald\n", "  - herald:\n      incident_url: '{id}/'\n"),
    )
    os.rename(site.root / INCIDENT, site.root / "incidents/history")
    code, checked = _check(site.root, capsys)
    assert code == cli.EXIT_PROBLEMS
    expected = (
        "incidents/history/index.md:1: the page of incident 'history' would be at history/,"
        " where the history index is (rename it, or change incident_url in mkdocs.yml)"
    )
    assert checked[0] == expected
    assert expected in _build(site.root, caplog)


def test_notify_never_follows_a_ledger_or_subscribers_link_out_of_the_repository(
    repo: StatusRepo, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("elsewhere")
    (outside / "addresses.yml").write_text("someone@elsewhere.example: all\n", "utf-8")
    repo.write(
        "mkdocs.yml",
        MKDOCS_YML.replace("  - herald\n", "  - herald:\n      subscribers: subscribers.yml\n"),
    )
    repo.write("subscribers.yml", "ops@test.example: all\n")
    (repo.root / ".herald-ledger").symlink_to(outside, target_is_directory=True)
    result = run_herald(repo.root, "notify", HERALD_WEBHOOK_URL="http://127.0.0.1:9/hook")
    assert result.returncode == 2
    assert "the ledger option's .herald-ledger/ledger.json leads out of the repository" in (
        result.stderr
    )
    assert sorted(path.name for path in outside.iterdir()) == ["addresses.yml"]
    (repo.root / ".herald-ledger").unlink()
    (repo.root / "subscribers.yml").unlink()
    (repo.root / "subscribers.yml").symlink_to(outside / "addresses.yml")
    result = run_herald(repo.root, "notify", HERALD_WEBHOOK_URL="http://127.0.0.1:9/hook")
    assert result.returncode == 2
    assert "the subscribers option's subscribers.yml leads out of the repository" in result.stderr
    assert "elsewhere.example" not in result.stdout + result.stderr


def test_check_and_build_refuse_more_daily_bars_than_a_page_can_carry(
    site: StatusRepo, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    site.write("components.yml", _components(480))
    site.write(
        "mkdocs.yml", MKDOCS_YML.replace("  - herald\n", "  - herald:\n      history_days: 3660\n")
    )
    site.remove(f"{INCIDENT}/index.md")
    for path in (site.root / INCIDENT).iterdir():
        path.unlink()
    (site.root / INCIDENT).rmdir()
    code, checked = _check(site.root, capsys)
    assert code == cli.EXIT_PROBLEMS
    expected = (
        "mkdocs.yml:1: 480 components and groups with history_days: 3660 make 1,756,800 daily"
        " bars, more than 200,000 (show fewer days (history_days), or group small parts into"
        " one component)"
    )
    assert checked[0] == expected
    assert expected in _build(site.root, caplog)
