"""One build's content work, for any site generator: load once, compute every view and
every non-page file for one moment."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from ..content.loader import ContentPaths, load_status_site
from ..content.model import StatusSite
from ..content.probe_store import read_probe_results
from ..content.update_names import update_name_warnings
from ..engine.measured import reading_span
from ..errors import ContentError
from ..parallel import map_on_cores
from ..present.context import SiteContext
from ..present.rendering import MarkdownRenderer
from ..present.urls import page_problems
from ..problems import Problem
from ..schema import default
from .outputs import OutputOptions, build_outputs
from .view_builder import ViewBuilder
from .views import SiteViews


@dataclass(frozen=True)
class BuildOptions:
    """Everything a build needs besides the clock."""

    root: Path
    components: str
    incidents: str
    context: SiteContext
    """The site every page and file presents: name, URL, layouts, language, zone."""
    history_start: date | None = None
    """The day the status page started: no history before it (``history_start``)."""
    history_days: int = default("history_days")
    recent_days: int = default("recent_days")
    feed_size: int = default("feed_size")
    markdown_extensions: Sequence[Any] = ()
    markdown_configs: Mapping[str, Any] | None = None
    config_name: str = "mkdocs.yml"
    """The config file's name, for problems found in its settings."""
    probe_results: str = default("probe_results")
    """The folder of probe results (``probe_results``); missing: no measured figures."""


@dataclass(frozen=True)
class BuiltSite:
    site: StatusSite
    views: SiteViews
    files: Callable[[], dict[str, bytes]]
    """Makes every file besides the pages (feeds, API, calendars, badges), by site path:
    a function of the loaded content alone, for the caller to run where and when it
    likes (the MkDocs plugin runs it in a forked copy while the pages render)."""
    left_out_extensions: tuple[str, ...] = ()
    """The site's Markdown extensions that incident messages do not use."""
    warnings: tuple[Problem, ...] = ()
    """What ``herald check`` warns of in the content, for the build to warn of too."""


def build_content(options: BuildOptions, now: datetime) -> BuiltSite:
    """Load and validate the content, then compute views and files (raises ContentError)."""
    context = options.context
    zone = ZoneInfo(context.timezone)
    paths = ContentPaths(
        root=options.root, components=options.components, incidents=options.incidents
    )
    site = load_status_site(paths, now=now, zone=zone)
    unpublishable = page_problems(
        site, context.layout, history_days=options.history_days, config_name=options.config_name
    )
    component_ids = [component.id for component in site.catalog.components]
    measurements, unreadable = read_probe_results(
        options.root, options.probe_results, component_ids, *reading_span(now)
    )
    if unpublishable or unreadable:
        raise ContentError([*unpublishable, *unreadable])
    # One renderer for pages and feeds: each message is converted once, on every core.
    renderer = MarkdownRenderer(options.markdown_extensions, options.markdown_configs)
    texts = list(dict.fromkeys(_messages(site)))
    rendered = dict(zip(texts, map_on_cores(renderer, texts), strict=True))

    def render(text: str) -> Markup:
        html = rendered.get(text)
        if html is None:
            html = rendered[text] = renderer(text)
        return html

    views = ViewBuilder(
        site,
        now=now,
        context=context,
        render=render,
        history_days=options.history_days,
        history_start=options.history_start,
        recent_days=options.recent_days,
        measurements=measurements,
    ).build()
    outputs = OutputOptions(context=context, render=render, now=now, feed_size=options.feed_size)
    return BuiltSite(
        site,
        views,
        functools.partial(build_outputs, site, outputs),
        tuple(renderer.left_out),
        tuple(update_name_warnings(site, zone)),
    )


def _messages(site: StatusSite) -> Iterator[str]:
    """Every text of the site that pages and feeds render as Markdown."""
    for incident in site.incidents:
        if incident.summary:
            yield incident.summary
        if incident.postmortem is not None:
            yield incident.postmortem.body
        for update in incident.updates:
            yield update.message
