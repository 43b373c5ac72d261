"""``herald notify`` posting to a real GNU Mailman 3 list, end to end, on loopback.

Herald → an SMTP relay (the MTA in front of the list server) → Mailman's LMTP runner →
Mailman's pipeline → an SMTP smarthost, where each member's copies are counted. The list
is announce-only; its members were added through the REST API, verified and confirmed, so
no confirmation mail is needed; Herald's sender is a nonmember whose posts are accepted.
The site has no ``unsubscribe`` option: a list needs none.
"""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest

from site_plugin.notify.ledger import subscriber_target

from ..conftest import INCIDENT, StatusRepo, run_herald
from .incident import OPEN, write_open_incident
from .mailman import LmtpRelay, MailmanServer, Smarthost, smtp_server, wait_until

LIST = "status-announce@lists.example.com"
LIST_ID = "status-announce.lists.example.com"
MEMBERS = ("alice@members.example", "bob@members.example")
SENDER = "status@test.example"
LEDGER_KEY = "test-ledger-key-of-at-least-32-characters"
NOW = "1795608000"  # 2026-11-25 12:00 UTC
LATER = "1795609800"  # 12:30
DELIVERY_TIMEOUT = 120.0
"""Seconds from Herald's post to every member's copy: Mailman's runners wake each second."""
MKDOCS = (
    "site_name: Test status\nsite_url: https://status.test.example/\ntheme: material\n"
    "plugins:\n  - herald\n"
)


@pytest.fixture
def site(repo: StatusRepo) -> Path:
    (repo.root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    write_open_incident(repo)
    repo.write("subscribers.yml", f"{LIST}: {{list: true}}\n")
    return repo.root


def notify(site: Path, relay_port: int, epoch: str) -> list[str]:
    result = run_herald(
        site,
        "notify",
        "--subscribers",
        "subscribers.yml",
        "--since=-2h",
        "--retry-delay",
        "0.01",
        epoch=epoch,
        HERALD_LEDGER_KEY=LEDGER_KEY,
        HERALD_SMTP_HOST="127.0.0.1",
        HERALD_SMTP_PORT=str(relay_port),
        HERALD_SMTP_SECURITY="none",
        HERALD_SMTP_FROM=f"Test status <{SENDER}>",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # No address in any line: not the list's, not a member's.
    assert "example.com" not in output and "members.example" not in output
    return result.stdout.splitlines()


def test_each_member_gets_each_update_once_with_the_lists_unsubscribe(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    smarthost = Smarthost()
    label = subscriber_target(LIST, LEDGER_KEY)[:18]
    with (
        smtp_server(smarthost) as smarthost_port,
        MailmanServer(tmp_path_factory.mktemp("mailman"), smarthost_port) as mailman,
    ):
        list_id = mailman.create_list(LIST)
        assert list_id == LIST_ID
        for member in MEMBERS:
            mailman.subscribe(list_id, member)
        mailman.accept_posts_from(list_id, SENDER)
        members = mailman.rest("GET", f"lists/{list_id}/roster/member")
        assert sorted(entry["email"] for entry in members["entries"]) == list(MEMBERS)
        relay = LmtpRelay("lists.example.com", mailman.lmtp_port)

        def delivered(count: int) -> None:
            """Each member has ``count`` copies and Mailman holds nothing more."""

            def done() -> bool:
                enough = all(len(smarthost.received_by(member)) >= count for member in MEMBERS)
                return enough and mailman.queues_empty()

            wait_until(
                done,
                DELIVERY_TIMEOUT,
                f"Mailman did not deliver {count} posts to every member",
                lambda: f" (smarthost has {len(smarthost.deliveries)}){mailman.logs()}",
            )

        with smtp_server(relay) as relay_port:
            assert notify(site, relay_port, NOW) == [f"{label}: sent 1 update on 1 incident"]
            delivered(1)
            (site / f"{OPEN}/2026-11-25T1220Z-identified.md").write_text(
                "---\nat: 2026-11-25T12:20:00Z\nstatus: identified\n---\n"
                "A queue consumer was stuck; we restarted it.\n",
                encoding="utf-8",
            )
            assert notify(site, relay_port, LATER) == [f"{label}: sent 1 update on 1 incident"]
            delivered(2)
            assert notify(site, relay_port, LATER) == [f"{label}: nothing new"]
        held = mailman.rest("GET", f"lists/{list_id}/held")
        assert held.get("total_size", 0) == 0

    # Herald posted once per update, to the list alone, as a list post.
    assert [recipients for _, recipients, _ in relay.posts] == [[LIST], [LIST]]
    posted = [
        email.message_from_bytes(data, policy=email.policy.default) for *_, data in relay.posts
    ]
    for post in posted:
        assert post["To"] == LIST
        for header in ("List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "Precedence"):
            assert post[header] is None, header
        assert post["Auto-Submitted"] is None
    message_ids = [post["Message-ID"] for post in posted]
    assert len(set(message_ids)) == 2

    # Each member got each post exactly once, with Mailman's unsubscribe headers.
    for member in MEMBERS:
        copies = smarthost.received_by(member)
        assert sorted(copy["Message-ID"] for copy in copies) == sorted(message_ids), member
        for copy in copies:
            assert copy["List-Unsubscribe"] == "<mailto:status-announce-leave@lists.example.com>"
            assert copy["List-Id"].endswith(f"<{LIST_ID}>")
            assert copy["Precedence"] == "list"
            assert "Webhooks are late" in copy["Subject"]
            assert "subscriber=" not in str(copy)
    ledger = json.loads((site / ".herald-ledger" / "ledger.json").read_text("utf-8"))
    target = subscriber_target(LIST, LEDGER_KEY)
    assert set(ledger["key_sets"][ledger["delivered"][target]]) >= {
        f"{OPEN.removeprefix('incidents/')}/2026-11-25T1100Z-investigating",
        f"{OPEN.removeprefix('incidents/')}/2026-11-25T1220Z-identified",
    }
    assert INCIDENT  # the older, resolved incident was recorded as the past, never sent
