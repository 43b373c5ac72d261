"""Reading alert payloads and mapping them to components, from saved payloads.

``payloads/alertmanager-*.json`` are what prometheus-alertmanager 0.25 posted in the relay
test's setup (``test_alert_relay.py`` checks a live one still has their shape);
``payloads/grafana-firing.json`` follows the example in Grafana's webhook notifier
documentation, with this test's components in its labels.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from site_plugin.content.model import Catalog
from site_plugin.errors import ContentError
from site_plugin.monitor.alerts import (
    CLIENT_PAYLOAD_LIMIT,
    DISPATCH_EVENT_TYPE,
    MAX_ALERTS,
    MAX_PAYLOAD_BYTES,
    AlertEvent,
    alerts_about_no_component,
    alerts_by_component,
    dispatch_request,
    read_alert_document,
    read_alert_payload,
    read_sender_payload,
    unmatched_warnings,
)

from ..conftest import REPO_ROOT, StatusRepo
from ..hostile import SAFE_TARGETS, SCRIPT_TARGETS

PAYLOADS = Path(__file__).parent / "payloads"

COMPONENTS = """\
components:
  - id: api
    name: REST API
  - id: dashboard
    name: Dashboard
    alerts:
      service: web
      env: prod
  - id: identity
    name: Identity
    components:
      - id: sso
        name: Single sign-on
"""


def saved(name: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads((PAYLOADS / name).read_text("utf-8"))
    return payload


def wrapped(source: str, payload: dict[str, Any]) -> str:
    return json.dumps({"source": source, "payload": payload})


@pytest.fixture
def catalog(repo: StatusRepo) -> Catalog:
    repo.write("components.yml", COMPONENTS)
    return repo.load().catalog


def problems(data: str | bytes, name: str = "event.json") -> list[str]:
    with pytest.raises(ContentError) as caught:
        read_alert_payload(data, name)
    return [str(problem) for problem in caught.value.problems]


def alertmanager_alert(**changes: Any) -> dict[str, Any]:
    alert: dict[str, Any] = copy.deepcopy(saved("alertmanager-firing.json")["alerts"][0])
    alert.update(changes)
    return alert


def with_alerts(*alerts: dict[str, Any]) -> dict[str, Any]:
    payload = saved("alertmanager-firing.json")
    payload["alerts"] = list(alerts)
    return payload


# What Alertmanager sends


def test_a_firing_alertmanager_alert_is_about_its_component_since_its_start(
    catalog: Catalog,
) -> None:
    payload = read_alert_payload(wrapped("alertmanager", saved("alertmanager-firing.json")))
    assert payload.source == "alertmanager"
    assert payload.truncated == 0
    assert payload.warnings == ()
    (event,) = payload.events
    assert event == AlertEvent(
        name="HighErrorRate",
        fingerprint="f19ab1c83c561191",
        firing=True,
        starts_at=datetime(2026, 12, 1, 15, 58, 18, tzinfo=UTC),
        ends_at=None,
        labels={"alertname": "HighErrorRate", "component": "api", "severity": "critical"},
        summary="5% of API requests fail",
        source_url="http://prometheus.test.example:9090/graph?g0.expr=up",
    )
    found = alerts_by_component(payload.events, catalog)
    assert list(found) == ["api"]
    api = found["api"]
    assert api.firing
    assert api.firing_since == datetime(2026, 12, 1, 15, 58, 18, tzinfo=UTC)
    assert api.resolved_at is None
    assert api.evidence == (("HighErrorRate", "5% of API requests fail"),)
    assert alerts_about_no_component(payload.events, catalog) == ()


def test_the_resolved_notification_says_when_it_ended(catalog: Catalog) -> None:
    payload = read_alert_payload(wrapped("alertmanager", saved("alertmanager-resolved.json")))
    (event,) = payload.events
    assert not event.firing
    assert event.ends_at == datetime(2026, 12, 1, 16, 5, 18, tzinfo=UTC)
    api = alerts_by_component(payload.events, catalog)["api"]
    assert (api.firing, api.firing_since) == (False, None)
    assert api.resolved_at == datetime(2026, 12, 1, 16, 5, 18, tzinfo=UTC)


def test_every_shape_the_payload_arrives_in_reads_the_same(catalog: Catalog) -> None:
    sent = saved("alertmanager-firing.json")
    wrapper = {"source": "alertmanager", "payload": sent}
    shapes = {
        "wrapper": wrapper,
        "dispatch request": {"event_type": DISPATCH_EVENT_TYPE, "client_payload": wrapper},
        "workflow event": {
            "action": DISPATCH_EVENT_TYPE,
            "branch": "main",
            "client_payload": wrapper,
            "repository": {"full_name": "acme/status"},
        },
        "as Alertmanager posts it": sent,
    }
    expected = read_alert_document(wrapper, "x")
    for shape, document in shapes.items():
        assert read_alert_payload(json.dumps(document)) == expected, shape


# What Grafana sends


def test_grafana_alerts_are_read_in_utc_and_matched_by_their_labels(catalog: Catalog) -> None:
    payload = read_alert_payload(wrapped("grafana", saved("grafana-firing.json")))
    assert payload.source == "grafana"
    slow, login = payload.events
    assert slow.starts_at == datetime(2026, 11, 25, 11, 51, 3, 157076, tzinfo=UTC)
    assert slow.ends_at is None
    assert slow.summary == "Dashboard pages load slowly"
    assert slow.source_url == "https://grafana.test.example/alerting/grafana/fe1a2b3c/view?orgId=1"
    assert login.ends_at == datetime(2026, 11, 25, 10, 45, 30, 500000, tzinfo=UTC)
    found = alerts_by_component(payload.events, catalog)
    assert list(found) == ["dashboard", "sso"]
    assert found["dashboard"].firing_since == slow.starts_at
    assert found["sso"].resolved_at == login.ends_at
    assert not found["sso"].firing


def test_grafanas_payload_as_it_posts_it_is_known_by_its_version() -> None:
    payload = read_alert_payload(json.dumps(saved("grafana-firing.json")))
    assert payload.source == "grafana"
    assert [event.name for event in payload.events] == ["Dashboard slow", "Login errors"]


def test_a_grafana_alert_without_a_rule_link_keeps_its_panels() -> None:
    sent = saved("grafana-firing.json")
    sent["alerts"][0]["generatorURL"] = ""
    (slow, _) = read_alert_payload(wrapped("grafana", sent)).events
    assert slow.source_url == "https://grafana.test.example/d/web-overview?orgId=1&viewPanel=4"


# Components


def test_several_alerts_for_one_component_are_one_entry(catalog: Catalog) -> None:
    early = alertmanager_alert(
        labels={"alertname": "Latency", "component": "api"},
        annotations={"summary": "Slow answers"},
        startsAt="2026-12-01T15:50:00Z",
        fingerprint="0000000000000001",
    )
    late = alertmanager_alert(fingerprint="0000000000000002")
    gone = alertmanager_alert(
        labels={"alertname": "DiskFull", "component": "api"},
        status="resolved",
        endsAt="2026-12-01T15:55:00Z",
        annotations={"description": "The disk was full"},
        fingerprint="0000000000000003",
    )
    events = read_alert_payload(wrapped("alertmanager", with_alerts(late, gone, early))).events
    (api,) = alerts_by_component(events, catalog).values()
    assert api.firing
    assert api.firing_since == datetime(2026, 12, 1, 15, 50, tzinfo=UTC)
    assert api.resolved_at is None
    assert api.evidence == (
        ("Latency", "Slow answers"),
        ("HighErrorRate", "5% of API requests fail"),
        ("DiskFull", "The disk was full"),
    )


def test_a_component_is_resolved_when_the_last_of_its_alerts_ends(catalog: Catalog) -> None:
    first = alertmanager_alert(status="resolved", endsAt="2026-12-01T16:01:00Z")
    second = alertmanager_alert(
        status="resolved", endsAt="2026-12-01T16:09:00+01:00", fingerprint="00000000000000aa"
    )
    events = read_alert_payload(wrapped("alertmanager", with_alerts(first, second))).events
    api = alerts_by_component(events, catalog)["api"]
    assert (api.firing, api.firing_since) == (False, None)
    assert api.resolved_at == datetime(2026, 12, 1, 16, 1, tzinfo=UTC)
    assert [alert.fingerprint for alert in api.alerts] == ["f19ab1c83c561191", "00000000000000aa"]


def test_an_alert_sent_twice_is_evidence_once(catalog: Catalog) -> None:
    events = read_alert_payload(
        wrapped("alertmanager", with_alerts(alertmanager_alert(), alertmanager_alert()))
    ).events
    assert len(events) == 2
    assert len(alerts_by_component(events, catalog)["api"].alerts) == 1


def test_a_components_alert_labels_must_all_match(catalog: Catalog) -> None:
    staging = alertmanager_alert(
        labels={"alertname": "Dashboard slow", "service": "web", "env": "staging"}
    )
    prod = alertmanager_alert(
        labels={"alertname": "Dashboard slow", "service": "web", "env": "prod", "x": "1"},
        fingerprint="00000000000000bb",
    )
    # A component with alert labels is not matched by its id alone.
    by_id = alertmanager_alert(
        labels={"alertname": "Other", "component": "dashboard"}, fingerprint="00000000000000cc"
    )
    events = read_alert_payload(wrapped("alertmanager", with_alerts(staging, prod, by_id))).events
    found = alerts_by_component(events, catalog)
    assert [alert.fingerprint for alert in found["dashboard"].alerts] == ["00000000000000bb"]
    assert [alert.name for alert in alerts_about_no_component(events, catalog)] == [
        "Dashboard slow",
        "Other",
    ]


def test_an_alert_about_no_component_is_reported_with_its_labels(catalog: Catalog) -> None:
    stray = alertmanager_alert(labels={"alertname": "NodeDown", "instance": "db-1:9100"})
    events = read_alert_payload(wrapped("alertmanager", with_alerts(stray))).events
    assert alerts_by_component(events, catalog) == {}
    assert unmatched_warnings(events, catalog) == [
        "alert 'NodeDown' (firing; labels alertname=NodeDown, instance=db-1:9100) is about no"
        " component in components.yml (give the component it is about 'alerts:' labels that"
        " this alert carries, or label the alert 'component: <id>')"
    ]


# Hostile payloads


def test_text_meant_for_people_is_one_short_line(catalog: Catalog) -> None:
    hostile = alertmanager_alert(
        labels={
            "alertname": "Evil\n::error::pwned\x1b[31m\u202e" + "x" * 500,
            "component": "api",
            "note": "line\r\nbreak",
        },
        annotations={"summary": "  \n\t ", "description": "one\ntwo\u2028three " + "y" * 900},
    )
    (event,) = read_alert_payload(wrapped("alertmanager", with_alerts(hostile))).events
    for text in (event.name, event.summary, event.label_text):
        assert "\n" not in text and "\x1b" not in text and "\u202e" not in text
        assert "\u2028" not in text and "\r" not in text
    assert event.name.startswith("Evil ::error::pwned[31m")
    assert len(event.name) == 100
    assert event.summary.startswith("one two three y")
    assert len(event.summary) == 200
    assert len(event.label_text) == 300
    # Matching reads the labels as sent.
    assert event.labels["note"] == "line\r\nbreak"
    assert list(alerts_by_component([event], catalog)) == ["api"]


def test_a_link_is_kept_only_when_the_url_policy_allows_it() -> None:
    refused = [*SCRIPT_TARGETS, "/relative/path", "https://user:secret@grafana.test.example/"]
    refused += ["https://grafana.test.example/a b", "https://" + "a" * 2050]
    for url in refused:
        payload = read_alert_payload(
            wrapped("alertmanager", with_alerts(alertmanager_alert(generatorURL=url)))
        )
        assert payload.events[0].source_url is None, url
        (warning,) = payload.warnings
        assert warning.startswith("payload.alerts[0].generatorURL of alert 'HighErrorRate' ")
        assert warning.endswith("; it is left out")
        assert "\n" not in warning
    for url in [target for target in SAFE_TARGETS if target.startswith("http")]:
        payload = read_alert_payload(
            wrapped("alertmanager", with_alerts(alertmanager_alert(generatorURL=url)))
        )
        assert payload.events[0].source_url == url


def test_times_are_read_with_their_offsets_to_the_microsecond() -> None:
    cases = {
        "2026-12-01T15:58:18.123456789Z": datetime(2026, 12, 1, 15, 58, 18, 123456, tzinfo=UTC),
        "2026-12-01t21:28:18.5+05:30": datetime(2026, 12, 1, 15, 58, 18, 500000, tzinfo=UTC),
        "2026-12-01T10:58:18-05:00": datetime(2026, 12, 1, 15, 58, 18, tzinfo=UTC),
        "2026-12-01T15:58:18z": datetime(2026, 12, 1, 15, 58, 18, tzinfo=UTC),
    }
    for written, moment in cases.items():
        alert = alertmanager_alert(startsAt=written)
        (event,) = read_alert_payload(wrapped("alertmanager", with_alerts(alert))).events
        assert event.starts_at == moment, written
        assert event.starts_at.utcoffset() == timedelta(0)


def test_a_missing_fingerprint_is_made_from_the_labels() -> None:
    one = alertmanager_alert()
    del one["fingerprint"]
    other = alertmanager_alert(fingerprint="")
    events = read_alert_payload(wrapped("alertmanager", with_alerts(one, other))).events
    assert events[0].fingerprint == events[1].fingerprint
    assert len(events[0].fingerprint) == 16
    assert events[0].fingerprint != "f19ab1c83c561191"


def test_malformed_payloads_are_problems_saying_where_and_how_to_fix() -> None:
    json_fix = "(send the sender's JSON unchanged)"
    assert problems("nope") == [
        f"event.json:1: it is not JSON (line 1, column 1: Expecting value) {json_fix}"
    ]
    assert problems('{"alerts": [], "version": NaN}') == [
        f"event.json:1: it is not strict JSON {json_fix}"
    ]
    assert problems(b"\xff{}") == ["event.json:1: byte 0 is not UTF-8 (send JSON in UTF-8)"]
    assert problems("[" * 200_000 + "]" * 200_000) == [
        "event.json:1: it is nested too deeply to be a webhook payload (send JSON)"
    ]
    assert problems('{"source": "grafana", "payload": {"alerts": [], "title": "\\ud800"}}') == [
        "event.json:1: a string holds half a character (a lone \\ud800-\\udfff escape)"
        " (send text in whole characters)"
    ]
    (too_big,) = problems(b" " * (MAX_PAYLOAD_BYTES + 1))
    assert too_big.startswith(
        f"event.json:1: it is {MAX_PAYLOAD_BYTES + 1:,} bytes, more than the"
        f" {MAX_PAYLOAD_BYTES:,} Herald reads (send fewer alerts at once"
    )
    assert problems('{"source": "nagios", "payload": []}') == [
        "event.json:1: source: is 'nagios', not a sender Herald reads"
        " (write 'alertmanager' or 'grafana')",
        "event.json:1: payload: is a list, not a webhook payload"
        " (put the sender's webhook payload (an object with 'alerts') there)",
    ]
    assert problems('{"action": "deploy", "client_payload": {}}') == [
        "event.json:1: action: is 'deploy', not 'herald-alert'"
        " (send alerts as the 'herald-alert' event)"
    ]
    assert problems('{"alerts": [], "version": "3"}') == [
        "event.json:1: version: is '3': neither Alertmanager's ('4') nor Grafana's ('1')"
        ' (wrap the payload as {"source": ..., "payload": ...} to say who sent it)'
    ]
    assert problems(wrapped("alertmanager", saved("grafana-firing.json"))) == [
        "event.json:1: payload.version: is '1', but alertmanager writes '4'"
        " (send alertmanager's webhook payload unchanged, or say who sent it in 'source')"
    ]


def test_every_wrong_alert_is_reported_at_once_with_where_it_is() -> None:
    bad = with_alerts(
        alertmanager_alert(status="pending"),
        alertmanager_alert(labels={"alertname": 7, "component": ["api"]}),
        alertmanager_alert(startsAt="2026-12-01T15:58:18"),
        alertmanager_alert(startsAt="2026-02-30T10:00:00Z"),
        alertmanager_alert(status="resolved"),
        alertmanager_alert(annotations="summary"),
        alertmanager_alert(fingerprint="not hex"),
        alertmanager_alert(startsAt="0001-01-01T00:00:00Z"),
        "an alert",
    )
    bad["truncatedAlerts"] = -1
    time_fix = "(senders write RFC 3339 with an offset, e.g. 2026-11-20T14:10:00Z)"
    where = "event.json:1: payload"
    assert problems(wrapped("alertmanager", bad)) == [
        f"{where}.truncatedAlerts: is '-1', not a count (send a whole number, 0 or more)",
        f"{where}.alerts[0].status: is 'pending', not 'firing' or 'resolved'"
        " (send the sender's alerts unchanged)",
        f"{where}.alerts[1].labels.alertname: is the number '7', not text"
        " (send every value as a string)",
        f"{where}.alerts[1].labels.component: is a list, not text (send every value as a string)",
        f"{where}.alerts[2].startsAt: '2026-12-01T15:58:18' is not a time with its offset"
        f" {time_fix}",
        f"{where}.alerts[3].startsAt: '2026-02-30T10:00:00Z' is not a real time {time_fix}",
        f"{where}.alerts[4].endsAt: is missing or the zero time, but a resolved alert has an end"
        f" {time_fix}",
        f"{where}.alerts[5].annotations: is the text 'summary', not a set of names and values"
        " (send the sender's alerts unchanged)",
        f"{where}.alerts[6].fingerprint: is 'not hex', not a fingerprint (hex digits)"
        " (send the sender's fingerprint unchanged)",
        f"{where}.alerts[7].startsAt: is the zero time, not a start {time_fix}",
        f"{where}.alerts[8]: is the text 'an alert', not an alert (send the sender's alerts)",
    ]


def test_problems_are_counted_past_twenty() -> None:
    many = with_alerts(*[alertmanager_alert(status="x") for _ in range(50)])
    found = problems(wrapped("alertmanager", many))
    assert len(found) == 21
    assert found[-1] == "event.json:1: and 30 more problems like these"


def test_limits_on_alerts_and_labels() -> None:
    (too_many,) = problems(
        wrapped("alertmanager", with_alerts(*[alertmanager_alert()] * (MAX_ALERTS + 1)))
    )
    assert too_many.startswith(
        "event.json:1: payload.alerts: holds 1,001 alerts, more than the 1,000 Herald reads"
    )
    labels = {f"label_{index}": "x" for index in range(65)}
    (crowded,) = problems(wrapped("alertmanager", with_alerts(alertmanager_alert(labels=labels))))
    assert crowded == (
        "event.json:1: payload.alerts[0].labels: has 65 entries, more than 64 (send fewer)"
    )
    long_value = alertmanager_alert(labels={"alertname": "x" * 1025})
    assert problems(wrapped("alertmanager", with_alerts(long_value))) == [
        "event.json:1: payload.alerts[0].labels.alertname: is 1,025 characters, more than the"
        " 1,024 read (shorten it)"
    ]


def paths(value: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON document that holds a value."""
    if where:
        yield where
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*where, index))


def test_any_value_anywhere_is_read_or_reported_never_a_crash() -> None:
    """Each value of both senders' payloads replaced by each kind of JSON value in turn."""
    replacements: list[Any] = [None, 0, -1, 1.5, True, "", "x", "0001-01-01T00:00:00Z", [], {}]
    for name, source in (
        ("alertmanager-firing.json", "alertmanager"),
        ("grafana-firing.json", "grafana"),
    ):
        document = {"source": source, "payload": saved(name)}
        for where in list(paths(document)):
            for replacement in replacements:
                changed = copy.deepcopy(document)
                holder = changed
                for step in where[:-1]:
                    holder = holder[step]
                holder[where[-1]] = replacement
                try:
                    read_alert_document(changed, "event.json")
                except ContentError as error:
                    assert error.problems, where
                    assert all(
                        str(problem).startswith("event.json:1: ") for problem in error.problems
                    )


def test_the_relay_reads_only_what_the_sender_posts() -> None:
    sent = saved("alertmanager-firing.json")
    assert read_sender_payload(sent, "alertmanager", "the request").events
    with pytest.raises(ContentError) as caught:
        read_sender_payload([sent], "alertmanager", "the request")
    assert [str(problem) for problem in caught.value.problems] == [
        'the request:1: it is a list, not a webhook payload (send {"source": "alertmanager"'
        ' or "grafana", "payload": <the webhook payload>}, or the sender\'s webhook payload'
        " unchanged)"
    ]


# The dispatch to GitHub


def test_a_payload_that_fits_is_sent_as_it_came() -> None:
    sent = saved("alertmanager-firing.json")
    body, left_out = dispatch_request("alertmanager", sent)
    assert left_out == 0
    assert body == {
        "event_type": "herald-alert",
        "client_payload": {"source": "alertmanager", "payload": sent},
    }
    assert len(body["client_payload"]) <= 10  # GitHub's most top-level keys


def big_alert(index: int, *, firing: bool) -> dict[str, Any]:
    return alertmanager_alert(
        status="firing" if firing else "resolved",
        labels={"alertname": f"Alert{index}", "component": "api", "pod": f"api-{index:04}"},
        annotations={"summary": "Ünïcödé " * 40, "description": "d" * 2000, "runbook": "r" * 900},
        startsAt="2026-12-01T15:00:00Z",
        endsAt="0001-01-01T00:00:00Z" if firing else "2026-12-01T15:30:00Z",
        fingerprint=f"{index:016x}",
    )


def test_a_large_payload_is_cut_to_what_herald_reads_and_then_to_fit(catalog: Catalog) -> None:
    alerts = [big_alert(index, firing=index % 3 == 0) for index in range(MAX_ALERTS)]
    sent = with_alerts(*alerts)
    assert len(json.dumps(sent)) > CLIENT_PAYLOAD_LIMIT
    body, left_out = dispatch_request("alertmanager", sent)
    client_payload = body["client_payload"]
    assert len(json.dumps(client_payload, ensure_ascii=True)) <= CLIENT_PAYLOAD_LIMIT
    assert len(json.dumps(client_payload, ensure_ascii=False).encode("utf-8")) < 64_000
    kept = client_payload["payload"]["alerts"]
    assert left_out == MAX_ALERTS - len(kept) > 0
    assert client_payload["payload"]["truncatedAlerts"] == left_out
    # Firing alerts go first: none is left out while a resolved one is kept.
    firing_sent = sum(alert["status"] == "firing" for alert in alerts)
    firing_kept = sum(alert["status"] == "firing" for alert in kept)
    assert firing_kept == firing_sent or firing_kept == len(kept)
    assert set(kept[0]) <= {
        "status",
        "labels",
        "annotations",
        "startsAt",
        "endsAt",
        "fingerprint",
        "generatorURL",
    }
    read = read_alert_document(client_payload, "event.json")
    assert read.truncated == left_out
    assert read.warnings == (
        f"{left_out:,} alerts were left out of this payload by its sender or the relay (raise"
        " max_alerts, or look at the alerts in the monitoring itself)",
    )
    assert len(read.events[0].summary) == 200
    assert alerts_by_component(read.events, catalog)["api"].firing


def test_when_only_what_herald_reads_fits_no_alert_is_left_out() -> None:
    alerts = [big_alert(index, firing=True) for index in range(20)]
    body, left_out = dispatch_request("alertmanager", with_alerts(*alerts))
    assert left_out == 0
    kept = body["client_payload"]["payload"]["alerts"]
    assert [alert["fingerprint"] for alert in kept] == [f"{index:016x}" for index in range(20)]
    assert kept[0]["annotations"] == {
        "summary": ("Ünïcödé " * 40).strip()[:199] + "…",
        "description": "d" * 199 + "…",
    }


def test_the_readmes_event_reads_as_it_says(catalog: Catalog) -> None:
    readme = (REPO_ROOT / "README.md").read_text("utf-8")
    section = readme.split("\n#### The event\n")[1].split("\n#### ")[0]
    event = json.loads(section.split("```json\n")[1].split("```")[0])
    payload = read_alert_document(event, "event.json")
    api = alerts_by_component(payload.events, catalog)["api"]
    assert api.firing_since == datetime(2026, 11, 25, 11, 50, tzinfo=UTC)
    assert api.evidence == (("HighErrorRate", "5% of API requests fail"),)


def test_no_resolved_alert_is_kept_once_a_firing_one_is_left_out(catalog: Catalog) -> None:
    huge = big_alert(1, firing=True)
    huge["labels"] = {f"label_{index}": "v" * 1000 for index in range(63)} | {"component": "api"}
    small = [big_alert(index, firing=True) for index in range(2, 5)]
    resolved = alertmanager_alert(
        status="resolved", endsAt="2026-12-01T16:00:00Z", fingerprint="00000000000000ff"
    )
    body, left_out = dispatch_request("alertmanager", with_alerts(huge, resolved, *small))
    kept = body["client_payload"]["payload"]["alerts"]
    assert [alert["fingerprint"] for alert in kept] == [f"{index:016x}" for index in range(2, 5)]
    assert left_out == 2
    read = read_alert_document(body["client_payload"], "event.json")
    assert alerts_by_component(read.events, catalog)["api"].firing
