"""Text messages: who gets them, and what fits in one.

Subscribers who give a phone number (E.164, ``+4915112345678``) get one short text per
incident with news, for all components or the ones they chose, like email subscribers.
Numbers are kept out of the repository the same way addresses are: they come from the
``HERALD_SMS_SUBSCRIBERS`` secret, and the ledger names each by a keyed hash.

A text is one SMS segment: 160 characters of the GSM 03.38 alphabet (its extension
characters count twice), or 70 UTF-16 units when anything outside it is needed. What does
not fit is cut from the title, at a word; the status and the link always stay.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import yaml

from ..characters import one_line
from ..content.model import Catalog
from ..errors import DeliveryError, SettingsError
from ..present.context import SiteContext
from ..present.labels import update_label
from .delivery import channel_url_problem, service_request
from .digest import Pending
from .ledger import keyed_target
from .subscribers import component_ids_of

SMS_PREFIX = "sms:"
E164 = re.compile(r"\+[1-9][0-9]{6,14}")

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")
"""Sent as an escape and the character: each counts as two."""
GSM_SEGMENT = 160
UCS2_SEGMENT = 70
ELLIPSIS = "..."
"""In the GSM alphabet (the one-character ellipsis is not)."""


@dataclass(frozen=True)
class SmsSubscriber:
    number: str
    component_ids: frozenset[str] | None  # None: everything


def sms_target(number: str, key: str) -> str:
    """The ledger's name for a phone number: ``sms:`` and a keyed hash, never the number."""
    return keyed_target(SMS_PREFIX, number, key)


def read_sms_subscribers(text: str, catalog: Catalog, source: str) -> list[SmsSubscriber]:
    """``+4915112345678: all`` or ``+4915112345678: [component or group ids]``, one per
    line. Problems name the entry by its position, never by its number."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise SettingsError(f"{source}: not YAML{where}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{source}: write one '+<number>: all' or '+<number>: [ids]' per line")
    subscribers = []
    for position, (number, wanted) in enumerate(data.items(), start=1):
        written = str(number).replace(" ", "") if isinstance(number, str | int) else ""
        if isinstance(number, int):
            written = f"+{written}"  # YAML read "+49..." as a number
        if not E164.fullmatch(written):
            raise SettingsError(
                f"{source}: entry {position} is not a phone number in E.164 form such as"
                " +4915112345678 (numbers are not printed: check that entry)"
            )
        subscribers.append(
            SmsSubscriber(written, component_ids_of(wanted, catalog, source, position))
        )
    return subscribers


def is_gsm(text: str) -> bool:
    return all(char in GSM_BASIC or char in GSM_EXTENSION for char in text)


def sms_length(text: str) -> tuple[int, int]:
    """(length as the network counts it, the most one segment holds)."""
    if is_gsm(text):
        return sum(2 if char in GSM_EXTENSION else 1 for char in text), GSM_SEGMENT
    return len(text.encode("utf-16-le")) // 2, UCS2_SEGMENT


def sms_text(site_name: str, label: str, title: str, link: str) -> str:
    """``Acme status: Identified: Sign-in fails for some customers https://...``, one
    segment long; the title is cut at a word when it must be."""
    head = f"{one_line(site_name)}: {one_line(label)}: "
    tail = f" {link}"
    title = one_line(title)
    text = head + title + tail
    length, most = sms_length(text)
    if length <= most:
        return text
    words = title.split(" ")
    while words:
        words.pop()
        shorter = head + " ".join(words).rstrip(" ,;:-") + ELLIPSIS + tail
        length, most = sms_length(shorter)
        if length <= most:
            return shorter
    # Not even a word of the title fits beside a long site name: the status and the
    # link, and the link alone when that is all there is room for. Never a cut link.
    for shortest in (f"{one_line(label)}: {link}", link):
        length, most = sms_length(shortest)
        if length <= most:
            return shortest
    return link


# -- sending, through Twilio's Messages API ------------------------------------------------

SID = "HERALD_TWILIO_ACCOUNT_SID"
TOKEN = "HERALD_TWILIO_AUTH_TOKEN"
SENDER = "HERALD_SMS_FROM"
SUBSCRIBERS = "HERALD_SMS_SUBSCRIBERS"
API = "HERALD_TWILIO_API_URL"
"""Where Twilio's API is (default ``https://api.twilio.com``): for tests, and for an
API-compatible provider."""
_ACCOUNT = re.compile(r"AC[0-9a-f]{32}")
_MESSAGING_SERVICE = re.compile(r"MG[0-9a-f]{32}")
TWILIO_REFUSALS = {
    400: "Twilio refused the message (a number that cannot take texts, or a sender not"
    " allowed to send to it)",
    401: "Twilio refused the account SID or auth token",
    404: "Twilio knows no such account",
    429: "Twilio is taking no more messages for now",
}


@dataclass(frozen=True)
class SmsConnection:
    subscribers: tuple[SmsSubscriber, ...]
    send: Callable[[str, str], None]
    """(number, text) → sent, or a ``DeliveryError``."""


def connect_sms(
    environ: Mapping[str, str], catalog: Catalog, timeout: float
) -> SmsConnection | None:
    """The SMS channel from the environment: ``None`` when none of it is set; a
    ``SettingsError`` (naming variables, never values) when it is set only in part."""
    values = {name: environ.get(name, "").strip() for name in (SID, TOKEN, SENDER, SUBSCRIBERS)}
    if not any(values.values()):
        return None
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise SettingsError(f"SMS needs {', '.join(missing)} too (or none of the SMS settings)")
    if not _ACCOUNT.fullmatch(values[SID]):
        raise SettingsError(f"{SID} is not a Twilio account SID (AC and 32 hex digits)")
    sender = values[SENDER]
    if not (E164.fullmatch(sender) or _MESSAGING_SERVICE.fullmatch(sender)):
        raise SettingsError(
            f"{SENDER} is neither a number in E.164 form (+14155550123) nor a messaging"
            " service SID (MG and 32 hex digits)"
        )
    api = environ.get(API, "").strip().rstrip("/") or "https://api.twilio.com"
    problem = channel_url_problem(api)
    if problem is not None:
        raise SettingsError(f"{API} {problem}")
    subscribers = read_sms_subscribers(values[SUBSCRIBERS], catalog, SUBSCRIBERS)
    url = f"{api}/2010-04-01/Accounts/{values[SID]}/Messages.json"
    credentials = base64.b64encode(f"{values[SID]}:{values[TOKEN]}".encode()).decode("ascii")
    field = "MessagingServiceSid" if sender.startswith("MG") else "From"

    def send(number: str, text: str) -> None:
        answer = service_request(
            url,
            form={"To": number, field: sender, "Body": text},
            headers={"Authorization": f"Basic {credentials}"},
            timeout=timeout,
            refusals=TWILIO_REFUSALS,
        )
        try:
            created = json.loads(answer)
        except ValueError:
            created = None
        if not isinstance(created, dict) or not str(created.get("sid", "")).startswith("SM"):
            # A proxy's page is not a queued message: the next run tries again.
            raise DeliveryError("Twilio's answer is not a message it queued", retry=True)

    return SmsConnection(tuple(subscribers), send)


def sms_for(site: SiteContext, item: Pending) -> str:
    """One incident's news as one text: status words, title and link."""
    incident, latest = item.incident, item.updates[-1]
    label = update_label(site.translator, incident, latest)
    return sms_text(site.name, label, incident.title, site.incident_link(incident.id))
