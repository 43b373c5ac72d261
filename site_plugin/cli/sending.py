"""``herald notify`` and ``herald digest``: what is new, to every channel, once."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from datetime import datetime
from email.utils import formataddr
from pathlib import Path

from ..authoring.inputs import parse_moment
from ..characters import one_line
from ..content.model import StatusSite
from ..errors import SettingsError
from ..notify.digest import all_keys, digest_message, pending_for
from ..notify.dispatch import (
    CHANNELS,
    NotifyRun,
    TargetResult,
    notify,
)
from ..notify.ledger import Ledger, ledger_lock
from ..notify.lifecycle import TeamWords, news
from ..notify.subscribers import Subscriber, read_subscribers
from ..options import path_is_inside
from ..present.context import SiteContext
from ..present.i18n import is_supported, offered_languages
from ..present.rendering import MarkdownRenderer
from ..problems import did_you_mean
from .common import EXIT_OK, EXIT_PROBLEMS, load_or_report, say
from .posting import workspace
from .settings import Settings


def _site_context(settings: Settings) -> SiteContext:
    """The site as messages present it; refused without a site URL to link to."""
    if not settings.site_url:
        raise SettingsError("mkdocs.yml has no site_url: messages link to the status page")
    if not is_supported(settings.language):
        say(
            f"herald: theme.language '{settings.language}' has no translation (Herald has"
            f" {offered_languages()}); messages are in English",
            sys.stderr,
        )
    return settings.site_context()


def run_notify(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald notify``: deliver what is new, once, and record it."""
    site = load_or_report(settings, now)
    if site is None:
        return EXIT_PROBLEMS
    space = workspace(settings, now)
    since = parse_moment(arguments.since, space, "--since") if arguments.since else None
    subscribers_text, source = _subscribers_source(arguments, settings)
    subscribers = (
        read_subscribers(subscribers_text, site.catalog, source) if subscribers_text else []
    )
    if arguments.ledger is None:
        _inside_repository(settings, settings.ledger, "ledger")
    ledger_path = settings.root / (arguments.ledger or settings.ledger)
    with ledger_lock(ledger_path):
        results = _notify_once(arguments, settings, now, site, ledger_path, subscribers, since)
    if not results:
        print(
            "No channel is configured: set HERALD_SMTP_HOST, a HERALD_*_WEBHOOK_URL,"
            " HERALD_MASTODON_URL or the HERALD_TWILIO_* settings (see the README)."
        )
    return EXIT_PROBLEMS if any(result.error for result in results) else EXIT_OK


def _notify_once(
    arguments: argparse.Namespace,
    settings: Settings,
    now: datetime,
    site: StatusSite,
    ledger_path: Path,
    subscribers: list[Subscriber],
    since: datetime | None,
) -> list[TargetResult]:
    """One delivery round with the ledger held: load it, deliver, write it once."""
    context = _site_context(settings)
    ledger = Ledger.load(ledger_path)
    run = NotifyRun(
        site=site,
        now=now,
        context=context,
        render=functools.cache(MarkdownRenderer(["tables", "fenced_code"], images=False)),
        environ=os.environ,
        subscribers=subscribers,
        channels=_channels(arguments.channel),
        dry_run=arguments.dry_run,
        since=since,
        send_email_now=settings.email_mode == "immediate" or arguments.daily,
        retry_delay=arguments.retry_delay,
        http_timeout=_seconds(os.environ.get("HERALD_HTTP_TIMEOUT", ""), "HERALD_HTTP_TIMEOUT", 15),
        http_run_timeout=_seconds(
            os.environ.get("HERALD_HTTP_RUN_TIMEOUT", ""), "HERALD_HTTP_RUN_TIMEOUT", 120, 3600
        ),
        email_run_timeout=_seconds(
            os.environ.get("HERALD_SMTP_RUN_TIMEOUT", ""), "HERALD_SMTP_RUN_TIMEOUT", 600, 3600
        ),
        reminders=settings.maintenance_reminders,
        words=_team_words(settings),
    )

    def report(result: TargetResult) -> None:
        # At once, not at the end: a job killed at its time limit still shows how far it got.
        say(result.describe(arguments.dry_run))
        sys.stdout.flush()

    try:
        return notify(run, ledger, report)
    finally:
        if not arguments.dry_run and ledger.changed:
            ledger.save()


def _team_words(settings: Settings) -> TeamWords:
    """The team's templates for Herald's own updates; one that does not render stops the
    run before anything is sent (``herald check`` reports it too)."""
    words = TeamWords(settings.root, settings.root / settings.message_templates)
    for path, problem in words.problems():
        raise SettingsError(f"{path.relative_to(settings.root)}: {problem}")
    return words


def _channels(chosen: list[str] | None) -> frozenset[str]:
    """The channels ``--channel`` names (all when none is named)."""
    for name in chosen or ():
        if name not in CHANNELS:
            hint = did_you_mean(name, CHANNELS, f"one of {', '.join(CHANNELS)}")
            raise SettingsError(f"--channel {name}: there is no such channel ({hint})")
    return frozenset(chosen or CHANNELS)


def _seconds(text: str, variable: str, default: float, most: float = 600) -> float:
    """A number of seconds from the environment; empty means the default."""
    if not text.strip():
        return default
    try:
        seconds = float(text)
    except ValueError:
        raise SettingsError(f"{variable}={text!r} is not a number of seconds") from None
    if not 0 < seconds <= most:
        raise SettingsError(f"{variable}={text!r} is not between 0 and {most:g} seconds")
    return seconds


def _subscribers_source(arguments: argparse.Namespace, settings: Settings) -> tuple[str, str]:
    if os.environ.get("HERALD_SUBSCRIBERS"):
        if arguments.subscribers:
            say(
                f"herald: HERALD_SUBSCRIBERS is set, so {arguments.subscribers} is not read"
                " (unset the secret to use the file)",
                sys.stderr,
            )
        return os.environ["HERALD_SUBSCRIBERS"], "HERALD_SUBSCRIBERS"
    path = arguments.subscribers or settings.subscribers
    if not path:
        return "", ""
    if arguments.subscribers is None:
        _inside_repository(settings, path, "subscribers")
    try:
        return (settings.root / path).read_text(encoding="utf-8"), path
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"cannot read the subscribers file {path}: {error}") from None


def _inside_repository(settings: Settings, path: str, option: str) -> None:
    """Options name files in the repository; a link there must not lead elsewhere."""
    if not path_is_inside(settings.root, settings.root / path):
        raise SettingsError(
            f"the {option} option's {path} leads out of the repository through a link"
            " (replace the link with a folder or file of the repository)"
        )


def run_digest(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald digest``: the email for recent updates, written instead of sent."""
    site = load_or_report(settings, now)
    if site is None:
        return EXIT_PROBLEMS
    context = _site_context(settings)
    since = parse_moment(arguments.since, workspace(settings, now), "--since")
    # As herald notify would tell it: Herald's own reminders and announcements included.
    told = functools.partial(
        news,
        t=context.translator,
        reminders=settings.maintenance_reminders,
        words=_team_words(settings),
    )
    old = all_keys(site, now, posted_before=since, told=told)
    pending = pending_for(site, old.__contains__, now, told=told)
    if not pending:
        print(f"Nothing was posted since {since:%Y-%m-%d %H:%M} UTC.", file=sys.stderr)
        return EXIT_OK
    render = functools.cache(MarkdownRenderer(["tables", "fenced_code"], images=False))
    message = digest_message(
        context,
        pending,
        site.catalog,
        now,
        render,
        sender=os.environ.get("HERALD_SMTP_FROM")
        or formataddr((one_line(settings.site_name), "status@localhost")),
        recipient="subscriber@example.com",
    )
    if arguments.html:
        html_part = message.get_body(preferencelist=("html",))
        assert html_part is not None
        data = html_part.get_content().encode("utf-8")
    else:
        data = bytes(message)
    if arguments.out == "-":
        sys.stdout.buffer.write(data)
    else:
        try:
            Path(arguments.out).write_bytes(data)
        except OSError as error:
            raise SettingsError(f"cannot write {arguments.out}: {error.strerror}") from None
        say(f"wrote {arguments.out}")
    return EXIT_OK
