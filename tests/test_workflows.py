"""The GitHub workflows: linted by actionlint and zizmor, pinned, and safe with inputs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is not installed (it is a test dependency)"
    return found


def test_actionlint_finds_nothing() -> None:
    result = subprocess.run(
        [tool("actionlint"), "-no-color"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing() -> None:
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", str(WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def workflows() -> dict[str, Any]:
    return {
        path.name: yaml.load(path.read_text("utf-8"), Loader=yaml.BaseLoader)
        for path in sorted(WORKFLOWS.glob("*.yml"))
    }


def steps(workflow: Any) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize(
    "name", ["check.yml", "publish.yml", "post-update.yml", "release.yml", "probe.yml", "alert.yml"]
)
def test_actions_are_pinned_and_inputs_never_reach_a_shell(name: str) -> None:
    workflow = workflows()[name]
    for step in steps(workflow):
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
        if "run" in step:
            assert "${{" not in step["run"], f"{name}: expression inside run: {step['run']}"


def test_pull_requests_run_without_write_access_or_secrets() -> None:
    check = workflows()["check.yml"]
    assert set(check["on"]) == {"pull_request"}
    assert check["permissions"] == {}
    for job in check["jobs"].values():
        assert job["permissions"] == {"contents": "read"}
    text = (WORKFLOWS / "check.yml").read_text("utf-8")
    assert "pull_request_target" not in text and "secrets." not in text


def test_publish_runs_on_push_schedule_and_by_hand_and_never_races() -> None:
    publish = workflows()["publish.yml"]
    assert set(publish["on"]) == {"push", "schedule", "workflow_dispatch"}
    assert publish["on"]["schedule"] == [{"cron": "*/10 * * * *"}, {"cron": "5 7 * * *"}]
    for job in ("build", "deploy"):
        assert publish["jobs"][job]["concurrency"]["cancel-in-progress"] == "true"
    assert publish["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    notify = publish["jobs"]["notify-subscribers"]
    assert notify["needs"] == "deploy"
    assert notify["concurrency"] == {"group": "notify-subscribers", "cancel-in-progress": "false"}
    assert any("herald notify" in step.get("run", "") for step in notify["steps"])


def test_problem_matcher_reads_herald_check_lines() -> None:
    import json

    matcher = json.loads((REPO_ROOT / ".github/herald-problem-matcher.json").read_text("utf-8"))
    (pattern,) = matcher["problemMatcher"][0]["pattern"]
    regexp = re.compile(pattern["regexp"])
    line = (
        "incidents/2026-11-20-api-errors/index.md:7: unknown component 'apii' in 'affected'"
        " (did you mean 'api'? ids are listed in components.yml)"
    )
    match = regexp.match(line)
    assert match is not None
    assert match.group(pattern["file"]) == "incidents/2026-11-20-api-errors/index.md"
    assert match.group(pattern["line"]) == "7"
    assert match.group(pattern["message"]).startswith("unknown component 'apii'")
    assert regexp.match("Found 1 problem in 1 file; nothing was published.") is None


def test_secrets_live_in_environments() -> None:
    """zizmor's auditor persona: every job that reads a secret names an environment, so its
    protection rules (branches, reviewers) apply and other jobs never see the secret."""
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", "--persona", "auditor", str(WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "secrets-outside-env" not in result.stdout + result.stderr


def test_this_repository_runs_the_workflows_herald_init_writes() -> None:
    """One source: Herald's own workflows are the ones every status repository gets
    (site_plugin/scaffold/), installing Herald from this checkout instead of by version.
    After editing a workflow there, run scripts/sync-workflows."""
    from site_plugin.authoring.scaffold import workflow_files

    for path, text in workflow_files("-e .").items():
        assert (REPO_ROOT / path).read_text("utf-8") == text, f"{path}: run scripts/sync-workflows"


def test_the_alert_reaches_herald_as_the_event_s_file_only() -> None:
    """The dispatch's payload comes from whoever holds a token for the repository: it
    goes to herald as the file GitHub writes, never through the shell or an environment
    variable (toJSON's indented copy of a payload GitHub took can be more than a variable
    holds, and the step would not start)."""
    alert = workflows()["alert.yml"]
    for step in steps(alert):
        for name, value in step.get("env", {}).items():
            assert "github.event" not in value, f"alert.yml: {name} holds the event"
    (keep,) = [step for step in steps(alert) if "$GITHUB_EVENT_PATH" in step.get("run", "")]
    assert 'cp "$GITHUB_EVENT_PATH" "alerts/$name"' in keep["run"]
    (draft,) = [step for step in steps(alert) if "herald draft" in step.get("run", "")]
    assert 'herald draft "${alerts[@]}"' in draft["run"]


def test_no_alert_waits_where_a_newer_run_could_cancel_it() -> None:
    """GitHub keeps one waiting run per concurrency group and cancels an older waiting one:
    the alert is kept in the inbox by a job outside the group first, and every run inside
    it (alert or probe) reads the whole inbox."""
    alert = workflows()["alert.yml"]
    assert "concurrency" not in alert
    assert "concurrency" not in alert["jobs"]["receive"]
    assert alert["jobs"]["draft"]["needs"] == "receive"
    assert alert["jobs"]["draft"]["concurrency"]["group"] == "herald-outages"
    probe = workflows()["probe.yml"]
    assert probe["concurrency"]["group"] == "herald-outages"
    for workflow in (alert, probe):
        runs = [step.get("run", "") for step in steps(workflow)]
        assert any('herald draft "${alerts[@]}"' in run for run in runs)
        assert any("herald-inbox" in run and "git rm" in run for run in runs)
