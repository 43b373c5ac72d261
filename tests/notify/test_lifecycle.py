"""A scheduled maintenance told from its window alone: reminders, start and end, once each.

End to end: the real ``herald notify`` runs at fixed moments against a real SMTP server
and a real HTTP receiver on loopback, as the scheduled publish workflow would run it, on
time and late.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from site_plugin.notify.lifecycle import lifecycle_updates
from site_plugin.present.i18n import LANGUAGES, translator

from ..conftest import StatusRepo, epoch_of, run_herald
from .test_notify import MKDOCS, Inbox, Receiver, channels

MAINTENANCE = "incidents/2026-11-25-database-upgrade"


def moment(text: str) -> str:
    return epoch_of(datetime.fromisoformat(text).replace(tzinfo=UTC))


@pytest.fixture
def site(repo: StatusRepo) -> Path:
    (repo.root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    repo.write(
        f"{MAINTENANCE}/index.md",
        "---\ntitle: Database upgrade\nkind: maintenance\n"
        "scheduled_start: 2026-11-25T02:00:00Z\nscheduled_end: 2026-11-25T04:00:00Z\n"
        "affected:\n  api: under_maintenance\n---\n",
    )
    repo.write(
        f"{MAINTENANCE}/2026-11-20T1600Z-scheduled.md",
        "---\nat: 2026-11-20T16:00:00Z\nstatus: scheduled\n---\n"
        "We will upgrade the database; the API may be slow for a few minutes.\n",
    )
    repo.write("subscribers.yml", "ops@test.example: all\n")
    return repo.root


def notify(site: Path, at: str, env: dict[str, str], *extra: str) -> list[str]:
    result = run_herald(
        site,
        "notify",
        "--subscribers",
        "subscribers.yml",
        "--retry-delay",
        "0.01",
        *extra,
        epoch=moment(at),
        **env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


def announced(site: Path, inbox: tuple[Inbox, int], receiver: Receiver) -> dict[str, str]:
    """The channels' settings, after the run that told them of the announcement."""
    _, port = inbox
    env = channels(port, receiver)
    notify(site, "2026-11-20T16:05:00", env, "--since=2026-11-20T15:59:00Z")
    return env


def slack_texts(receiver: Receiver) -> list[str]:
    return [post["text"] for post in receiver.posts("/slack")]


def slack_details(receiver: Receiver) -> list[str]:
    return [post["blocks"][0]["text"]["text"] for post in receiver.posts("/slack")]


def subjects(handler: Inbox) -> list[str]:
    return [str(message["Subject"]) for _, message in handler.messages]


def test_announcement_reminders_start_and_end_each_once_on_every_channel(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    handler, port = inbox
    env = channels(port, receiver)
    link = "https://status.test.example/incidents/2026-11-25-database-upgrade/"
    # The announcement: the first run counts everything before it as delivered.
    notify(site, "2026-11-20T16:05:00", env, "--since=2026-11-20T15:59:00Z")
    notify(site, "2026-11-24T01:55:00", env)  # nothing due yet
    notify(site, "2026-11-24T02:05:00", env)  # the day-ahead reminder
    notify(site, "2026-11-24T02:15:00", env)  # again: nothing new
    notify(site, "2026-11-25T01:02:00", env)  # the hour-ahead reminder
    notify(site, "2026-11-25T02:01:00", env)  # it started
    notify(site, "2026-11-25T04:03:00", env)  # its window ended
    notify(site, "2026-11-25T04:30:00", env)  # nothing new
    assert slack_texts(receiver) == [
        f"Scheduled: Database upgrade {link}",
        f"Reminder: Database upgrade {link}",
        f"Reminder: Database upgrade {link}",
        f"In progress: Database upgrade {link}",
        f"Completed: Database upgrade {link}",
    ]
    details = slack_details(receiver)
    assert "starts in 1 day, at 25 Nov 2026, 02:00 UTC" in details[1]
    assert "starts in 1 hour, at 25 Nov 2026, 02:00 UTC" in details[2]
    assert "started at 25 Nov 2026, 02:00 UTC, as scheduled" in details[3]
    assert "ended at 25 Nov 2026, 04:00 UTC, as scheduled" in details[4]
    assert len(receiver.posts("/discord")) == len(receiver.posts("/hook")) == 5
    assert subjects(handler) == [
        "[Test status] Scheduled: Database upgrade",
        "[Test status] Reminder: Database upgrade",
        "[Test status] Reminder: Database upgrade",
        "[Test status] In progress: Database upgrade",
        "[Test status] Completed: Database upgrade",
    ]


def test_a_late_run_says_when_it_was_due_and_never_reminds_of_a_window_begun(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    handler, port = inbox
    env = channels(port, receiver)
    notify(site, "2026-11-20T16:05:00", env, "--since=2026-11-20T15:59:00Z")
    # GitHub ran nothing between the day before and well after the start.
    notify(site, "2026-11-25T02:40:00", env)
    notify(site, "2026-11-25T02:50:00", env)
    texts = slack_texts(receiver)
    assert [text.split(":")[0] for text in texts] == ["Scheduled", "In progress"]
    assert "started at 25 Nov 2026, 02:00 UTC" in slack_details(receiver)[1]
    assert [subject.split("] ")[1].split(":")[0] for subject in subjects(handler)] == [
        "Scheduled",
        "In progress",
    ]


def test_what_an_author_said_is_not_said_again(
    site: Path, repo: StatusRepo, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    env = announced(site, inbox, receiver)
    repo.write(
        f"{MAINTENANCE}/2026-11-25T0155Z-in-progress.md",
        "---\nat: 2026-11-25T01:55:00Z\nstatus: in_progress\n---\nWe started a little early.\n",
    )
    notify(site, "2026-11-25T02:05:00", env)
    repo.write(
        f"{MAINTENANCE}/2026-11-25T0350Z-completed.md",
        "---\nat: 2026-11-25T03:50:00Z\nstatus: completed\n---\nAll done.\n",
    )
    notify(site, "2026-11-25T04:05:00", env)
    assert [text.split(":")[0] for text in slack_texts(receiver)] == [
        "Scheduled",
        "In progress",
        "Completed",
    ]
    assert "early" in slack_details(receiver)[1] and "All done" in slack_details(receiver)[2]


def test_running_over_is_said_once(
    site: Path, repo: StatusRepo, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    handler, port = inbox
    env = channels(port, receiver)
    notify(site, "2026-11-20T16:05:00", env, "--since=2026-11-20T15:59:00Z")
    repo.write(
        f"{MAINTENANCE}/2026-11-25T0210Z-in-progress.md",
        "---\nat: 2026-11-25T02:10:00Z\nstatus: in_progress\n---\nThe upgrade is running.\n",
    )
    notify(site, "2026-11-25T02:15:00", env)
    notify(site, "2026-11-25T04:10:00", env)  # the window ended, the work goes on
    repo.write(
        f"{MAINTENANCE}/2026-11-25T0430Z-in-progress.md",
        "---\nat: 2026-11-25T04:30:00Z\nstatus: in_progress\n---\nStill copying data.\n",
    )
    notify(site, "2026-11-25T04:35:00", env)
    notify(site, "2026-11-25T04:40:00", env)
    # Nobody said before the end that the work goes on: the page and the channels say
    # the window ended. The author's word after it reopens it, and Herald says it runs
    # over (in the same message: chat shows the newest update, email every one).
    labels = [text.split(":")[0] for text in slack_texts(receiver)]
    assert labels == ["Scheduled", "In progress", "Completed", "In progress"]
    assert "Still copying data" in slack_details(receiver)[3]
    last = handler.messages[-1][1].get_body(preferencelist=("plain",))
    assert last is not None
    assert "taking longer than planned: its window ended at 25 Nov 2026, 04:00 UTC" in (
        " ".join(last.get_content().split())
    )


def test_a_cancelled_maintenance_sends_no_reminder(
    site: Path, repo: StatusRepo, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    env = announced(site, inbox, receiver)
    repo.write(
        f"{MAINTENANCE}/2026-11-22T0900Z-completed.md",
        "---\nat: 2026-11-22T09:00:00Z\nstatus: completed\n---\nWe called it off.\n",
    )
    for at in ("2026-11-22T09:05:00", "2026-11-24T02:05:00", "2026-11-25T02:05:00"):
        notify(site, at, env)
    assert len(slack_texts(receiver)) == 2, slack_texts(receiver)


def test_a_published_report_is_announced_once(
    repo: StatusRepo, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    _, port = inbox
    env = channels(port, receiver)
    (repo.root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    repo.write("subscribers.yml", "ops@test.example: all\n")
    notify(repo.root, "2026-11-21T10:00:00", env, "--since=2026-11-21T09:00:00Z")
    repo.write(
        "incidents/2026-11-20-api-errors/postmortem.md",
        "---\npublished: 2026-11-22T09:00:00Z\n---\nThe database ran out of connections.\n",
    )
    notify(repo.root, "2026-11-22T09:30:00", env)
    notify(repo.root, "2026-11-22T10:00:00", env)
    texts = slack_texts(receiver)
    assert len(texts) == 1 and texts[0].startswith("Post-incident report: ")
    assert "published a post-incident report" in slack_details(receiver)[0]


def test_next_change_wakes_the_scheduled_run_for_a_reminder(site: Path) -> None:
    result = run_herald(site, "next-change", epoch=moment("2026-11-23T12:00:00"))
    assert result.stdout.strip() == "next_change=2026-11-24T00:00:00Z"  # midnight first
    result = run_herald(site, "next-change", epoch=moment("2026-11-24T00:30:00"))
    assert result.stdout.strip() == "next_change=2026-11-24T02:00:00Z"  # the reminder


def test_check_warns_of_a_maintenance_announced_too_late(repo: StatusRepo) -> None:
    (repo.root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    repo.write(
        f"{MAINTENANCE}/index.md",
        "---\ntitle: Database upgrade\nkind: maintenance\n"
        "scheduled_start: 2026-11-25T14:00:00Z\nscheduled_end: 2026-11-25T15:00:00Z\n---\n",
    )
    repo.write(
        f"{MAINTENANCE}/2026-11-25T1100Z-scheduled.md",
        "---\nat: 2026-11-25T11:00:00Z\nstatus: scheduled\n---\nA short upgrade.\n",
    )
    result = run_herald(repo.root, "check")
    assert result.returncode == 0, result.stdout
    assert (
        f"{MAINTENANCE}/2026-11-25T1100Z-scheduled.md:2: the maintenance is announced 3h"
        " before its window (2026-11-25 14:00 UTC), less than the 3d customers need"
    ) in result.stdout
    assert run_herald(repo.root, "check", "--strict").returncode == 1


def test_reminders_follow_the_option(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    _, port = inbox
    (site / "mkdocs.yml").write_text(
        MKDOCS + "      maintenance_reminders: [2h]\n", encoding="utf-8"
    )
    env = channels(port, receiver)
    notify(site, "2026-11-20T16:05:00", env, "--since=2026-11-20T15:59:00Z")
    notify(site, "2026-11-24T02:05:00", env)  # no day-ahead reminder now
    notify(site, "2026-11-25T00:05:00", env)  # two hours ahead
    assert [text.split(":")[0] for text in slack_texts(receiver)] == ["Scheduled", "Reminder"]
    assert "starts in 2 hours" in slack_details(receiver)[1]


def test_a_team_s_templates_give_herald_s_updates_their_words(
    site: Path, repo: StatusRepo, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    _, port = inbox
    env = channels(port, receiver)
    repo.write(
        "templates/reminder.md",
        "Heads up: {{ title }} begins {{ start_text }}, {{ lead_text }} from now.\n",
    )
    notify(site, "2026-11-20T16:05:00", env, "--since=2026-11-20T15:59:00Z")
    notify(site, "2026-11-25T01:02:00", env)
    assert slack_details(receiver)[1].endswith(
        "Heads up: Database upgrade begins 25 Nov 2026, 02:00 UTC, 1 hour from now."
    )


def test_a_broken_template_is_a_problem_for_check_and_stops_notify(
    site: Path, repo: StatusRepo, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    _, port = inbox
    repo.write("templates/started.md", "It started at {{ begin_text }}.\n")
    check = run_herald(site, "check")
    assert check.returncode == 1
    assert check.stdout.startswith("templates/started.md:1: message template 'started' failed:")
    assert "'begin_text' is undefined" in check.stdout
    result = run_herald(
        site, "notify", "--subscribers", "subscribers.yml", **channels(port, receiver)
    )
    assert result.returncode != 0 and "templates/started.md" in result.stderr
    assert "Traceback" not in result.stderr and receiver.requests == []


def test_a_template_cannot_include_a_file_from_outside_the_repository(
    site: Path, repo: StatusRepo, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    """A team template is text from a pull request, rendered where the secrets are."""
    _, port = inbox
    secret = site / ".." / "outside-secret.txt"
    secret.write_text("HERALD_MASTODON_TOKEN=do-not-publish\n", "utf-8")
    repo.write("templates/started.md", 'Started. {% include "inc.md" %}\n')
    (site / "templates" / "inc.md").symlink_to(secret.resolve())
    check = run_herald(site, "check")
    assert check.returncode == 1 and "templates/started.md:1:" in check.stdout
    assert "link out of its folder" in check.stdout and "do-not-publish" not in check.stdout
    result = run_herald(
        site, "notify", "--subscribers", "subscribers.yml", **channels(port, receiver)
    )
    assert result.returncode != 0 and "do-not-publish" not in result.stdout + result.stderr
    assert receiver.requests == []


def test_a_template_may_use_only_what_it_is_given(site: Path, repo: StatusRepo) -> None:
    repo.write("templates/started.md", "Started, {{ lead_text }} late.\n")
    check = run_herald(site, "check")
    assert check.returncode == 1 and "'lead_text' is undefined" in check.stdout


def test_no_update_an_author_writes_can_silence_herald_s_own(
    site: Path, repo: StatusRepo, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    env = announced(site, inbox, receiver)
    # An update whose file name is what Herald's "started" was once called.
    repo.write(
        f"{MAINTENANCE}/herald-started-20261125T0200Z.md",
        "---\nat: 2026-11-21T09:00:00Z\nstatus: scheduled\n---\nStill on for the 25th.\n",
    )
    notify(site, "2026-11-21T09:05:00", env)
    notify(site, "2026-11-25T02:05:00", env)
    assert [text.split(":")[0] for text in slack_texts(receiver)] == [
        "Scheduled",
        "Scheduled",
        "In progress",
    ]


def test_reminders_of_the_same_minute_are_one(
    site: Path, inbox: tuple[Inbox, int], receiver: Receiver
) -> None:
    _, port = inbox
    (site / "mkdocs.yml").write_text(
        MKDOCS + "      maintenance_reminders: [1h, 60m, 3600s]\n", encoding="utf-8"
    )
    env = channels(port, receiver)
    notify(site, "2026-11-20T16:05:00", env, "--since=2026-11-20T15:59:00Z")
    notify(site, "2026-11-25T01:05:00", env)
    assert [text.split(":")[0] for text in slack_texts(receiver)] == ["Scheduled", "Reminder"]
    assert slack_details(receiver)[1].count("Reminder:") == 1


#: What Herald says itself of the maintenance in each language: the reminder's name, the
#: hour-ahead reminder, that it started and that its window ended.
HERALD_SAYS = {
    "en": (
        "Reminder",
        "Reminder: this maintenance starts in 1 hour, at 25 Nov 2026, 02:00 UTC, and is"
        " planned to end at 25 Nov 2026, 04:00 UTC.",
        "This maintenance started at 25 Nov 2026, 02:00 UTC, as scheduled. It is planned to"
        " end at 25 Nov 2026, 04:00 UTC.",
        "The maintenance window ended at 25 Nov 2026, 04:00 UTC, as scheduled.",
    ),
    "de": (
        "Erinnerung",
        "Erinnerung: Diese Wartung beginnt in 1 Stunde, am 25. Nov. 2026, 02:00 UTC, und"
        " soll am 25. Nov. 2026, 04:00 UTC enden.",
        "Diese Wartung hat wie geplant am 25. Nov. 2026, 02:00 UTC begonnen. Sie soll am"
        " 25. Nov. 2026, 04:00 UTC enden.",
        "Das Wartungsfenster endete wie geplant am 25. Nov. 2026, 04:00 UTC.",
    ),
    "fr": (
        "Rappel",
        "Rappel\xa0: cette maintenance commence dans 1 heure, le 25 nov. 2026, 02:00 UTC, et"
        " doit se terminer le 25 nov. 2026, 04:00 UTC.",
        "Cette maintenance a commencé le 25 nov. 2026, 02:00 UTC, comme prévu. Elle doit se"
        " terminer le 25 nov. 2026, 04:00 UTC.",
        "La fenêtre de maintenance s’est terminée le 25 nov. 2026, 04:00 UTC, comme prévu.",
    ),
    "es": (
        "Recordatorio",
        "Recordatorio: este mantenimiento comienza dentro de 1 hora, el 25 nov 2026, 2:00 UTC,"
        " y está previsto que termine el 25 nov 2026, 4:00 UTC.",
        "Este mantenimiento comenzó el 25 nov 2026, 2:00 UTC, según lo previsto. Está"
        " previsto que termine el 25 nov 2026, 4:00 UTC.",
        "La ventana de mantenimiento terminó el 25 nov 2026, 4:00 UTC, según lo previsto.",
    ),
    "pt_BR": (
        "Lembrete",
        "Lembrete: esta manutenção começa daqui a 1 hora, em 25 de nov. de 2026 02:00 UTC, e"
        " deve terminar em 25 de nov. de 2026 04:00 UTC.",
        "Esta manutenção começou em 25 de nov. de 2026 02:00 UTC, conforme o previsto. O"
        " término está previsto para 25 de nov. de 2026 04:00 UTC.",
        "A janela de manutenção terminou em 25 de nov. de 2026 04:00 UTC, conforme o previsto.",
    ),
    "ja": (
        "リマインダー",
        "リマインダー：このメンテナンスは1時間後の2026年11月25日 2:00 UTCに開始し、"
        "2026年11月25日 4:00 UTCに終了する予定です。",
        "このメンテナンスは予定どおり2026年11月25日 2:00 UTCに開始しました。"
        "2026年11月25日 4:00 UTCに終了する予定です。",
        "メンテナンスは予定どおり2026年11月25日 4:00 UTCに終了しました。",
    ),
}


def test_every_language_has_herald_s_maintenance_words() -> None:
    assert sorted(HERALD_SAYS) == sorted(LANGUAGES)


@pytest.mark.parametrize("language", sorted(HERALD_SAYS))
def test_herald_s_own_words_are_in_the_site_s_language(
    site: Path, repo: StatusRepo, language: str
) -> None:
    reminder, hour_ahead, started, ended = HERALD_SAYS[language]
    t = translator(language)
    before = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)
    after = datetime(2026, 11, 25, 4, 3, tzinfo=UTC)
    (maintenance,) = (
        incident for incident in repo.load(now=after).incidents if incident.is_maintenance
    )
    day_ahead, hour = lifecycle_updates(maintenance, before, t)
    assert (day_ahead.label, hour.label) == (reminder, reminder)
    assert hour.message == hour_ahead
    assert [update.message for update in lifecycle_updates(maintenance, after, t)] == [
        started,
        ended,
    ]
