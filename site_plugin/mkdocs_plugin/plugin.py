"""The ``herald`` MkDocs plugin: thin hooks that hand work to the model, engine and views.

Per build: ``on_files`` reads the content once, computes every view for one moment,
adds the generated pages and starts a forked copy writing the other files (feeds, API,
calendars, badges), which ``on_post_build`` waits for; ``on_page_markdown`` picks each
page's template and title; the last ``on_env`` forks a copy that renders Herald's pages
from the last one back while MkDocs builds them from the first (``pages_ahead``);
``on_page_context`` hands the page its view. Nothing is kept between builds, so
``mkdocs serve`` never shows a stale incident.
"""

from __future__ import annotations

import functools
import gc
import math
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import write_file

from ..characters import terminal_line
from ..clock import build_time
from ..errors import ClockError, ContentError
from ..options import site_name_problem, site_url_problem
from ..parallel import Pending
from ..present import formatting
from ..present.context import SiteContext
from ..present.i18n import Translator, is_supported, iso, offered_languages, translator, web_tag
from ..present.page_clock import CLOCK_ISLAND_ID, clock_island
from ..present.urls import UrlLayout, source_path
from ..site.build import BuildOptions, build_content
from ..site.outputs import feed_title
from ..site.pages import GeneratedPage, feed_links, page_table
from ..site.views import SiteViews
from ..values import parse_duration
from .config import HeraldConfig
from .files_ahead import FilesAhead, remove_if_empty
from .page_assets import PageAssets
from .pages_ahead import PageRenderer, PagesAhead

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.nav import Navigation
    from mkdocs.utils.templates import TemplateContext

log = get_plugin_logger(__name__)

TEMPLATES = Path(__file__).parent.parent / "templates"
HTML_LANG = re.compile(r'(<html\b[^>]*?\slang=")[^"]*(")')


def _with_html_lang(html: str, lang: str) -> str:
    """The page with ``<html lang>`` saying ``lang``; the page itself when it already does."""
    match = HTML_LANG.search(html)
    if match is None or html[match.end(1) : match.start(2)] == lang:
        return html
    return html[: match.end(1)] + lang + html[match.start(2) :]


def in_the_way(docs_dir: str, src_uri: str) -> str:
    return (
        f"{docs_dir}/{src_uri} is in the way of the file Herald generates"
        " there: rename it, or change the URL layout in the herald options"
    )


def write_other_files(
    make: Callable[[], dict[str, bytes]], site_dir: str, taken: frozenset[str]
) -> list[str]:
    """Make the files besides the pages and write them into the site; when a file of the
    site's own is at any of their paths, write none and return those paths."""
    made = make()
    blocked = sorted(path for path in made if path in taken)
    if blocked:
        return blocked
    for path, data in made.items():
        write_file(data, os.path.join(site_dir, *path.split("/")))
    return []


def theme_language(value: str, theme_dirs: Sequence[str]) -> str | None:
    """The name of the theme's language file for ``value``: Material names Brazilian
    Portuguese ``pt-BR``, so ``pt_BR`` is that, and ``de-CH``, for which it has no file, is
    ``de``. ``None`` when the theme has no language file for it (or none at all)."""
    tag = web_tag(value)
    for candidate in dict.fromkeys((value, tag, tag.partition("-")[0])):
        for folder in theme_dirs:
            if (Path(folder) / "partials" / "languages" / f"{candidate}.html").is_file():
                return candidate
    return None


class HeraldPage(Page):
    """A page Herald's templates write from its view alone: it has no Markdown to convert,
    so it skips MkDocs' Markdown set-up (the cost of a page's whole render otherwise)."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = ""
        self.toc = get_toc([])
        self.present_anchor_ids = set()
        self.links_to_anchors = {}


class HeraldPlugin(BasePlugin[HeraldConfig]):  # type: ignore[no-untyped-call]
    """Turns ``components.yml`` and ``incidents/`` into a status site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.pages: dict[str, GeneratedPage] = {}
        self.root = Path()
        self.site_url = ""
        self.site_title = ""
        self.page_assets: PageAssets | None = None
        self.language = "en"
        self.translator: Translator = translator()
        self.home_title = self.history_title = self.support_label = ""
        self.search_label = "Search"
        self.site_feeds: tuple[tuple[str, str], ...] = ()
        """The site's own feeds, (label, URL): every Herald page offers them."""
        self.clock = Markup("")
        """The JSON island with the build's moment and the words of the page's clock."""
        self.files_ahead = FilesAhead(())
        self.nav: Navigation | None = None
        self.pages_ahead: PagesAhead | None = None
        self.other_files: Pending[list[str]] = Pending(list, size=0)
        """Writes the files besides the pages; what is in their way, if anything."""
        self.blank_pages: list[str] = []
        """Herald pages whose output was blank: MkDocs does not write them."""

    @event_priority(100)
    def _read_language(self, config: MkDocsConfig) -> MkDocsConfig:
        """Before the theme or any plugin (search) reads ``theme.language``: keep the
        site's language as written, and name the theme's file for it as the theme does."""
        # Material's option; other themes may not have it, and then Herald speaks English.
        self.language = str(config.theme.get("language") or "en")
        named = theme_language(self.language, config.theme.dirs)
        if named is not None and named != self.language:
            config.theme["language"] = named
        return config

    def _configure(self, config: MkDocsConfig) -> MkDocsConfig:
        # What an earlier build in this process froze (mkdocs serve) may be collected now.
        gc.unfreeze()
        if not config.use_directory_urls:
            raise PluginError(
                "Herald's pages need use_directory_urls: true (the default): its links and"
                " feed URLs are folders such as incidents/<id>/"
            )
        for option, value, check in (
            ("site_name", config.site_name, site_name_problem),
            ("site_url", config.site_url, site_url_problem),
        ):
            problem = check(value) if value else None
            if problem is not None:
                raise PluginError(f"Config value '{option}': {terminal_line(problem)}")
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self.site_url = config.site_url or ""
        if not is_supported(self.language):
            log.warning(
                "theme.language '%s': Herald has no translation for it (it has %s);"
                " its pages, feeds and messages are in English",
                self.language,
                offered_languages(),
            )
        self.translator = translator(self.language)
        self.site_title = feed_title(config.site_name, t=self.translator)
        t = self.translator
        # Titles and the support link's text a team did not set read in the site's language.
        self.home_title = self.config.home_title or t.gettext("Current status")
        self.history_title = self.config.history_title or t.gettext("Incident history")
        self.support_label = self.config.support_label or t.gettext("Contact support")
        # Lowest priority: a team's overrides/ (custom_dir) and the theme come first.
        config.theme.dirs.append(str(TEMPLATES))
        if not self.config.web_fonts and config.theme.name == "material":
            config.theme["font"] = False
        return config

    on_config = CombinedEvent(_read_language, _configure)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        # The model and views are many small long-lived objects: collecting garbage while
        # they are built, and scanning them again on every later collection, costs more
        # than building them. Freeze them for the rest of the build; the next build in
        # this process (mkdocs serve) unfreezes them in on_config. Left frozen, they cost
        # nothing when the process exits, where a last collection would scan them all.
        gc.disable()
        try:
            views, make_other_files = self.build_site(config)
        finally:
            gc.enable()
        gc.freeze()
        # Feeds, API, calendars and badges need nothing MkDocs makes: a forked copy makes
        # and writes them while the pages render (small sites: at the end of the build).
        self.other_files = Pending(
            functools.partial(
                write_other_files,
                make_other_files,
                config.site_dir,
                frozenset(file.src_uri for file in files),
            ),
            size=len(views.incidents),
        )
        self.site_feeds = views.home.feeds
        self.pages = page_table(
            views,
            self.layout,
            home_title=self.home_title,
            history_title=self.history_title,
        )
        for src_uri in self.pages:
            if files.get_file_from_path(src_uri) is not None:
                self.other_files.cancel()
                raise PluginError(in_the_way(config.docs_dir, src_uri))
        nav_pages = (source_path(""), source_path(self.layout.history_url()))
        for src_uri in self.pages:
            inclusion = (
                InclusionLevel.UNDEFINED if src_uri in nav_pages else InclusionLevel.NOT_IN_NAV
            )
            file = File.generated(config, src_uri, content="", inclusion=inclusion)
            HeraldPage(None, file, config)
            files.append(file)
        # The stylesheet and script under templates/assets/ arrive as theme files.
        self.page_assets = self.theme_assets(files, config) if self.inline_styles(config) else None
        return files

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            page.meta["template"] = generated.template
            # Generated pages have no table of contents; give the content its width.
            page.meta.setdefault("hide", ["toc"])
            # Material prints page.title unescaped in places: hand it escaped markup.
            page.title = escape(generated.title)
            if generated.description:
                page.meta["description"] = str(escape(generated.description))
        return markdown

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Put the support link on the site's own pages too (Herald's pages have it)."""
        if page.file.src_uri in self.pages or not self.config.support_url:
            return html
        need_help = self.translator.gettext("Need help?")
        link = (
            f'<p class="herald-support">{escape(need_help)}'
            f' <a href="{escape(self.config.support_url)}">{escape(self.support_label)}</a></p>'
        )
        return html + link

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    @event_priority(math.inf)
    def _page_ahead(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Before any other plugin: a page rendered ahead gets its own template back, and
        its HTML."""
        if self.pages_ahead is not None:
            self.pages_ahead.context(page, context)
        return context

    def _page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            context["herald"] = generated.view  # type: ignore[typeddict-unknown-key]
            context["herald_title"] = generated.title  # type: ignore[typeddict-unknown-key]
        context["herald_site"] = self.site_links  # type: ignore[typeddict-unknown-key]
        return context

    on_page_context = CombinedEvent(_page_ahead, _page_context)

    def _set_up_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        previous = env.autoescape

        def autoescape(name: str | None) -> bool:
            # Herald's templates (and a team's overrides of them) escape everything;
            # the theme's own templates keep the theme's setting.
            if name is not None and name.startswith("herald/"):
                return True
            return bool(previous(name) if callable(previous) else previous)

        env.autoescape = autoescape
        t = self.translator
        # newstyle gettext: the translated sentence is trusted markup, the values put into
        # it are escaped, so a <time> element passed in stays an element.
        env.add_extension("jinja2.ext.i18n")
        env.install_gettext_translations(  # type: ignore[attr-defined]
            t.translations, newstyle=True
        )
        # The theme's word for "Search", in the theme's language, read once per build
        # rather than on every page.
        self.search_label = env.from_string(
            '{% import "partials/language.html" as lang with context %}{{ lang.t("search") }}'
        ).render(config=config)
        env.filters.update(
            herald_time=t.time_element,
            herald_utc=t.utc_text,
            herald_duration=t.duration_text,
            herald_percent=t.percent_text,
            herald_iso=iso,
        )
        return env

    @event_priority(-math.inf)
    def _start_pages(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        """After every other plugin's ``on_env``, when the files, navigation and templates
        are final: a copy renders Herald's pages from the last one back, and a thread
        makes their files."""
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        pages = [
            file.page for file in doc_files if file.src_uri in self.pages and file.page is not None
        ]
        self.pages_ahead = None
        # With drafts, mkdocs serve lists more pages than a build does (the context's
        # "pages"), which this hook cannot tell apart: only a site without drafts forks.
        drafts = any(file.inclusion.is_excluded() for file in files)  # type: ignore[no-untyped-call]
        if self.nav is not None and not drafts:
            render = PageRenderer(config=config, nav=self.nav, doc_files=doc_files, env=env)
            self.pages_ahead = PagesAhead(pages, render)
        self.blank_pages = []
        self.files_ahead = FilesAhead(page.file.abs_dest_path for page in pages)
        self.files_ahead.start()
        return env

    on_env = CombinedEvent(_set_up_env, _start_pages)

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Let feed readers discover the feeds from every page, Herald's or not."""
        links = feed_links(
            self.site_url, self.layout, self.site_title, self.pages.get(page.file.src_uri)
        )
        if is_supported(self.language):
            # The site's language with its region (pt-BR), which the theme may not say:
            # Material's Brazilian file says pt, and the times script reads this.
            output = _with_html_lang(output, self.translator.lang)
        if page.file.src_uri not in self.pages:
            return output.replace("</head>", links + "</head>", 1)
        if self.pages_ahead is not None:
            self.pages_ahead.built(page)
        if not output.strip():
            self.blank_pages.append(page.file.abs_dest_path)
            return output
        if self.page_assets is not None:
            # One pass makes the page anew: the feed links go in with the inlined styles.
            return self.page_assets.rewrite(output, page.url, head_end=links)
        return output.replace("</head>", links + "</head>", 1)

    @event_priority(100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Before any other plugin reads the site: every file of Herald's is written."""
        if self.pages_ahead is not None:
            self.pages_ahead.close()
        self.files_ahead.wait()
        blocked = self.other_files.result()
        if blocked:
            raise PluginError(in_the_way(config.docs_dir, blocked[0]))
        for path in self.blank_pages:
            remove_if_empty(path, config.site_dir)

    def on_build_error(self, *, error: Exception) -> None:
        try:
            if self.pages_ahead is not None:
                self.pages_ahead.close()
        finally:
            self.other_files.cancel()
            self.files_ahead.wait()

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        server.watch(str(self.root / self.config.components))
        server.watch(str(self.root / self.config.incidents))
        probe_results = self.root / self.config.probe_results
        if probe_results.is_dir():
            server.watch(str(probe_results))
        return server

    # -- helpers -----------------------------------------------------------------------

    @functools.cached_property
    def layout(self) -> UrlLayout:
        """The URL layouts from the options (the plugin is made anew for each config)."""
        return UrlLayout(
            incident=self.config.incident_url,
            component=self.config.component_url,
            history=self.config.history_url,
            history_month=self.config.history_month_url,
        )

    @property
    def site_links(self) -> dict[str, Any]:
        return {
            "home": "",
            "history": self.layout.history_url(),
            "support_url": self.config.support_url,
            "support_label": self.support_label,
            "inline_theme_styles": self.page_assets is not None,
            "search_label": self.search_label,
            "feeds": self.site_feeds,
            "subscribe_email": self.config.subscribe_email,
            "clock_id": CLOCK_ISLAND_ID,
            "clock": self.clock,
        }

    def inline_styles(self, config: MkDocsConfig) -> bool:
        return self.config.inline_theme_styles and config.theme.name == "material"

    @staticmethod
    def theme_assets(files: Files, config: MkDocsConfig) -> PageAssets:
        """Herald pages' stylesheets inlined from the site's own CSS files; Material's
        script (``assets/javascripts/bundle.<hash>.min.js``) deferred."""
        stylesheets = {file.dest_uri: file for file in files if file.dest_uri.endswith(".css")}
        script = next(
            (
                file.dest_uri
                for file in files
                if file.dest_uri.startswith("assets/javascripts/bundle.")
                and file.dest_uri.endswith(".js")
            ),
            None,
        )

        @functools.cache
        def read(path: str) -> str | None:
            file = stylesheets.get(path)
            return file.content_string if file is not None else None

        # The page says "js" before Material's script starts (templates/herald/base.html).
        return PageAssets(read, script, runtime_classes=("js",))

    def build_site(self, config: MkDocsConfig) -> tuple[SiteViews, Callable[[], dict[str, bytes]]]:
        """Load the content once and compute every page view and every other file."""
        if not config.site_url:
            raise PluginError(
                "mkdocs.yml has no site_url: Herald's feeds, API and messages link to"
                " absolute URLs (set site_url: https://status.example.com/)"
            )
        try:
            now = build_time()
        except ClockError as error:
            raise PluginError(str(error)) from None
        # JSON made safe for a <script> element: markup as it stands.
        self.clock = Markup(
            clock_island(self.translator, now, parse_duration(self.config.page_stale_after))
        )
        context = SiteContext(
            name=config.site_name,
            url=config.site_url,
            layout=self.layout,
            translator=self.translator,
            timezone=self.config.timezone,
            support_url=self.config.support_url,
            unsubscribe=self.config.unsubscribe,
            subscribe_email=self.config.subscribe_email,
        )
        options = BuildOptions(
            root=self.root,
            components=self.config.components,
            incidents=self.config.incidents,
            context=context,
            history_start=self.config.history_start,
            history_days=self.config.history_days,
            recent_days=self.config.recent_days,
            feed_size=self.config.feed_size,
            markdown_extensions=config.markdown_extensions,
            markdown_configs=config.mdx_configs,
            config_name=Path(config.config_file_path or "mkdocs.yml").name,
            probe_results=self.config.probe_results,
        )
        try:
            built = build_content(options, now)
        except ContentError as error:
            count = len(error.problems)
            raise PluginError(
                f"{error.report()}\nHerald found {count} problem{'s' if count != 1 else ''}"
                " in the content; nothing was built."
            ) from None
        for warning in built.warnings:
            # What herald check warns of; mkdocs build --strict fails on it, as check's does.
            log.warning("%s", warning)
        if built.left_out_extensions:
            log.info(
                "incident messages do not use the Markdown extensions %s (see the README's"
                " 'Hostile content')",
                ", ".join(built.left_out_extensions),
            )
        log.info(
            "%d components, %d incidents, status as of %s",
            len(built.site.catalog.components),
            len(built.site.incidents),
            formatting.utc_text(now),
        )
        return built.views, built.files
