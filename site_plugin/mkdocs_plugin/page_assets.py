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
from urllib.parse import urlsplit

from .css_subset import StyleSheet

TEMPLATE_ID = "herald-theme-assets"

_STYLESHEET_LINK = re.compile(r"<link\b[^>]*\brel=\"?stylesheet\"?[^>]*>\s*", re.IGNORECASE)
_HREF = re.compile(r"\bhref=\"([^\"]*)\"")
_NOT_INLINABLE = re.compile(r"url\(\s*(?![\"']?(?:data:|#))|@import", re.IGNORECASE)
_SCRIPT_ELEMENT = re.compile(r"<script\b[^>]*\bsrc=\"([^\"]*)\"[^>]*></script>")
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
        self._sheets: dict[tuple[tuple[str, str], ...], StyleSheet] = {}
        self._style_elements: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._inlinable: dict[str, bool] = {}
        """Per stylesheet path: can its rules stand in a page (searched once per build)."""

    def rewrite(self, html: str, page_url: str, head_end: str = "") -> str:
        """The page with its local stylesheets inlined (as used) and the theme script deferred.

        Args:
            html: The finished page.
            page_url: The page's URL from the site root (``incidents/x/``).
            head_end: Markup for the end of ``<head>``, put in by the same pass.
        """
        head_close = html.find("</head>")
        body_end = html.rfind("</body>")
        if head_close < 0 or body_end < head_close:
            return _at_head_end(html, head_end)
        base = "/" + page_url
        local: list[tuple[re.Match[str], str, str]] = []
        for link in _STYLESHEET_LINK.finditer(html, 0, head_close):
            path = _site_path(base, _href(link.group(0)))
            if path is None:
                continue  # another host's stylesheet stays a link, where it is
            text = self._read(path)
            # Inlined elsewhere, relative url()s and @imports would resolve against the
            # page; a media, title or disabled attribute would be lost. Such a page
            # loads its stylesheets as usual: all, so their order is never changed.
            if text is None or not self._can_inline(path, text) or _LINK_CONDITION.search(link[0]):
                return _at_head_end(html, head_end)
            local.append((link, path, text))
        if not local:
            return _at_head_end(html, head_end)
        styles = self._styles(tuple((path, text) for _, path, text in local), html)
        # Each stylesheet's rules take its link's place; the link waits in the template,
        # tagged so that the script can put it back in the same place.
        pieces: list[str] = []
        deferred = []
        position = 0
        for index, ((link, _, _), style) in enumerate(zip(local, styles, strict=True)):
            pieces += (html[position : link.start()], style)
            deferred.append(
                link.group(0).strip().replace("<link ", f'<link data-herald-sheet="{index}" ', 1)
            )
            position = link.end()
        pieces += (html[position:head_close], head_end)
        position = head_close
        script = self._script_span(html, base, head_close, body_end)
        if script is not None:
            start, stop = script
            pieces += (html[position:start],)
            deferred.append(html[start:stop])
            position = stop
        template = f'<template id="{TEMPLATE_ID}">{"".join(deferred)}</template>'
        pieces += (html[position:body_end], template, html[body_end:])
        return "".join(pieces)

    def _styles(self, sheets: tuple[tuple[str, str], ...], html: str) -> tuple[str, ...]:
        """The ``<style>`` elements standing for the stylesheets on this page."""
        sheet = self._sheets.get(sheets)
        if sheet is None:
            sheet = self._sheets[sheets] = StyleSheet(*(text for _, text in sheets))
        texts = sheet.subsets(html, self._runtime_classes)
        styles = self._style_elements.get(texts)
        if styles is None:
            # "</" cannot end a <style> element early: in CSS, "<\/" is the same text.
            styles = self._style_elements[texts] = tuple(
                f'<style data-herald-sheet="{index}">{_style_text(text)}</style>'
                for index, text in enumerate(texts)
            )
        return styles

    def _can_inline(self, path: str, text: str) -> bool:
        inlinable = self._inlinable.get(path)
        if inlinable is None:
            inlinable = self._inlinable[path] = _NOT_INLINABLE.search(text) is None
        return inlinable

    def _script_span(
        self, html: str, base: str, head_end: int, body_end: int
    ) -> tuple[int, int] | None:
        """Where the theme script's ``<script>`` element is in the body, if it is."""
        if self._theme_script is None:
            return None
        # The element names the script's file: find that name, then the element around it.
        name = self._theme_script.rsplit("/", 1)[-1]
        at = html.rfind(name, head_end, body_end)
        while at >= 0:
            start = html.rfind("<script", head_end, at)
            if start >= 0:
                match = _SCRIPT_ELEMENT.match(html, start, body_end)
                if match and _site_path(base, match.group(1)) == self._theme_script:
                    return match.start(), match.end()
            at = html.rfind(name, head_end, at)
        return None


def _at_head_end(html: str, markup: str) -> str:
    return html.replace("</head>", markup + "</head>", 1) if markup else html


def _style_text(css: str) -> str:
    """The CSS as a ``<style>`` element's text: ``</`` would end the element early, and
    in CSS ``<\\/`` is the same text."""
    return css.replace("</", "<\\/")


def _href(link: str) -> str:
    match = _HREF.search(link)
    return match.group(1) if match else ""


def _site_path(base: str, href: str) -> str | None:
    """``../assets/x.css`` from ``/incidents/a/`` → ``assets/x.css``; None for other hosts."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    if parts.path.startswith("/"):
        return normpath(parts.path).lstrip("/")
    return normpath(base[: base.rfind("/") + 1] + parts.path).lstrip("/")
