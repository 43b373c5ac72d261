"""Markdown to HTML for update messages, summaries and reports.

Messages are written by the team, but they are shown on pages, in feeds and in emails,
and anyone who can open a pull request can write one. Two layers keep them inert:

1. Raw HTML in a message is shown as text, never passed through, so a ``<script>`` or a
   stray ``<`` reads as written.
2. Whatever the site's Markdown extensions produce is then sanitised by nh3 (the Rust
   ``ammonia`` sanitiser) against an allow-list: the elements and attributes Markdown and
   the supported extensions write, nothing else. No event handler (``onclick``), no
   ``style`` beyond a table cell's alignment, no ``<script>``, ``<iframe>`` or ``<svg>``,
   however an extension such as ``attr_list`` was asked to add them. Every link and image
   target passes the one URL policy (``url_policy``), read as a browser reads it; a
   refused target is dropped and the link keeps its text.

Messages use only the site's extensions that Herald supports for them
(``MESSAGE_EXTENSIONS``, each tested in ``tests/test_rendering.py``); the others are
left out of messages, because some do more than format text: ``pymdownx.snippets``
would publish any file of the repository (or behind a link, of the machine) that a
message names, ``pymdownx.b64`` embeds local images, and others run code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import markdown
import nh3
from markupsafe import Markup

from ..url_policy import LINK_SCHEMES, is_allowed_url

MESSAGE_EXTENSIONS = frozenset(
    (
        "abbr",
        "admonition",
        "attr_list",
        "codehilite",
        "def_list",
        "fenced_code",
        "footnotes",
        "md_in_html",
        "nl2br",
        "sane_lists",
        "smarty",
        "tables",
        "toc",
        "pymdownx.betterem",
        "pymdownx.caret",
        "pymdownx.details",
        "pymdownx.highlight",
        "pymdownx.inlinehilite",
        "pymdownx.keys",
        "pymdownx.mark",
        "pymdownx.superfences",
        "pymdownx.tasklist",
        "pymdownx.tilde",
    )
)
"""The Markdown extensions messages may use, by the name mkdocs.yml gives them."""


def extension_name(extension: str) -> str:
    """``markdown.extensions.toc`` and ``toc`` are one extension; so are ``x:Class`` and ``x``."""
    name = extension.split(":", 1)[0]
    return name.removeprefix("markdown.extensions.")


ALLOWED_ELEMENTS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "input",
        "ins",
        "kbd",
        "label",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    ]
)

_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "details": {"open"},
}
# Task lists: a checkbox that can show its state but never take input.
_TAG_ATTRIBUTE_VALUES = {"input": {"type": {"checkbox"}, "checked": {"", "checked"}}}
_SET_ATTRIBUTES = {"input": {"disabled": "disabled"}}
_URL_ATTRIBUTES = frozenset(("href", "src"))
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_:.-]{0,99}")
_RESERVED_ID = re.compile(r"(herald|md-|__)", re.IGNORECASE)
"""Ids Herald's and the theme's scripts look up: content must not shadow them."""


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute in _URL_ATTRIBUTES:
        return value if is_allowed_url(value) else None
    if attribute == "id":
        return value if _SAFE_ID.fullmatch(value) and not _RESERVED_ID.match(value) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_ELEMENTS),
    clean_content_tags={"script", "style"},
    attributes=_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    tag_attribute_values=_TAG_ATTRIBUTE_VALUES,
    set_tag_attribute_values=_SET_ATTRIBUTES,
    url_schemes=set(LINK_SCHEMES),
    link_rel=None,
    filter_style_properties={"text-align"},
    strip_comments=True,
)
"""Built once: setting a cleaner up costs ten times as much as one message's cleaning."""


def sanitize_html(html: str) -> str:
    """Keep only the markup the allow-list names; drop refused URLs and attributes."""
    return _CLEANER.clean(html)


def _only_when_toc_has_work(toc: Any) -> None:
    """Let the ``toc`` extension run only on a message with a heading or its marker.

    ``toc`` gives headings their ids (and permalinks); on any other message it changes
    nothing, yet it would still serialise an empty table of contents, a quarter of the
    cost of converting a short update.
    """
    run = toc.run
    marker = str(getattr(toc, "marker", "") or "")

    def run_when_needed(root: Any) -> None:
        for element in root.iter():
            if (isinstance(element.tag, str) and _HEADING.fullmatch(element.tag)) or (
                marker and marker in (element.text or "")
            ):
                run(root)
                return

    toc.run = run_when_needed


_HEADING = re.compile(r"h[1-6]")


class _NoImages(markdown.treeprocessors.Treeprocessor):
    """Turns images into their alt text: an email must not load anything remote."""

    def run(self, root: Any) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag == "img":
                    alt = child.get("alt") or ""
                    replacement = type(child)("span")
                    replacement.text = f"[{alt}]" if alt else "[image]"
                    replacement.tail = child.tail
                    parent.remove(child)
                    parent.insert(index, replacement)


class MarkdownRenderer:
    """Renders Markdown with the site's extensions, raw HTML escaped, output sanitised.

    Args:
        extensions: Python-Markdown extensions (names or instances), as in mkdocs.yml.
        extension_configs: Their options.
        images: Keep images; without them an image becomes its alt text (for email).
    """

    def __init__(
        self,
        extensions: Sequence[Any] = (),
        extension_configs: Mapping[str, Any] | None = None,
        *,
        images: bool = True,
    ) -> None:
        used = [name for name in extensions if extension_name(str(name)) in MESSAGE_EXTENSIONS]
        self.left_out = [str(name) for name in extensions if name not in used]
        """The site's extensions that messages do not use."""
        configs = dict(extension_configs or {})
        self.markdown = markdown.Markdown(
            extensions=used,
            extension_configs={name: configs[name] for name in used if name in configs},
        )
        # Raw HTML blocks and inline tags become text; Markdown's own syntax still works.
        self.markdown.preprocessors.deregister("html_block")
        self.markdown.inlinePatterns.deregister("html")
        if "toc" in self.markdown.treeprocessors:
            _only_when_toc_has_work(self.markdown.treeprocessors["toc"])
        if not images:
            self.markdown.treeprocessors.register(_NoImages(self.markdown), "herald_no_images", 1)

    def __call__(self, text: str) -> Markup:
        return Markup(sanitize_html(self.markdown.reset().convert(text)))
