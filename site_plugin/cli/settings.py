"""The plugin's settings as the command line reads them from ``mkdocs.yml``.

The options are the one schema (``schema.py``) that the MkDocs plugin reads too
(``config.py``); the commands read them here without starting MkDocs, so that
``herald check`` is fast, and it refuses what ``mkdocs build`` refuses, on the option's
own line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import yaml
from yaml_env_tag import construct_env_tag  # type: ignore[import-untyped]

from ..options import site_name_problem, site_url_problem
from ..present.urls import UrlLayout
from ..problems import Problem
from ..schema import default, read_options
from ..values import parse_duration

if TYPE_CHECKING:
    from ..present.context import SiteContext

PLUGIN_NAME = "herald"


_STALE_AFTER = parse_duration(default("stale_after"))
_REMINDERS = tuple(parse_duration(lead) for lead in default("maintenance_reminders"))
_ANNOUNCE_AHEAD = parse_duration(default("announce_ahead"))


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
    components: str = default("components")
    incidents: str = default("incidents")
    timezone: str = default("timezone")
    message_templates: str = default("message_templates")
    stale_after: timedelta = _STALE_AFTER
    site_name: str = "Status"
    site_url: str = ""
    support_url: str | None = None
    unsubscribe: str | None = None
    subscribe_email: str | None = None
    email_mode: str = default("email_mode")
    subscribers: str | None = None
    ledger: str = default("ledger")
    probe_results: str = default("probe_results")
    """The folder of probe results, relative to ``root``."""
    probe_failures: int = default("probe_failures")
    probe_recoveries: int = default("probe_recoveries")
    publish_first_update: bool = default("publish_first_update")
    docs_dir: str | None = None
    """MkDocs' ``docs_dir`` (default ``docs``) when the site has a ``mkdocs.yml``."""
    language: str = "en"
    layout: UrlLayout = field(default_factory=UrlLayout)
    history_days: int = default("history_days")
    maintenance_reminders: tuple[timedelta, ...] = _REMINDERS
    announce_ahead: timedelta = _ANNOUNCE_AHEAD

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def site_context(self) -> SiteContext:
        """The site as the digest and every channel present it."""
        # Imported here: the translator loads Babel, which ``herald check`` never needs.
        from ..present.context import SiteContext
        from ..present.i18n import translator

        return SiteContext(
            name=self.site_name,
            url=self.site_url,
            layout=self.layout,
            translator=translator(self.language),
            timezone=self.timezone,
            support_url=self.support_url,
            unsubscribe=self.unsubscribe,
            subscribe_email=self.subscribe_email,
        )


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


_PermissiveLoader.add_multi_constructor("", _ignore_tag)
# !ENV as MkDocs reads it (the same library): the variable, typed as YAML reads it.
_PermissiveLoader.add_constructor("!ENV", construct_env_tag)


def read_settings(config_file: Path) -> tuple[Settings, list[Problem]]:
    """Read the ``herald`` plugin's options from ``mkdocs.yml`` (the schema in ``schema.py``).

    A missing file gives the defaults, rooted at the file's folder.

    Returns:
        The settings, and the problems found in them (empty when they are usable), each
        on the line of the option it is about.
    """
    root = config_file.parent
    name = config_file.name
    if not config_file.is_file():
        return Settings(root=root), []
    try:
        source = config_file.read_text(encoding="utf-8")
        config = yaml.load(source, Loader=_PermissiveLoader)
        lines = _option_lines(source)
    except (yaml.YAMLError, UnicodeDecodeError, OSError, ValueError, RecursionError) as error:
        # ValueError: an integer of thousands of digits; RecursionError: deep nesting.
        reason = str(error).split("\n")[0] or type(error).__name__
        if isinstance(error, ValueError) and "digits" in reason:
            reason = "a number in it has thousands of digits"
        elif isinstance(error, RecursionError):
            reason = "it is nested too deeply"
        return Settings(root=root), [Problem(name, 1, f"cannot be read: {reason}", "fix its YAML")]
    values, option_problems = read_options(_plugin_options(config) or {})
    problems = [
        Problem(
            name, lines.get(option, lines.get("", 1)), f"{option}: {problem.message}", problem.fix
        )
        for option, problem in option_problems
    ]
    site_name = config.get("site_name") if isinstance(config, dict) else None
    site_url = config.get("site_url") if isinstance(config, dict) else None
    for option, value, check in (
        ("site_name", site_name, site_name_problem),
        ("site_url", site_url, site_url_problem),
    ):
        if value is None:
            continue
        problem = check(value) if isinstance(value, str) else "expected text"
        if problem is not None:
            problems.append(
                Problem(name, lines.get(option, 1), f"{option}: {problem}", SETTING_FIX)
            )
    options = _plugin_options(config)
    if options is None:
        problems.append(
            Problem(
                name,
                lines.get("", 1),
                "the herald plugin's options are not a mapping",
                "write them as 'option: value' lines under '- herald:'",
            )
        )
    settings = Settings(
        root=root,
        components=values["components"],
        incidents=values["incidents"],
        timezone=values["timezone"],
        message_templates=values["message_templates"],
        stale_after=parse_duration(values["stale_after"]),
        site_name=str(site_name or Settings.site_name),
        site_url=str(site_url or ""),
        support_url=values["support_url"],
        unsubscribe=values["unsubscribe"],
        subscribe_email=values["subscribe_email"],
        email_mode=values["email_mode"],
        subscribers=values["subscribers"],
        ledger=values["ledger"],
        probe_results=values["probe_results"],
        probe_failures=values["probe_failures"],
        probe_recoveries=values["probe_recoveries"],
        publish_first_update=values["publish_first_update"],
        docs_dir=str(config.get("docs_dir") or "docs") if isinstance(config, dict) else "docs",
        language=_theme_language(config),
        layout=UrlLayout(
            incident=values["incident_url"],
            component=values["component_url"],
            history=values["history_url"],
            history_month=values["history_month_url"],
        ),
        history_days=values["history_days"],
        maintenance_reminders=tuple(
            parse_duration(lead) for lead in values["maintenance_reminders"]
        ),
        announce_ahead=parse_duration(values["announce_ahead"]),
    )
    return settings, problems


SETTING_FIX = "fix it in mkdocs.yml"


def _option_lines(source: str) -> dict[str, int]:
    """The line of each herald option in ``mkdocs.yml`` (``""``: the plugin's own line),
    and of ``site_name`` and ``site_url``."""
    document = yaml.compose(source, Loader=_PermissiveLoader)
    lines: dict[str, int] = {}
    if not isinstance(document, yaml.MappingNode):
        return lines
    for key, value in document.value:
        if key.value in ("site_name", "site_url"):
            lines[key.value] = key.start_mark.line + 1
        if key.value != "plugins":
            continue
        entries = value.value if isinstance(value, yaml.SequenceNode) else [value]
        for entry in entries:
            if not isinstance(entry, yaml.MappingNode):
                continue
            for plugin, options in entry.value:
                if plugin.value != PLUGIN_NAME:
                    continue
                lines[""] = plugin.start_mark.line + 1
                if isinstance(options, yaml.MappingNode):
                    for option, _ in options.value:
                        lines[str(option.value)] = option.start_mark.line + 1
    return lines


def _theme_language(config: object) -> str:
    """``theme.language`` as Material reads it (``en`` when unset or not a mapping)."""
    theme = config.get("theme") if isinstance(config, dict) else None
    language = theme.get("language") if isinstance(theme, dict) else None
    return str(language) if language else Settings.language


def _plugin_options(config: object) -> dict[str, Any] | None:
    """The herald plugin's options (empty when it has none); ``None`` when they are not a
    mapping, which MkDocs refuses too."""
    if not isinstance(config, dict):
        return {}
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):
        options = plugins.get(PLUGIN_NAME)
    else:
        entries = plugins if isinstance(plugins, list) else []
        found = [entry for entry in entries if isinstance(entry, dict) and PLUGIN_NAME in entry]
        options = found[0][PLUGIN_NAME] if found else None
    if options is None:
        return {}
    return options if isinstance(options, dict) else None
