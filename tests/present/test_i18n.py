"""Herald's texts in the site's language: a complete German catalogue, a German build of
the example site with no English of Herald's left, and the formats of both languages."""

from __future__ import annotations

import email
import email.policy
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
import yaml
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from site_plugin.content.loader import ContentPaths, load_status_site
from site_plugin.present.i18n import (
    LANGUAGES,
    LOCALES,
    SOURCE_LANGUAGE,
    is_supported,
    language_tag,
    translator,
)
from site_plugin.present.rendering import MarkdownRenderer

from ..conftest import (
    MKDOCS_YML,
    NOW,
    NOW_EPOCH,
    REPO_ROOT,
    StatusRepo,
    build_site,
    copy_example,
    run_herald,
    write_example_probes,
)

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
POT = LOCALES / "herald.pot"
GERMAN_PO = LOCALES / "de" / "LC_MESSAGES" / "herald.po"
TRANSLATED = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]


# -- the catalogue --------------------------------------------------------------------------


def extracted() -> Catalog:
    """What the sources ask to translate, found as scripts/update-translations finds it."""
    with (REPO_ROOT / "babel.cfg").open(encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    catalog = Catalog()
    source = REPO_ROOT / "site_plugin"
    for filename, lineno, message, comments, context in extract_from_dir(
        str(source), method_map, options_map
    ):
        catalog.add(message, None, [(f"site_plugin/{filename}", lineno)], comments, context=context)
    return catalog


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


def key(message: Message) -> tuple[str | None, str | tuple[str, ...]]:
    return message.context, message.id


def messages(catalog: Catalog) -> dict[tuple[str | None, str | tuple[str, ...]], Message]:
    return {key(message): message for message in catalog if message.id}


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def po_file(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / "herald.po"


def test_every_catalogue_is_a_language_herald_offers() -> None:
    assert sorted(path.parent.parent.name for path in LOCALES.glob("*/LC_MESSAGES/*.po")) == (
        sorted(TRANSLATED)
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_the_sources_use_is_translated(language: str) -> None:
    wanted = messages(extracted())
    translated = messages(read_catalogue(po_file(language)))
    assert len(wanted) > 100
    problems = []
    for message_key, source in sorted(wanted.items(), key=str):
        translation = translated.get(message_key)
        ids = source.id if isinstance(source.id, tuple) else (source.id,)
        if translation is None:
            problems.append(f"missing: {message_key}")
            continue
        forms = (
            translation.string if isinstance(translation.string, tuple) else (translation.string,)
        )
        if translation.fuzzy or not all(form.strip() for form in forms):
            problems.append(f"untranslated or fuzzy: {message_key}")
            continue
        expected = set().union(*(placeholders(text) for text in ids))
        for form in forms:
            if placeholders(form) != expected:
                problems.append(f"placeholders differ: {message_key} -> {form!r}")
    assert problems == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_catalogue_holds_what_the_sources_no_longer_use(language: str) -> None:
    assert set(messages(read_catalogue(po_file(language)))) - set(messages(extracted())) == set()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalogue_passes_babels_format_checks(language: str) -> None:
    catalog = read_catalogue(po_file(language))
    assert [(message.id, errors) for message, errors in catalog.check()] == []


def test_the_template_is_current() -> None:
    """herald.pot lists exactly what the sources use, where (scripts/update-translations)."""
    template = messages(read_catalogue(POT))
    sources = messages(extracted())
    assert set(template) == set(sources)
    for message_key, message in sources.items():
        files = {path for path, _ in message.locations}
        assert {path for path, _ in template[message_key].locations} == files, message_key


# -- a German build of the example site -------------------------------------------------------

#: Words of Herald's English msgids that read the same in German, so finding them in a
#: German page proves nothing.
SAME_IN_GERMAN = {
    "Update": "German status pages say Update (Duden lists it): 'Nächstes Update bis'",
    "Updates": "the plural of Update, as above",
    "Status": "the same word in German ('Aktueller Status')",
    "Median": "the same word in German (a chart's 'Median')",
    "ms": "the symbol of milliseconds, the same in every language",
}
#: Short English words that German text never uses: a cheap net for English that does not
#: come from the catalogue at all (a string someone forgot to mark).
ENGLISH_WORDS = {
    "the", "and", "of", "by", "to", "with", "since", "after", "for", "from", "is", "are",
    "this", "on", "at", "over", "last", "no", "all", "next", "update", "incident", "incidents",
    "uptime", "maintenance", "ongoing", "recent", "days", "report", "published", "posted",
    "affected", "affects", "window", "duration", "started", "resolved", "help", "read",
}  # fmt: skip


def english_fragments() -> dict[str, str]:
    """Every literal run of words in Herald's English msgids, with the msgid it comes from."""
    fragments: dict[str, str] = {}
    for message in read_catalogue(GERMAN_PO):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in ids:
            for piece in PLACEHOLDER.split(text)[::2]:
                # Placeholder names sit at odd positions of the split; keep the literals,
                # trimmed to start and end with a letter.
                fragment = re.sub(r"^[^A-Za-z]+|[^A-Za-z]+$", "", piece)
                if len(fragment) < 2:
                    # Not a word: punctuation, or a unit glued to a number ("%(num)dh");
                    # the formatting tests below check those.
                    continue
                if fragment in SAME_IN_GERMAN:
                    continue
                fragments.setdefault(fragment, text)
    return fragments


class UserText:
    """The example's own content (English): removed before looking for Herald's English."""

    def __init__(self, root: Path, config: dict[str, object]) -> None:
        site = load_status_site(ContentPaths(root), now=NOW, zone=UTC)
        render = MarkdownRenderer(["tables", "admonition"])
        texts: set[str] = {str(config["site_name"]), str(config["site_description"])}
        plugin = next(p["herald"] for p in config["plugins"] if isinstance(p, dict))  # type: ignore[attr-defined]
        texts.add(str(plugin["support_label"]))
        for entry in site.catalog.every_entry:
            texts.update({entry.name, entry.description})
        markdown = []
        for incident in site.incidents:
            texts.add(incident.title)
            markdown.append(incident.summary)
            markdown.extend(update.message for update in incident.updates)
            if incident.postmortem is not None:
                markdown.append(incident.postmortem.body)
        for text in markdown:
            # As emails show it (the Markdown, paragraph by paragraph) and as pages and
            # feeds show it (rendered, block by block).
            texts.update(normalise(paragraph) for paragraph in re.split(r"\n\s*\n", text))
            html = BeautifulSoup(str(render(text)), "html.parser")
            for block in html.find_all(["p", "li", "h1", "h2", "h3", "h4", "td", "th", "pre"]):
                texts.add(normalise(block.get_text(" ")))
        self.texts = sorted((text for text in texts if text), key=len, reverse=True)

    def remove(self, text: str) -> str:
        text = normalise(text)
        for user_text in self.texts:
            text = text.replace(user_text, " ¶ ")
        # Links and addresses are not words of any language.
        return re.sub(r"(https?|mailto):\S+|\S+@\S+", " ", text)


def normalise(text: str) -> str:
    return " ".join(text.split())


def page_text(path: Path) -> str:
    """What Herald renders on a page: its part of the page, the title, the description and
    the accessible names, without the theme's own chrome."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    region = soup.select_one(".herald") or soup.select_one("article") or soup
    for tag in region.find_all(["script", "style"]):
        tag.decompose()
    parts = [region.get_text(" ")]
    parts += [
        str(tag.get(name))
        for tag in region.find_all(True)
        for name in ("aria-label", "title")
        if tag.get(name)
    ]
    parts.append(soup.title.get_text() if soup.title else "")
    parts += [str(tag.get("content")) for tag in soup.select('meta[name="description"]')]
    parts += [str(tag.get("title")) for tag in soup.select('link[rel="alternate"]')]
    return "\n".join(parts)


def atom_text(path: Path) -> str:
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    root = ET.parse(path).getroot()
    parts = [
        element.text or ""
        for element in root.iter()
        if element.tag.split("}")[-1] in ("title", "subtitle", "summary")
    ]
    parts += [element.get("label", "") for element in root.iterfind(".//atom:category", ns)]
    for content in root.iterfind(".//atom:content", ns):
        parts.append(BeautifulSoup(content.text or "", "html.parser").get_text(" "))
    return "\n".join(parts)


def english_left(text: str, user: UserText) -> list[str]:
    """Herald's English found in ``text`` once the user's own content is taken out."""
    herald_text = user.remove(text)
    found = [
        f"{fragment!r} (from {msgid!r})"
        for fragment, msgid in english_fragments().items()
        if re.search(rf"(?<![\w-]){re.escape(fragment)}(?![\w-])", herald_text)
    ]
    words = set(re.findall(r"[A-Za-z]+", herald_text))
    found += [
        f"English word {word!r}"
        for word in sorted(words)
        if word not in SAME_IN_GERMAN
        and (word in ENGLISH_WORDS or (word[:1].isupper() and word.lower() in ENGLISH_WORDS))
    ]
    return found


@pytest.fixture(scope="module")
def german_example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, UserText]]:
    """The repository's example site, with probe results, built with ``theme.language: de``."""
    root = tmp_path_factory.mktemp("example-de")
    copy_example(root)
    write_example_probes(root)
    config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"]["language"] = "de"
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    result = build_site(root)
    assert result.returncode == 0, result.stderr
    yield root, UserText(root, config)


EXAMPLE_PAGES = {
    "home": "index.html",
    "incident with a report": "incidents/2026-09-09-message-database-failover/index.html",
    "open incident": "incidents/2026-11-25-yahoo-delivery-delays/index.html",
    "maintenance": "incidents/2026-11-23-dashboard-move-maintenance/index.html",
    "history": "history/index.html",
    "history month": "history/2026-11/index.html",
    "component": "components/api/index.html",
    "group": "components/regions/index.html",
}


@pytest.mark.parametrize("page", sorted(EXAMPLE_PAGES))
def test_german_pages_have_no_english_of_heralds_left(
    german_example: tuple[Path, UserText], page: str
) -> None:
    root, user = german_example
    path = root / "site" / EXAMPLE_PAGES[page]
    assert path.is_file(), path
    assert english_left(page_text(path), user) == []


def test_the_example_has_the_pages_the_german_test_reads() -> None:
    assert (REPO_ROOT / "incidents/2026-09-09-message-database-failover/postmortem.md").is_file()
    assert (REPO_ROOT / "components.yml").read_text(encoding="utf-8").count("id: regions") == 1


def test_the_german_atom_feed_has_no_english_of_heralds_left(
    german_example: tuple[Path, UserText],
) -> None:
    root, user = german_example
    feed = root / "site" / "history.atom"
    assert english_left(atom_text(feed), user) == []
    xml = feed.read_text(encoding="utf-8")
    assert (
        ET.fromstring(xml.encode("utf-8")).get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    )
    rss = (root / "site" / "history.rss").read_text(encoding="utf-8")
    assert "<language>de</language>" in rss
    assert "Abschlussbericht" in atom_text(feed)


def german_digest(root: Path) -> EmailMessage:
    result = run_herald(root, "digest", "--since=-7d")
    assert result.returncode == 0, result.stderr
    message = email.message_from_bytes(result.stdout.encode("utf-8"), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_the_german_email_digest_has_no_english_of_heralds_left(
    german_example: tuple[Path, UserText],
) -> None:
    root, user = german_example
    message = german_digest(root)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    html_soup = BeautifulSoup(html.get_content(), "html.parser")
    assert html_soup.html is not None and html_soup.html.get("lang") == "de"
    for part in (str(message["Subject"]), text.get_content(), html_soup.get_text(" ")):
        assert english_left(part, user) == []
    assert "Nächstes Update bis 25. Nov. 2026, 12:15 UTC." in text.get_content()
    assert "Meldungen (höchste Auswirkung: erheblich)" in str(message["Subject"])


def test_german_pages_say_it_in_german(german_example: tuple[Path, UserText]) -> None:
    root, _ = german_example
    site = root / "site"
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert normalise(home.select_one(".herald-banner__status").get_text()) == (  # type: ignore[union-attr]
        "Teilweise eingeschränkter Dienst"
    )
    promise = home.select_one(".herald-promise")
    assert promise is not None
    assert normalise(promise.get_text()) == "Nächstes Update bis 25. Nov. 2026, 12:15 UTC."
    time = promise.select_one("time")
    assert time is not None and time["datetime"] == "2026-11-25T12:15:00Z"
    assert home.title is not None and home.title.get_text().startswith("Aktueller Status - ")
    assert "Ursache gefunden" in home.get_text()
    # The search button Herald's script shows says it in the theme's words.
    script = home.select_one("script[data-search-label]")
    assert script is not None and script["data-search-label"] == "Suche"
    history = (site / "history" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Störungsverlauf</h1>" in history
    component = (site / "components" / "api" / "index.html").read_text(encoding="utf-8")
    assert "Verfügbarkeit der letzten 30 Tage" in component
    assert re.search(r"\d\d,\d\d\xa0%", component)
    # What the probes measured, beside it: the words and the numbers German.
    assert '<h2 id="herald-measured">Gemessene Antwortzeit</h2>' in component
    assert "Von Prüfungen gemessen, letzte 90 Tage" in component
    assert re.search(r"<td>\d{2}\.\d{3}</td>", component)  # 25.920 probes
    about = (site / "about" / "index.html").read_text(encoding="utf-8")
    assert "Brauchen Sie Hilfe?" in about


def test_german_pages_give_notices_their_own_words_and_durations_in_words(
    german_example: tuple[Path, UserText],
) -> None:
    site = german_example[0] / "site"

    def page(url: str) -> BeautifulSoup:
        return BeautifulSoup((site / url / "index.html").read_text("utf-8"), "html.parser")

    home = page("")
    (notice,) = home.select(".herald-card--notice")
    meta = notice.select_one(".herald-card__meta")
    assert meta is not None and normalise(meta.get_text()) == (
        "Aktualisiert am 1. Okt. 2026, 09:00 UTC"
    )
    (card,) = home.select(".herald-card--minor")
    assert normalise(card.get_text()).count("Ursache gefunden") == 1
    assert "Neuestes Update" in normalise(card.get_text())
    ended = page("incidents/2026-09-03-phishing-advisory")
    statuses = [
        normalise(strong.get_text())
        for strong in ended.select(".herald-timeline .herald-update__meta strong")
    ]
    assert statuses == ["Beendet", "Veröffentlicht"]
    month = normalise(page("history/2026-11").get_text())
    assert "Behoben nach 39 Minuten" in month
    assert "Behoben nach 2 Stunden und 40 Minuten" in month


# -- languages, formats and plurals -----------------------------------------------------------

MOMENT = datetime(2026, 11, 25, 11, 35, tzinfo=UTC)


def test_english_reads_exactly_as_before() -> None:
    t = translator("en")
    assert t.utc_text(MOMENT) == "25 Nov 2026, 11:35 UTC"
    assert t.utc_text(datetime(2026, 9, 3, 7, 5, tzinfo=UTC)) == "3 Sep 2026, 07:05 UTC"
    assert t.utc_clock(MOMENT) == "11:35 UTC"
    assert t.day_text(date(2026, 11, 20)) == "Fri 20 Nov 2026"
    assert t.month_text(2026, 11) == "November 2026"
    assert t.duration_text(timedelta(hours=2, minutes=5)) == "2h 5m"
    assert t.duration_text(timedelta(days=3, hours=4, minutes=5)) == "3d 4h"
    assert t.duration_text(timedelta(seconds=20)) == "<1m"
    assert t.percent_text(0.99999) == "99.99%"
    assert t.percent_text(1.0) == "100.00%"
    assert t.percent_text(None) == "no data"
    assert t.ngettext("%(num)d entry", "%(num)d entries", 1) == "1 entry"
    assert t.ngettext("%(num)d entry", "%(num)d entries", 5) == "5 entries"


def test_german_formats() -> None:
    t = translator("de")
    assert t.utc_text(MOMENT) == "25. Nov. 2026, 11:35 UTC"
    assert t.utc_text(datetime(2026, 5, 3, 7, 5, tzinfo=UTC)) == "3. Mai 2026, 07:05 UTC"
    assert t.utc_clock(MOMENT) == "11:35 UTC"
    assert t.day_text(date(2026, 11, 25)) == "Mi., 25. Nov. 2026"
    assert t.month_text(2026, 11) == "November 2026"
    assert t.month_text(2026, 3) == "März 2026"
    assert t.duration_text(timedelta(hours=2, minutes=5)) == "2 Std. 5 Min."
    assert t.duration_text(timedelta(days=1, hours=4)) == "1 Tag 4 Std."
    assert t.duration_text(timedelta(days=3)) == "3 Tage"
    assert t.duration_text(timedelta(seconds=20)) == "<1 Min."
    assert t.minutes_text(50.4) == "50 Min."
    # Floored, never rounded up to 100 %; CLDR puts a no-break space before the sign.
    assert t.percent_text(0.99999) == "99,99\xa0%"
    assert t.percent_text(0.2) == "20,00\xa0%"
    assert t.percent_text(None) == "keine Daten"
    assert str(t.time_element(MOMENT)) == (
        '<time datetime="2026-11-25T11:35:00Z" data-herald-time="full">'
        "25. Nov. 2026, 11:35 UTC</time>"
    )


@pytest.mark.parametrize(
    ("delta", "english", "german"),
    [
        (timedelta(seconds=20), "less than a minute", "weniger als einer Minute"),
        (timedelta(minutes=1), "1 minute", "1 Minute"),
        (timedelta(minutes=50), "50 minutes", "50 Minuten"),
        (timedelta(hours=1, minutes=5), "1 hour and 5 minutes", "1 Stunde und 5 Minuten"),
        (timedelta(hours=2), "2 hours", "2 Stunden"),
        (timedelta(days=1, hours=4), "1 day and 4 hours", "1 Tag und 4 Stunden"),
        (timedelta(days=3, minutes=5), "3 days", "3 Tagen"),
    ],
)
def test_how_long_it_lasted_reads_in_words_after_after(
    delta: timedelta, english: str, german: str
) -> None:
    en, de = translator("en"), translator("de")
    after = "%(status)s after %(duration)s"
    assert en.gettext(after, status="Resolved", duration=en.duration_words(delta)) == (
        f"Resolved after {english}"
    )
    # German says it in the case "nach" asks for: "nach 3 Tagen", "nach einer Minute".
    assert de.gettext(after, status="Behoben", duration=de.duration_words(delta)) == (
        f"Behoben nach {german}"
    )


def test_german_plurals_and_words() -> None:
    t = translator("de")
    assert t.ngettext("%(num)d entry", "%(num)d entries", 1) == "1 Eintrag"
    assert t.ngettext("%(num)d entry", "%(num)d entries", 2) == "2 Einträge"
    assert t.ngettext("%(num)d day", "%(num)d days", 30) == "30 Tage"
    assert (
        t.gettext("Next update by %(time)s.", time="12:15 UTC") == "Nächstes Update bis 12:15 UTC."
    )
    assert t.pgettext("impact", "major") == "erheblich"
    assert t.gettext("Scheduled maintenance") == "Geplante Wartung"


@pytest.mark.parametrize(
    ("value", "language", "locale"),
    [
        ("de", "de", "de"),
        ("de-CH", "de", "de_CH"),
        ("de_AT", "de", "de_AT"),
        ("DE", "de", "de"),
        ("en", "en", "en"),
        ("en-GB", "en", "en"),
        ("fr", "en", "en"),
        ("", "en", "en"),
        (None, "en", "en"),
    ],
)
def test_which_catalogue_and_locale_a_language_gets(
    value: str | None, language: str, locale: str
) -> None:
    t = translator(value)
    assert (t.language, str(t.locale)) == (language, locale)
    assert is_supported(value) == (language_tag(value).split("_")[0] == language)


def test_region_variants_read_german_and_keep_english_times_unchanged() -> None:
    assert translator("de-CH").gettext("Resolved") == "Behoben"
    assert translator("en-GB").utc_text(datetime(2026, 9, 3, 7, 5, tzinfo=UTC)) == (
        "3 Sep 2026, 07:05 UTC"
    )


def site_with_language(repo: StatusRepo, language: str, extra: str = "") -> None:
    config = MKDOCS_YML.replace("  name: material\n", f"  name: material\n  language: {language}\n")
    (repo.root / "mkdocs.yml").write_text(config + extra, encoding="utf-8")


def test_an_unknown_language_falls_back_to_english_with_one_warning(repo: StatusRepo) -> None:
    site_with_language(repo, "fr")
    result = build_site(repo.root, strict=False)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "theme.language" in line]
    assert len(warnings) == 1, result.stderr
    assert "WARNING" in warnings[0] and "'fr'" in warnings[0]
    home = (repo.root / "site" / "index.html").read_text(encoding="utf-8")
    assert "All Systems Operational" in home and "Recent days" in home


def test_a_title_the_team_set_stays_as_written(repo: StatusRepo) -> None:
    site_with_language(repo, "de")
    config = (repo.root / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  - herald\n", "  - herald:\n      home_title: Systemstatus\n")
    (repo.root / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = build_site(repo.root)
    assert result.returncode == 0, result.stderr
    home = BeautifulSoup(
        (repo.root / "site" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert normalise(home.select_one(".herald h1").get_text()) == "Systemstatus"  # type: ignore[union-attr]
    history = (repo.root / "site" / "history" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Störungsverlauf</h1>" in history


def test_german_badges_calendar_and_chat(repo: StatusRepo) -> None:
    site_with_language(repo, "de")
    result = build_site(repo.root)
    assert result.returncode == 0, result.stderr
    site = repo.root / "site"
    assert '"label": "Status", "message": "Alle Systeme betriebsbereit"' in (
        site / "badge.json"
    ).read_text(encoding="utf-8")
    assert "REST API: betriebsbereit" in (site / "components/api/badge.svg").read_text(
        encoding="utf-8"
    )
    calendar = (site / "maintenance.ics").read_bytes().decode("utf-8")
    assert "Test status \u2013 Wartungen" in calendar


def test_the_command_line_reads_the_language_for_the_digest(repo: StatusRepo) -> None:
    site_with_language(repo, "de")
    result = run_herald(repo.root, "digest", "--since=-30d", epoch=NOW_EPOCH)
    assert result.returncode == 0, result.stderr
    message = email.message_from_bytes(result.stdout.encode("utf-8"), policy=email.policy.default)
    assert str(message["Subject"]) == (
        "[Test status] Behoben: Elevated error rates on the REST API"
    )
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert "Störung, erhebliche Auswirkung. Betrifft: REST API.\n" in body.get_content()
