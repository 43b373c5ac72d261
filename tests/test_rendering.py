"""Messages are Markdown, but nothing in them can become markup or code on the page."""

from __future__ import annotations

import pytest

from site_plugin.rendering import MarkdownRenderer


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
