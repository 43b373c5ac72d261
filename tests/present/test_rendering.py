"""Messages are Markdown, but nothing in them can become markup or code on the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_plugin.present.rendering import MESSAGE_EXTENSIONS, MarkdownRenderer

from ..hostile import SCRIPT_TARGETS, markdown_payloads, unsafe_markup


@pytest.fixture(scope="module")
def render() -> MarkdownRenderer:
    return MarkdownRenderer(["tables", "fenced_code"])


@pytest.mark.parametrize(
    ("message", "html"),
    [
        ("We are **investigating**.", "<p>We are <strong>investigating</strong>.</p>"),
        (
            "<script>alert(1)</script> & <img src=x onerror=alert(1)>",
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;</p>",
        ),
        ("<div>\nblock\n</div>", "<p>&lt;div&gt;\nblock\n&lt;/div&gt;</p>"),
        ("Errors on <5% of requests", "<p>Errors on &lt;5% of requests</p>"),
        ("[click](javascript:alert(1))", "<p><a>click</a></p>"),
        ("![x](data:image/svg+xml;base64,AAAA)", '<p><img alt="x"></p>'),
        (
            "[help](https://help.example/a?b=1) [us](mailto:a@b.example) [up](#top) [r](../x/)",
            '<p><a href="https://help.example/a?b=1">help</a> <a href="mailto:a@b.example">us</a>'
            ' <a href="#top">up</a> <a href="../x/">r</a></p>',
        ),
        (
            "<https://status.example>",
            '<p><a href="https://status.example">https://status.example</a></p>',
        ),
    ],
)
def test_markdown_works_and_markup_is_text(
    render: MarkdownRenderer, message: str, html: str
) -> None:
    assert render(message) == html


def test_renderer_is_reusable(render: MarkdownRenderer) -> None:
    assert render("# Title") == render("# Title")


def test_images_can_be_left_out_for_email() -> None:
    email_render = MarkdownRenderer([], images=False)
    assert email_render("See ![the graph](https://t.example/p.png) here.") == (
        "<p>See <span>[the graph]</span> here.</p>"
    )


SUPPORTED_EXTENSIONS = [
    "tables",
    "fenced_code",
    "attr_list",
    "def_list",
    "abbr",
    "footnotes",
    "admonition",
    "toc",
    "sane_lists",
    "smarty",
    "nl2br",
    "md_in_html",
    "pymdownx.betterem",
    "pymdownx.caret",
    "pymdownx.mark",
    "pymdownx.tilde",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.inlinehilite",
    "pymdownx.tasklist",
    "pymdownx.keys",
]


@pytest.fixture(scope="module")
def render_everything() -> MarkdownRenderer:
    """Every extension Herald supports in messages, at once, as a Material site enables them."""
    return MarkdownRenderer(SUPPORTED_EXTENSIONS)


@pytest.mark.parametrize("payload", markdown_payloads())
def test_no_hostile_markdown_becomes_live_markup(
    render_everything: MarkdownRenderer, render: MarkdownRenderer, payload: str
) -> None:
    for renderer in (render_everything, render):
        html = renderer(payload)
        assert unsafe_markup(html) == [], html


@pytest.mark.parametrize("target", SCRIPT_TARGETS)
def test_a_refused_link_keeps_its_text(render_everything: MarkdownRenderer, target: str) -> None:
    html = render_everything(f"See [the details]({target}) now.")
    assert "the details" in html
    assert "href" not in html


@pytest.mark.parametrize(
    ("extension", "message", "markup"),
    [
        ("tables", "| a | b |\n|:--|--:|\n| 1 | 2 |", '<td style="text-align:right">2</td>'),
        ("fenced_code", "```\ncode\n```", "<pre><code>code\n</code></pre>"),
        ("attr_list", "Text\n{: .note #why }", '<p class="note" id="why">Text</p>'),
        ("def_list", "Term\n: Meaning", "<dl>\n<dt>Term</dt>\n<dd>Meaning</dd>\n</dl>"),
        ("abbr", "An API.\n\n*[API]: Programming interface", '<abbr title="Programming'),
        ("footnotes", "A[^1]\n\n[^1]: B", '<a class="footnote-ref" href="#fn:1">1</a>'),
        ("admonition", "!!! warning\n    Careful", '<div class="admonition warning">'),
        ("toc", "## Timeline", '<h2 id="timeline">Timeline</h2>'),
        ("pymdownx.tasklist", "- [x] Done", '<input type="checkbox" checked="" disabled'),
        ("pymdownx.details", '??? note "More"\n    Body', '<details class="note">'),
        ("pymdownx.mark", "==marked==", "<mark>marked</mark>"),
        ("pymdownx.tilde", "~~gone~~", "<del>gone</del>"),
        ("pymdownx.caret", "^^added^^", "<ins>added</ins>"),
        ("pymdownx.keys", "++ctrl+c++", '<kbd class="key-control">Ctrl</kbd>'),
        ("pymdownx.superfences", "```python\nx = 1\n```", '<div class="highlight">'),
    ],
)
def test_supported_extensions_keep_their_markup(extension: str, message: str, markup: str) -> None:
    assert markup in MarkdownRenderer([extension])(message)


def test_toc_gives_headings_ids_and_fills_its_marker_only_where_it_has_work() -> None:
    render = MarkdownRenderer(["toc"], {"toc": {"permalink": True}})
    assert render("Plain update.") == "<p>Plain update.</p>"
    assert '<h3 id="next-steps">Next steps<a class="headerlink" href="#next-steps"' in render(
        "Text\n\n### Next steps"
    )
    with_marker = render("[TOC]\n\n## Cause\n\n## Fix")
    assert '<div class="toc">' in with_marker
    assert '<a href="#fix">Fix</a>' in with_marker
    # A marker in a message without headings is still the extension's to replace.
    assert "[TOC]" not in render("[TOC]\n\nNo headings here.")


def test_content_cannot_take_the_ids_herald_and_the_theme_look_up() -> None:
    render = MarkdownRenderer(["attr_list"])
    assert render("A\n{: #herald-theme-assets }\n\nB\n{: #__search }") == "<p>A</p>\n<p>B</p>"
    assert render("C\n{: #own-anchor }") == '<p id="own-anchor">C</p>'


def test_extensions_that_read_files_are_left_out_of_messages(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("SECRET_TOKEN=hunter2\n", encoding="utf-8")
    renderer = MarkdownRenderer(
        ["tables", "pymdownx.snippets", "markdown.extensions.toc"],
        {"pymdownx.snippets": {"base_path": [str(tmp_path)]}},
    )
    html = renderer('Status:\n\n--8<-- "secret.txt"\n\n## Timeline')
    assert "hunter2" not in html
    assert '<h2 id="timeline">Timeline</h2>' in html
    assert renderer.left_out == ["pymdownx.snippets"]


def test_every_message_extension_goes_through_the_corpus() -> None:
    """``codehilite`` and ``pymdownx.highlight`` both highlight code: one renderer each."""
    assert {*SUPPORTED_EXTENSIONS, "codehilite"} == MESSAGE_EXTENSIONS
    with_codehilite = MarkdownRenderer(
        [name for name in SUPPORTED_EXTENSIONS if not name.startswith("pymdownx.")] + ["codehilite"]
    )
    for payload in markdown_payloads():
        assert unsafe_markup(with_codehilite(payload)) == [], payload
