"""``herald notify``: every published update to every channel, once.

For each target (one per email subscriber, one per chat or webhook channel) it works out
what the ledger says the target has not received, sends it, and records it only after the
send succeeded. A target seen for the first time is given the past as delivered (or
everything before ``--since``), so turning notifications on never floods anyone. One
failing target does not stop the others; the run then fails so the next one retries.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from markupsafe import Markup

from ..content.model import Incident, StatusSite, Update
from ..errors import DeliveryError, SettingsError
from ..present.context import SiteContext
from ..present.statuspage import StatusApi
from .chat import Connect, Send, connect_google_chat, connect_mastodon, connect_teams
from .delivery import (
    SmtpSession,
    SmtpSettings,
    channel_url_problem,
    post_json,
    with_retries,
)
from .digest import (
    DigestWire,
    Pending,
    all_keys,
    all_keys_of,
    keys_of,
    pending_for,
    touches,
)
from .ledger import MIN_LEDGER_KEY_LENGTH, Ledger, subscriber_target, unsubscribe_token
from .lifecycle import DEFAULT_REMINDERS, Words, herald_words, news
from .sms import connect_sms, sms_for, sms_target
from .subscribers import Subscriber
from .webhooks import discord_payload, slack_payload, statuspage_payload

SMTP_UNREACHABLE_AFTER = 2
UNSUBSCRIBE_MISSING = (
    "the unsubscribe option is not set, so no subscriber is emailed: every digest must say"
    " how to stop them (List-Unsubscribe). Set unsubscribe in the herald options of"
    " mkdocs.yml to a mailto: address or an https: URL that unsubscribes"
)
UNSUBSCRIBE_MISSING_LISTS_SENT = (
    "the unsubscribe option is not set, so only the mailing lists are emailed (each list"
    " adds its own unsubscribe): a digest to a person must say how to stop them"
    " (List-Unsubscribe). Set unsubscribe in the herald options of mkdocs.yml to a mailto:"
    " address or an https: URL that unsubscribes"
)
LEDGER_KEY_SHORT = (
    f"HERALD_LEDGER_KEY is shorter than {MIN_LEDGER_KEY_LENGTH} characters, so no subscriber is"
    " emailed: the ledger's hashes are published, and a short key could be guessed from"
    " them. Create one with python3 -c 'import secrets; print(secrets.token_hex(32))'"
)
LEDGER_KEY_MISSING = (
    "HERALD_LEDGER_KEY is not set, so no subscriber is emailed: the ledger names subscribers"
    " by a keyed hash, never by address. Create a key once with"
    " python3 -c 'import secrets; print(secrets.token_hex(32))' and store it as the secret"
    " HERALD_LEDGER_KEY (keep it: a new key makes every subscriber new)"
)


@dataclass(frozen=True)
class PostChannel:
    """A channel that is told by one HTTP POST per incident with news (chat, webhooks).

    Attributes:
        name: The channel's name in ``--channel`` and in the ledger.
        url_variable: The environment variable that holds its URL; set means on.
        payload: The JSON to post for one incident's news, from the run and the
            Statuspage documents of the moment.
        secret_variable: The environment variable of the signing secret, if it signs.
    """

    name: str
    url_variable: str
    payload: Callable[[NotifyRun, StatusApi, Pending], Any]
    secret_variable: str | None = None

    def deliver(
        self, run: NotifyRun, ledger: Ledger, api: StatusApi, done: Callable[[TargetResult], None]
    ) -> None:
        url = run.environ.get(self.url_variable, "").strip()
        if not url:
            return  # not configured: off
        problem = channel_url_problem(url)
        if problem is not None:
            done(TargetResult(self.name, error=f"{self.url_variable} {problem}"))
            return
        secret = run.environ.get(self.secret_variable) if self.secret_variable else None

        def send(item: Pending) -> None:
            payload = self.payload(run, api, item)
            post_json(url, payload, secret=secret or None, timeout=run.http_timeout)

        done(_deliver_each(run, ledger, self.name, send))


@dataclass(frozen=True)
class ServiceChannel:
    """A chat service with settings of its own (Teams, Google Chat, Mastodon), told by one
    request per incident with news; see ``chat``.

    Attributes:
        name: The channel's name in ``--channel`` and in the ledger.
        connect: From the environment, the site and the request timeout: how to tell the
            service of one incident's news, ``None`` when it is off, or a
            ``SettingsError`` that fails this channel alone.
    """

    name: str
    connect: Connect

    def deliver(
        self, run: NotifyRun, ledger: Ledger, api: StatusApi, done: Callable[[TargetResult], None]
    ) -> None:
        try:
            send = self.connect(run.environ, run.context, run.http_timeout)
        except SettingsError as error:
            done(TargetResult(self.name, error=str(error)))
            return
        if send is not None:
            done(_deliver_each(run, ledger, self.name, send))


@dataclass(frozen=True)
class EmailChannel:
    """Email: one digest per subscriber with what is new for their components."""

    name: str = "email"

    def deliver(
        self, run: NotifyRun, ledger: Ledger, api: StatusApi, done: Callable[[TargetResult], None]
    ) -> None:
        smtp = SmtpSettings.from_environment(run.environ)
        if smtp is not None and run.send_email_now and run.subscribers:
            _email_everyone(run, ledger, smtp, done)


@dataclass(frozen=True)
class SmsChannel:
    """Texts: one per incident with news to each phone subscriber, for their components."""

    name: str = "sms"

    def deliver(
        self, run: NotifyRun, ledger: Ledger, api: StatusApi, done: Callable[[TargetResult], None]
    ) -> None:
        try:
            connection = connect_sms(run.environ, run.site.catalog, run.http_timeout)
        except SettingsError as error:
            done(TargetResult(self.name, error=str(error)))
            return
        if connection is None:
            return
        key = run.environ.get("HERALD_LEDGER_KEY", "").strip()
        if len(key) < MIN_LEDGER_KEY_LENGTH:
            done(TargetResult(self.name, error=LEDGER_KEY_MISSING if not key else LEDGER_KEY_SHORT))
            return
        for subscriber in connection.subscribers:

            def send(item: Pending, number: str = subscriber.number) -> None:
                connection.send(number, sms_for(run.context, item))

            target = sms_target(subscriber.number, key)
            done(_deliver_each(run, ledger, target, send, subscriber.component_ids))


class Channel(Protocol):
    """What every channel does: deliver what is new, reporting each target when done."""

    @property
    def name(self) -> str: ...

    def deliver(
        self, run: NotifyRun, ledger: Ledger, api: StatusApi, done: Callable[[TargetResult], None]
    ) -> None: ...


POST_CHANNELS = (
    PostChannel(
        "slack",
        "HERALD_SLACK_WEBHOOK_URL",
        lambda run, _, item: slack_payload(run.context, item),
    ),
    PostChannel(
        "discord",
        "HERALD_DISCORD_WEBHOOK_URL",
        lambda run, _, item: discord_payload(run.context, item),
    ),
    PostChannel(
        "webhook",
        "HERALD_WEBHOOK_URL",
        lambda run, api, item: statuspage_payload(api, item, run.now),
        secret_variable="HERALD_WEBHOOK_SECRET",
    ),
)
"""Every channel besides email. A new chat service is one payload function and one line
here."""
SERVICE_CHANNELS = (
    ServiceChannel("teams", connect_teams),
    ServiceChannel("google-chat", connect_google_chat),
    ServiceChannel("mastodon", connect_mastodon),
)
"""Chat services with settings of their own to check, or more than a URL (``chat``)."""
CHANNEL_REGISTRY: tuple[Channel, ...] = (
    *POST_CHANNELS,
    *SERVICE_CHANNELS,
    SmsChannel(),
    EmailChannel(),
)
"""Every channel, in the order a run tells them: the chat and webhooks (a handful of
quick posts) before email (one message per subscriber), so that a slow or hanging mail
server never keeps the chat from being told."""
CHANNELS = tuple(channel.name for channel in CHANNEL_REGISTRY)


@dataclass
class TargetResult:
    target: str
    """The ledger's name for it: ``slack``, or ``email:`` and a keyed hash, never an address."""
    sent: list[str] = field(default_factory=list)
    incidents: int = 0
    error: str | None = None
    first_run: bool = False
    unreachable: bool = False
    """The error was the server not answering (worth trying again later, not now)."""

    @property
    def label(self) -> str:
        """How the run's report names the target: short, and never an address."""
        return self.target[:18] if self.target.startswith(("email:", "sms:")) else self.target

    def describe(self, dry_run: bool) -> str:
        if self.error:
            return f"{self.label}: FAILED, nothing recorded, the next run retries: {self.error}"
        if self.first_run and not self.sent:
            return f"{self.label}: first run, the past is recorded as delivered"
        if not self.sent:
            return f"{self.label}: nothing new"
        verb = "would send" if dry_run else "sent"
        return (
            f"{self.label}: {verb} {len(self.sent)} update{'s' if len(self.sent) != 1 else ''}"
            f" on {self.incidents} incident{'s' if self.incidents != 1 else ''}"
        )


@dataclass(frozen=True)
class NotifyRun:
    """One ``herald notify`` run's inputs."""

    site: StatusSite
    now: datetime
    context: SiteContext
    render: Callable[[str], Markup]
    environ: Mapping[str, str]
    subscribers: list[Subscriber]
    channels: frozenset[str] = frozenset(CHANNELS)
    dry_run: bool = False
    since: datetime | None = None
    send_email_now: bool = True
    retry_delay: float = 1.0
    http_timeout: float = 15.0
    """Seconds one chat or webhook request may take in all (HERALD_HTTP_TIMEOUT)."""
    http_run_timeout: float = 120.0
    """Seconds each chat or webhook channel may take in one run (HERALD_HTTP_RUN_TIMEOUT)."""
    email_run_timeout: float = 600.0
    """Seconds email may take in one run (HERALD_SMTP_RUN_TIMEOUT): what is left waits
    for the next run, rather than the job being killed at its limit mid-way."""
    clock: Callable[[], float] = time.monotonic
    reminders: tuple[timedelta, ...] = DEFAULT_REMINDERS
    """How long before a maintenance window Herald reminds (``maintenance_reminders``)."""
    words: Words = herald_words
    """The words of Herald's own updates: the team's templates, or Herald's."""

    def told(self, incident: Incident, now: datetime) -> Sequence[Update]:
        """What every channel is told: the authors' updates and Herald's own."""
        return news(incident, now, self.context.translator, self.reminders, self.words)


def notify(
    run: NotifyRun, ledger: Ledger, report: Callable[[TargetResult], None] = lambda _: None
) -> list[TargetResult]:
    """Deliver what is new to every configured target; see the module docstring.

    Chat and webhooks go first (a handful of quick posts), then email (one message per
    subscriber): a slow or hanging mail server never keeps the chat from being told.
    ``report`` hears of each target as soon as it is done.
    """
    results: list[TargetResult] = []

    def done(result: TargetResult) -> None:
        results.append(result)
        report(result)

    api = StatusApi(run.site, run.now, run.context)
    for channel in CHANNEL_REGISTRY:
        if channel.name in run.channels:
            channel.deliver(run, ledger, api, done)
    return results


def _email_everyone(
    run: NotifyRun, ledger: Ledger, smtp: SmtpSettings, done: Callable[[TargetResult], None]
) -> None:
    key = run.environ.get("HERALD_LEDGER_KEY", "").strip()
    recipients = run.subscribers
    if not run.context.unsubscribe:
        # A mailing list carries the list server's own way out; a person needs Herald's.
        recipients = [subscriber for subscriber in run.subscribers if subscriber.mailing_list]
        if len(recipients) < len(run.subscribers):
            missing = UNSUBSCRIBE_MISSING_LISTS_SENT if recipients else UNSUBSCRIBE_MISSING
            done(TargetResult("email", error=missing))
        if not recipients:
            return
    if not key:
        done(TargetResult("email", error=LEDGER_KEY_MISSING))
        return
    if len(key) < MIN_LEDGER_KEY_LENGTH:
        done(TargetResult("email", error=LEDGER_KEY_SHORT))
        return
    targets = {
        subscriber.address: subscriber_target(subscriber.address, key)
        for subscriber in run.subscribers
    }
    legacy = {f"email:{address}": target for address, target in targets.items()}
    if ledger.forget_addresses(legacy) and not run.dry_run:
        ledger.save()
    unreachable = 0
    wire = DigestWire(run.context, run.site.catalog, run.now, run.render, smtp.sender)
    started = run.clock()
    with SmtpSession(smtp) as session:
        for position, subscriber in enumerate(recipients):
            if position and run.clock() - started >= run.email_run_timeout:
                left = len(recipients) - position
                done(
                    TargetResult(
                        "email",
                        error=f"stopped after {run.email_run_timeout:g} s"
                        f" (HERALD_SMTP_RUN_TIMEOUT); the other {left} subscribers wait for"
                        " the next run",
                    )
                )
                return
            target = targets[subscriber.address]
            result = _deliver_digest(run, ledger, session, wire, subscriber, target, key)
            done(result)
            # A server that cannot be reached for two subscribers in a row will not be
            # reached for the next thousand: leave them for the next run, at once.
            unreachable = unreachable + 1 if result.unreachable else 0
            left = len(recipients) - position - 1
            if unreachable == SMTP_UNREACHABLE_AFTER and left:
                done(
                    TargetResult(
                        "email",
                        error=f"the SMTP server could not be reached for {unreachable}"
                        f" subscribers in a row; the other {left} wait for the next run",
                    )
                )
                return


def _first_run(run: NotifyRun, ledger: Ledger, target: str) -> bool:
    if ledger.knows(target):
        return False
    if not run.dry_run:
        ledger.record(target, all_keys(run.site, run.now, posted_before=run.since, told=run.told))
    return True


def _deliver_digest(
    run: NotifyRun,
    ledger: Ledger,
    session: SmtpSession,
    wire: DigestWire,
    subscriber: Subscriber,
    target: str,
    key: str,
) -> TargetResult:
    """Email: one digest per subscriber with everything new for their components."""
    component_ids = subscriber.component_ids
    result = TargetResult(target, first_run=_first_run(run, ledger, target))
    known: frozenset[str] | set[str] = ledger.delivered.get(target, frozenset())
    if result.first_run and run.dry_run:
        known = all_keys(run.site, run.now, posted_before=run.since, told=run.told)
    if component_ids is not None and not run.dry_run:
        known = _record_elsewhere(run, ledger, target, component_ids, known)
    pending = pending_for(
        run.site, known.__contains__, run.now, component_ids=component_ids, told=run.told
    )
    if not pending:
        return result
    result.incidents = len(pending)
    if run.dry_run:
        result.sent = keys_of(pending)
        return result

    def send() -> None:
        _send_digest(wire, session, subscriber, pending, key)

    try:
        with_retries(send, delay=run.retry_delay)
    except DeliveryError as error:
        result.error = str(error)
        result.unreachable = error.retry
        return result
    result.sent = keys_of(pending)
    ledger.record(target, result.sent)
    return result


def _record_elsewhere(
    run: NotifyRun,
    ledger: Ledger,
    target: str,
    component_ids: frozenset[str],
    known: frozenset[str] | set[str],
) -> frozenset[str] | set[str]:
    """What does not concern a subscriber is "delivered" too: widening the subscription
    later must not send them months of old news."""
    elsewhere = {
        key
        for incident in run.site.incidents
        if not touches(incident, run.site.catalog, component_ids)
        for key in all_keys_of(incident, run.now, run.told)
    }
    if elsewhere <= known:
        return known
    ledger.record(target, elsewhere)
    return ledger.delivered[target]


def _deliver_each(
    run: NotifyRun,
    ledger: Ledger,
    target: str,
    send: Send,
    component_ids: frozenset[str] | None = None,
) -> TargetResult:
    """Chat, webhooks and texts: one message per incident with news (for the components
    of ``component_ids``; ``None``: all), each recorded as soon as it arrived."""
    result = TargetResult(target, first_run=_first_run(run, ledger, target))
    known: frozenset[str] | set[str] = ledger.delivered.get(target, frozenset())
    if result.first_run and run.dry_run:
        known = all_keys(run.site, run.now, posted_before=run.since, told=run.told)
    if component_ids is not None and not run.dry_run:
        known = _record_elsewhere(run, ledger, target, component_ids, known)
    started = run.clock()
    items = list(
        reversed(
            pending_for(
                run.site, known.__contains__, run.now, component_ids=component_ids, told=run.told
            )
        )
    )
    for position, item in enumerate(items):
        if position and not run.dry_run and run.clock() - started >= run.http_run_timeout:
            result.error = (
                f"stopped after {run.http_run_timeout:g} s (HERALD_HTTP_RUN_TIMEOUT);"
                f" {len(items) - position} incidents wait for the next run"
            )
            return result
        if not run.dry_run:
            try:
                with_retries(functools.partial(send, item), delay=run.retry_delay)
            except DeliveryError as error:
                result.error = str(error)
                return result
            ledger.record(target, item.keys)
        result.sent.extend(item.keys)
        result.incidents += 1
    return result


def _send_digest(
    wire: DigestWire,
    session: SmtpSession,
    subscriber: Subscriber,
    pending: list[Pending],
    key: str,
) -> None:
    if subscriber.mailing_list:
        # One post to the list's address; the list server gives each member its own
        # unsubscribe headers and footer, so Herald's token would only mislead.
        message = wire.message_bytes(pending, subscriber.address, mailing_list=True)
    else:
        token = unsubscribe_token(subscriber.address, key)
        message = wire.message_bytes(pending, subscriber.address, token)
    session.send_bytes(subscriber.address, message)
