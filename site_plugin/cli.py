"""The ``herald`` command: authoring and checking a status repository.

Exit codes: 0 when all is well, 1 when the content has problems, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import functools
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from email.utils import formataddr
from pathlib import Path
from typing import TextIO

from . import __version__
from .api import ApiSite
from .authoring import (
    AuthoringError,
    NewIncident,
    NewUpdate,
    Workspace,
    find_incident,
    new_incident,
    new_postmortem,
    parse_moment,
    prepare_update,
    preview_new,
    render_template,
    write_update,
)
from .changes import summarise_change
from .characters import one_line, terminal_line
from .checks import overdue_warnings
from .clock import ClockError, build_time
from .delivery import SettingsError
from .digest import DigestSite, all_keys, digest_message, pending_for
from .i18n import is_supported, iso, translator
from .ledger import Ledger, LedgerError, ledger_lock
from .listing import open_items
from .loader import ContentPaths, load_status_site
from .model import Impact, IncidentKind, StatusSite, UpdateStatus
from .notify import CHANNELS, NotifyRun, Subscriber, TargetResult, notify, read_subscribers
from .options import path_is_inside
from .problems import ContentError, Problem
from .rendering import MarkdownRenderer
from .settings import Settings, read_settings
from .status import next_change
from .urls import page_problems

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``herald`` command line; returns the exit code."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        now = build_time()
    except ClockError as error:
        _say(f"herald: {error}", sys.stderr)
        return EXIT_USAGE
    config_file = Path(arguments.config)
    if arguments.config != "mkdocs.yml" and not config_file.is_file():
        _say(f"herald: {config_file} not found (pass the site's mkdocs.yml)", sys.stderr)
        return EXIT_USAGE
    settings, problems = read_settings(config_file)
    if problems:
        _print_problems(problems, sys.stdout)
        return EXIT_PROBLEMS
    return int(arguments.handler(arguments, settings, now))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="herald",
        description="Status pages as code: check and write incidents for a Herald status site.",
    )
    parser.add_argument("--version", action="version", version=f"herald {__version__}")
    parser.add_argument(
        "-f",
        "--config",
        default="mkdocs.yml",
        metavar="FILE",
        help="the site's mkdocs.yml; content paths are relative to its folder"
        " (default: %(default)s)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="validate components.yml and incidents/ without building",
        description="Validate components.yml and every incident; print every problem as"
        " path:line: what is wrong (how to fix). Exit 1 if there is any.",
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="also fail on warnings, such as an overdue next-update promise",
    )
    check.set_defaults(handler=run_check)

    new = commands.add_parser(
        "new",
        help="start an incident, maintenance or notice with its first update",
        description="Create incidents/<date>-<slug>/index.md and a first update written from"
        " a message template, then print the files written.",
    )
    new.add_argument("title", help="what customers see, e.g. 'Elevated API errors'")
    new.add_argument("--kind", choices=[k.value for k in IncidentKind], default="incident")
    new.add_argument("--impact", choices=[i.value for i in Impact])
    _add_update_options(new, status_required=False)
    new.add_argument("--start", help="maintenance window start: a time, or +2d from now")
    new.add_argument("--end", help="maintenance window end: a time, or +2d2h from now")
    new.add_argument("--id", dest="incident_id", help="folder name (default: <date>-<slug>)")
    new.set_defaults(handler=run_new)

    update = commands.add_parser(
        "update",
        help="post an update to an open incident",
        description="Add one update file to an incident. Without -m the message opens in"
        " $EDITOR, prefilled from the template for the status (or is taken from the template"
        " when no editor is set).",
    )
    update.add_argument("incident", help="folder, id, or the unique beginning of an id")
    _add_update_options(update, status_required=True)
    update.set_defaults(handler=run_update)

    resolve = commands.add_parser(
        "resolve",
        help="close an incident (resolved) or a maintenance (completed)",
        description="Add the final update: resolved for incidents and notices, completed for"
        " maintenance.",
    )
    resolve.add_argument("incident", help="folder, id, or the unique beginning of an id")
    _add_message_options(resolve)
    resolve.add_argument("--at", default="now", help="when: now (default), -15m or a time")
    resolve.add_argument(
        "--component", action="append", default=[], metavar="ID=STATUS", help=argparse.SUPPRESS
    )
    resolve.set_defaults(handler=run_resolve)

    report = commands.add_parser(
        "postmortem",
        help="start the post-incident report of an incident",
        description="Write postmortem.md beside the updates from the postmortem template:"
        " what happened, why, and what changes so it does not happen again.",
    )
    report.add_argument("incident", help="folder, id, or the unique beginning of an id")
    _add_message_options(report)
    report.set_defaults(handler=run_postmortem)

    upcoming = commands.add_parser(
        "next-change",
        help="say when the published site next changes without a new commit",
        description="Print next_change=<time> (UTC): the first moment after now at which the"
        " site would read differently with no new commit (a window starting or ending, a"
        " promise falling due, midnight), or next_change=now while an incident is open or"
        " maintenance is under way. The publish workflow skips scheduled rebuilds before it.",
    )
    upcoming.set_defaults(handler=run_next_change)

    listing = commands.add_parser(
        "list",
        help="show open incidents, maintenance and overdue promises",
    )
    listing.set_defaults(handler=run_list)

    notifying = commands.add_parser(
        "notify",
        help="send what is new by email, chat and webhook, each update once",
        description="Deliver every update not yet delivered to each configured channel and"
        " record it in the ledger. SMTP and webhook settings come from HERALD_* environment"
        " variables (see the README).",
    )
    notifying.add_argument("--dry-run", action="store_true", help="say what would be sent")
    notifying.add_argument(
        "--channel",
        action="append",
        choices=["email", "slack", "discord", "webhook"],
        help="only this channel (repeat for more)",
    )
    notifying.add_argument(
        "--since", help="on a target's first run, send updates from this time on (e.g. -1h)"
    )
    notifying.add_argument("--ledger", help="the ledger file (default: the ledger option)")
    notifying.add_argument("--subscribers", help="the subscribers file (default: the option)")
    notifying.add_argument(
        "--daily", action="store_true", help="this is the daily run (for email_mode: daily)"
    )
    notifying.add_argument(
        "--retry-delay",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="first wait before retrying a failed delivery (doubles each time)",
    )
    notifying.set_defaults(handler=run_notify)

    digesting = commands.add_parser(
        "digest",
        help="render the email digest without sending it",
        description="Write the digest of recent updates (all components) as an .eml file,"
        " or its HTML part with --html.",
    )
    digesting.add_argument("--since", default="-24h", help="updates from this time (default -24h)")
    digesting.add_argument("--out", default="-", help="file to write (default: standard output)")
    digesting.add_argument("--html", action="store_true", help="write only the HTML part")
    digesting.set_defaults(handler=run_digest)

    summary = commands.add_parser(
        "summary",
        help="say in plain words what a change will show customers (Markdown)",
        description="Compare this content with the same site before the change (for a pull"
        " request: a checkout of its base) and print what customers will see differently.",
    )
    summary.add_argument(
        "--before", required=True, metavar="FOLDER", help="the site's folder before the change"
    )
    summary.set_defaults(handler=run_summary)
    return parser


def _add_message_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-m", "--message", help="the message, in Markdown")
    parser.add_argument(
        "--message-file", metavar="FILE", help="read the message from FILE (- for standard input)"
    )
    parser.add_argument("--template", help="message template to start from (default: by status)")
    parser.add_argument("--edit", action="store_true", help="open $EDITOR on the message first")


def _add_update_options(parser: argparse.ArgumentParser, *, status_required: bool) -> None:
    parser.add_argument(
        "--status",
        required=status_required,
        choices=[status.value for status in UpdateStatus],
        help="the update's status",
    )
    parser.add_argument(
        "--component",
        action="append",
        default=[],
        metavar="ID=STATUS",
        help="a component (or group) and its status from this update on; repeat for more",
    )
    parser.add_argument("--next", dest="next_update", help="next update promise: 30m, 1h or a time")
    parser.add_argument("--at", default="now", help="when: now (default), -15m or a time")
    _add_message_options(parser)


def workspace(settings: Settings, now: datetime) -> Workspace:
    templates = settings.root / settings.message_templates
    return Workspace(
        paths=ContentPaths(
            root=settings.root, components=settings.components, incidents=settings.incidents
        ),
        zone=settings.zone,
        now=now,
        templates=templates if templates.is_dir() else None,
    )


def _given_message(arguments: argparse.Namespace) -> str | None:
    if arguments.message is not None and arguments.message_file is not None:
        raise AuthoringError("give -m or --message-file, not both")
    if arguments.message_file == "-":
        return sys.stdin.read()
    if arguments.message_file is not None:
        try:
            return Path(arguments.message_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise AuthoringError(f"cannot read {arguments.message_file}: {error}") from None
    return str(arguments.message) if arguments.message is not None else None


def _edit(text: str) -> str:
    """Open $VISUAL or $EDITOR on ``text``; the saved file is the message."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise AuthoringError("--edit needs $EDITOR", "set EDITOR, or give the message with -m")
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as file:
        file.write(text)
        path = Path(file.name)
    try:
        result = subprocess.run([*shlex.split(editor), str(path)], check=False)
        if result.returncode != 0:
            raise AuthoringError(f"the editor exited with {result.returncode}; nothing was written")
        return path.read_text(encoding="utf-8")
    finally:
        path.unlink(missing_ok=True)


def _report_written(space: Workspace, paths: list[Path], note: str = "") -> None:
    for path in paths:
        _say(f"wrote {space.relative(path)}")
    if note:
        _say(note)
    print("Check it with herald check, then open a pull request.")


def run_new(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald new``: an incident folder with index.md and a first update."""
    space = workspace(settings, now)
    try:
        message = _given_message(arguments)
        request = NewIncident(
            title=arguments.title,
            kind=IncidentKind(arguments.kind),
            impact=Impact(arguments.impact) if arguments.impact else None,
            components=tuple(arguments.component),
            template=arguments.template,
            status=UpdateStatus(arguments.status) if arguments.status else None,
            message=message,
            at=arguments.at,
            next_update=arguments.next_update,
            start=arguments.start,
            end=arguments.end,
            incident_id=arguments.incident_id,
        )
        if arguments.edit:
            request = replace(request, message=_edit(message or preview_new(space, request)))
        written = new_incident(space, request)
    except AuthoringError as error:
        return _refuse(error)
    note = "" if message else "The message comes from a template: read it before you merge."
    _report_written(space, written, note)
    return EXIT_OK


def run_update(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald update``: one more update file."""
    return _post(arguments, settings, now, UpdateStatus(arguments.status))


def run_resolve(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald resolve``: the final update."""
    space = workspace(settings, now)
    try:
        incident = find_incident(space.load(), arguments.incident, space)
    except AuthoringError as error:
        return _refuse(error)
    final = UpdateStatus.COMPLETED if incident.is_maintenance else UpdateStatus.RESOLVED
    arguments.next_update = None
    return _post(arguments, settings, now, final)


def _post(
    arguments: argparse.Namespace, settings: Settings, now: datetime, status: UpdateStatus
) -> int:
    space = workspace(settings, now)
    try:
        message = _given_message(arguments)
        request = NewUpdate(
            incident=arguments.incident,
            status=status,
            message=message,
            at=arguments.at,
            next_update=arguments.next_update,
            components=tuple(arguments.component),
            template=arguments.template,
        )
        path, fields, template, context, note = prepare_update(space, request)
        if message is None:
            message = render_template(space, template, context)
            editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
            if arguments.edit or editor:
                message = _edit(message)
            else:
                from_template = (
                    f"The message comes from the '{template}' template: read it before you merge."
                )
                note = f"{note} {from_template}" if note else from_template
        written = write_update(space, path, fields, message)
    except AuthoringError as error:
        return _refuse(error)
    _report_written(space, written, note)
    return EXIT_OK


def run_postmortem(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald postmortem``: postmortem.md from its template."""
    space = workspace(settings, now)
    try:
        message = _given_message(arguments)
        written = new_postmortem(space, arguments.incident, message)
    except AuthoringError as error:
        return _refuse(error)
    _report_written(space, written, "" if message else "Fill in the report before you merge.")
    return EXIT_OK


def run_list(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald list``: what is open right now, and which promises are due."""
    site = load_or_report(settings, now)
    if site is None:
        return EXIT_PROBLEMS
    for line in open_items(site, now):
        _say(line)
    return EXIT_OK


def run_next_change(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald next-change``: when a scheduled rebuild next has something to publish."""
    site = load_or_report(settings, now)
    if site is None:
        return EXIT_PROBLEMS
    moment = next_change(site, now, settings.zone)
    print(f"next_change={'now' if moment is None else iso(moment)}")
    return EXIT_OK


def run_summary(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald summary``: the change between two versions of the content, for people."""
    after = load_or_report(settings, now)
    if after is None:
        return EXIT_PROBLEMS
    before_settings, problems = read_settings(Path(arguments.before) / settings_name(arguments))
    try:
        before = load(before_settings, now) if not problems else None
    except ContentError:
        before = None
    if before is None:
        print("The content before this change does not load; everything is shown as new.\n")
        before = StatusSite(catalog=after.catalog, incidents=())
    print(summarise_change(before, after, now), end="")
    return EXIT_OK


def settings_name(arguments: argparse.Namespace) -> str:
    return Path(arguments.config).name


def _notify_sites(settings: Settings) -> tuple[DigestSite, ApiSite]:
    layout = settings.layout
    if not settings.site_url:
        raise SettingsError("mkdocs.yml has no site_url: messages link to the status page")
    if not is_supported(settings.language):
        print(
            f"herald: theme.language '{settings.language}' has no translation (Herald has en"
            " and de); messages are in English",
            file=sys.stderr,
        )
    digest_site = DigestSite(
        settings.site_name,
        settings.site_url,
        layout.incident_url,
        unsubscribe=settings.unsubscribe,
        support_url=settings.support_url,
        translator=translator(settings.language),
    )
    return digest_site, ApiSite(
        settings.site_name, settings.site_url, settings.timezone, layout.incident_url
    )


def run_notify(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald notify``: deliver what is new, once, and record it."""
    site = load_or_report(settings, now)
    if site is None:
        return EXIT_PROBLEMS
    space = workspace(settings, now)
    try:
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
    except (SettingsError, LedgerError, AuthoringError) as error:
        _say(f"herald: {error}", sys.stderr)
        return EXIT_USAGE
    if not results:
        print("No channel is configured: set HERALD_SMTP_HOST or a HERALD_*_WEBHOOK_URL.")
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
    digest_site, api_site = _notify_sites(settings)
    ledger = Ledger.load(ledger_path)
    run = NotifyRun(
        site=site,
        now=now,
        digest_site=digest_site,
        api_site=api_site,
        render=functools.cache(MarkdownRenderer(["tables", "fenced_code"], images=False)),
        environ=os.environ,
        subscribers=subscribers,
        channels=frozenset(arguments.channel or CHANNELS),
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
    )

    def report(result: TargetResult) -> None:
        # At once, not at the end: a job killed at its time limit still shows how far it got.
        _say(result.describe(arguments.dry_run))
        sys.stdout.flush()

    try:
        return notify(run, ledger, report)
    finally:
        if not arguments.dry_run and ledger.changed:
            ledger.save()


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
    try:
        digest_site, _ = _notify_sites(settings)
        since = parse_moment(arguments.since, workspace(settings, now), "--since")
    except (SettingsError, AuthoringError) as error:
        _say(f"herald: {error}", sys.stderr)
        return EXIT_USAGE
    old = all_keys(site, now, posted_before=since)
    pending = pending_for(site, old.__contains__, now)
    if not pending:
        print(f"Nothing was posted since {since:%Y-%m-%d %H:%M} UTC.", file=sys.stderr)
        return EXIT_OK
    render = functools.cache(MarkdownRenderer(["tables", "fenced_code"], images=False))
    message = digest_message(
        digest_site,
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
        Path(arguments.out).write_bytes(data)
        _say(f"wrote {arguments.out}")
    return EXIT_OK


def _refuse(error: AuthoringError) -> int:
    _say(f"herald: {error}", sys.stderr)
    return EXIT_USAGE


def load_or_report(settings: Settings, now: datetime) -> StatusSite | None:
    """The site, or ``None`` after printing its problems."""
    try:
        return load(settings, now)
    except ContentError as error:
        _print_problems(error.problems, sys.stdout)
        return None


def load(settings: Settings, now: datetime) -> StatusSite:
    """Load the site the settings point at (raises ContentError)."""
    paths = ContentPaths(
        root=settings.root, components=settings.components, incidents=settings.incidents
    )
    return load_status_site(paths, now=now, zone=settings.zone)


def run_check(arguments: argparse.Namespace, settings: Settings, now: datetime) -> int:
    """``herald check``: validate everything, report every problem at once."""
    site = load_or_report(settings, now)
    if site is None:
        return EXIT_PROBLEMS
    unpublishable = page_problems(
        site,
        settings.layout,
        history_days=settings.history_days,
        config_name=settings_name(arguments),
    )
    if unpublishable:
        _print_problems(unpublishable, sys.stdout)
        return EXIT_PROBLEMS
    warnings = overdue_warnings(site, now, settings.stale_after)
    if (settings.subscribers or os.environ.get("HERALD_SUBSCRIBERS")) and not settings.unsubscribe:
        warnings.append(
            Problem(
                settings_name(arguments),
                1,
                "subscribers are set but the unsubscribe option is not: herald notify emails"
                " nobody until every digest can say how to stop them",
                "set unsubscribe to a mailto: address or an https: URL",
            )
        )
    for warning in warnings:
        print(f"{warning} [warning]")
    components = len(site.catalog.components)
    print(
        f"Checked {_count(components, 'component')} and"
        f" {_count(len(site.incidents), 'incident')}: no problems"
        f"{', ' + _count(len(warnings), 'warning') if warnings else ''}."
    )
    return EXIT_PROBLEMS if warnings and arguments.strict else EXIT_OK


def _say(text: str, stream: TextIO | None = None) -> None:
    """Print ``text`` so that no line of it can act on a terminal or a CI log."""
    for line in text.split("\n"):
        print(terminal_line(line), file=stream or sys.stdout)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _print_problems(problems: Sequence[Problem], stream: TextIO) -> None:
    for problem in problems:
        print(problem, file=stream)
    files = len({problem.path for problem in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    where = "file" if files == 1 else "files"
    print(f"Found {len(problems)} {noun} in {files} {where}; nothing was published.", file=stream)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
