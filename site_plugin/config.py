"""The ``herald`` plugin's options in ``mkdocs.yml``, validated by MkDocs' own config classes."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from .characters import terminal_line
from .options import (
    HISTORY_DAYS_RANGE,
    link_url_problem,
    repository_path_problem,
    text_setting_problem,
    unsubscribe_problem,
    url_layout_problem,
)
from .values import ValueProblem, parse_duration


class TimeZone(c.Type[str]):
    """An IANA time zone name such as ``Europe/Berlin``."""

    def __init__(self, default: str = "UTC") -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        name = super().run_validation(value)
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                f"unknown time zone '{name}' (use an IANA name such as Europe/Berlin)"
            ) from None
        return name


class UrlLayout(c.Type[str]):
    """A URL format string relative to the site root, ending in ``/``, with given fields."""

    def __init__(self, default: str, fields: tuple[str, ...]) -> None:
        super().__init__(str, default=default)
        self.fields = fields

    def run_validation(self, value: object) -> str:
        layout = super().run_validation(value)
        problem = url_layout_problem(layout, self.fields)
        if problem is not None:
            raise ValidationError(terminal_line(problem))
        return layout


class CheckedText(c.Type[str]):
    """Text that one of ``options.py``'s checks accepts."""

    def __init__(self, check: Callable[[str], str | None], default: str | None = None) -> None:
        super().__init__(str, default=default)
        self.check = check

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        problem = self.check(text)
        if problem is not None:
            raise ValidationError(terminal_line(problem))
        return text


class Count(c.Type[int]):
    """A whole number within bounds."""

    def __init__(self, default: int, low: int, high: int) -> None:
        super().__init__(int, default=default)
        self.low, self.high = low, high

    def run_validation(self, value: object) -> int:
        number = super().run_validation(value)
        if not self.low <= number <= self.high:
            raise ValidationError(f"{number} is not between {self.low} and {self.high}")
        return number


class Duration(c.Type[str]):
    """A duration such as ``45m`` or ``2h``."""

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        try:
            parse_duration(text)
        except ValueProblem as problem:
            raise ValidationError(f"{problem.message} ({problem.fix})") from None
        return text


class HeraldConfig(base.Config):  # type: ignore[no-untyped-call]
    """Options of the ``herald`` plugin."""

    components = CheckedText(repository_path_problem, default="components.yml")
    """The components file, relative to ``mkdocs.yml``."""

    incidents = CheckedText(repository_path_problem, default="incidents")
    """The incidents folder, relative to ``mkdocs.yml``."""

    message_templates = CheckedText(repository_path_problem, default="templates")
    """A folder of the team's own message templates (``<name>.md``) for ``herald new`` and
    ``herald update``; Herald's own are used for names it does not have."""

    stale_after = Duration(str, default="1h")
    """``herald check`` warns when an open incident has had no update for longer than this
    and promises none (a duration such as 45m or 2h)."""

    timezone = TimeZone()
    """Zone for timestamps written without an offset, and for the days of the history."""

    history_days = Count(90, *HISTORY_DAYS_RANGE)
    """How many days of bars the status page and component pages show."""

    recent_days = Count(7, 1, 90)
    """How many days of incidents the status page lists, day by day."""

    incident_url = UrlLayout("incidents/{id}/", ("id",))
    """Where each incident's page lives; ``{id}`` is the folder name. Never change it
    once published: links in feeds and emails point there."""

    component_url = UrlLayout("components/{id}/", ("id",))
    """Where each component's page lives."""

    history_url = UrlLayout("history/", ())
    """The history index."""

    history_month_url = UrlLayout("history/{year}-{month:02d}/", ("year", "month"))
    """One page per month of history."""

    feed_size = Count(50, 1, 1000)
    """How many of the most recently updated incidents each feed holds."""

    home_title = c.Optional(CheckedText(text_setting_problem))
    """Title of the status page; unset: "Current status" in the site's language."""

    history_title = c.Optional(CheckedText(text_setting_problem))
    """Title of the history pages; unset: "Incident history" in the site's language."""

    support_url = c.Optional(CheckedText(link_url_problem))
    """Where customers can get help or send feedback; linked on every page."""

    support_label = c.Optional(CheckedText(text_setting_problem))
    """The text of the support link; unset: "Contact support" in the site's language."""

    email_mode = c.Choice(("immediate", "daily"), default="immediate")
    """``immediate``: every ``herald notify`` emails what is new; ``daily``: only the daily
    run (``herald notify --daily``) does, as one digest. Chat and webhooks are immediate."""

    unsubscribe = c.Optional(CheckedText(unsubscribe_problem))
    """A mailto: or https: address for the List-Unsubscribe header and the email footer."""

    subscribers = c.Optional(CheckedText(repository_path_problem))
    """A YAML file of subscribers (address: all, or address: [component ids]); the
    HERALD_SUBSCRIBERS environment variable, holding the same YAML, takes precedence."""

    ledger = CheckedText(repository_path_problem, default=".herald-ledger/ledger.json")
    """Where ``herald notify`` records what each channel has received."""

    web_fonts = c.Type(bool, default=False)
    """Let the theme load web fonts from a third-party host (off: no third-party requests)."""

    inline_theme_styles = c.Type(bool, default=True)
    """On Herald's pages, inline the part of the theme's stylesheets the page uses and
    load the theme's stylesheets and script only when the reader opens search, so that
    nothing blocks the first paint (off: the theme loads them as on any other page)."""
