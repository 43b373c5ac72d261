"""Alerts from monitoring, read into typed events and mapped to the components they are about.

Two senders, one shape. Prometheus Alertmanager posts its webhook payload (``version:
"4"``): a ``status`` and ``alerts``, each with ``status``, ``labels``, ``annotations``,
``startsAt``, ``endsAt``, ``generatorURL`` and ``fingerprint``. Grafana's webhook contact
point posts the same alerts (``version: "1"``) with Grafana's own fields beside them
(``values``, ``silenceURL``, ``dashboardURL``, ``panelURL``, ``orgId``, ``state``, ``title``,
``message``), which are not read. Either reaches Herald in GitHub's ``repository_dispatch``
event, whose ``client_payload`` is Herald's wrapper::

    {"source": "alertmanager", "payload": {...the sender's webhook payload...}}

``herald relay-alerts`` writes it for Alertmanager; a Grafana contact point's custom payload
template writes ``"source": "grafana"`` itself. ``read_alert_payload`` takes the wrapper,
the whole event a workflow is handed (``$GITHUB_EVENT_PATH``: the wrapper under
``client_payload``), the dispatch request (the same), or a sender's payload as it posted it.

Everything in a payload is hostile. It is read within bounds (``MAX_PAYLOAD_BYTES``,
``MAX_ALERTS``, label counts and lengths), every value read is type-checked, times must
carry their offset and are kept in UTC (Alertmanager's zero time, ``0001-01-01T00:00:00Z``,
means "no end"), a link is kept only when the URL policy allows it, and the text meant for
people (the alert's name and summary) is one line and short: it goes into pull-request
bodies and CI logs, and the caller escapes it for Markdown. What is wrong is reported as
problems, ``FILE:1: where: what is wrong (how to fix)``, all at once in a ``ContentError``.

A machine may draft an incident, never publish one: what this module finds is evidence
for a person to read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, NoReturn
from urllib.parse import urlsplit

from ..characters import one_line
from ..content.model import Catalog
from ..errors import ContentError
from ..problems import Problem
from ..url_policy import WEB_SCHEMES, setting_url_problem
from ..values import describe

SOURCES = ("alertmanager", "grafana")
"""Who may have sent a payload: the wrapper's ``source``."""
SENDER_VERSIONS = {"alertmanager": "4", "grafana": "1"}
"""The ``version`` each sender writes in its webhook payload."""
DISPATCH_EVENT_TYPE = "herald-alert"
"""The ``event_type`` of the dispatch (``github.event.action`` in the workflow)."""

MAX_PAYLOAD_BYTES = 1 << 20
"""The most of a payload that is read: 1,000 of Alertmanager's alerts with a line of summary
each are some 400 KiB."""
MAX_ALERTS = 1000
MAX_LABELS = 64
"""Labels (and annotations) one alert may carry."""
MAX_LABEL_NAME = 128
MAX_LABEL_VALUE = 1024
MAX_ANNOTATION = 16 * 1024
MAX_URL = 2048
MAX_NAME = 100
"""An alert's name as shown (``alertname``), in characters."""
MAX_SUMMARY = 200
"""An alert's summary as shown, in characters."""
MAX_LABEL_TEXT = 300
"""All of an alert's labels written out on one line, in characters."""
MAX_PROBLEMS = 20
"""Problems reported for one payload; the rest are counted."""
CLIENT_PAYLOAD_LIMIT = 60_000
"""GitHub takes a ``client_payload`` of less than 64 KB (and at most 10 top-level keys; the
wrapper has two). Measured with every non-ASCII character escaped, the longest way JSON can
write it, and with room to spare."""

_FINGERPRINT = re.compile(r"[0-9a-f]{1,64}")
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_ZERO_TIME = datetime(1, 1, 1, tzinfo=UTC)
"""Go's zero time, which Alertmanager and Grafana write for "no end"."""
_READ_ANNOTATIONS = ("summary", "description")
_LINKS = {
    "alertmanager": ("generatorURL",),
    "grafana": ("generatorURL", "panelURL", "dashboardURL"),
}
"""Where an alert's link comes from, the first usable one: the rule (Grafana: or its panel)."""
_ALERT_KEYS_READ = (
    "status",
    "labels",
    "annotations",
    "startsAt",
    "endsAt",
    "fingerprint",
    "generatorURL",
    "panelURL",
    "dashboardURL",
)
_TIME_FIX = "senders write RFC 3339 with an offset, e.g. 2026-11-20T14:10:00Z"


@dataclass(frozen=True)
class AlertEvent:
    """One alert as a sender last told it.

    Attributes:
        name: Its ``alertname`` label, one line and short ("unnamed alert" without one).
        fingerprint: The sender's id for its label set (lowercase hex); made from the
            labels when the sender gave none.
        firing: Whether it fires; else it is resolved.
        starts_at: When it began firing (UTC).
        ends_at: When it was resolved (UTC); ``None`` while it fires.
        labels: Its labels as sent, for matching components: show them only through
            ``label_text``, which is one line and short.
        summary: Its ``summary`` annotation (else ``description``, else its name), one
            line and short.
        source_url: The page about it (the alert rule, or Grafana's panel), an ``http(s)``
            URL the URL policy allows; ``None`` when it has none, or none allowed.
    """

    name: str
    fingerprint: str
    firing: bool
    starts_at: datetime
    ends_at: datetime | None
    labels: Mapping[str, str] = field(hash=False)
    summary: str
    source_url: str | None

    @property
    def label_text(self) -> str:
        """``alertname=HighErrorRate, service=api``: every label, sorted, on one short line."""
        pairs = ", ".join(f"{name}={value}" for name, value in sorted(self.labels.items()))
        return one_line(pairs, MAX_LABEL_TEXT)


@dataclass(frozen=True)
class AlertPayload:
    """What one webhook payload says.

    Attributes:
        source: Who sent it: ``alertmanager`` or ``grafana``.
        events: Its alerts, in the sender's order.
        truncated: Alerts the sender (or the relay, to fit GitHub's limit) left out.
        warnings: What was set aside while reading it (a link the URL policy refused, the
            alerts left out), one line each, safe to print.
    """

    source: str
    events: tuple[AlertEvent, ...]
    truncated: int = 0
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ComponentAlerts:
    """Every alert of a payload about one component: one entry, however many alerts.

    Attributes:
        component_id: The component's id in ``components.yml``.
        firing: Whether any of its alerts fires.
        firing_since: The earliest start of its firing alerts; ``None`` when none fires.
        resolved_at: The latest end of its alerts once none fires; ``None`` while one does.
        alerts: The evidence: its firing alerts, earliest first, then its resolved ones,
            latest end first; each fingerprint once.
    """

    component_id: str
    firing: bool
    firing_since: datetime | None
    resolved_at: datetime | None
    alerts: tuple[AlertEvent, ...]

    @property
    def evidence(self) -> tuple[tuple[str, str], ...]:
        """(name, summary) of its alerts, in the order of ``alerts``, each pair once."""
        return tuple(dict.fromkeys((alert.name, alert.summary) for alert in self.alerts))


def read_alert_payload(data: bytes | str, source_name: str = "the alert payload") -> AlertPayload:
    """Read a payload in any shape Herald takes (see the module's docstring).

    Raises:
        ContentError: Its problems, each naming ``source_name`` and where in it.
    """
    return read_alert_document(load_payload_json(data, source_name), source_name)


def load_payload_json(data: bytes | str, source_name: str) -> object:
    """The JSON document in ``data``, read within ``MAX_PAYLOAD_BYTES``; strict JSON only
    (no ``NaN``), and no string with half a character in it (no sender writes one, and it
    cannot be written on to GitHub).

    Raises:
        ContentError: It is too large, not UTF-8, or not JSON.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_PAYLOAD_BYTES:
        _refuse(
            source_name,
            f"it is {len(raw):,} bytes, more than the {MAX_PAYLOAD_BYTES:,} Herald reads",
            "send fewer alerts at once: set max_alerts on Alertmanager's webhook receiver,"
            " or Max Alerts on Grafana's contact point",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        _refuse(source_name, f"byte {error.start} is not UTF-8", "send JSON in UTF-8")
    try:
        document: object = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        _refuse(source_name, "it is nested too deeply to be a webhook payload", "send JSON")
    except json.JSONDecodeError as error:
        _refuse(
            source_name,
            f"it is not JSON (line {error.lineno}, column {error.colno}: {error.msg})",
            "send the sender's JSON unchanged",
        )
    except ValueError:
        # NaN or Infinity, or an integer of more digits than Python reads.
        _refuse(source_name, "it is not strict JSON", "send the sender's JSON unchanged")
    if _holds_lone_surrogate(document):
        _refuse(
            source_name,
            "a string holds half a character (a lone \\ud800-\\udfff escape)",
            "send text in whole characters",
        )
    return document


def read_alert_document(document: object, source_name: str) -> AlertPayload:
    """Read a parsed payload in any shape Herald takes.

    Raises:
        ContentError: Its problems.
    """
    reading = _Reading(source_name)
    found = _unwrap(document, reading)
    if found is None:
        reading.fail()
    source, payload, where = found
    return reading.payload(source, payload, where)


def read_sender_payload(document: object, source: str, source_name: str) -> AlertPayload:
    """Read the webhook payload ``source`` posts, unwrapped (what the relay receives).

    Raises:
        ContentError: Its problems.
    """
    if not isinstance(document, dict):
        _refuse(source_name, f"it is {_kind(document)}, not a webhook payload", _WHAT_TO_SEND)
    return _Reading(source_name).payload(source, document, "")


def alerts_by_component(
    events: Iterable[AlertEvent], catalog: Catalog
) -> dict[str, ComponentAlerts]:
    """The components the alerts are about, in display order, each with its alerts.

    An alert is about every component whose ``alerts:`` labels it carries (or, for a
    component without them, whose id is its ``component`` label). One with no component
    is in ``alerts_about_no_component``.
    """
    alerts = tuple(events)
    found: dict[str, ComponentAlerts] = {}
    for component in catalog.components:
        about = [alert for alert in alerts if component.matches_alert(alert.labels)]
        if about:
            found[component.id] = _component_alerts(component.id, about)
    return found


def alerts_about_no_component(
    events: Iterable[AlertEvent], catalog: Catalog
) -> tuple[AlertEvent, ...]:
    """The alerts no component of the catalogue matches, in the payload's order."""
    components = catalog.components
    return tuple(
        alert
        for alert in events
        if not any(component.matches_alert(alert.labels) for component in components)
    )


def unmatched_warning(alert: AlertEvent) -> str:
    """What to say about an alert no component matches: not an error, but worth a look."""
    state = "firing" if alert.firing else "resolved"
    return (
        f"alert '{alert.name}' ({state}; labels {alert.label_text}) is about no component in"
        " components.yml (give the component it is about 'alerts:' labels that this alert"
        " carries, or label the alert 'component: <id>')"
    )


def unmatched_warnings(events: Iterable[AlertEvent], catalog: Catalog) -> list[str]:
    """``unmatched_warning`` for every alert no component matches."""
    return [unmatched_warning(alert) for alert in alerts_about_no_component(events, catalog)]


def dispatch_request(source: str, payload: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """The body of ``POST /repos/{owner}/{name}/dispatches`` that carries ``payload``, and
    how many of its alerts had to be left out to fit GitHub's limit.

    The payload goes as it is when it fits. Else only what Herald reads of each alert is
    kept, its summary and description cut to what is shown, and if that is still too
    large, alerts are left out and counted in ``truncatedAlerts``: firing ones are kept
    first, and once one of them is left out no resolved one is kept, so a component is
    never shown resolved because its firing alert did not fit. ``payload`` must have been
    read already (``read_sender_payload``).
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    whole = _dispatch(source, dict(payload))
    if _fits(whole["client_payload"]):
        return whole, 0
    alerts = [_compact_alert(alert, source) for alert in payload.get("alerts", [])]
    compact: dict[str, Any] = {
        key: payload[key] for key in ("version", "status", "truncatedAlerts") if key in payload
    }
    earlier = compact.get("truncatedAlerts")
    earlier = earlier if isinstance(earlier, int) and not isinstance(earlier, bool) else 0
    compact["truncatedAlerts"] = earlier
    compact["alerts"] = []
    budget = CLIENT_PAYLOAD_LIMIT - _size(_dispatch(source, compact)["client_payload"]) - 40
    # Firing alerts first, in the sender's order; each costs its JSON and a separator.
    order = sorted(range(len(alerts)), key=lambda index: alerts[index].get("status") != "firing")
    kept: list[int] = []
    firing_left_out = False
    for index in order:
        firing = alerts[index].get("status") == "firing"
        if firing_left_out and not firing:
            # A resolved alert beside a firing one left out could make its component
            # look resolved: none goes.
            break
        cost = _size(alerts[index]) + 2
        if cost <= budget:
            kept.append(index)
            budget -= cost
        elif firing:
            firing_left_out = True
    compact["alerts"] = [alerts[index] for index in sorted(kept)]
    left_out = len(alerts) - len(kept)
    compact["truncatedAlerts"] = earlier + left_out
    return _dispatch(source, compact), left_out


def _dispatch(source: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"event_type": DISPATCH_EVENT_TYPE, "client_payload": wrap(source, payload)}


def wrap(source: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Herald's wrapper, the ``client_payload`` of the dispatch."""
    return {"source": source, "payload": dict(payload)}


def _fits(client_payload: object) -> bool:
    return _size(client_payload) <= CLIENT_PAYLOAD_LIMIT


def _size(value: object) -> int:
    # ensure_ascii: every non-ASCII character as \uXXXX, the longest JSON writes it.
    return len(json.dumps(value, ensure_ascii=True))


def _compact_alert(alert: Mapping[str, Any], source: str) -> dict[str, Any]:
    """What Herald reads of an alert, and its read text cut to what is shown."""
    kept = {key: alert[key] for key in _ALERT_KEYS_READ if key in alert}
    annotations = alert.get("annotations")
    if isinstance(annotations, dict):
        kept["annotations"] = {
            key: one_line(value, MAX_SUMMARY)
            for key, value in annotations.items()
            if key in _READ_ANNOTATIONS and isinstance(value, str)
        }
    for key in ("generatorURL", "panelURL", "dashboardURL"):
        if key in kept and (key not in _LINKS[source] or len(str(kept[key])) > MAX_URL):
            del kept[key]
    return kept


def _component_alerts(component_id: str, about: Sequence[AlertEvent]) -> ComponentAlerts:
    unique = list({alert.fingerprint: alert for alert in reversed(about)}.values())[::-1]
    firing = sorted((alert for alert in unique if alert.firing), key=lambda a: a.starts_at)
    resolved = sorted(
        (alert for alert in unique if not alert.firing),
        key=lambda a: a.ends_at or a.starts_at,
        reverse=True,
    )
    ends = [alert.ends_at for alert in resolved if alert.ends_at is not None]
    return ComponentAlerts(
        component_id=component_id,
        firing=bool(firing),
        firing_since=firing[0].starts_at if firing else None,
        resolved_at=None if firing or not ends else max(ends),
        alerts=(*firing, *resolved),
    )


_WHAT_TO_SEND = (
    'send {"source": "alertmanager" or "grafana", "payload": <the webhook payload>}, or the'
    " sender's webhook payload unchanged"
)


def _unwrap(document: object, reading: _Reading) -> tuple[str, dict[str, Any], str] | None:
    """(source, the sender's payload, where it is) from any shape Herald takes."""
    if not isinstance(document, dict):
        reading.problem("", f"it is {_kind(document)}, not an alert payload", _WHAT_TO_SEND)
        return None
    where = ""
    if "client_payload" in document:
        # The dispatch request, or the event a workflow is handed: {"action": ..., ...}.
        for key in ("event_type", "action"):
            if key in document and document[key] != DISPATCH_EVENT_TYPE:
                reading.problem(
                    key,
                    f"is {describe(_text(document[key]))}, not '{DISPATCH_EVENT_TYPE}'",
                    f"send alerts as the '{DISPATCH_EVENT_TYPE}' event",
                )
                return None
        document, where = document["client_payload"], "client_payload"
        if not isinstance(document, dict):
            reading.problem(where, f"is {_kind(document)}, not Herald's wrapper", _WHAT_TO_SEND)
            return None
    if "source" in document or "payload" in document:
        return _wrapped(document, where, reading)
    if "alerts" in document:
        version = document.get("version")
        for source, written in SENDER_VERSIONS.items():
            if version == written:
                return source, document, where
        reading.problem(
            _at(where, "version"),
            f"is {describe(_text(version))}: neither Alertmanager's ('4') nor Grafana's ('1')",
            'wrap the payload as {"source": ..., "payload": ...} to say who sent it',
        )
        return None
    reading.problem(
        where,
        "has neither 'source' and 'payload' (Herald's wrapper) nor 'alerts'",
        _WHAT_TO_SEND,
    )
    return None


def _wrapped(
    wrapper: dict[str, Any], where: str, reading: _Reading
) -> tuple[str, dict[str, Any], str] | None:
    source = wrapper.get("source")
    payload = wrapper.get("payload")
    if source not in SOURCES:
        reading.problem(
            _at(where, "source"),
            f"is {describe(_text(source))}, not a sender Herald reads",
            "write 'alertmanager' or 'grafana'",
        )
    if not isinstance(payload, dict):
        reading.problem(
            _at(where, "payload"),
            f"is {_kind(payload)}, not a webhook payload",
            "put the sender's webhook payload (an object with 'alerts') there",
        )
    if reading.problems or not isinstance(source, str) or not isinstance(payload, dict):
        return None
    return source, payload, _at(where, "payload")


class _Reading:
    """One payload being read: its problems, collected, raised once."""

    def __init__(self, source_name: str) -> None:
        self.source_name = one_line(source_name, 200)
        self.problems: list[Problem] = []
        self.uncounted = 0
        self.warnings: list[str] = []

    def problem(self, where: str, message: str, fix: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.uncounted += 1
            return
        text = f"{where}: {message}" if where else message
        self.problems.append(Problem(self.source_name, 1, text, fix))

    def fail(self) -> NoReturn:
        """Raise the problems found, of which there is at least one."""
        self.raise_problems()
        raise AssertionError("a payload refused without a problem")

    def raise_problems(self) -> None:
        if not self.problems:
            return
        problems = list(self.problems)
        if self.uncounted:
            problems.append(
                Problem(self.source_name, 1, f"and {self.uncounted:,} more problems like these")
            )
        raise ContentError(problems)

    def payload(self, source: str, payload: dict[str, Any], where: str) -> AlertPayload:
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}")
        version = payload.get("version")
        wanted = SENDER_VERSIONS[source]
        if version != wanted and not (source == "grafana" and version is None):
            reading_version = describe(_text(version)) if version is not None else "missing"
            self.problem(
                _at(where, "version"),
                f"is {reading_version}, but {source} writes '{wanted}'",
                f"send {source}'s webhook payload unchanged, or say who sent it in 'source'",
            )
        status = payload.get("status")
        if status is not None and status not in ("firing", "resolved"):
            self.problem(
                _at(where, "status"),
                f"is {describe(_text(status))}, not 'firing' or 'resolved'",
                "send the sender's payload unchanged",
            )
        truncated = payload.get("truncatedAlerts", 0)
        if isinstance(truncated, bool) or not isinstance(truncated, int) or truncated < 0:
            self.problem(
                _at(where, "truncatedAlerts"),
                f"is {describe(_text(truncated))}, not a count",
                "send a whole number, 0 or more",
            )
            truncated = 0
        alerts = payload.get("alerts")
        events: list[AlertEvent] = []
        if not isinstance(alerts, list):
            self.problem(
                _at(where, "alerts"), f"is {_kind(alerts)}, not a list of alerts", _WHAT_TO_SEND
            )
        elif len(alerts) > MAX_ALERTS:
            self.problem(
                _at(where, "alerts"),
                f"holds {len(alerts):,} alerts, more than the {MAX_ALERTS:,} Herald reads",
                "set max_alerts on Alertmanager's webhook receiver (Max Alerts in Grafana)",
            )
        else:
            for index, alert in enumerate(alerts):
                event = self.alert(alert, f"{_at(where, 'alerts')}[{index}]", source)
                if event is not None:
                    events.append(event)
        self.raise_problems()
        if truncated:
            self.warnings.append(
                f"{truncated:,} alerts were left out of this payload by its sender or the relay"
                " (raise max_alerts, or look at the alerts in the monitoring itself)"
            )
        return AlertPayload(source, tuple(events), truncated, tuple(self.warnings))

    def alert(self, alert: object, where: str, source: str) -> AlertEvent | None:
        if not isinstance(alert, dict):
            self.problem(where, f"is {_kind(alert)}, not an alert", "send the sender's alerts")
            return None
        before = len(self.problems) + self.uncounted
        status = alert.get("status")
        if status not in ("firing", "resolved"):
            self.problem(
                f"{where}.status",
                f"is {describe(_text(status))}, not 'firing' or 'resolved'",
                "send the sender's alerts unchanged",
            )
        labels = self.text_map(alert.get("labels"), f"{where}.labels", MAX_LABEL_VALUE)
        annotations = self.text_map(
            alert.get("annotations", {}), f"{where}.annotations", MAX_ANNOTATION
        )
        starts_at = self.moment(alert.get("startsAt"), f"{where}.startsAt")
        ends_at = self.moment(alert.get("endsAt", "0001-01-01T00:00:00Z"), f"{where}.endsAt")
        if starts_at is _ZERO_TIME:
            self.problem(f"{where}.startsAt", "is the zero time, not a start", _TIME_FIX)
        if status == "resolved" and ends_at is _ZERO_TIME:
            self.problem(
                f"{where}.endsAt",
                "is missing or the zero time, but a resolved alert has an end",
                _TIME_FIX,
            )
        fingerprint = alert.get("fingerprint")
        if fingerprint not in (None, "") and not (
            isinstance(fingerprint, str) and _FINGERPRINT.fullmatch(fingerprint.lower())
        ):
            self.problem(
                f"{where}.fingerprint",
                f"is {describe(_text(fingerprint))}, not a fingerprint (hex digits)",
                "send the sender's fingerprint unchanged",
            )
        if len(self.problems) + self.uncounted > before or labels is None or starts_at is None:
            return None
        assert annotations is not None and ends_at is not None
        name = one_line(labels.get("alertname", ""), MAX_NAME) or "unnamed alert"
        summary = next(
            (
                one_line(annotations[key], MAX_SUMMARY)
                for key in _READ_ANNOTATIONS
                if one_line(annotations.get(key, ""), MAX_SUMMARY)
            ),
            name,
        )
        firing = status == "firing"
        return AlertEvent(
            name=name,
            fingerprint=fingerprint.lower()
            if isinstance(fingerprint, str) and fingerprint
            else _fingerprint_of(labels),
            firing=firing,
            starts_at=starts_at,
            ends_at=None if firing or ends_at is _ZERO_TIME else ends_at,
            labels=MappingProxyType(labels),
            summary=summary,
            source_url=self.link(alert, where, name, source),
        )

    def text_map(self, value: object, where: str, longest: int) -> dict[str, str] | None:
        """Labels or annotations: names to text, within bounds."""
        if not isinstance(value, dict):
            self.problem(
                where,
                f"is {_kind(value)}, not a set of names and values",
                "send the sender's alerts unchanged",
            )
            return None
        if len(value) > MAX_LABELS:
            self.problem(where, f"has {len(value):,} entries, more than {MAX_LABELS}", "send fewer")
            return None
        found: dict[str, str] = {}
        for name, text in value.items():
            if not name or len(name) > MAX_LABEL_NAME:
                self.problem(
                    where,
                    f"has a name of {len(name)} characters (1 to {MAX_LABEL_NAME} are read)",
                    "use shorter names",
                )
            elif not isinstance(text, str):
                self.problem(
                    f"{where}.{one_line(name, 60)}",
                    f"is {_kind(text)}, not text",
                    "send every value as a string",
                )
            elif len(text) > longest:
                self.problem(
                    f"{where}.{one_line(name, 60)}",
                    f"is {len(text):,} characters, more than the {longest:,} read",
                    "shorten it",
                )
            else:
                found[name] = text
        return found if len(found) == len(value) else None

    def moment(self, value: object, where: str) -> datetime | None:
        """An RFC 3339 time with its offset, in UTC; Go's zero time as ``_ZERO_TIME``."""
        match = _RFC3339.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            self.problem(
                where, f"{describe(_text(value))} is not a time with its offset", _TIME_FIX
            )
            return None
        year, month, day, hour, minute, second, fraction, offset = match.groups()
        text = f"{year}-{month}-{day}T{hour}:{minute}:{second}"
        if fraction:
            text += "." + fraction[:6].ljust(6, "0")
        text += "+00:00" if offset in ("Z", "z") else offset
        try:
            moment = datetime.fromisoformat(text)
            if moment == _ZERO_TIME:
                return _ZERO_TIME
            return moment.astimezone(UTC)
        except (ValueError, OverflowError):
            self.problem(where, f"{describe(_text(value))} is not a real time", _TIME_FIX)
            return None

    def link(self, alert: Mapping[str, Any], where: str, name: str, source: str) -> str | None:
        """The first link of the alert the URL policy allows; a refused one is a warning."""
        for key in _LINKS[source]:
            value = alert.get(key)
            if value is None or value == "":
                continue
            problem = (
                "is not text"
                if not isinstance(value, str)
                else f"is longer than {MAX_URL:,} characters"
                if len(value) > MAX_URL
                else _link_problem(value)
            )
            if problem is None:
                return str(value)
            self.warnings.append(
                one_line(f"{where}.{key} of alert '{name}' {problem}; it is left out", 300)
            )
        return None


def _link_problem(url: str) -> str | None:
    """What keeps ``url`` out of a pull request: the URL policy's rules for a setting, an
    ``http(s)`` host, and no user name or password in it."""
    problem = setting_url_problem(url, WEB_SCHEMES)
    if problem is not None:
        return problem
    try:
        parts = urlsplit(url)
        if not parts.hostname:
            return "has no host"
        if parts.username is not None or parts.password is not None:
            return "carries a user name or password"
    except ValueError:
        return "is not a URL"
    return None


def _fingerprint_of(labels: Mapping[str, str]) -> str:
    """An id for a label set, for a sender that gave none."""
    text = json.dumps(sorted(labels.items()), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _text(value: object) -> object:
    """A value as a problem may quote it: text on one short line, anything else as is."""
    return one_line(value, 60) if isinstance(value, str) else value


def _kind(value: object) -> str:
    if value is None:
        return "missing"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {describe(one_line(value, 60))}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"the number {describe(value)}"
    return describe(value)


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _holds_lone_surrogate(document: object) -> bool:
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def _refuse(source_name: str, message: str, fix: str) -> NoReturn:
    raise ContentError([Problem(one_line(source_name, 200), 1, message, fix)])
