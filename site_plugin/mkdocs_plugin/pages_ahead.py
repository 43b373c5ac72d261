"""Herald's pages rendered on two cores: MkDocs from the first, a forked copy from the last.

MkDocs renders pages one after another on one thread, and a status site has a page for
every incident, so rendering them is most of a big site's build. After every plugin's
``on_env`` (Herald's last one has the lowest priority), a copy of the build is forked and
renders Herald's pages from the last one back, exactly as MkDocs would: the page's
context, every plugin's ``on_page_context``, its template. MkDocs builds the pages here
from the first, as usual.

Before each of Herald's pages, this process asks whether the copy has it. If so, the
page's template is ``herald/ahead.html``, which prints the copy's HTML; if not, the page
is rendered here and the copy stops before it. Either way every hook runs here, and
``on_post_page`` and writing the file follow as for any page. Neither side waits for the
other, so a busy second core costs nothing but its help. Without a copy (a site with
drafts, ``mkdocs serve``'s rebuilds, one core, a small site) every page is rendered here.

What the copy's hooks change stays in the copy and is done again here, so a plugin that
collects pages in ``on_page_context`` sees each page once; what they log is said here
when they run again. A page whose rendering logs anything is left to this process, so
the message is said once, where ``--strict`` counts it. Only a plugin whose page
context depends on the pages built before it would tell the difference.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from mkdocs.commands.build import get_context

from ..parallel import MappedFromTheEnd

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.utils.templates import TemplateContext

AHEAD_TEMPLATE = "herald/ahead.html"


class PageRenderer:
    """What MkDocs' ``_build_page`` does before ``on_post_page``, in the copy: the page's
    HTML, or ``None`` when rendering it logged something, so that the build renders it
    itself and says so where it counts (``mkdocs build --strict``)."""

    def __init__(
        self,
        *,
        config: MkDocsConfig,
        nav: Navigation,
        doc_files: Sequence[File],
        env: jinja2.Environment,
    ) -> None:
        self.config = config
        self.nav = nav
        self.doc_files = doc_files
        self.env = env
        self.logged = False
        """Whether a handler would have taken a record since last reset (in the copy)."""

    def hold_logs(self) -> None:
        """In the copy, before the first page: what a hook logs is logged again when the
        build runs that hook, and what rendering logs makes the page the build's own, so
        nothing reaches a handler here."""
        renderer = self

        def call_handlers(logger: logging.Logger, record: logging.LogRecord) -> None:
            # Logger.callHandlers' walk, noting whether any handler would take it.
            current: logging.Logger | None = logger
            found = False
            while current is not None:
                for handler in current.handlers:
                    found = True
                    if record.levelno >= handler.level:
                        renderer.logged = True
                current = current.parent if current.propagate else None
            last_resort = logging.lastResort
            if not found and last_resort is not None and record.levelno >= last_resort.level:
                renderer.logged = True

        logging.Logger.callHandlers = call_handlers  # type: ignore[method-assign, assignment]

    def __call__(self, page: Page) -> str | None:
        self.config._current_page = page
        page.active = True
        try:
            context = get_context(self.nav, self.doc_files, self.config, page)
            template = self.env.get_template(page.meta.get("template", "main.html"))
            context = self.config.plugins.on_page_context(
                context, page=page, config=self.config, nav=self.nav
            )
            self.logged = False
            html = template.render(context)
            return None if self.logged else html
        finally:
            page.active = False
            self.config._current_page = None


class PagesAhead:
    """Herald's pages, rendered from the last one back by a copy; one per build.

    Args:
        pages: Herald's pages, in the order MkDocs builds them.
        render: Renders one page as MkDocs would.
    """

    def __init__(self, pages: Sequence[Page], render: PageRenderer) -> None:
        self._pages = pages
        self._index = {page.file.src_uri: index for index, page in enumerate(pages)}
        self._html = MappedFromTheEnd(render, pages, start=render.hold_logs)
        self._templates: dict[str, str] = {}
        """The own templates of the pages given ``AHEAD_TEMPLATE``, by source path."""
        self._decide(0)

    def context(self, page: Page, context: TemplateContext) -> None:
        """For a page rendered ahead: its own template back in its meta (before any other
        plugin sees it), and its HTML, or its template to include, in the context."""
        template = self._templates.pop(page.file.src_uri, None)
        if template is None:
            return
        page.meta["template"] = template
        values: dict[str, Any] = context  # type: ignore[assignment]
        values["herald_ahead_template"] = template
        html = self._html.result(self._index[page.file.src_uri])
        if html is not None:
            values["herald_ahead_html"] = Markup(html)

    def built(self, page: Page) -> None:
        """After a page (in ``on_post_page``): whether the copy has the next one decides
        the next one's template, which MkDocs looks up before any page hook."""
        index = self._index.get(page.file.src_uri)
        if index is not None:
            self._decide(index + 1)

    def close(self) -> None:
        self._html.close()

    def _decide(self, index: int) -> None:
        if index < len(self._pages) and self._html.made_ahead(index):
            page = self._pages[index]
            self._templates[page.file.src_uri] = page.meta.get("template", "main.html")
            page.meta["template"] = AHEAD_TEMPLATE
