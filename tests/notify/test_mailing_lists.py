"""Mailing lists as subscribers: the YAML form, and the post a list gets (real SMTP on
loopback). The list server itself is in ``test_mailman.py``."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

import pytest

from site_plugin.errors import SettingsError
from site_plugin.notify.ledger import subscriber_target
from site_plugin.notify.subscribers import Subscriber, read_subscribers

from ..conftest import StatusRepo, run_herald
from .incident import write_open_incident
from .mailman import Smarthost, smtp_server

NOW = "1795608000"  # 2026-11-25 12:00 UTC
LEDGER_KEY = "test-ledger-key-of-at-least-32-characters"
PERSON = "ops@test.example"
SITE_LIST = "status-announce@lists.test.example"
API_LIST = "api-announce@lists.test.example"
DASHBOARD_LIST = "dashboard-announce@lists.test.example"
SUBSCRIBERS = (
    f"{PERSON}: all\n"
    f"{SITE_LIST}: {{list: true}}\n"
    f"{API_LIST}: {{list: true, components: [api]}}\n"
    f"{DASHBOARD_LIST}:\n  list: true\n  components: [dashboard]\n"
)


def mkdocs(unsubscribe: str | None) -> str:
    options = f"      unsubscribe: {unsubscribe}\n" if unsubscribe else "      feed_size: 50\n"
    return (
        "site_name: Test status\nsite_url: https://status.test.example/\ntheme: material\n"
        f"plugins:\n  - herald:\n{options}"
    )


@pytest.fixture
def site(repo: StatusRepo) -> Path:
    (repo.root / "mkdocs.yml").write_text(
        mkdocs("https://status.test.example/leave"), encoding="utf-8"
    )
    write_open_incident(repo, next_update=None)
    repo.write("subscribers.yml", SUBSCRIBERS)
    return repo.root


def notify(site: Path, port: int) -> tuple[int, list[str]]:
    result = run_herald(
        site,
        "notify",
        "--subscribers",
        "subscribers.yml",
        "--since=-2h",
        "--retry-delay",
        "0.01",
        epoch=NOW,
        HERALD_LEDGER_KEY=LEDGER_KEY,
        HERALD_SMTP_HOST="127.0.0.1",
        HERALD_SMTP_PORT=str(port),
        HERALD_SMTP_SECURITY="none",
        HERALD_SMTP_FROM="Test status <status@test.example>",
    )
    output = result.stdout + result.stderr
    assert "test.example" not in output, "an address was printed"
    return result.returncode, result.stdout.splitlines()


def label(address: str) -> str:
    return subscriber_target(address, LEDGER_KEY)[:18]


def only(smarthost: Smarthost, address: str) -> EmailMessage:
    messages = smarthost.received_by(address)
    assert len(messages) == 1, address
    return messages[0]


def test_a_list_gets_one_post_without_herald_s_unsubscribe_and_a_person_keeps_theirs(
    site: Path,
) -> None:
    smarthost = Smarthost()
    with smtp_server(smarthost) as port:
        code, lines = notify(site, port)
    assert code == 0, lines
    assert lines == [
        f"{label(PERSON)}: sent 1 update on 1 incident",
        f"{label(SITE_LIST)}: sent 1 update on 1 incident",
        f"{label(API_LIST)}: sent 1 update on 1 incident",
        # The dashboard's list hears nothing of an API incident.
        f"{label(DASHBOARD_LIST)}: first run, the past is recorded as delivered",
    ]
    assert sorted(recipients[0] for recipients, _ in smarthost.deliveries) == sorted(
        [PERSON, SITE_LIST, API_LIST]
    )
    person = only(smarthost, PERSON)
    assert "subscriber=" in str(person["List-Unsubscribe"])
    assert person["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert person["Precedence"] == "bulk" and person["Auto-Submitted"] == "auto-generated"
    assert person["List-Id"] == "Test status <status.test.example>"
    assert "https://status.test.example/leave" in _text(person)
    for address in (SITE_LIST, API_LIST):
        post = only(smarthost, address)
        assert post["To"] == address
        # The list adds its own List-* headers, Precedence: list and unsubscribe footer.
        for header in (
            "List-Unsubscribe",
            "List-Unsubscribe-Post",
            "List-Id",
            "Precedence",
            "Auto-Submitted",
        ):
            assert post[header] is None, (address, header)
        assert post["X-Auto-Response-Suppress"] == "All"
        assert "leave" not in _text(post) and "subscriber=" not in str(post)
        assert "Webhook events arrive up to" in _text(post)
        assert post["Subject"] == person["Subject"]
    ledger = json.loads((site / ".herald-ledger" / "ledger.json").read_text("utf-8"))
    assert subscriber_target(SITE_LIST, LEDGER_KEY) in ledger["delivered"]
    assert "lists.test.example" not in json.dumps(ledger)


def test_a_post_sent_again_has_the_same_message_id(site: Path) -> None:
    """A post that reached the list but was not recorded (the run died) goes again; the
    list and its members' mail clients can tell it is the same message."""
    smarthost = Smarthost()
    with smtp_server(smarthost) as port:
        assert notify(site, port)[0] == 0
        (site / ".herald-ledger" / "ledger.json").unlink()
        assert notify(site, port)[0] == 0
    first, again = smarthost.received_by(SITE_LIST)
    assert first["Message-ID"] == again["Message-ID"]
    person, _ = smarthost.received_by(PERSON)
    assert first["Message-ID"] != person["Message-ID"]


def test_lists_need_no_unsubscribe_option_but_people_do(site: Path) -> None:
    (site / "mkdocs.yml").write_text(mkdocs(None), encoding="utf-8")
    smarthost = Smarthost()
    with smtp_server(smarthost) as port:
        code, lines = notify(site, port)
    assert code == 1
    assert lines[0].startswith(
        "email: FAILED, nothing recorded, the next run retries: the unsubscribe option is not"
        " set, so only the mailing lists are emailed"
    )
    assert lines[1:] == [
        f"{label(SITE_LIST)}: sent 1 update on 1 incident",
        f"{label(API_LIST)}: sent 1 update on 1 incident",
        f"{label(DASHBOARD_LIST)}: first run, the past is recorded as delivered",
    ]
    assert smarthost.received_by(PERSON) == []
    with_people = run_herald(site, "check", HERALD_SUBSCRIBERS=SUBSCRIBERS)
    assert "the unsubscribe option is not" in with_people.stdout

    lists_only = "".join(line + "\n" for line in SUBSCRIBERS.splitlines()[1:])
    (site / "subscribers.yml").write_text(lists_only, encoding="utf-8")
    (site / ".herald-ledger" / "ledger.json").unlink()
    with smtp_server(smarthost) as port:
        code, lines = notify(site, port)
    assert code == 0, lines
    assert not any("FAILED" in line for line in lines)
    lists_checked = run_herald(site, "check", HERALD_SUBSCRIBERS=lists_only)
    assert lists_checked.returncode == 0
    assert "unsubscribe" not in lists_checked.stdout


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


# -- the YAML ---------------------------------------------------------------------------


def test_every_form_of_entry_is_read(repo: StatusRepo) -> None:
    catalog = repo.load().catalog
    text = (
        "a@test.example: all\n"
        "b@test.example: [api, regions]\n"
        "c@test.example: api\n"
        "d@test.example:\n"
        "e@lists.test.example: {list: true}\n"
        "f@lists.test.example: {list: true, components: [api]}\n"
        "g@test.example: {components: [dashboard]}\n"
        "h@lists.test.example: {list: false, components: all}\n"
    )
    assert read_subscribers(text, catalog, "subscribers.yml") == [
        Subscriber("a@test.example", None),
        Subscriber("b@test.example", frozenset({"api", "regions"})),
        Subscriber("c@test.example", frozenset({"api"})),
        Subscriber("d@test.example", None),
        Subscriber("e@lists.test.example", None, mailing_list=True),
        Subscriber("f@lists.test.example", frozenset({"api"}), mailing_list=True),
        Subscriber("g@test.example", frozenset({"dashboard"})),
        Subscriber("h@lists.test.example", None),
    ]


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("{list: yes please}", "entry 2: list is true or false"),
        ("{lists: true}", "entry 2: unknown key 'lists' (an entry's mapping may say list: true"),
        ("{x@test.example: true}", "entry 2: unknown key (an entry's mapping"),
        ("{list: true, components: [nope]}", "entry 2: unknown component nope"),
        ("{list: true, components: {api: 1}}", "entry 2: give 'all' or a list of component ids"),
    ],
)
def test_a_wrong_entry_is_named_by_position_never_by_address(
    repo: StatusRepo, entry: str, problem: str
) -> None:
    catalog = repo.load().catalog
    text = f"ok@test.example: all\nsecret@lists.test.example: {entry}\n"
    with pytest.raises(SettingsError) as caught:
        read_subscribers(text, catalog, "subscribers.yml")
    message = str(caught.value)
    assert message.startswith(f"subscribers.yml: {problem}")
    assert "secret" not in message and "x@" not in message
