"""Herald pages carry the styles they use and leave the theme's script for later."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from site_plugin.mkdocs_plugin.css_subset import StyleSheet

from ..conftest import INCIDENT, StatusRepo, build_site

PAGE = """<!doctype html><html lang="en" class="no-js"><body dir="ltr"
  data-md-color-scheme="default"><input data-md-color-scheme="slate" type="radio">
  <div class="card wide" id="top" style="color: var(--inline)"><p>Hi</p></div></body></html>"""


def subset(css: str, page: str = PAGE, runtime_classes: tuple[str, ...] = ()) -> str:
    return StyleSheet(css).subset(page, runtime_classes)


def test_rules_for_markup_the_page_lacks_are_dropped() -> None:
    assert subset(".card{color:red}.absent{color:blue}") == ".card{color:red}"
    assert subset(".card,.absent,#top{margin:0}") == ".card,#top{margin:0}"
    assert subset("p{margin:0}table{border:0}.card p{padding:0}") == "p{margin:0}.card p{padding:0}"
    assert subset(".card.wide{a:b}.card.narrow{a:c}#top .card{a:d}#nope{a:e}") == (
        ".card.wide{a:b}#top .card{a:d}"
    )


def test_states_the_page_can_enter_keep_their_rules() -> None:
    css = ".card:hover{a:b}.card:not(.absent){a:c}:is(.absent) .card{a:d}input:checked+.card{a:e}"
    assert subset(css) == css
    assert subset('.card::before{content:""}') == '.card::before{content:""}'


def test_attribute_values_must_be_on_the_page() -> None:
    css = (
        "[data-md-color-scheme=slate]{a:b}[data-md-color-scheme=default]{a:c}"
        '[dir=rtl] .card{a:d}[dir="ltr"] .card{a:e}[data-md-color-primary=red]{a:f}[hidden]{a:g}'
    )
    assert subset(css) == (
        '[data-md-color-scheme=slate]{a:b}[data-md-color-scheme=default]{a:c}[dir="ltr"] .card{a:e}'
    )


def test_at_rules_stay_only_around_kept_rules() -> None:
    css = (
        "@media screen{.card{a:b}.absent{a:c}}@media print{.absent{a:d}}"
        "@keyframes spin{to{transform:rotate(1turn)}}@keyframes unused{to{opacity:0}}"
        ".card{animation:spin 1s}@charset 'utf-8';"
    )
    assert subset(css) == (
        "@media screen{.card{a:b}}.card{animation:spin 1s}"
        "@keyframes spin{to{transform:rotate(1turn)}}"
    )


def test_custom_properties_nothing_uses_are_dropped() -> None:
    css = (
        ":root{--used:1px;--chained:var(--end);--end:red;--icon:url(data:,x);--inline:blue}"
        ".card{margin:var(--used);color:var(--chained)}"
    )
    assert subset(css) == (
        ":root{--used:1px;--chained:var(--end);--end:red;--inline:blue}"
        ".card{margin:var(--used);color:var(--chained)}"
    )


def test_classes_a_script_adds_before_painting_can_be_named() -> None:
    css = ".no-js .card{a:b}.js .card{a:c}"
    assert subset(css) == ".no-js .card{a:b}"
    assert subset(css, runtime_classes=("js",)) == css


def page_head_and_template(site: Path, url: str) -> tuple[str, str]:
    html = (site / url / "index.html").read_text(encoding="utf-8")
    before, _, after = html.partition('<template id="herald-theme-assets">')
    return before, after.partition("</template>")[0]


def test_herald_pages_inline_their_styles_and_defer_the_theme(repo: StatusRepo) -> None:
    repo.write("docs/about.md", "# About\n\nHow we report incidents.\n")
    result = build_site(repo.root)
    assert result.returncode == 0, result.stderr
    site = repo.root / "site"
    for url in ("", INCIDENT, "history", "components/api"):
        page, template = page_head_and_template(site, url)
        assert not re.search(r"<link[^>]*stylesheet", page), url
        assert "/bundle." not in page, url
        # One <style> per stylesheet, in the stylesheets' order: Material's, then
        # Herald's; each link waits in the template with the same number.
        styles = BeautifulSoup(page, "html.parser").select("style[data-herald-sheet]")
        assert [style["data-herald-sheet"] for style in styles] == ["0", "1"], url
        assert ".md-header{" in styles[0].get_text(), url
        assert ".herald-muted" in styles[1].get_text(), url
        assert 'data-herald-sheet="1" rel="stylesheet" href="' in template, url
        css = "".join(style.get_text() for style in styles)
        # Rules for markup the page does not have (admonitions here) are left out.
        assert ".admonition" not in css, url
        assert "assets/stylesheets/main." in template and "/bundle." in template, url
    # A page of the team's own is the theme's, as always.
    about = (site / "about" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<link rel="stylesheet" href="../assets/stylesheets/main\.', about)
    assert "herald-theme-assets" not in about


def built_home(repo: StatusRepo, config: str) -> str:
    """The status page of the fixture built with ``config`` after Material's basics."""
    repo.write(
        "mkdocs.yml",
        "site_name: Test status\nsite_url: https://status.test.example/\n"
        "theme:\n  name: material\n" + config,
    )
    result = build_site(repo.root)
    assert result.returncode == 0, result.stderr
    return (repo.root / "site" / "index.html").read_text(encoding="utf-8")


def test_inline_theme_styles_off_loads_the_theme_as_usual(repo: StatusRepo) -> None:
    home = built_home(repo, "plugins:\n  - herald:\n      inline_theme_styles: false\n")
    assert re.search(r'<link rel="stylesheet" href="assets/stylesheets/main\.', home)
    assert re.search(r'<script src="assets/javascripts/bundle\.[^"]+"></script>', home)
    assert "herald-theme-assets" not in home


def test_a_busy_day_is_counted_on_the_status_page_and_named_on_the_component_page(
    repo: StatusRepo,
) -> None:
    for number in range(5):
        folder = f"incidents/2026-11-24-blip-{number}"
        repo.write(
            f"{folder}/index.md",
            f"---\ntitle: Blip number {number}\nimpact: minor\naffected:\n"
            "  api: degraded_performance\n---\n",
        )
        repo.write(
            f"{folder}/2026-11-24T0{number}00Z-investigating.md",
            f"---\nat: 2026-11-24T0{number}:00:00Z\nstatus: investigating\n---\nSlow.\n",
        )
        repo.write(
            f"{folder}/2026-11-24T0{number}30Z-resolved.md",
            f"---\nat: 2026-11-24T0{number}:30:00Z\nstatus: resolved\n---\nFine.\n",
        )
    result = build_site(repo.root)
    assert result.returncode == 0, result.stderr
    page = BeautifulSoup(
        (repo.root / "site/components/api/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    day = " ".join(page.select(".herald-bars > li")[-2].get_text().split())
    assert day.startswith("Tue 24 Nov 2026: ")
    assert "Blip number 0; Blip number 1; Blip number 2; and 2 more" in day
    # The status page shows every component's days: there they count, so the page does
    # not grow with the number of incidents.
    home = BeautifulSoup((repo.root / "site/index.html").read_text(encoding="utf-8"), "html.parser")
    row = next(
        row
        for row in home.select(".herald-component")
        if row.select_one(".herald-component__name").get_text(strip=True) == "REST API"
    )
    day = " ".join(row.select(".herald-bars > li")[-2].get_text().split())
    assert day == "Tue 24 Nov 2026: degraded performance. 5 incidents"


def test_a_page_whose_stylesheets_cannot_all_be_inlined_loads_them_as_usual(
    repo: StatusRepo,
) -> None:
    """Inlining some and linking others would change their order in the cascade."""
    repo.write("docs/extra.css", ".md-header{background:url(texture.png)}\n")
    home = built_home(repo, "extra_css:\n  - extra.css\nplugins:\n  - herald\n")
    assert re.search(r'<link rel="stylesheet" href="assets/stylesheets/main\.', home)
    assert "herald-theme-assets" not in home


def test_inlined_rules_cannot_close_their_style_element() -> None:
    from site_plugin.mkdocs_plugin.page_assets import PageAssets

    sheet = '.card::after{content:"</style><script>alert(1)</script>"}'
    page = (
        '<html><head><link rel="stylesheet" href="a.css"></head>'
        '<body><p class="card">x</p></body></html>'
    )
    rewritten = PageAssets(lambda path: sheet if path == "a.css" else None, None).rewrite(page, "")
    # One </style>: the element's own end.
    assert rewritten.count("</style>") == 1
    assert '.card::after{content:"<\\/style><script>alert(1)<\\/script>"}' in rewritten


def test_nested_rules_are_kept_whole() -> None:
    css = ".card{color:blue;&:hover{color:green}}"
    assert subset(css) == css


def test_the_same_pass_ends_the_head_with_the_markup_given() -> None:
    """The feed links go in with the inlined styles, and into a page left as it was."""
    from site_plugin.mkdocs_plugin.page_assets import PageAssets

    links = '<link rel="alternate" type="application/atom+xml" href="/history.atom">'
    page = (
        '<html><head><link rel="stylesheet" href="a.css"></head>'
        '<body><p class="card">x</p></body></html>'
    )
    inlined = PageAssets(lambda path: ".card{a:b}" if path == "a.css" else None, None)
    rewritten = inlined.rewrite(page, "", head_end=links)
    head = rewritten.partition("</head>")[0]
    assert head.endswith(links)
    assert '<style data-herald-sheet="0">.card{a:b}</style>' in head
    assert rewritten.count(links) == 1
    # A stylesheet that cannot be inlined: the page loads it as before, links added.
    as_before = PageAssets(lambda path: ".card{background:url(x.png)}", None)
    assert as_before.rewrite(page, "", head_end=links) == page.replace("</head>", links + "</head>")
