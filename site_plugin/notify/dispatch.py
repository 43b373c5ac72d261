"""``herald notify``: every published update to every channel, once.

For each target (one per email subscriber, one per chat or webhook channel) it works out
what the ledger says the target has not received, sends it, and records it only after the
send succeeded. A target seen for the first time is given the past as delivered (or
everything before ``--since``), so turning notifications on never floods anyone. One
failing target does not stop the others; the run then fails so the next one retries.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import yaml
from markupsafe import Markup

from ..content.model import Catalog, StatusSite
from ..errors import DeliveryError, SettingsError
from ..present.context import SiteContext
from ..present.statuspage import StatusApi
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
from .webhooks import discord_payload, slack_payload, statuspage_payload

SMTP_UNREACHABLE_AFTER = 2
UNSUBSCRIBE_MISSING = (
    "the unsubscribe option is not set, so no subscriber is emailed: every digest must say"
    " how to stop them (List-Unsubscribe). Set unsubscribe in the herald options of"
    " mkdocs.yml to a mailto: address or an https: URL that unsubscribes"
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

        def build(item: Pending) -> Any:
            return self.payload(run, api, item)

        done(_deliver_each(run, ledger, self.name, url, secret or None, build))


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
CHANNEL_REGISTRY: tuple[Channel, ...] = (*POST_CHANNELS, EmailChannel())
"""Every channel, in the order a run tells them: the chat and webhooks (a handful of
quick posts) before email (one message per subscriber), so that a slow or hanging mail
server never keeps the chat from being told."""
CHANNELS = tuple(channel.name for channel in CHANNEL_REGISTRY)


@dataclass(frozen=True)
class Subscriber:
    address: str
    component_ids: frozenset[str] | None  # None: everything


def read_subscribers(text: str, catalog: Catalog, source: str) -> list[Subscriber]:
    """``address: all`` or ``address: [component or group ids]``, one per line."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        # Only where and what: PyYAML's own message quotes the line, an address.
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or "unreadable"
        raise SettingsError(f"{source}: not YAML{where} ({reason})") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{source}: write one 'address: all' or 'address: [ids]' per line")
    subscribers = []
    for position, (address, wanted) in enumerate(data.items(), start=1):
        if not isinstance(address, str) or "@" not in address or any(c in address for c in "\r\n"):
            raise SettingsError(
                f"{source}: entry {position} is not an email address (addresses are not"
                " printed: check that entry)"
            )
        if wanted == "all" or wanted is None:
            subscribers.append(Subscriber(address, None))
            continue
        ids = [wanted] if isinstance(wanted, str) else wanted
        if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
            raise SettingsError(
                f"{source}: entry {position}: give 'all' or a list of component ids"
            )
        unknown = [item for item in ids if catalog.get(item) is None]
        if unknown:
            raise SettingsError(
                f"{source}: entry {position}: unknown component {', '.join(unknown)}"
                " (ids are listed in components.yml)"
            )
        subscribers.append(Subscriber(address, frozenset(ids)))
    return subscribers


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
        return self.target[:18] if self.target.startswith("email:") else self.target

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
    if not run.context.unsubscribe:
        done(TargetResult("email", error=UNSUBSCRIBE_MISSING))
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
        for position, subscriber in enumerate(run.subscribers):
            if position and run.clock() - started >= run.email_run_timeout:
                left = len(run.subscribers) - position
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
            left = len(run.subscribers) - position - 1
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
        ledger.record(target, all_keys(run.site, run.now, posted_before=run.since))
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
        known = all_keys(run.site, run.now, posted_before=run.since)
    if component_ids is not None and not run.dry_run:
        # What does not concern this subscriber is "delivered" too: widening the
        # subscription later must not send them months of old news.
        elsewhere = {
            key
            for incident in run.site.incidents
            if not touches(incident, run.site.catalog, component_ids)
            for key in all_keys_of(incident, run.now)
        }
        if not elsewhere <= known:
            ledger.record(target, elsewhere)
            known = ledger.delivered[target]
    pending = pending_for(run.site, known.__contains__, run.now, component_ids=component_ids)
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


def _deliver_each(
    run: NotifyRun,
    ledger: Ledger,
    target: str,
    url: str,
    secret: str | None,
    build: Callable[[Pending], Any],
) -> TargetResult:
    """Chat and webhooks: one post per incident, each recorded as soon as it arrived."""
    result = TargetResult(target, first_run=_first_run(run, ledger, target))
    known: frozenset[str] | set[str] = ledger.delivered.get(target, frozenset())
    if result.first_run and run.dry_run:
        known = all_keys(run.site, run.now, posted_before=run.since)
    started = run.clock()
    items = list(reversed(pending_for(run.site, known.__contains__, run.now)))
    for position, item in enumerate(items):
        if position and not run.dry_run and run.clock() - started >= run.http_run_timeout:
            result.error = (
                f"stopped after {run.http_run_timeout:g} s (HERALD_HTTP_RUN_TIMEOUT);"
                f" {len(items) - position} incidents wait for the next run"
            )
            return result
        if not run.dry_run:
            payload = build(item)

            def post(payload: Any = payload) -> None:
                post_json(url, payload, secret=secret, timeout=run.http_timeout)

            try:
                with_retries(post, delay=run.retry_delay)
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
    token = unsubscribe_token(subscriber.address, key)
    message = wire.message_bytes(pending, subscriber.address, token)
    session.send_bytes(subscriber.address, message)
