"""The ``herald`` command line: check, write and send a Herald status site's content.

Each command lives in its own module, imported only when it runs: ``herald check`` does
not pay for the email, Markdown and template machinery that ``herald notify`` needs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..clock import build_time
from ..content.model import Impact, IncidentKind, UpdateStatus
from ..errors import ContentError, HeraldError
from .common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, print_problems, say

__all__ = ["EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "main"]

HANDLERS = {
    "run_check": ("check", "run"),
    "run_new": ("posting", "run_new"),
    "run_update": ("posting", "run_update"),
    "run_resolve": ("posting", "run_resolve"),
    "run_postmortem": ("posting", "run_postmortem"),
    "run_next_change": ("reading", "run_next_change"),
    "run_list": ("reading", "run_list"),
    "run_notify": ("sending", "run_notify"),
    "run_digest": ("sending", "run_digest"),
    "run_summary": ("reading", "run_summary"),
    "run_init": ("init", "run_init"),
    "run_probe": ("monitoring", "run_probe"),
    "run_draft": ("monitoring", "run_draft"),
    "run_relay": ("alerting", "run_relay"),
}
"""Each command's function, by the name the parser gives it: (module, function)."""

WITHOUT_SITE = frozenset({"run_init", "run_relay"})
"""Commands that make a site rather than read one: they get only their arguments."""

DEFAULT_CONFIG = "mkdocs.yml"
"""The site's settings file when no --config is given: the one in the current folder."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``herald`` command line; returns the exit code."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    config_file = Path(arguments.config)
    site_needed = arguments.handler not in WITHOUT_SITE
    if site_needed and arguments.config != DEFAULT_CONFIG and not config_file.is_file():
        say(f"herald: {config_file} not found (pass the site's mkdocs.yml)", sys.stderr)
        return EXIT_USAGE
    # The one handler: every Herald error says what is wrong and exits with its own code.
    try:
        module, function = HANDLERS[arguments.handler]
        command = getattr(importlib.import_module(f".{module}", __name__), function)
        if not site_needed:
            return int(command(arguments))
        # Imported once a command runs: ``herald --help`` needs no YAML.
        from .settings import read_settings

        now = build_time()
        settings, problems = read_settings(config_file)
        if problems:
            raise ContentError(problems)
        return int(command(arguments, settings, now))
    except ContentError as error:
        print_problems(error.problems, sys.stdout)
        return error.exit_code
    except HeraldError as error:
        say(f"herald: {error}", sys.stderr)
        return error.exit_code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="herald",
        description="Status pages as code: check and write incidents for a Herald status site.",
    )
    parser.add_argument("--version", action="version", version=f"herald {__version__}")
    _add_config_option(parser, default=DEFAULT_CONFIG)
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
    check.set_defaults(handler="run_check")

    new = commands.add_parser(
        "new",
        help="start an incident, maintenance or notice with its first update",
        description="Create incidents/<date>-<slug>/index.md and a first update written from"
        " a message template, then print the files written.",
    )
    new.add_argument("title", help="what customers see, e.g. 'Elevated API errors'")
    new.add_argument(
        "--kind",
        choices=[k.value for k in IncidentKind],
        default="incident",
        help="what it is (default: %(default)s)",
    )
    new.add_argument(
        "--impact",
        choices=[i.value for i in Impact],
        help="how bad, for an incident (default: from the components' statuses)",
    )
    _add_update_options(new, status_required=False)
    new.add_argument("--start", help="maintenance window start: a time, or +2d from now")
    new.add_argument("--end", help="maintenance window end: a time, or +2d2h from now")
    new.add_argument("--id", dest="incident_id", help="folder name (default: <date>-<slug>)")
    new.set_defaults(handler="run_new")

    update = commands.add_parser(
        "update",
        help="post an update to an open incident",
        description="Add one update file to an incident. Without -m the message opens in"
        " $EDITOR, prefilled from the template for the status (or is taken from the template"
        " when no editor is set).",
    )
    update.add_argument("incident", help="folder, id, or the unique beginning of an id")
    _add_update_options(update, status_required=True)
    update.set_defaults(handler="run_update")

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
    resolve.set_defaults(handler="run_resolve")

    report = commands.add_parser(
        "postmortem",
        help="start the post-incident report of an incident",
        description="Write postmortem.md beside the updates from the postmortem template:"
        " what happened, why, and what changes so it does not happen again.",
    )
    report.add_argument("incident", help="folder, id, or the unique beginning of an id")
    _add_message_options(report)
    report.set_defaults(handler="run_postmortem")

    upcoming = commands.add_parser(
        "next-change",
        help="say when the published site next changes without a new commit",
        description="Print next_change=<time> (UTC): the first moment after now at which the"
        " site would read differently with no new commit (a window starting or ending, a"
        " promise falling due, midnight), or next_change=now while an incident is open or"
        " maintenance is under way. The publish workflow skips scheduled rebuilds before it.",
    )
    upcoming.set_defaults(handler="run_next_change")

    listing = commands.add_parser(
        "list",
        help="show open incidents, maintenance and overdue promises",
        description="Print what is open right now: incidents with their status, impact and"
        " when they began, maintenance in progress and upcoming, open notices, and when each"
        " promised update is due or how long it is overdue. Writes nothing.",
    )
    listing.set_defaults(handler="run_list")

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
        metavar="CHANNEL",
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
    notifying.set_defaults(handler="run_notify")

    digesting = commands.add_parser(
        "digest",
        help="render the email digest without sending it",
        description="Write the digest of recent updates (all components) as an .eml file,"
        " or its HTML part with --html.",
    )
    digesting.add_argument("--since", default="-24h", help="updates from this time (default -24h)")
    digesting.add_argument("--out", default="-", help="file to write (default: standard output)")
    digesting.add_argument("--html", action="store_true", help="write only the HTML part")
    digesting.set_defaults(handler="run_digest")

    summary = commands.add_parser(
        "summary",
        help="say in plain words what a change will show customers (Markdown)",
        description="Compare this content with the same site before the change (for a pull"
        " request: a checkout of its base) and print what customers will see differently.",
    )
    summary.add_argument(
        "--before", required=True, metavar="FOLDER", help="the site's folder before the change"
    )
    summary.set_defaults(handler="run_summary")

    probing = commands.add_parser(
        "probe",
        help="run every component's probe once and record the results",
        description="Request each probe of components.yml (concurrently), record the results"
        " in the probe_results folder and print them. With --draft, a component failing"
        " probe_failures probes in a row gets a draft incident in a draft pull request, or"
        " joins the one already open; recovery is commented there. Needs HERALD_GITHUB_TOKEN"
        " and GITHUB_REPOSITORY, which the probe workflow sets.",
    )
    probing.add_argument(
        "--draft", action="store_true", help="draft incidents for failing components"
    )
    probing.add_argument(
        "--concurrency",
        type=_concurrency,
        default=8,
        metavar="N",
        help="probes at once, 1 to 64 (default: %(default)s)",
    )
    _add_base_option(probing)
    probing.set_defaults(handler="run_probe")

    drafting = commands.add_parser(
        "draft",
        help="draft an incident from an alert webhook's payload (Alertmanager, Grafana)",
        description="Read an alert notification (the client_payload of a herald-alert"
        " repository_dispatch, or with --from the JSON Alertmanager or Grafana posts), match"
        " its labels to"
        " the components' alerts: in components.yml, and draft the incident as herald"
        " probe --draft does; resolved alerts add the recovery comment.",
    )
    drafting.add_argument(
        "--from",
        dest="source",
        choices=["alertmanager", "grafana"],
        help="the sender, for its own payload as it posts it (default: read the"
        " repository_dispatch wrapper, which names it)",
    )
    drafting.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="payloads, read in this order (- for standard input); a file whose name the"
        " outage record lists as read is skipped",
    )
    _add_base_option(drafting)
    drafting.set_defaults(handler="run_draft")

    initialising = commands.add_parser(
        "init",
        help="start a status repository for your own site (or upgrade its workflows)",
        description="Write a complete status repository into DIR: mkdocs.yml, components.yml,"
        " incidents/, docs/, the check, publish and post-update workflows and a README for"
        " the team. Nothing is overwritten: what is in the way is listed and nothing is"
        " written. With --upgrade, rewrite an existing repository's workflows to this"
        " version's and print what changed.",
    )
    initialising.add_argument(
        "directory", nargs="?", default=".", metavar="DIR", help="where (default: here)"
    )
    initialising.add_argument("--name", help="the site's name, e.g. 'Acme status'")
    initialising.add_argument(
        "--url", help="where the site will live, e.g. https://status.acme.example/"
    )
    initialising.add_argument(
        "--component",
        action="append",
        default=[],
        metavar="ID=NAME",
        help="a component customers depend on; GROUP/ID=NAME puts it in a group; repeat for more"
        " (default: one called Website)",
    )
    initialising.add_argument(
        "--group", action="append", default=[], metavar="ID=NAME", help="a group's name"
    )
    # Written out rather than read from present.i18n, which would load Babel for every
    # command; a test keeps it equal to the languages Herald has.
    initialising.add_argument(
        "--language", default="en", help="en, de, fr, es, pt_BR or ja (default: en)"
    )
    initialising.add_argument("--timezone", default="UTC", help="IANA zone (default: UTC)")
    initialising.add_argument("--support-url", help="where customers get help")
    initialising.add_argument(
        "--upgrade",
        action="store_true",
        help="rewrite DIR's workflows to this version's (content is left alone)",
    )
    initialising.set_defaults(handler="run_init")

    relaying = commands.add_parser(
        "relay-alerts",
        help="forward Alertmanager's alerts to GitHub as herald-alert dispatch events",
        description="Take Alertmanager's webhook POSTs and forward each to GitHub's"
        " repository_dispatch API as a herald-alert event, answering Alertmanager only once"
        " GitHub has taken it (else 5xx, so it retries). The token comes from"
        " HERALD_GITHUB_TOKEN, GitHub's address from GITHUB_API_URL; with HERALD_RELAY_TOKEN"
        " set, every POST must carry it as its bearer token. Runs until SIGTERM or SIGINT.",
    )
    relaying.add_argument(
        "--listen",
        default="127.0.0.1:9095",
        metavar="HOST:PORT",
        help="where Alertmanager posts to (default: %(default)s)",
    )
    relaying.add_argument(
        "--repository",
        required=True,
        metavar="OWNER/NAME",
        help="the status repository the events go to",
    )
    relaying.set_defaults(handler="run_relay")

    # ``herald check --config FILE`` as well as ``herald --config FILE check``: after the
    # command the option has no default, so it never undoes a value given before it.
    for command in commands.choices.values():
        if command.get_default("handler") not in WITHOUT_SITE:
            _add_config_option(command, default=argparse.SUPPRESS)
    return parser


def _concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("give 1 to 64")
    return value


def _add_base_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base",
        metavar="BRANCH",
        help="the branch drafts are proposed to (default: GITHUB_REF_NAME, else main)",
    )


def _add_config_option(parser: argparse.ArgumentParser, *, default: str) -> None:
    parser.add_argument(
        "-f",
        "--config",
        default=default,
        metavar="FILE",
        help="the site's mkdocs.yml; content paths are relative to its folder"
        f" (default: {DEFAULT_CONFIG})",
    )


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
    parser.add_argument(
        "--next",
        dest="next_update",
        metavar="WHEN",
        help="when the next update is promised: 30m or 1h after this one, a time such as"
        " 2026-11-20T14:40Z, or none",
    )
    parser.add_argument("--at", default="now", help="when: now (default), -15m or a time")
    _add_message_options(parser)
