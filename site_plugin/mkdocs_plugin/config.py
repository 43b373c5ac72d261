"""The ``herald`` plugin's options as MkDocs reads them: the one schema (``schema.py``)
in MkDocs' own config classes, so MkDocs reports a problem as it reports its own."""

from __future__ import annotations

from datetime import date
from typing import Any, Generic, TypeVar

from mkdocs.config import base
from mkdocs.config.base import ValidationError

from ..characters import terminal_line
from ..schema import OPTION, Option, OptionProblem

T = TypeVar("T")


class SchemaOption(Generic[T], base.BaseConfigOption[T]):
    """One option of the schema: its default, its parser, its words for a problem."""

    def __init__(self, option: Option) -> None:
        super().__init__()
        self.option = option
        self.default = option.default

    def run_validation(self, value: object) -> Any:
        if value is None:
            return self.option.default
        try:
            return self.option.parse(value)
        except OptionProblem as problem:
            raise ValidationError(terminal_line(str(problem))) from None


class HeraldConfig(base.Config):  # type: ignore[no-untyped-call]
    """Options of the ``herald`` plugin (what each means: ``schema.OPTIONS``)."""

    components = SchemaOption[str](OPTION["components"])
    incidents = SchemaOption[str](OPTION["incidents"])
    message_templates = SchemaOption[str](OPTION["message_templates"])
    stale_after = SchemaOption[str](OPTION["stale_after"])
    page_stale_after = SchemaOption[str](OPTION["page_stale_after"])
    timezone = SchemaOption[str](OPTION["timezone"])
    history_start = SchemaOption[date | None](OPTION["history_start"])
    history_days = SchemaOption[int](OPTION["history_days"])
    recent_days = SchemaOption[int](OPTION["recent_days"])
    incident_url = SchemaOption[str](OPTION["incident_url"])
    component_url = SchemaOption[str](OPTION["component_url"])
    history_url = SchemaOption[str](OPTION["history_url"])
    history_month_url = SchemaOption[str](OPTION["history_month_url"])
    maintenance_reminders = SchemaOption[list[str]](OPTION["maintenance_reminders"])
    announce_ahead = SchemaOption[str](OPTION["announce_ahead"])
    feed_size = SchemaOption[int](OPTION["feed_size"])
    home_title = SchemaOption[str | None](OPTION["home_title"])
    history_title = SchemaOption[str | None](OPTION["history_title"])
    support_url = SchemaOption[str | None](OPTION["support_url"])
    support_label = SchemaOption[str | None](OPTION["support_label"])
    subscribe_email = SchemaOption[str | None](OPTION["subscribe_email"])
    email_mode = SchemaOption[str](OPTION["email_mode"])
    unsubscribe = SchemaOption[str | None](OPTION["unsubscribe"])
    subscribers = SchemaOption[str | None](OPTION["subscribers"])
    ledger = SchemaOption[str](OPTION["ledger"])
    probe_results = SchemaOption[str](OPTION["probe_results"])
    probe_failures = SchemaOption[int](OPTION["probe_failures"])
    probe_recoveries = SchemaOption[int](OPTION["probe_recoveries"])
    publish_first_update = SchemaOption[bool](OPTION["publish_first_update"])
    web_fonts = SchemaOption[bool](OPTION["web_fonts"])
    inline_theme_styles = SchemaOption[bool](OPTION["inline_theme_styles"])
