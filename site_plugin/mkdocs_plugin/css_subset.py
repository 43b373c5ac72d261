"""The part of a stylesheet one page can use, small enough to inline in the page.

A selector is kept unless it names a class, id, element or attribute value the page's
markup does not have. The decision is made on the selector's tokens, not by matching a
DOM, and it errs on the side of keeping: pseudo-classes (``:hover``, ``:checked``) and
everything inside functional ones (``:not()``, ``:is()``) are never requirements, so
states a page enters later still have their rules. What the page cannot gain without a
script (classes and elements a script adds) is dropped; a page that runs such a script
must load the whole stylesheet before it (``page_assets`` does).

Custom properties no kept declaration (or inline style) refers to are dropped too: the
theme keeps dozens of icons as data URIs in ``:root`` variables.

No MkDocs here: text in, text out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import tinycss2
import tinycss2.ast as css

_VAR_REFERENCE = re.compile(r"var\(\s*(--[\w-]+)")
_CLASS_OR_ID_ATTRIBUTE = re.compile(r"""\s(class|id)=(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)")
_TOKEN_KINDS = ("class", "id", "tag", "attribute", "value", "variable")
_FRAGMENT_CACHE_SIZE = 100_000
"""Fragments remembered at most (a few tens of MB), so that a huge site stays bounded."""


@dataclass(frozen=True)
class Requirement:
    """What one selector needs the page to have."""

    classes: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    attributes: frozenset[str] = frozenset()
    values: frozenset[tuple[str, str]] = frozenset()

    def met_by(self, page: PageFeatures) -> bool:
        return (
            self.classes <= page.classes
            and self.ids <= page.ids
            and self.tags <= page.tags
            and self.attributes <= page.attributes
            and self.values <= page.values
        )


@dataclass(frozen=True)
class PageFeatures:
    """What a page's markup offers selectors (only what the stylesheet asks about)."""

    classes: frozenset[str]
    ids: frozenset[str]
    tags: frozenset[str]
    attributes: frozenset[str]
    values: frozenset[tuple[str, str]]
    variables: frozenset[str]


@dataclass(frozen=True)
class _Rule:
    selectors: tuple[tuple[str, Requirement], ...]
    declarations: tuple[tuple[str | None, str, frozenset[str]], ...]
    """(custom property name or None, serialised declaration, variables it refers to)."""


@dataclass(frozen=True)
class _Block:
    """An at-rule wrapping other rules (``@media``, ``@supports``...)."""

    head: str
    children: tuple[_Rule | _Block | _Verbatim, ...]


@dataclass(frozen=True)
class _Verbatim:
    """An at-rule kept as written; ``name`` set for ``@keyframes``, kept only when used."""

    text: str
    name: str | None = None


_Node = _Rule | _Block | _Verbatim


class StyleSheet:
    """A parsed stylesheet that hands out the subset each page needs.

    Args:
        texts: The stylesheets, in cascade order. They are cut down together (a custom
            property one defines and another uses is kept) and handed back one by one,
            so that each can take its own place in the page.
    """

    def __init__(self, *texts: str) -> None:
        self._vocabulary = _Vocabulary()
        self._sheets = tuple(
            tuple(self._parse(tinycss2.parse_stylesheet(text, True, True))) for text in texts
        )
        self._tokens = self._vocabulary.tokens(_defined_variables(self._sheets))
        self._bits = {token: 1 << index for index, token in enumerate(self._tokens)}
        self._bits_by_kind: dict[str, dict[Any, int]] = {kind: {} for kind in _TOKEN_KINDS}
        for (kind, value), bit in self._bits.items():
            self._bits_by_kind[kind][value] = bit
        self._value_needles: dict[str, tuple[tuple[str, str, int], ...]] = {
            name: tuple(
                (f'{name}="{value}"', f"{name}='{value}'", self._bits[("value", (name, value))])
                for value in values
            )
            for name, values in self._vocabulary.values_by_name().items()
        }
        self._attribute_names = _attribute_name_pattern(
            self._vocabulary.attributes | set(self._value_needles)
        )
        self._fragment_masks: dict[str, int] = {}
        self._subset = lru_cache(maxsize=256)(self._subset_for)

    def features(self, html: str, runtime_classes: Iterable[str] = ()) -> PageFeatures:
        """What the page offers, restricted to what this stylesheet asks about.

        Args:
            html: The page.
            runtime_classes: Classes a script adds before the page paints.
        """
        return self._features_of(self._page_mask(html, runtime_classes))

    def subset(self, html: str, runtime_classes: Iterable[str] = ()) -> str:
        """The rules the page's markup can use, minified as they came."""
        return "".join(self.subsets(html, runtime_classes))

    def subsets(self, html: str, runtime_classes: Iterable[str] = ()) -> tuple[str, ...]:
        """The same, one text per stylesheet given."""
        return self._subset(self._page_mask(html, runtime_classes))

    # -- reading pages -----------------------------------------------------------------

    def _page_mask(self, html: str, runtime_classes: Iterable[str]) -> int:
        """The page's features as one bit per vocabulary token.

        Pages of one site share most of their markup (header, navigation, footer), so
        the page is cut after every ``>`` that ends a line and each fragment is read
        once per build. A cut never falls inside a tag name, and inside an attribute
        value only where the value holds ``>`` and a line break: never in a class, id
        or attribute name, the only things read from inside a tag.
        """
        masks = self._fragment_masks
        if len(masks) > _FRAGMENT_CACHE_SIZE:
            masks.clear()  # the shared fragments come back at once; one-off ones go
        bits = self._bits
        mask = 0
        for name in runtime_classes:
            mask |= bits.get(("class", name), 0)
        fragments = html.split(">\n")
        known: set[int | None] = set(map(masks.get, fragments))
        if None in known:
            for fragment in set(fragments).difference(masks):
                masks[fragment] = new = self._fragment_mask(fragment + ">\n")
                known.add(new)
        # Most fragments add nothing new: each distinct mask is combined once.
        for bits_found in known:
            if bits_found:
                mask |= bits_found
        return mask

    def _fragment_mask(self, html: str) -> int:
        mask = 0
        tag_bits = self._bits_by_kind["tag"]
        for tag in set(_TAG.findall(html)):
            mask |= tag_bits.get(tag.lower(), 0)
        if "=" not in html:
            return mask  # text and bare tags: nothing else to find
        class_bits = self._bits_by_kind["class"]
        id_bits = self._bits_by_kind["id"]
        for kind, double, single, bare in _CLASS_OR_ID_ATTRIBUTE.findall(html):
            value = double or single or bare
            if kind == "id":
                mask |= id_bits.get(value, 0)
            else:
                for name in value.split():
                    mask |= class_bits.get(name, 0)
        if self._attribute_names is not None:
            attribute_bits = self._bits_by_kind["attribute"]
            for name in set(self._attribute_names.findall(html)):
                mask |= attribute_bits.get(name, 0)
                for double, single, bit in self._value_needles.get(name, ()):
                    if double in html or single in html:
                        mask |= bit
        if "var(" in html:
            variable_bits = self._bits_by_kind["variable"]
            for variable in _VAR_REFERENCE.findall(html):
                mask |= variable_bits.get(variable, 0)
        return mask

    def _features_of(self, mask: int) -> PageFeatures:
        found: dict[str, set[Any]] = {kind: set() for kind in _TOKEN_KINDS}
        for index, (kind, value) in enumerate(self._tokens):
            if mask >> index & 1:
                found[kind].add(value)
        return PageFeatures(
            classes=frozenset(found["class"]),
            ids=frozenset(found["id"]),
            tags=frozenset(found["tag"]),
            attributes=frozenset(found["attribute"]),
            values=frozenset(found["value"]),
            variables=frozenset(found["variable"]),
        )

    # -- selecting ---------------------------------------------------------------------

    def _subset_for(self, mask: int) -> tuple[str, ...]:
        page = self._features_of(mask)
        kept_by_sheet = [
            [node for node in (_select(node, page) for node in sheet) if node]
            for sheet in self._sheets
        ]
        # Custom properties: keep those something kept refers to, following chains.
        wanted = set(page.variables)
        definitions: dict[str, set[str]] = {}
        for node in (node for kept in kept_by_sheet for node in kept):
            for name, _text, references in _declarations(node):
                if name is None:
                    wanted.update(references)
                else:
                    definitions.setdefault(name, set()).update(references)
        pending = list(wanted)
        while pending:
            for reference in definitions.get(pending.pop(), ()):
                if reference not in wanted:
                    wanted.add(reference)
                    pending.append(reference)
        texts = ["".join(_serialise(node, wanted) for node in kept) for kept in kept_by_sheet]
        everything = "".join(texts)
        # Animations and fonts only when a kept declaration names them.
        return tuple(
            text
            + "".join(
                node.text
                for node in sheet
                if isinstance(node, _Verbatim) and node.name is not None and node.name in everything
            )
            for text, sheet in zip(texts, self._sheets, strict=True)
        )

    # -- parsing -----------------------------------------------------------------------

    def _parse(self, nodes: Iterable[css.Node]) -> Iterable[_Node]:
        for node in nodes:
            if isinstance(node, css.QualifiedRule):
                contents = tinycss2.parse_blocks_contents(node.content, True, True)
                if any(isinstance(item, css.QualifiedRule | css.AtRule) for item in contents):
                    # CSS nesting: kept whole, as written, rather than understood in part.
                    yield _Verbatim(tinycss2.serialize([node]))
                    continue
                rule = self._rule(node)
                if rule is not None:
                    yield rule
            elif isinstance(node, css.AtRule):
                keyword = node.lower_at_keyword
                head = "@" + node.at_keyword + tinycss2.serialize(node.prelude)
                if keyword == "charset":
                    continue
                if node.content is None:
                    yield _Verbatim(head + ";")
                elif keyword in ("media", "supports", "container", "layer", "document"):
                    children = tuple(
                        self._parse(tinycss2.parse_rule_list(node.content, True, True))
                    )
                    yield _Block(head, children)
                elif keyword.endswith("keyframes"):
                    name = tinycss2.serialize(node.prelude).strip()
                    yield _Verbatim(head + "{" + tinycss2.serialize(node.content) + "}", name)
                elif keyword == "font-face":
                    family = _font_family(node.content)
                    yield _Verbatim(
                        head + "{" + tinycss2.serialize(node.content) + "}", family or None
                    )
                else:
                    yield _Verbatim(head + "{" + tinycss2.serialize(node.content) + "}")

    def _rule(self, node: css.QualifiedRule) -> _Rule | None:
        selectors = []
        for tokens in _split_commas(node.prelude):
            text = tinycss2.serialize(tokens).strip()
            if text:
                requirement = _requirement(tokens)
                self._vocabulary.add(requirement)
                selectors.append((text, requirement))
        declarations = []
        for item in tinycss2.parse_blocks_contents(node.content, True, True):
            if not isinstance(item, css.Declaration):
                continue
            value = tinycss2.serialize(item.value).strip()
            text = f"{item.name}:{value}{'!important' if item.important else ''}"
            custom = item.name if item.name.startswith("--") else None
            declarations.append((custom, text, frozenset(_VAR_REFERENCE.findall(value))))
        if not selectors or not declarations:
            return None
        return _Rule(tuple(selectors), tuple(declarations))


class _Vocabulary:
    """Everything the stylesheet's selectors ask about."""

    def __init__(self) -> None:
        self.classes: set[str] = set()
        self.ids: set[str] = set()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.values: set[tuple[str, str]] = set()

    def add(self, requirement: Requirement) -> None:
        self.classes |= requirement.classes
        self.ids |= requirement.ids
        self.tags |= requirement.tags
        self.attributes |= requirement.attributes
        self.values |= requirement.values

    def tokens(self, variables: Iterable[str]) -> tuple[tuple[str, Any], ...]:
        """Every token, as (kind, value), in a fixed order: the bits of a page mask."""
        return (
            *(("class", name) for name in sorted(self.classes)),
            *(("id", name) for name in sorted(self.ids)),
            *(("tag", name) for name in sorted(self.tags)),
            *(("attribute", name) for name in sorted(self.attributes)),
            *(("value", pair) for pair in sorted(self.values)),
            *(("variable", name) for name in sorted(variables)),
        )

    def values_by_name(self) -> dict[str, list[str]]:
        """The attribute values asked about, by attribute name."""
        grouped: dict[str, list[str]] = {}
        for name, value in sorted(self.values):
            grouped.setdefault(name, []).append(value)
        return grouped


def _attribute_name_pattern(names: set[str]) -> re.Pattern[str] | None:
    """Finds the attributes (of those named) that a page's markup has."""
    if not names:
        return None
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(rf"\s({alternatives})(?=[\s=>/])")


def _defined_variables(sheets: Iterable[Iterable[_Node]]) -> set[str]:
    """The custom properties the stylesheets define (the only ones a page's use matters)."""
    return {
        name
        for sheet in sheets
        for node in sheet
        for name, _text, _references in _declarations(node)
        if name is not None
    }


def _select(node: _Node, page: PageFeatures) -> _Node | None:
    if isinstance(node, _Rule):
        selectors = tuple(item for item in node.selectors if item[1].met_by(page))
        return _Rule(selectors, node.declarations) if selectors else None
    if isinstance(node, _Block):
        children = tuple(child for child in (_select(c, page) for c in node.children) if child)
        return _Block(node.head, children) if children else None
    # Named at-rules (keyframes, fonts) are added at the end when used; others stay.
    return node if node.name is None else None


def _declarations(node: _Node) -> Iterable[tuple[str | None, str, frozenset[str]]]:
    if isinstance(node, _Rule):
        yield from node.declarations
    elif isinstance(node, _Block):
        for child in node.children:
            yield from _declarations(child)


def _serialise(node: _Node, variables: set[str]) -> str:
    if isinstance(node, _Rule):
        body = ";".join(
            text for name, text, _ in node.declarations if name is None or name in variables
        )
        if not body:
            return ""
        return ",".join(text for text, _ in node.selectors) + "{" + body + "}"
    if isinstance(node, _Block):
        inner = "".join(_serialise(child, variables) for child in node.children)
        return node.head + "{" + inner + "}" if inner else ""
    return node.text


def _split_commas(tokens: Sequence[css.Node]) -> Iterable[list[css.Node]]:
    current: list[css.Node] = []
    for token in tokens:
        if isinstance(token, css.LiteralToken) and token.value == ",":
            yield current
            current = []
        elif not isinstance(token, css.Comment):
            current.append(token)
    yield current


def _requirement(tokens: Sequence[css.Node]) -> Requirement:
    """What a selector (one of a list) names: classes, ids, elements, attribute values."""
    classes: set[str] = set()
    ids: set[str] = set()
    tags: set[str] = set()
    attributes: set[str] = set()
    values: set[tuple[str, str]] = set()
    previous: css.Node | None = None
    for token in tokens:
        after = previous.value if isinstance(previous, css.LiteralToken) else None
        if isinstance(token, css.IdentToken):
            if after == ".":
                classes.add(token.value)
            elif after not in (":", "|"):
                tags.add(token.lower_value)
        elif isinstance(token, css.HashToken) and token.is_identifier:
            ids.add(token.value)
        elif isinstance(token, css.SquareBracketsBlock):
            attribute = _attribute(token.content)
            if isinstance(attribute, tuple):
                values.add(attribute)
            elif attribute:
                attributes.add(attribute)
        previous = token
    # ``*`` and ``html``/``:root``-only selectors need nothing.
    return Requirement(
        frozenset(classes),
        frozenset(ids),
        frozenset(tags),
        frozenset(attributes),
        frozenset(values),
    )


def _attribute(tokens: Sequence[css.Node]) -> str | tuple[str, str] | None:
    """``[name]`` → name; ``[name=value]`` → (name, value); other operators → name."""
    parts = [token for token in tokens if not isinstance(token, css.WhitespaceToken)]
    if not parts or not isinstance(parts[0], css.IdentToken):
        return None
    name = str(parts[0].lower_value)
    if (
        len(parts) >= 3
        and isinstance(parts[1], css.LiteralToken)
        and parts[1].value == "="
        and isinstance(parts[2], css.IdentToken | css.StringToken)
        # A case-insensitive match ([type=a i]) cannot be checked by exact text.
        and len(parts) == 3
    ):
        return name, str(parts[2].value)
    return name


def _font_family(content: Sequence[css.Node] | None) -> str:
    for item in tinycss2.parse_blocks_contents(content or [], True, True):
        if isinstance(item, css.Declaration) and item.lower_name == "font-family":
            return str(tinycss2.serialize(item.value)).strip().strip("\"'")
    return ""
