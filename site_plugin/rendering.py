"""Markdown to HTML for update messages, summaries and reports.

Messages are written by the team, but they are shown on pages, in feeds and in emails:
raw HTML in them is shown as text, never passed through, so that a ``<script>`` or a
stray ``<`` in a message reads as written and can never run; links keep only web, mail
and phone targets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")


class _NoImages(Treeprocessor):
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


class _SafeLinks(Treeprocessor):
    """Drops link and image targets with a scheme that could run code (``javascript:``)."""

    def run(self, root: Any) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                target = element.get(attribute)
                if target is not None and not _is_safe(target):
                    del element.attrib[attribute]


def _is_safe(target: str) -> bool:
    squashed = "".join(target.split()).lower()
    if ":" not in squashed.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return True  # relative, or an anchor
    return squashed.startswith(SAFE_SCHEMES)


class MarkdownRenderer:
    """Renders Markdown with the site's extensions, raw HTML escaped.

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
        self.markdown = markdown.Markdown(
            extensions=list(extensions), extension_configs=dict(extension_configs or {})
        )
        # Raw HTML blocks and inline tags become text; Markdown's own syntax still works.
        self.markdown.preprocessors.deregister("html_block")
        self.markdown.inlinePatterns.deregister("html")
        self.markdown.treeprocessors.register(_SafeLinks(self.markdown), "herald_safe_links", 0)
        if not images:
            self.markdown.treeprocessors.register(_NoImages(self.markdown), "herald_no_images", 1)

    def __call__(self, text: str) -> Markup:
        return Markup(self.markdown.reset().convert(text))
