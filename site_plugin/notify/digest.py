"""What is new for a subscriber, and the email that tells them: the digest.

Pure: takes the model, what was delivered and a moment; returns messages. Sending is in
``delivery.py``.
"""

from __future__ import annotations

import email.policy
import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..characters import one_line
from ..content.model import Catalog, Incident, StatusSite, Update
from ..engine.status import is_open, next_update_promise
from ..present.context import SiteContext
from ..present.i18n import Translator
from ..present.labels import impact_phrase, impact_word, kind_label, update_label
from ..url_policy import url_scheme
from .ledger import update_key

TEMPLATES = Path(__file__).parent.parent / "email_templates"


@dataclass(frozen=True)
class Pending:
    """An incident with the updates a target has not received yet (oldest first)."""

    incident: Incident
    updates: tuple[Update, ...]

    @property
    def keys(self) -> list[str]:
        return [update_key(self.incident, update) for update in self.updates]


def touches(incident: Incident, catalog: Catalog, component_ids: frozenset[str] | None) -> bool:
    """Whether a subscriber to ``component_ids`` (``None``: everything) hears of it."""
    if component_ids is None:
        return True
    leaves = {leaf for entry in component_ids for leaf in catalog.leaf_ids(entry)}
    return not leaves.isdisjoint(incident.component_set)


Telling = Callable[[Incident, datetime], Sequence[Update]]
"""What channels are told about an incident by a moment: its updates posted by then, and
(``lifecycle.news``) what Herald says itself."""


def posted_updates(incident: Incident, now: datetime) -> Sequence[Update]:
    return incident.updates_until(now)


def pending_for(
    site: StatusSite,
    delivered: Callable[[str], bool],
    now: datetime,
    *,
    component_ids: frozenset[str] | None = None,
    told: Telling = posted_updates,
) -> list[Pending]:
    """Updates told by ``now`` that ``delivered`` does not know, grouped by incident."""
    found = []
    for incident in site.incidents:
        if not touches(incident, site.catalog, component_ids):
            continue
        fresh = tuple(
            update for update in told(incident, now) if not delivered(update_key(incident, update))
        )
        if fresh:
            found.append(Pending(incident, fresh))
    found.sort(key=lambda pending: pending.updates[-1].at, reverse=True)
    return found


def all_keys_of(incident: Incident, now: datetime, told: Telling = posted_updates) -> list[str]:
    """The keys of what was told about one incident by ``now``."""
    return [update_key(incident, update) for update in told(incident, now)]


def all_keys(
    site: StatusSite,
    now: datetime,
    *,
    posted_before: datetime | None = None,
    told: Telling = posted_updates,
) -> set[str]:
    """Every key told by ``now`` (and dated before ``posted_before``, when given)."""
    return {
        update_key(incident, update)
        for incident in site.incidents
        for update in told(incident, now)
        if posted_before is None or update.at < posted_before
    }


def subject(site: SiteContext, pending: Sequence[Pending]) -> str:
    """The email's subject: the one incident's news, or how much news there is."""
    t = site.translator
    prefix = f"[{one_line(site.name)}]"
    if len(pending) == 1:
        item = pending[0]
        latest = item.updates[-1]
        status = update_label(t, item.incident, latest)
        return f"{prefix} {status}: {one_line(item.incident.title)}"
    worst = max((item.incident.impact for item in pending), key=lambda impact: impact.rank)
    count = sum(len(item.updates) for item in pending)
    news = t.gettext(
        "%(updates)s on %(incidents)s (worst impact: %(impact)s)",
        updates=t.ngettext("%(num)d update", "%(num)d updates", count),
        incidents=t.ngettext("%(num)d incident", "%(num)d incidents", len(pending)),
        impact=impact_word(t, worst),
    )
    return f"{prefix} {news}"


@functools.cache
def _environment(autoescape: bool, translator: Translator) -> jinja2.Environment:
    """The templates' environment for one language (made once per language and kind)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # newstyle: the translated sentence is trusted, the values put into it are escaped.
    environment.install_gettext_translations(  # type: ignore[attr-defined]
        translator.translations, newstyle=True
    )
    environment.filters["utc"] = translator.utc_text
    return environment


def render_digest(
    site: SiteContext,
    pending: Sequence[Pending],
    catalog: Catalog,
    now: datetime,
    render: Callable[[str], Markup],
    *,
    mailing_list: bool = False,
) -> tuple[str, str]:
    """The plain-text and HTML bodies (for a mailing list without Herald's unsubscribe
    link: the list adds its own footer)."""
    t = site.translator
    items = []
    for item in pending:
        incident = item.incident
        names = [
            component.name
            for component_id in incident.component_ids
            if (component := catalog.get(component_id)) is not None
        ]
        promise = next_update_promise(incident, now)
        items.append(
            {
                "title": incident.title,
                "kind": kind_label(t, incident.kind),
                "impact": impact_phrase(t, incident.impact),
                "show_impact": not (incident.is_notice or incident.is_maintenance),
                "components": names,
                "url": site.incident_link(incident.id),
                "open": is_open(incident, now),
                "promise": promise.due if promise else None,
                "updates": [
                    {
                        "status": update_label(t, incident, update),
                        "at": update.at,
                        "text": update.message.strip(),
                        "html": render(update.message),
                    }
                    for update in reversed(item.updates)
                ],
            }
        )
    context = {
        "site": site,
        "items": items,
        "now": now,
        "language": t.lang,
        "direction": t.direction,
        # Mail clients ignore logical CSS properties: the side where lines start, by name.
        "start": "right" if t.direction == "rtl" else "left",
        "unsubscribe": None if mailing_list else site.unsubscribe,
    }
    text = _environment(False, t).get_template("digest.txt").render(context)
    html = _environment(True, t).get_template("digest.html").render(context)
    return text, html


def digest_message(
    site: SiteContext,
    pending: Sequence[Pending],
    catalog: Catalog,
    now: datetime,
    render: Callable[[str], Markup],
    *,
    sender: str,
    recipient: str,
    token: str = "",
    mailing_list: bool = False,
) -> EmailMessage:
    """The whole email: multipart/alternative, stable Message-ID, bulk-mail headers.

    ``token`` (``ledger.unsubscribe_token``) goes into an https unsubscribe
    link, so that one click unsubscribes this subscriber and no one else.
    A ``mailing_list`` recipient is a list's posting address: the post carries none of
    Herald's unsubscribe headers (see ``_shared_message``).
    """
    message = _shared_message(
        site, pending, catalog, now, render, sender, mailing_list=mailing_list
    )
    message["To"] = recipient
    message["Message-ID"] = message_id(site, pending, recipient)
    if not mailing_list:
        for name, value in unsubscribe_headers(site.unsubscribe, token):
            message[name] = value
    return message


def unsubscribe_headers(unsubscribe: str | None, token: str) -> list[tuple[str, str]]:
    """``List-Unsubscribe`` (RFC 2369), and for an https URL one-click (RFC 8058).

    An https URL gets ``subscriber=<token>`` added to its query as written (nothing else
    in it is re-encoded); the token is ``ledger.unsubscribe_token``: the team's endpoint
    can match it against its list, and nobody without the key can make one.
    """
    if not unsubscribe:
        return []
    if url_scheme(unsubscribe) != "https":
        return [("List-Unsubscribe", f"<{unsubscribe}>")]
    url = unsubscribe
    if token:
        base, hash_sign, fragment = unsubscribe.partition("#")
        separator = "&" if "?" in base else "?"
        url = f"{base}{separator}subscriber={token}{hash_sign}{fragment}"
    # RFC 8058: the big mailbox providers show "Unsubscribe" and POST to the URL.
    return [
        ("List-Unsubscribe", f"<{url}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    ]


def message_id(site: SiteContext, pending: Sequence[Pending], recipient: str) -> str:
    """The same updates to the same person always get the same id: a resend after a
    failure is recognisably the same message, and mail clients collapse it."""
    keys = sorted(key for item in pending for key in item.keys)
    digest = hashlib.sha256("\n".join([recipient, *keys]).encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{site.host}>"


def _shared_message(
    site: SiteContext,
    pending: Sequence[Pending],
    catalog: Catalog,
    now: datetime,
    render: Callable[[str], Markup],
    sender: str,
    *,
    mailing_list: bool = False,
) -> EmailMessage:
    """Everything but the recipient's own headers (To, Message-ID, List-Unsubscribe).

    A post to a mailing list is an announcement to the list, which sends it on as list
    mail: it has no ``Precedence: bulk`` (the list adds ``Precedence: list``, and would
    otherwise pass bulk on to every member), no ``Auto-Submitted`` (list servers may hold
    or drop machine-made mail, to break loops) and no ``List-Id`` (the list's own).
    """
    text, html = render_digest(site, pending, catalog, now, render, mailing_list=mailing_list)
    # Long subjects stay on one line (RFC 5322 allows 998 characters).
    message = EmailMessage(policy=email.policy.default.clone(max_line_length=998))
    message["Subject"] = subject(site, pending)
    message["From"] = sender
    message["Date"] = format_datetime(now)
    if not mailing_list:
        message["Auto-Submitted"] = "auto-generated"
        message["Precedence"] = "bulk"
    message["X-Auto-Response-Suppress"] = "All"
    if not mailing_list:
        message["List-Id"] = f"{one_line(site.name)} <{site.host}>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+")


class DigestWire:
    """Digests as the SMTP server receives them, for many subscribers at once.

    Subscribers who get the same news get the same message but for two headers: it is
    built and serialised once, and each recipient's ``To`` and ``Message-ID`` lines are
    put before it, with its own unsubscribe link (an address that is not plain ASCII gets
    a message built for it).
    """

    def __init__(
        self,
        site: SiteContext,
        catalog: Catalog,
        now: datetime,
        render: Callable[[str], Markup],
        sender: str,
    ) -> None:
        self.site = site
        self.catalog = catalog
        self.now = now
        self.render = render
        self.sender = sender
        self._shared: dict[tuple[tuple[str, ...], bool], bytes] = {}

    def message_bytes(
        self,
        pending: Sequence[Pending],
        recipient: str,
        token: str = "",
        *,
        mailing_list: bool = False,
    ) -> bytes:
        """One recipient's message; a ``mailing_list`` gets the list post (no unsubscribe
        headers or footer link of Herald's, no bulk-mail headers)."""
        if not _PLAIN_ADDRESS.fullmatch(recipient):
            message = digest_message(
                self.site,
                pending,
                self.catalog,
                self.now,
                self.render,
                sender=self.sender,
                recipient=recipient,
                token=token,
                mailing_list=mailing_list,
            )
            return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
        news = (tuple(keys_of(pending)), mailing_list)
        shared = self._shared.get(news)
        if shared is None:
            message = _shared_message(
                self.site,
                pending,
                self.catalog,
                self.now,
                self.render,
                self.sender,
                mailing_list=mailing_list,
            )
            shared = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
            self._shared[news] = shared
        own = [
            ("To", recipient),
            ("Message-ID", message_id(self.site, pending, recipient)),
            *([] if mailing_list else unsubscribe_headers(self.site.unsubscribe, token)),
        ]
        return "".join(f"{name}: {value}\r\n" for name, value in own).encode("ascii") + shared


def keys_of(pending: Iterable[Pending]) -> list[str]:
    return [key for item in pending for key in item.keys]
