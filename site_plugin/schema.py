"""The ``herald`` plugin's options in ``mkdocs.yml``: one schema for the plugin and every command.

Each option has a name, a default and a parser that turns what ``mkdocs.yml`` holds into
the value Herald uses, or says in words what is wrong (``OptionProblem``). The MkDocs
plugin wraps these parsers in MkDocs' config classes (``config.py``); the commands run
them directly (``settings.py``), without starting MkDocs. So ``mkdocs build`` and
``herald check`` accept and refuse the same options with the same words.

No MkDocs here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .options import (
    HISTORY_DAYS_RANGE,
    link_url_problem,
    repository_path_problem,
    subscribe_email_problem,
    text_setting_problem,
    unsubscribe_problem,
    url_layout_problem,
)
from .problems import did_you_mean
from .values import ValueProblem, parse_duration

OPTION_FIX = "fix it in mkdocs.yml"
PAGE_STALE_AFTER = "30m"
"""How old a page may be, by the reader's clock, before it says it may be out of date."""


class OptionProblem(Exception):
    """What is wrong with one option's value, and how to fix it, in words."""

    def __init__(self, message: str, fix: str = OPTION_FIX) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return self.message if self.fix == OPTION_FIX else f"{self.message} ({self.fix})"


Parse = Callable[[object], Any]


@dataclass(frozen=True)
class Option:
    """One option: its name in ``mkdocs.yml``, its default and how its value is read."""

    name: str
    default: Any
    parse: Parse
    help: str


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "text"
    if isinstance(value, date | datetime):
        return "a date"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, set):
        return "a set"
    return "a value of another kind"


def text(check: Callable[[str], str | None] | None = None) -> Parse:
    def parse(value: object) -> str:
        if not isinstance(value, str):
            raise OptionProblem(f"expected text, not {_kind(value)}")
        problem = check(value) if check is not None else None
        if problem is not None:
            raise OptionProblem(problem)
        return value

    return parse


def count(low: int, high: int) -> Parse:
    def parse(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise OptionProblem(f"expected a whole number, not {_kind(value)}")
        if not low <= value <= high:
            raise OptionProblem(f"{value} is not between {low} and {high}")
        return value

    return parse


def flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise OptionProblem(f"expected true or false, not {_kind(value)}")
    return value


def choice(*choices: str) -> Parse:
    def parse(value: object) -> str:
        if value not in choices:
            shown = value if isinstance(value, str) else _kind(value)
            raise OptionProblem(f"'{shown}' is not one of {', '.join(choices)}")
        return str(value)

    return parse


def duration(value: object) -> str:
    written: str = text()(value)
    try:
        parse_duration(written)
    except ValueProblem as problem:
        raise OptionProblem(problem.message, problem.fix) from None
    return written


def duration_or_default(default: str) -> Parse:
    """A duration, where empty text means the default (as unset does)."""

    def parse(value: object) -> str:
        if isinstance(value, str) and not value.strip():
            return default
        return duration(value)

    return parse


def durations(value: object) -> list[str]:
    """A list of durations (``[24h, 1h]``); an empty list means none."""
    if not isinstance(value, list):
        raise OptionProblem(f"expected a list of durations such as [24h, 1h], not {_kind(value)}")
    return [duration(item) for item in value]


def zone(value: object) -> str:
    name: str = text()(value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder of zones
        hint = did_you_mean(
            name, sorted(available_timezones()), "use an IANA name such as Europe/Berlin"
        )
        raise OptionProblem(f"unknown time zone '{name}'", hint) from None
    return name


def day(value: object) -> date:
    """A calendar day, written ``2026-12-01``."""
    if isinstance(value, datetime):
        raise OptionProblem("expected a day such as 2026-12-01, not a time")
    if isinstance(value, date):
        return value
    written: str = text()(value)
    try:
        if len(written) != 10:
            raise ValueError
        return date.fromisoformat(written)
    except ValueError:
        raise OptionProblem(f"'{written}' is not a day", "write it as 2026-12-01") from None


def layout(*fields: str) -> Parse:
    def check(value: str) -> str | None:
        return url_layout_problem(value, fields)

    return text(check)


OPTIONS = (
    Option("components", "components.yml", text(repository_path_problem),
           "The components file, relative to mkdocs.yml."),
    Option("incidents", "incidents", text(repository_path_problem),
           "The incidents folder, relative to mkdocs.yml."),
    Option("message_templates", "templates", text(repository_path_problem),
           "A folder of the team's own message templates (<name>.md) for herald new and"
           " herald update; Herald's own are used for names it does not have."),
    Option("stale_after", "1h", duration,
           "herald check warns when an open incident has had no update for longer than"
           " this and promises none (a duration such as 45m or 2h)."),
    Option("page_stale_after", PAGE_STALE_AFTER, duration_or_default(PAGE_STALE_AFTER),
           "With JavaScript on, a page older than this (by the reader's clock) says that it"
           " may be out of date (a duration such as 30m or 2h; empty: the default)."),
    Option("timezone", "UTC", zone,
           "Zone for timestamps written without an offset, and for the days of the history."),
    Option("history_start", None, day,
           "The day the status page started (herald init sets it): no bars or uptime are"
           " shown before it. A component's own since: still wins."),
    Option("history_days", 90, count(*HISTORY_DAYS_RANGE),
           "How many days of bars the status page and component pages show."),
    Option("recent_days", 7, count(1, 90),
           "How many days of incidents the status page lists, day by day."),
    Option("incident_url", "incidents/{id}/", layout("id"),
           "Where each incident's page lives; {id} is the folder name. Never change it"
           " once published: links in feeds and emails point there."),
    Option("component_url", "components/{id}/", layout("id"),
           "Where each component's page lives."),
    Option("history_url", "history/", layout(), "The history index."),
    Option("history_month_url", "history/{year}-{month:02d}/", layout("year", "month"),
           "One page per month of history."),
    Option("maintenance_reminders", ["24h", "1h"], durations,
           "herald notify reminds every channel this long before a maintenance window"
           " starts (none when the maintenance was announced later; [] for none)."),
    Option("announce_ahead", "72h", duration,
           "herald check warns when a maintenance is announced less than this long before"
           " its window."),
    Option("feed_size", 50, count(1, 1000),
           "How many of the most recently updated incidents each feed holds."),
    Option("home_title", None, text(text_setting_problem),
           'Title of the status page; unset: "Current status" in the site\'s language.'),
    Option("history_title", None, text(text_setting_problem),
           'Title of the history pages; unset: "Incident history" in the site\'s language.'),
    Option("support_url", None, text(link_url_problem),
           "Where customers can get help or send feedback; linked on every page."),
    Option("support_label", None, text(text_setting_problem),
           'The text of the support link; unset: "Contact support" in the site\'s language.'),
    Option("subscribe_email", None, text(subscribe_email_problem),
           'Where readers sign up for email updates (a mailing list\'s mailto: subscribe'
           ' address or an https: sign-up page): a "Subscribe by email" link beside the'
           " feeds. A component or group sets its own with subscribe_email in"
           " components.yml."),
    Option("email_mode", "immediate", choice("immediate", "daily"),
           "immediate: every herald notify emails what is new; daily: only the daily run"
           " (herald notify --daily) does, as one digest. Chat and webhooks are immediate."),
    Option("unsubscribe", None, text(unsubscribe_problem),
           "A mailto: or https: address for the List-Unsubscribe header and the email footer."),
    Option("subscribers", None, text(repository_path_problem),
           "A YAML file of subscribers (address: all, or address: [component ids]); the"
           " HERALD_SUBSCRIBERS environment variable, holding the same YAML, takes precedence."),
    Option("ledger", ".herald-ledger/ledger.json", text(repository_path_problem),
           "Where herald notify records what each channel has received."),
    Option("probe_results", ".herald-probes", text(repository_path_problem),
           "The folder of probe results and the outage record (herald probe keeps it on its"
           " own branch): component pages show measured response times from it."),
    Option("probe_failures", 3, count(1, 100),
           "herald probe drafts an incident once a component fails this many probes in a"
           " row."),
    Option("probe_recoveries", 2, count(1, 100),
           "A drafted outage is over once each of its components passes this many probes"
           " in a row."),
    Option("publish_first_update", False, flag,
           "Off: probes and alerts open a draft pull request and a person publishes it. On:"
           " the first \"investigating\" update is pushed to the default branch at once."),
    Option("web_fonts", False, flag,
           "Let the theme load web fonts from a third-party host (off: no third-party requests)."),
    Option("inline_theme_styles", True, flag,
           "On Herald's pages, inline the part of the theme's stylesheets the page uses and"
           " load the theme's stylesheets and script only when the reader opens search, so"
           " that nothing blocks the first paint (off: the theme loads them as on any other"
           " page)."),
)  # fmt: skip
OPTION = {option.name: option for option in OPTIONS}


def default(name: str) -> Any:
    """The default of one option: what every reader of the options starts from."""
    return OPTION[name].default


def read_options(
    raw: Mapping[str, object],
) -> tuple[dict[str, Any], list[tuple[str, OptionProblem]]]:
    """Every option's value (defaults for those not given), and what is wrong.

    Returns:
        The values by name, and the problems by option name. An option with a problem
        keeps its default, so that the rest can still be checked.
    """
    values = {option.name: option.default for option in OPTIONS}
    problems: list[tuple[str, OptionProblem]] = []
    for name, value in raw.items():
        option = OPTION.get(str(name))
        if option is None:
            hint = did_you_mean(name, OPTION, "see the README for the options")
            problems.append((str(name), OptionProblem("is not a herald option", hint)))
            continue
        if value is None:
            continue  # as MkDocs reads it: unset, so the default (None for the optional)
        try:
            values[option.name] = option.parse(value)
        except OptionProblem as problem:
            problems.append((option.name, problem))
    return values, problems
