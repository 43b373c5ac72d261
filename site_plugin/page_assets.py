"""How Herald's pages load the theme's stylesheets and script: nothing blocks the first paint.

A status page is read on a phone on a bad connection, when something is already wrong. The
theme's stylesheets block rendering until they arrive, and its script is most of the
page's weight, yet a status page needs neither: every page is complete as HTML.

So each Herald page carries, in a ``<style>`` element, the part of its local stylesheets
that its own markup can use (``css_subset``); the stylesheet links and the theme's script
move into an inert ``<template>``. Herald's script loads them when the reader asks for
something only the theme's script does (opening search); until then the page looks the
same, and the palette toggle is handled by Herald's script.

No MkDocs here: the caller says which files are stylesheets and which is the theme script.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from posixpath import normpath
from urllib.parse import urljoin, urlsplit

from .css_subset import StyleSheet

TEMPLATE_ID = "herald-theme-assets"

_STYLESHEET_LINK = re.compile(r"<link\b[^>]*\brel=\"?stylesheet\"?[^>]*>\s*", re.IGNORECASE)
_HREF = re.compile(r"\bhref=\"([^\"]*)\"")
_NOT_INLINABLE = re.compile(r"url\(\s*(?![\"']?(?:data:|#))|@import", re.IGNORECASE)
_LINK_CONDITION = re.compile(r"\s(?:media|title|disabled)\b", re.IGNORECASE)

ReadText = Callable[[str], "str | None"]


class PageAssets:
    """Rewrites finished pages; one per build.

    Args:
        read_stylesheet: The text of a site file (path from the site root, no leading
            slash), or ``None`` when the site has no such file.
        theme_script: The site path of the theme's script (``assets/javascripts/...``),
            or ``None`` when the theme has none.
        runtime_classes: Classes an early inline script puts on the page (Material's
            ``js`` on ``<html>``), so their rules are kept.
    """

    def __init__(
        self,
        read_stylesheet: ReadText,
        theme_script: str | None,
        runtime_classes: Iterable[str] = (),
    ) -> None:
        self._read = read_stylesheet
        self._theme_script = theme_script
        self._runtime_classes = frozenset(runtime_classes)
        self._sheets: dict[tuple[str, ...], StyleSheet] = {}
        self._inlinable: dict[str, bool] = {}
        """Per stylesheet path: can its rules stand in a page (searched once per build)."""

    def rewrite(self, html: str, page_url: str) -> str:
        """The page with its local stylesheets inlined (as used) and the theme script deferred.

        Args:
            html: The finished page.
            page_url: The page's URL from the site root (``incidents/x/``).
        """
        head_end = html.find("</head>")
        if head_end < 0:
            return html
        base = "/" + page_url
        head = html[:head_end]
        links = list(_STYLESHEET_LINK.finditer(head))
        sheets: list[tuple[str, str]] = []
        local: list[re.Match[str]] = []
        for link in links:
            path = _site_path(base, _href(link.group(0)))
            if path is None:
                continue  # another host's stylesheet stays a link, where it is
            text = self._read(path)
            # Inlined elsewhere, relative url()s and @imports would resolve against the
            # page; a media, title or disabled attribute would be lost. Such a page
            # loads its stylesheets as usual: all, so their order is never changed.
            if text is None or not self._can_inline(path, text) or _LINK_CONDITION.search(link[0]):
                return html
            sheets.append((path, text))
            local.append(link)
        if not sheets:
            return html
        texts = self._sheet(sheets).subsets(html, self._runtime_classes)
        # Each stylesheet's rules take its link's place; the link waits in the template,
        # tagged so that the script can put it back in the same place.
        pieces = []
        deferred = []
        position = 0
        for index, (link, text) in enumerate(zip(local, texts, strict=True)):
            pieces.append(head[position : link.start()])
            # "</" cannot end a <style> element early: in CSS, "<\/" is the same text.
            rules = text.replace("</", "<\\/")
            pieces.append(f'<style data-herald-sheet="{index}">{rules}</style>')
            deferred.append(
                link.group(0).strip().replace("<link ", f'<link data-herald-sheet="{index}" ', 1)
            )
            position = link.end()
        html = "".join(pieces) + head[position:] + html[head_end:]
        script = self._script_tag(html, base)
        if script:
            html = html.replace(script, "", 1)
            deferred.append(script)
        template = f'<template id="{TEMPLATE_ID}">{"".join(deferred)}</template>'
        return html.replace("</body>", template + "</body>", 1)

    def _can_inline(self, path: str, text: str) -> bool:
        inlinable = self._inlinable.get(path)
        if inlinable is None:
            inlinable = self._inlinable[path] = _NOT_INLINABLE.search(text) is None
        return inlinable

    def _sheet(self, sheets: list[tuple[str, str]]) -> StyleSheet:
        key = tuple(path for path, _ in sheets)
        sheet = self._sheets.get(key)
        if sheet is None:
            sheet = self._sheets[key] = StyleSheet(*(text for _, text in sheets))
        return sheet

    def _script_tag(self, html: str, base: str) -> str | None:
        """The theme script's ``<script>`` element as the page has it."""
        if self._theme_script is None:
            return None
        for match in re.finditer(r"<script\b[^>]*\bsrc=\"([^\"]*)\"[^>]*></script>", html):
            if _site_path(base, match.group(1)) == self._theme_script:
                return match.group(0)
        return None


def _href(link: str) -> str:
    match = _HREF.search(link)
    return match.group(1) if match else ""


def _site_path(base: str, href: str) -> str | None:
    """``../assets/x.css`` from ``/incidents/a/`` → ``assets/x.css``; None for other hosts."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return normpath(urljoin(base, parts.path)).lstrip("/")
