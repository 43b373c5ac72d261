""" "Subscribe by email" beside the feeds: the ``subscribe_email`` option and a component's
own ``subscribe_email`` in components.yml, in real ``mkdocs build`` runs read back with an
HTML parser, and refused alike by the build and ``herald check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ..conftest import StatusRepo, build_site, run_herald

SITE_LIST = "mailto:status-announce-join@lists.test.example?subject=subscribe&body=yes"
API_PAGE = "https://lists.test.example/postorius/lists/api.lists.test.example/"
REGIONS_LIST = "mailto:regions-join@lists.test.example"
US_EAST_LIST = "mailto:us-east-join@lists.test.example"
COMPONENTS = f"""\
components:
  - id: api
    name: REST API
    subscribe_email: {API_PAGE}
  - id: dashboard
    name: Dashboard
  - id: regions
    name: Regions
    subscribe_email: {REGIONS_LIST}
    components:
      - id: eu-west
        name: EU West
      - id: us-east
        name: US East
        subscribe_email: {US_EAST_LIST}
"""


def mkdocs(options: str, *, language: str = "en") -> str:
    return (
        "site_name: Test status\nsite_url: https://status.test.example/\n"
        f"theme:\n  name: material\n  language: {language}\n"
        f"plugins:\n  - search\n  - herald:\n{options}"
    )


def read_page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text("utf-8"), "html.parser")


def subscribe_links(site: Path, url: str) -> list[tuple[str, str]]:
    """(text, href) of the "Get updates" line's links: the feeds, then email."""
    line = read_page(site, url).select_one(".herald-subscribe")
    assert line is not None, url
    return [(" ".join(link.get_text().split()), str(link["href"])) for link in line.select("a")]


def email_link(site: Path, url: str) -> str | None:
    links = [href for text, href in subscribe_links(site, url) if "email" in text.lower()]
    assert len(links) <= 1
    return links[0] if links else None


@pytest.fixture
def site(repo: StatusRepo) -> Path:
    repo.write("components.yml", COMPONENTS)
    (repo.root / "mkdocs.yml").write_text(
        mkdocs(f'      subscribe_email: "{SITE_LIST}"\n'), encoding="utf-8"
    )
    result = build_site(repo.root)
    assert result.returncode == 0, result.stderr
    return repo.root / "site"


def test_the_site_and_each_component_link_their_own_list_beside_the_feeds(site: Path) -> None:
    home = subscribe_links(site, "")
    assert [text for text, _ in home] == ["Atom feed", "RSS feed", "Subscribe by email"]
    assert home[-1][1] == SITE_LIST
    assert email_link(site, "components/api") == API_PAGE
    assert email_link(site, "components/regions") == REGIONS_LIST
    # A member without its own list has its group's (which hears of every member) ...
    assert email_link(site, "components/eu-west") == REGIONS_LIST
    assert email_link(site, "components/us-east") == US_EAST_LIST
    # ... and a component without one the site's, which hears of everything.
    assert email_link(site, "components/dashboard") == SITE_LIST


def test_the_link_is_escaped_for_html(site: Path) -> None:
    html = (site / "index.html").read_text("utf-8")
    escaped = SITE_LIST.replace("&", "&amp;")
    assert f'class="herald-subscribe-email" href="{escaped}"' in html
    assert "&body=yes" not in html


def test_the_api_page_object_stays_statuspage_s(site: Path) -> None:
    """Statuspage's public v2 page object has no subscription field (its sign-up lives in
    the management API): the documents gain none, and hold no list address."""
    for name in ("summary.json", "status.json", "components.json"):
        document = json.loads((site / "api" / "v2" / name).read_text("utf-8"))
        assert set(document["page"]) == {"id", "name", "url", "time_zone", "updated_at"}
        assert "lists.test.example" not in json.dumps(document), name


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("de", "Per E-Mail abonnieren"),
        ("fr", "S’abonner par e-mail"),
        ("es", "Suscribirse por correo electrónico"),
        ("pt-BR", "Assinar por e-mail"),
        ("ja", "メールで購読"),
    ],
)
def test_in_the_site_s_language(repo: StatusRepo, language: str, label: str) -> None:
    (repo.root / "mkdocs.yml").write_text(
        mkdocs(f'      subscribe_email: "{SITE_LIST}"\n', language=language), encoding="utf-8"
    )
    result = build_site(repo.root)
    assert result.returncode == 0, result.stderr
    links = subscribe_links(repo.root / "site", "")
    assert links[-1] == (label, SITE_LIST)
    assert links[-1] == subscribe_links(repo.root / "site", "components/api")[-1]


def test_without_the_option_there_is_no_email_link(repo: StatusRepo) -> None:
    result = build_site(repo.root)
    assert result.returncode == 0, result.stderr
    assert email_link(repo.root / "site", "") is None
    assert email_link(repo.root / "site", "components/api") is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (
            "javascript:alert(document.domain)",
            "must be an absolute URL starting with https:, mailto:",
        ),
        ("java&#x09;script:alert(1)", "must be an absolute URL starting with https:, mailto:"),
        ("http://lists.test.example/join", "must be an absolute URL starting with https:, mailto:"),
        ("mailto:join@lists.test.example>x", "has a character that cannot stand in a URL"),
        ("/join/", "must be an absolute URL starting with https:, mailto:"),
    ],
)
def test_a_bad_option_is_refused_by_the_build_and_by_check_alike(
    repo: StatusRepo, value: str, problem: str
) -> None:
    config = mkdocs(f"      subscribe_email: '{value}'\n")
    (repo.root / "mkdocs.yml").write_text(config, encoding="utf-8")
    line = config.splitlines().index(f"      subscribe_email: '{value}'") + 1
    built = build_site(repo.root)
    assert built.returncode == 1
    assert f"subscribe_email': {problem}" in built.stderr, built.stderr
    assert "Traceback" not in built.stderr
    assert not (repo.root / "site").exists()
    checked = run_herald(repo.root, "check")
    assert checked.returncode == 1
    assert f"mkdocs.yml:{line}: subscribe_email: {problem}" in checked.stdout, checked.stdout


def test_a_component_s_bad_link_is_a_content_problem_for_both(repo: StatusRepo) -> None:
    repo.write(
        "components.yml",
        COMPONENTS.replace(API_PAGE, "javascript:alert(1)").replace(
            f"subscribe_email: {US_EAST_LIST}", "subscribe_email: [not, a, link]"
        ),
    )
    expected = [
        "components.yml:4: 'subscribe_email': must be an absolute URL starting with https:,"
        " mailto: (write a mailto: address or an https: page where readers sign up)",
        "components.yml:15: 'subscribe_email': a list is not a link (write a mailto: address"
        " or an https: sign-up page)",
    ]
    checked = run_herald(repo.root, "check")
    assert checked.returncode == 1
    for problem in expected:
        assert problem in checked.stdout, checked.stdout
    built = build_site(repo.root)
    assert built.returncode == 1
    for problem in expected:
        assert problem in built.stderr, built.stderr
    assert "javascript" not in checked.stdout + built.stderr


def test_every_herald_page_offers_the_feeds_and_the_list_once(site: Path) -> None:
    """Readers arrive on an incident page from a notification or a search: the way to be
    told next time is there too, once, with the site's feeds and list."""
    for url in ("incidents/2026-11-20-api-errors", "history", "history/2026-11"):
        page = read_page(site, url)
        assert len(page.select(".herald-subscribe")) == 1, url
        links = subscribe_links(site, url)
        assert [text for text, _ in links] == ["Atom feed", "RSS feed", "Subscribe by email"]
        assert links[-1][1] == SITE_LIST
    for url in ("", "components/api"):
        assert len(read_page(site, url).select(".herald-subscribe")) == 1, url
