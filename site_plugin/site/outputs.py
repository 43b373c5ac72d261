"""Every file besides the HTML pages: feeds, the JSON API, calendars and badges.

Each kind is one function of the model and the options that returns its files as
``{site-relative path: bytes}``, listed once in ``OUTPUTS``; ``build_outputs`` gathers
them for the same moment as the pages, and the plugin hands them to MkDocs to write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..content.model import Group, StatusSite
from ..engine.status import component_statuses_at, group_status, overall_status
from ..present.context import SiteContext
from ..present.i18n import Translator, english
from ..present.labels import component_status_phrase, translated_overall
from ..present.statuspage import api_files
from .badges import INDICATOR_COLOURS, STATUS_COLOURS, badge_svg, shields_endpoint
from .embed import embed_files
from .feeds import FeedScope, FeedSite, build_feed
from .ical import maintenance_calendar
from .views import RenderMarkdown

EMPTY_SITEMAP = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n'
)
API_PREFIX = "api/v2/"
"""Where the JSON API lives, as on Statuspage pages, so clients only change the host."""


@dataclass(frozen=True)
class OutputOptions:
    """What the outputs need besides the model: the site, the moment, and how messages
    become HTML."""

    context: SiteContext
    render: RenderMarkdown
    now: datetime
    feed_size: int = 50


def _site_title(site_name: str, t: Translator) -> str:
    """``Acme status``: the site's name, with the word for status unless it ends in it."""
    # The badge's word for "status", which also ends many sites' names.
    word = t.gettext("status").lower()
    if site_name.lower().endswith(("status", word)):
        return site_name
    return t.gettext("%(site)s status", site=site_name)


def feed_title(site_name: str, subject: str | None = None, t: Translator | None = None) -> str:
    """``Acme status \u2013 incident history`` (with an en dash), or for one component."""
    t = t or english()
    site = _site_title(site_name, t)
    if subject:
        return t.gettext(
            "%(site)s \u2013 %(component)s incident history", site=site, component=subject
        )
    return t.gettext("%(site)s \u2013 incident history", site=site)


def calendar_title(site_name: str, subject: str | None = None, t: Translator | None = None) -> str:
    """``Acme status \u2013 maintenance``, or for one component."""
    t = t or english()
    site = _site_title(site_name, t)
    if subject:
        return t.gettext("%(site)s \u2013 %(component)s maintenance", site=site, component=subject)
    return t.gettext("%(site)s \u2013 maintenance", site=site)


OutputFiles = Callable[[StatusSite, "OutputOptions"], dict[str, bytes]]
"""One kind of output: the files it writes, by site-relative path, for one model and moment."""


def build_outputs(site: StatusSite, options: OutputOptions) -> dict[str, bytes]:
    """Every non-HTML file of the site, by site-relative path (every output in ``OUTPUTS``)."""
    files: dict[str, bytes] = {}
    writer: dict[str, str] = {}
    for name, output in OUTPUTS:
        for path, data in output(site, options).items():
            if path in files:
                raise ValueError(f"the {writer[path]} and the {name} both write {path}")
            files[path] = data
            writer[path] = name
    return files


def feed_scopes(site: StatusSite, options: OutputOptions) -> list[FeedScope]:
    """The whole site, then every component and group: each has a feed and a calendar."""
    layout = options.context.layout
    t = options.context.translator
    name = options.context.name
    scopes = [FeedScope(feed_title(name, t=t), None, layout.feed_url(None, "atom"), "")]
    for entry in site.catalog.every_entry:
        leaves = entry.component_ids if isinstance(entry, Group) else (entry.id,)
        scopes.append(
            FeedScope(
                feed_title(name, entry.name, t),
                frozenset(leaves),
                layout.feed_url(entry.id, "atom"),
                layout.component_url(entry.id),
                subject=entry.name,
            )
        )
    return scopes


def feeds(site: StatusSite, options: OutputOptions) -> dict[str, bytes]:
    """Atom and RSS for the site and beside every component page."""
    feed_site = FeedSite(
        context=options.context,
        catalog=site.catalog,
        render=options.render,
        now=options.now,
        size=options.feed_size,
    )
    newest_first = sorted(
        site.incidents, key=lambda incident: (incident.last_changed, incident.id), reverse=True
    )
    files: dict[str, bytes] = {}
    for scope in feed_scopes(site, options):
        feed = build_feed(feed_site, scope, newest_first)
        files[scope.path] = feed.atom_str(pretty=True)
        files[scope.path[: -len("atom")] + "rss"] = feed.rss_str(pretty=True)
        if scope.component_ids is not None:
            # Material's script fetches sitemap.xml beside every <link rel="alternate"> (it
            # looks for translated pages); an empty one there saves a 404 on each visit.
            files[scope.path[: -len("history.atom")] + "sitemap.xml"] = EMPTY_SITEMAP
    return files


def statuspage_api(site: StatusSite, options: OutputOptions) -> dict[str, bytes]:
    """The Statuspage-compatible JSON documents under ``api/v2/``."""
    return api_files(site, options.now, options.context, API_PREFIX)


def calendars(site: StatusSite, options: OutputOptions) -> dict[str, bytes]:
    """``maintenance.ics`` for the site and beside every component page."""
    files = {}
    maintenance = [incident for incident in site.incidents if incident.is_maintenance]
    for scope in feed_scopes(site, options):
        path = scope.path[: -len("history.atom")] + "maintenance.ics"
        files[path] = maintenance_calendar(
            (incident for incident in maintenance if scope.covers(incident)),
            name=calendar_title(options.context.name, scope.subject, options.context.translator),
            context=options.context,
            catalog=site.catalog,
            now=options.now,
        )
    return files


def badges(site: StatusSite, options: OutputOptions) -> dict[str, bytes]:
    """``badge.svg`` and shields.io ``badge.json`` for the site and every component."""
    layout = options.context.layout
    t = options.context.translator
    overall = translated_overall(t, overall_status(site, options.now))
    colour, named = INDICATOR_COLOURS[overall.indicator]
    label = t.gettext("status")
    files = {
        layout.beside(None, "badge.svg"): badge_svg(label, overall.description, colour),
        layout.beside(None, "badge.json"): shields_endpoint(label, overall.description, named),
    }
    statuses = component_statuses_at(site, options.now)
    for entry in site.catalog.every_entry:
        status = group_status(entry, statuses) if isinstance(entry, Group) else statuses[entry.id]
        colour, named = STATUS_COLOURS[status]
        message = component_status_phrase(t, status)
        files[layout.beside(entry.id, "badge.svg")] = badge_svg(entry.name, message, colour)
        files[layout.beside(entry.id, "badge.json")] = shields_endpoint(entry.name, message, named)
    return files


OUTPUTS: tuple[tuple[str, OutputFiles], ...] = (
    ("feeds", feeds),
    ("JSON API", statuspage_api),
    ("calendars", calendars),
    ("badges", badges),
    ("embed", embed_files),
)
"""Every kind of file besides the pages. A new format is one function and one line here;
two outputs writing one path is caught in ``build_outputs``."""
