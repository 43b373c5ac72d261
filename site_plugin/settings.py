"""The plugin's settings as the command line reads them from ``mkdocs.yml``.

The MkDocs plugin validates the same options with MkDocs' own config classes
(``config.py``); the commands read them here without starting MkDocs, so that
``herald check`` is fast and works where MkDocs is not the site generator.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml

from .options import (
    HISTORY_DAYS_RANGE,
    link_url_problem,
    repository_path_problem,
    site_name_problem,
    site_url_problem,
    text_setting_problem,
    unsubscribe_problem,
    url_layout_problem,
)
from .problems import Problem
from .urls import UrlLayout
from .values import ValueProblem, parse_duration

PLUGIN_NAME = "herald"


@dataclass(frozen=True)
class Settings:
    """What the commands need from the plugin's options.

    Attributes:
        root: The folder holding ``mkdocs.yml``; content paths are relative to it.
        components: The components file.
        incidents: The incidents folder.
        timezone: The zone for naive timestamps and for day boundaries in history.
        language: ``theme.language``: the language of the digest and chat messages.
    """

    root: Path
    components: str = "components.yml"
    incidents: str = "incidents"
    timezone: str = "UTC"
    message_templates: str = "templates"
    stale_after: timedelta = timedelta(hours=1)
    site_name: str = "Status"
    site_url: str = ""
    support_url: str | None = None
    unsubscribe: str | None = None
    email_mode: str = "immediate"
    subscribers: str | None = None
    ledger: str = ".herald-ledger/ledger.json"
    language: str = "en"
    layout: UrlLayout = field(default_factory=UrlLayout)
    history_days: int = 90

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class _PermissiveLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running its tags (``!ENV``, ``!!python/name:``)."""


def _ignore_tag(loader: _PermissiveLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return None


def _environment_tag(loader: _PermissiveLoader, node: yaml.Node) -> Any:
    """``!ENV NAME`` or ``!ENV [NAME, OTHER, default]``, as MkDocs reads it."""
    if isinstance(node, yaml.ScalarNode):
        return os.environ.get(str(loader.construct_scalar(node)))
    if isinstance(node, yaml.SequenceNode):
        names = [loader.construct_object(item) for item in node.value]
        for name in names[:-1]:
            if isinstance(name, str) and name in os.environ:
                return os.environ[name]
        return names[-1] if names else None
    return None


_PermissiveLoader.add_multi_constructor("", _ignore_tag)
_PermissiveLoader.add_constructor("!ENV", _environment_tag)


def read_settings(config_file: Path) -> tuple[Settings, list[Problem]]:
    """Read the ``herald`` plugin's options from ``mkdocs.yml``.

    A missing file gives the defaults, rooted at the file's folder.

    Returns:
        The settings, and the problems found in them (empty when they are usable).
    """
    root = config_file.parent
    name = config_file.name
    if not config_file.is_file():
        return Settings(root=root), []
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_PermissiveLoader)
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as error:
        return Settings(root=root), [Problem(name, 1, f"cannot be read: {error}", "fix its YAML")]
    options = {key: value for key, value in _plugin_options(config).items() if value is not None}
    settings = Settings(
        root=root,
        components=str(options.get("components", Settings.components)),
        incidents=str(options.get("incidents", Settings.incidents)),
        timezone=str(options.get("timezone", Settings.timezone)),
        message_templates=str(options.get("message_templates", Settings.message_templates)),
        site_name=str(config.get("site_name") or Settings.site_name)
        if isinstance(config, dict)
        else Settings.site_name,
        site_url=str(config.get("site_url") or "") if isinstance(config, dict) else "",
        support_url=_optional_text(options.get("support_url")),
        unsubscribe=_optional_text(options.get("unsubscribe")),
        email_mode=str(options.get("email_mode", Settings.email_mode)),
        subscribers=_optional_text(options.get("subscribers")),
        ledger=str(options.get("ledger", Settings.ledger)),
        language=_theme_language(config),
    )
    problems = [
        Problem(name, 1, f"{option}: {problem}", SETTING_FIX)
        for option, value, check in (
            ("site_name", settings.site_name, site_name_problem),
            ("site_url", settings.site_url, site_url_problem),
            ("components", settings.components, repository_path_problem),
            ("incidents", settings.incidents, repository_path_problem),
            ("message_templates", settings.message_templates, repository_path_problem),
            ("ledger", settings.ledger, repository_path_problem),
            ("subscribers", settings.subscribers, repository_path_problem),
            ("support_url", settings.support_url, link_url_problem),
            ("unsubscribe", settings.unsubscribe, unsubscribe_problem),
            *(
                (option, _optional_text(options.get(option)), text_setting_problem)
                for option in ("home_title", "history_title", "support_label")
            ),
        )
        if value and (problem := check(value)) is not None
    ]
    layouts = {}
    for option, fields in _LAYOUT_FIELDS.items():
        layout = str(options.get(option, _LAYOUT_DEFAULTS[option]))
        problem = url_layout_problem(layout, fields)
        if problem is not None:
            problems.append(Problem(name, 1, f"{option}: {problem}", SETTING_FIX))
        else:
            layouts[option.removesuffix("_url")] = layout
    settings = replace(settings, layout=UrlLayout(**layouts))
    days = options.get("history_days", Settings.history_days)
    low, high = HISTORY_DAYS_RANGE
    if isinstance(days, int) and not isinstance(days, bool) and low <= days <= high:
        settings = replace(settings, history_days=days)
    else:
        problems.append(
            Problem(name, 1, f"history_days: {days!r} is not between {low} and {high}", SETTING_FIX)
        )
    if "stale_after" in options:
        try:
            settings = replace(settings, stale_after=parse_duration(options["stale_after"]))
        except ValueProblem as problem:
            problems.append(Problem(name, 1, f"stale_after: {problem.message}", problem.fix))
    if settings.email_mode not in ("immediate", "daily"):
        problems.append(
            Problem(name, 1, f"email_mode: '{settings.email_mode}'", "use immediate or daily")
        )
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(settings.timezone, sorted(available_timezones()), n=1)
        fix = f"did you mean '{close[0]}'?" if close else "use an IANA name such as Europe/Berlin"
        problems.append(Problem(name, 1, f"unknown time zone '{settings.timezone}'", fix))
    return settings, problems


SETTING_FIX = "fix it in mkdocs.yml"
_LAYOUT_FIELDS: dict[str, tuple[str, ...]] = {
    "incident_url": ("id",),
    "component_url": ("id",),
    "history_url": (),
    "history_month_url": ("year", "month"),
}
_LAYOUT_DEFAULTS = {
    "incident_url": UrlLayout.incident,
    "component_url": UrlLayout.component,
    "history_url": UrlLayout.history,
    "history_month_url": UrlLayout.history_month,
}


def _theme_language(config: object) -> str:
    """``theme.language`` as Material reads it (``en`` when unset or not a mapping)."""
    theme = config.get("theme") if isinstance(config, dict) else None
    language = theme.get("language") if isinstance(theme, dict) else None
    return str(language) if language else Settings.language


def _optional_text(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def _plugin_options(config: object) -> dict[str, Any]:
    if not isinstance(config, dict):
        return {}
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):
        options = plugins.get(PLUGIN_NAME)
        return options if isinstance(options, dict) else {}
    for plugin in plugins if isinstance(plugins, list) else []:
        if isinstance(plugin, dict) and PLUGIN_NAME in plugin:
            options = plugin[PLUGIN_NAME]
            return options if isinstance(options, dict) else {}
    return {}
