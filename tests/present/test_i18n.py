"""Herald's texts in the site's language: a complete catalogue for every language Herald
offers, a build of the example site in each with no English of Herald's left, what a
reader sees in each, and the formats Babel gives each locale."""

from __future__ import annotations

import email
import email.policy
import json
import re
import xml.etree.ElementTree as ET
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
from site_plugin.mkdocs_plugin.plugin import theme_language
from site_plugin.present.i18n import (
    LANGUAGES,
    LOCALES,
    SOURCE_LANGUAGE,
    Translator,
    catalogue_language,
    is_supported,
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
TRANSLATED = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]
HTML_LANG = {"de": "de", "fr": "fr", "es": "es", "pt_BR": "pt-BR", "ja": "ja"}
"""What ``lang`` attributes and feeds say for each catalogue (BCP 47)."""


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


#: Each catalogue's plural rule, as pybabel writes it from CLDR (Babel 2.19): French and
#: Brazilian Portuguese count 0 as singular, and they and Spanish have a form for exact
#: millions ("1 000 000 de jours"), which with digits reads as the plural.
PLURAL_RULES = {
    "de": (2, "(n != 1)"),
    "fr": (3, "(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2"),
    "es": (3, "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)"),
    "pt_BR": (3, "(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2"),
    "ja": (1, "0"),
}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalogue_says_its_language_and_plural_rule(language: str) -> None:
    catalog = read_catalogue(po_file(language))
    assert str(catalog.locale) == language
    assert (catalog.num_plurals, catalog.plural_expr) == PLURAL_RULES[language]
    assert "FULL NAME" not in str(catalog.last_translator)
    assert "LL@li.org" not in str(catalog.language_team)


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("de", 0, "0 Einträge"),
        ("de", 1, "1 Eintrag"),
        # French and Brazilian Portuguese count 0 as singular, as CLDR says.
        ("fr", 0, "0 entrée"),
        ("fr", 1, "1 entrée"),
        ("fr", 2, "2 entrées"),
        ("fr", 1_000_000, "1000000 entrées"),
        ("es", 0, "0 entradas"),
        ("es", 1, "1 entrada"),
        ("es", 2, "2 entradas"),
        ("pt_BR", 0, "0 registro"),
        ("pt_BR", 1, "1 registro"),
        ("pt_BR", 5, "5 registros"),
        # Japanese has one form: the counter word, never a plural.
        ("ja", 1, "1件"),
        ("ja", 5, "5件"),
    ],
)
def test_plural_forms_read_right(language: str, count: int, expected: str) -> None:
    assert translator(language).ngettext("%(num)d entry", "%(num)d entries", count) == expected


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_catalogue_never_says_the_same_thing_two_ways_for_a_status(language: str) -> None:
    """One status, one word: the label on a page and the phrase inside a sentence agree,
    and the badge, the status page and the component's page use the same."""
    t = translator(language)
    # "Under maintenance" is left out: German's label is the short "Wartung", its phrase
    # "in Wartung".
    pairs = [
        ("Operational", "operational"),
        ("Degraded performance", "degraded performance"),
        ("Partial outage", "partial outage"),
        ("Major outage", "major outage"),
        ("Major impact", "major impact"),
        ("Minor impact", "minor impact"),
        ("Critical impact", "critical impact"),
        ("No impact", "no impact"),
    ]
    for label, phrase in pairs:
        assert t.gettext(label).casefold() == t.gettext(phrase).casefold(), (label, phrase)
    for label, with_duration in (
        ("Major outage", "major outage %(duration)s"),
        ("Partial outage", "partial outage %(duration)s"),
    ):
        assert t.gettext(label).casefold() in t.gettext(with_duration, duration="").casefold()


def test_the_template_is_current() -> None:
    """herald.pot lists exactly what the sources use, where (scripts/update-translations)."""
    template = messages(read_catalogue(POT))
    sources = messages(extracted())
    assert set(template) == set(sources)
    for message_key, message in sources.items():
        files = {path for path, _ in message.locations}
        assert {path for path, _ in template[message_key].locations} == files, message_key


# -- the example site built in each language ---------------------------------------------------

#: Words of Herald's English msgids that the language writes the same, so finding them in
#: its pages proves nothing, each with why.
SAME_WORDS: dict[str, dict[str, str]] = {
    "de": {
        "Update": "German status pages say Update (Duden lists it): 'Nächstes Update bis'",
        "Updates": "the plural of Update, as above",
        "Status": "the same word in German ('Aktueller Status')",
        "Median": "the same word in German (a chart's 'Median')",
        "ms": "the symbol of milliseconds, the same in every language",
    },
    "fr": {
        "Incident": "the same word in French ('Incident', 'Incidents en cours')",
        "Incidents": "its plural, as above",
        "incident": "inside a sentence ('aucun incident')",
        "incidents": "its plural, as above",
        "Maintenance": "the same word in French ('Maintenance planifiée')",
        "maintenance": "inside a sentence ('Service en maintenance')",
        "minutes": "the same word in French ('Résolu après 39 minutes')",
        "ms": "the symbol of milliseconds, the same in every language",
    },
    "es": {
        "no": "the Spanish for 'not' ('estas mediciones no los cambian')",
        "ms": "the symbol of milliseconds, the same in every language",
    },
    "pt_BR": {
        "Status": "Brazilian status pages say Status ('Status atual', 'página de status')",
        "status": "inside a sentence, as above",
        "ms": "the symbol of milliseconds, the same in every language",
    },
    "ja": {"ms": "the symbol of milliseconds, the same in every language"},
}
#: Short English words that text in these languages never uses: a cheap net for English
#: that does not come from the catalogue at all (a string someone forgot to mark).
ENGLISH_WORDS = {
    "the", "and", "of", "by", "to", "with", "since", "after", "for", "from", "is", "are",
    "this", "on", "at", "over", "last", "no", "all", "next", "update", "incident", "incidents",
    "uptime", "maintenance", "ongoing", "recent", "days", "report", "published", "posted",
    "affected", "affects", "window", "duration", "started", "resolved", "help", "read",
}  # fmt: skip


def english_fragments(language: str) -> dict[str, str]:
    """Every literal run of words in Herald's English msgids, with the msgid it comes from."""
    fragments: dict[str, str] = {}
    for message in read_catalogue(POT):
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
                if fragment in SAME_WORDS[language]:
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


def english_left(text: str, user: UserText, language: str) -> list[str]:
    """Herald's English found in ``text`` once the user's own content is taken out."""
    herald_text = user.remove(text)
    same = SAME_WORDS[language]
    found = [
        f"{fragment!r} (from {msgid!r})"
        for fragment, msgid in english_fragments(language).items()
        if re.search(rf"(?<![\w-]){re.escape(fragment)}(?![\w-])", herald_text)
    ]
    # Whole words, letters of any script: "até" is not the English "at".
    words = set(re.findall(r"[^\W\d_]+", herald_text))
    found += [
        f"English word {word!r}"
        for word in sorted(words)
        if word not in same
        and (word in ENGLISH_WORDS or (word[:1].isupper() and word.lower() in ENGLISH_WORDS))
    ]
    return found


class Examples:
    """The repository's example site built with each ``theme.language``, once each."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self.tmp_path_factory = tmp_path_factory
        self.built: dict[str, tuple[Path, UserText]] = {}

    def __call__(self, language: str) -> tuple[Path, UserText]:
        if language not in self.built:
            root = self.tmp_path_factory.mktemp(f"example-{language}")
            copy_example(root)
            # With probe results, so that component pages show what probes measured.
            write_example_probes(root)
            config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
            config["theme"]["language"] = language
            (root / "mkdocs.yml").write_text(
                yaml.safe_dump(config, sort_keys=False), encoding="utf-8"
            )
            result = build_site(root)
            assert result.returncode == 0, result.stderr
            self.built[language] = (root, UserText(root, config))
        return self.built[language]


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Examples:
    return Examples(tmp_path_factory)


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


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("page", sorted(EXAMPLE_PAGES))
def test_pages_have_no_english_of_heralds_left(
    examples: Examples, language: str, page: str
) -> None:
    root, user = examples(language)
    path = root / "site" / EXAMPLE_PAGES[page]
    assert path.is_file(), path
    assert english_left(page_text(path), user, language) == []
    html = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").html
    assert html is not None and html.get("lang") == HTML_LANG[language]


def test_what_probes_measured_reads_in_german(examples: Examples) -> None:
    root, _ = examples("de")
    component = (root / "site" / "components" / "api" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="herald-measured">Gemessene Antwortzeit</h2>' in component
    assert "Von Prüfungen gemessen, letzte 90 Tage" in component
    assert re.search(r"<td>\d{2}\.\d{3}</td>", component)  # 25.920 probes


def test_the_example_has_the_pages_the_language_tests_read() -> None:
    assert (REPO_ROOT / "incidents/2026-09-09-message-database-failover/postmortem.md").is_file()
    assert (REPO_ROOT / "components.yml").read_text(encoding="utf-8").count("id: regions") == 1


#: What a reader sees of the example in each language: the report's heading in the feed,
#: and in the email digest the promise and the subject's count of news.
FEED_AND_DIGEST = {
    "de": (
        "Abschlussbericht",
        "Nächstes Update bis 25. Nov. 2026, 12:15 UTC.",
        "Meldungen (höchste Auswirkung: erheblich)",
    ),
    "fr": (
        "Rapport post-incident",
        "Prochaine mise à jour au plus tard le 25 nov. 2026, 12:15 UTC.",
        "événements (impact le plus élevé\xa0: majeur)",
    ),
    "es": (
        "Informe posterior al incidente",
        "Próxima actualización antes del 25 nov 2026, 12:15 UTC.",
        "eventos (mayor impacto: importante)",
    ),
    "pt_BR": (
        "Relatório pós-incidente",
        "Próxima atualização até 25 de nov. de 2026 12:15 UTC.",
        "eventos (maior impacto: grave)",
    ),
    "ja": (
        "障害報告書",
        "次回の更新は2026年11月25日 12:15 UTCまでにお知らせします。",
        "件の更新（最大の影響度：大）",
    ),
}


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_atom_feed_has_no_english_of_heralds_left(examples: Examples, language: str) -> None:
    root, user = examples(language)
    feed = root / "site" / "history.atom"
    assert english_left(atom_text(feed), user, language) == []
    xml = feed.read_text(encoding="utf-8")
    assert (
        ET.fromstring(xml.encode("utf-8")).get("{http://www.w3.org/XML/1998/namespace}lang")
        == (HTML_LANG[language])
    )
    rss = (root / "site" / "history.rss").read_text(encoding="utf-8")
    assert f"<language>{HTML_LANG[language]}</language>" in rss
    assert FEED_AND_DIGEST[language][0] in atom_text(feed)


def digest(root: Path) -> EmailMessage:
    result = run_herald(root, "digest", "--since=-7d")
    assert result.returncode == 0, result.stderr
    message = email.message_from_bytes(result.stdout.encode("utf-8"), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_email_digest_has_no_english_of_heralds_left(examples: Examples, language: str) -> None:
    root, user = examples(language)
    message = digest(root)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    html_soup = BeautifulSoup(html.get_content(), "html.parser")
    assert html_soup.html is not None and html_soup.html.get("lang") == HTML_LANG[language]
    assert html_soup.html.get("dir") == "ltr"
    for part in (str(message["Subject"]), text.get_content(), html_soup.get_text(" ")):
        assert english_left(part, user, language) == []
    _, promise, subject = FEED_AND_DIGEST[language]
    assert promise in text.get_content()
    assert subject in str(message["Subject"])


#: The example's status page in each language: the headline, the promise, the page's
#: title, the open incident's status, the theme's word for search (which Herald's script
#: shows), the history's heading, the component's first uptime heading and figure, and
#: the support line on the team's own page.
EXAMPLE_WORDS = {
    "de": (
        "Teilweise eingeschränkter Dienst",
        "Nächstes Update bis 25. Nov. 2026, 12:15 UTC.",
        "Aktueller Status",
        "Ursache gefunden",
        "Suche",
        "Störungsverlauf",
        "Verfügbarkeit der letzten 30 Tage",
        r"\d\d,\d\d\xa0%",
        "Brauchen Sie Hilfe?",
    ),
    "fr": (
        "Service partiellement dégradé",
        "Prochaine mise à jour au plus tard le 25 nov. 2026, 12:15 UTC.",
        "État actuel",
        "Cause identifiée",
        "Recherche",
        "Historique des incidents",
        "Disponibilité sur 30 jours",
        r"\d\d,\d\d\xa0%",
        "Besoin d’aide\xa0?",
    ),
    "es": (
        "Servicio parcialmente degradado",
        "Próxima actualización antes del 25 nov 2026, 12:15 UTC.",
        "Estado actual",
        "Causa identificada",
        "Buscar",
        "Historial de incidentes",
        "Disponibilidad de los últimos 30 días",
        r"\d\d,\d\d\xa0%",
        "¿Necesita ayuda?",
    ),
    "pt_BR": (
        "Serviço parcialmente degradado",
        "Próxima atualização até 25 de nov. de 2026 12:15 UTC.",
        "Status atual",
        "Causa identificada",
        "Pesquisar",
        "Histórico de incidentes",
        "Disponibilidade dos últimos 30 dias",
        r"\d\d,\d\d%",
        "Precisa de ajuda?",
    ),
    "ja": (
        "一部のサービスでパフォーマンスが低下しています",
        "次回の更新は2026年11月25日 12:15 UTCまでにお知らせします。",
        "現在のステータス",
        "原因特定済み",
        "検索",
        "障害履歴",
        "過去30日間の稼働率",
        r"\d\d\.\d\d%",
        "お困りですか？",
    ),
}


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_pages_say_it_in_the_sites_language(examples: Examples, language: str) -> None:
    headline, promised, title, status, search, history_title, uptime, figure, help_text = (
        EXAMPLE_WORDS[language]
    )
    site = examples(language)[0] / "site"
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert normalise(home.select_one(".herald-banner__status").get_text()) == headline  # type: ignore[union-attr]
    promise = home.select_one(".herald-promise")
    assert promise is not None
    assert normalise(promise.get_text()) == promised
    time = promise.select_one("time")
    assert time is not None and time["datetime"] == "2026-11-25T12:15:00Z"
    assert home.title is not None and home.title.get_text().startswith(f"{title} - ")
    assert status in home.get_text()
    # The search button Herald's script shows says it in the theme's words.
    script = home.select_one("script[data-search-label]")
    assert script is not None and script["data-search-label"] == search
    history = (site / "history" / "index.html").read_text(encoding="utf-8")
    assert f"<h1>{history_title}</h1>" in history
    component = BeautifulSoup(
        (site / "components" / "api" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    first = component.select_one(".herald-uptime div")
    assert first is not None
    assert normalise(first.select_one("dt").get_text()) == uptime  # type: ignore[union-attr]
    assert re.fullmatch(figure, first.select_one("dd").get_text())  # type: ignore[union-attr]
    about = (site / "about" / "index.html").read_text(encoding="utf-8")
    assert help_text in about


#: A notice's words and how long incidents lasted, in each language: the open notice's
#: line, the ended notice's statuses (newest first), and two rows of the month's history;
#: and the open incident's status, said once on its card above the latest update.
NOTICE_AND_DURATION_WORDS = {
    "de": (
        "Aktualisiert am 1. Okt. 2026, 09:00 UTC",
        ["Beendet", "Veröffentlicht"],
        "Behoben nach 39 Minuten",
        "Behoben nach 2 Stunden und 40 Minuten",
    ),
    "fr": (
        "Mis à jour le 1 oct. 2026, 09:00 UTC",
        ["Terminé", "Publié"],
        "Résolu après 39 minutes",
        "Résolu après 2 heures et 40 minutes",
    ),
    "es": (
        "Actualizado el 1 oct 2026, 9:00 UTC",
        ["Finalizado", "Publicado"],
        "Resuelto tras 39 minutos",
        "Resuelto tras 2 horas y 40 minutos",
    ),
    "pt_BR": (
        "Atualizado em 1 de out. de 2026 09:00 UTC",
        ["Encerrado", "Publicado"],
        "Resolvido após 39 minutos",
        "Resolvido após 2 horas e 40 minutos",
    ),
    "ja": (
        "2026年10月1日 9:00 UTCに更新",
        ["終了", "掲載"],
        "解決済み（継続時間：39分）",
        "解決済み（継続時間：2時間40分）",
    ),
}


LATEST_UPDATE = {
    "de": "Neuestes Update",
    "fr": "Dernière mise à jour",
    "es": "Última actualización",
    "pt_BR": "Última atualização",
    "ja": "最新の更新",
}


@pytest.mark.parametrize("language", TRANSLATED)
def test_notices_have_their_own_words_and_durations_read_in_words(
    examples: Examples, language: str
) -> None:
    updated, ended_statuses, short, longer = NOTICE_AND_DURATION_WORDS[language]
    site = examples(language)[0] / "site"

    def page(url: str) -> BeautifulSoup:
        return BeautifulSoup((site / url / "index.html").read_text("utf-8"), "html.parser")

    home = page("")
    (notice,) = home.select(".herald-card--notice")
    meta = notice.select_one(".herald-card__meta")
    assert meta is not None and normalise(meta.get_text()) == updated
    identified, latest = EXAMPLE_WORDS[language][3], LATEST_UPDATE[language]
    (card,) = home.select(".herald-card--minor")
    assert normalise(card.get_text()).count(identified) == 1
    assert latest in normalise(card.get_text())
    ended = page("incidents/2026-09-03-phishing-advisory")
    statuses = [
        normalise(strong.get_text())
        for strong in ended.select(".herald-timeline .herald-update__meta strong")
    ]
    assert statuses == ended_statuses
    month = normalise(page("history/2026-11").get_text())
    assert short in month
    assert longer in month


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


#: Each language's formats, from CLDR through Babel: a moment, an early moment, a day, a
#: month, a date, two durations, under a minute, a floored percentage and no data.
FORMATS = {
    "de": (
        "25. Nov. 2026, 11:35 UTC",
        "3. Sept. 2026, 07:05 UTC",
        "Mi., 25. Nov. 2026",
        "November 2026",
        "1. Dez. 2026",
        "2 Std. 5 Min.",
        "3 Tage 4 Std.",
        "<1 Min.",
        "99,99\xa0%",
        "keine Daten",
    ),
    "fr": (
        "25 nov. 2026, 11:35 UTC",
        "3 sept. 2026, 07:05 UTC",
        "mer. 25 nov. 2026",
        "novembre 2026",
        "1 déc. 2026",
        "2\u202fh 5\xa0min",
        "3\u202fj 4\u202fh",
        "<1\xa0min",
        "99,99\xa0%",
        "aucune donnée",
    ),
    "es": (
        "25 nov 2026, 11:35 UTC",
        "3 sept 2026, 7:05 UTC",
        "mié, 25 nov 2026",
        "noviembre de 2026",
        "1 dic 2026",
        "2\xa0h 5\xa0min",
        "3\xa0d 4\xa0h",
        "<1\xa0min",
        "99,99\xa0%",
        "sin datos",
    ),
    "pt_BR": (
        "25 de nov. de 2026 11:35 UTC",
        "3 de set. de 2026 07:05 UTC",
        "qua., 25 de nov. de 2026",
        "novembro de 2026",
        "1 de dez. de 2026",
        "2\xa0h 5\xa0min",
        "3\xa0dias 4\xa0h",
        "<1\xa0min",
        "99,99%",
        "sem dados",
    ),
    "ja": (
        "2026年11月25日 11:35 UTC",
        "2026年9月3日 7:05 UTC",
        "2026年11月25日(水)",
        "2026年11月",
        "2026年12月1日",
        "2時間5分",
        "3日4時間",
        "1分未満",
        "99.99%",
        "データなし",
    ),
}


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_languages_formats(language: str) -> None:
    t = translator(language)
    moment, early, day, month, when, short, long, tiny, figure, nothing = FORMATS[language]
    assert t.utc_text(MOMENT) == moment
    assert t.utc_text(datetime(2026, 9, 3, 7, 5, tzinfo=UTC)) == early
    assert t.day_text(date(2026, 11, 25)) == day
    assert t.month_text(2026, 11) == month
    assert t.date_text(date(2026, 12, 1)) == when
    assert t.duration_text(timedelta(hours=2, minutes=5)) == short
    assert t.duration_text(timedelta(days=3, hours=4, minutes=5)) == long
    assert t.duration_text(timedelta(seconds=20)) == tiny
    assert t.percent_text(0.99999) == figure
    assert t.percent_text(None) == nothing
    assert str(t.time_element(MOMENT)) == (
        f'<time datetime="2026-11-25T11:35:00Z" data-herald-time="full">{moment}</time>'
    )


DURATIONS = [
    timedelta(seconds=20),
    timedelta(minutes=1),
    timedelta(minutes=50),
    timedelta(hours=1, minutes=5),
    timedelta(hours=2),
    timedelta(days=1, hours=4),
    timedelta(days=3, minutes=5),
]
#: "Resolved after ..." for each of DURATIONS, as each language says it.
RESOLVED_AFTER = {
    "en": [
        "Resolved after less than a minute",
        "Resolved after 1 minute",
        "Resolved after 50 minutes",
        "Resolved after 1 hour and 5 minutes",
        "Resolved after 2 hours",
        "Resolved after 1 day and 4 hours",
        "Resolved after 3 days",
    ],
    # German says it in the case "nach" asks for: "nach 3 Tagen", "nach einer Minute".
    "de": [
        "Behoben nach weniger als einer Minute",
        "Behoben nach 1 Minute",
        "Behoben nach 50 Minuten",
        "Behoben nach 1 Stunde und 5 Minuten",
        "Behoben nach 2 Stunden",
        "Behoben nach 1 Tag und 4 Stunden",
        "Behoben nach 3 Tagen",
    ],
    "fr": [
        "Résolu après moins d’une minute",
        "Résolu après 1 minute",
        "Résolu après 50 minutes",
        "Résolu après 1 heure et 5 minutes",
        "Résolu après 2 heures",
        "Résolu après 1 jour et 4 heures",
        "Résolu après 3 jours",
    ],
    "es": [
        "Resuelto tras menos de un minuto",
        "Resuelto tras 1 minuto",
        "Resuelto tras 50 minutos",
        "Resuelto tras 1 hora y 5 minutos",
        "Resuelto tras 2 horas",
        "Resuelto tras 1 día y 4 horas",
        "Resuelto tras 3 días",
    ],
    "pt_BR": [
        "Resolvido após menos de um minuto",
        "Resolvido após 1 minuto",
        "Resolvido após 50 minutos",
        "Resolvido após 1 hora e 5 minutos",
        "Resolvido após 2 horas",
        "Resolvido após 1 dia e 4 horas",
        "Resolvido após 3 dias",
    ],
    "ja": [
        "解決済み（継続時間：1分未満）",
        "解決済み（継続時間：1分）",
        "解決済み（継続時間：50分）",
        "解決済み（継続時間：1時間5分）",
        "解決済み（継続時間：2時間）",
        "解決済み（継続時間：1日4時間）",
        "解決済み（継続時間：3日）",
    ],
}


def test_every_language_says_how_long_it_lasted() -> None:
    assert set(RESOLVED_AFTER) == set(LANGUAGES)


@pytest.mark.parametrize("language", sorted(RESOLVED_AFTER))
def test_how_long_it_lasted_reads_in_words_after_after(language: str) -> None:
    t = translator(language)
    resolved = t.gettext("Resolved")
    said = [
        t.gettext("%(status)s after %(duration)s", status=resolved, duration=t.duration_words(d))
        for d in DURATIONS
    ]
    assert said == RESOLVED_AFTER[language]


#: Plurals and words of each language: 1 entry, 2 entries, 30 days, the promise, the
#: impact level alone and the maintenance kind.
WORDS = {
    "de": (
        "1 Eintrag",
        "2 Einträge",
        "30 Tage",
        "Nächstes Update bis 12:15 UTC.",
        "erheblich",
        "Geplante Wartung",
    ),
    "fr": (
        "1 entrée",
        "2 entrées",
        "30 jours",
        "Prochaine mise à jour au plus tard le 12:15 UTC.",
        "majeur",
        "Maintenance planifiée",
    ),
    "es": (
        "1 entrada",
        "2 entradas",
        "30 días",
        "Próxima actualización antes del 12:15 UTC.",
        "importante",
        "Mantenimiento programado",
    ),
    "pt_BR": (
        "1 registro",
        "2 registros",
        "30 dias",
        "Próxima atualização até 12:15 UTC.",
        "grave",
        "Manutenção programada",
    ),
    "ja": (
        "1件",
        "2件",
        "30日間",
        "次回の更新は12:15 UTCまでにお知らせします。",
        "大",
        "メンテナンス予定",
    ),
}


@pytest.mark.parametrize("language", TRANSLATED)
def test_plurals_and_words(language: str) -> None:
    one, two, days, promise, impact, kind = WORDS[language]
    t = translator(language)
    assert t.ngettext("%(num)d entry", "%(num)d entries", 1) == one
    assert t.ngettext("%(num)d entry", "%(num)d entries", 2) == two
    assert t.ngettext("%(num)d day", "%(num)d days", 30) == days
    assert t.gettext("Next update by %(time)s.", time="12:15 UTC") == promise
    assert t.pgettext("impact", "major") == impact
    assert t.gettext("Scheduled maintenance") == kind


#: The overall status at its best, as each language's status pages say it.
ALL_OPERATIONAL = {
    "de": "Alle Systeme betriebsbereit",
    "fr": "Tous les systèmes sont opérationnels",
    "es": "Todos los sistemas operativos",
    "pt_BR": "Todos os sistemas operacionais",
    "ja": "すべてのシステムが正常に稼働しています",
}
#: The words customers know from Statuspage-style pages, for the statuses that matter most:
#: major outage, degraded performance, the maintenance kind and resolved.
FAMILIAR_TERMS = {
    "de": ("Schwerer Ausfall", "Eingeschränkte Leistung", "Geplante Wartung", "Behoben"),
    "fr": ("Panne majeure", "Performances dégradées", "Maintenance planifiée", "Résolu"),
    "es": (
        "Interrupción importante",
        "Rendimiento degradado",
        "Mantenimiento programado",
        "Resuelto",
    ),
    "pt_BR": (
        "Interrupção grave",
        "Desempenho degradado",
        "Manutenção programada",
        "Resolvido",
    ),
    "ja": ("重大な障害", "パフォーマンスの低下", "メンテナンス予定", "解決済み"),
}


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_terms_customers_know(language: str) -> None:
    t = translator(language)
    assert t.gettext("All Systems Operational") == ALL_OPERATIONAL[language]
    major, degraded, maintenance, resolved = FAMILIAR_TERMS[language]
    assert t.gettext("Major outage") == major
    assert t.gettext("Degraded performance") == degraded
    assert t.gettext("Scheduled maintenance") == maintenance
    assert t.gettext("Resolved") == resolved


@pytest.mark.parametrize(
    ("value", "language", "locale"),
    [
        ("de", "de", "de"),
        ("de-CH", "de", "de_CH"),
        ("de_AT", "de", "de_AT"),
        ("DE", "de", "de"),
        ("en", "en", "en"),
        ("en-GB", "en", "en"),
        ("fr", "fr", "fr"),
        ("fr-CA", "fr", "fr_CA"),
        ("es", "es", "es"),
        ("es-MX", "es", "es_MX"),
        # Brazilian Portuguese as gettext and as Material (and BCP 47) write it.
        ("pt_BR", "pt_BR", "pt_BR"),
        ("pt-BR", "pt_BR", "pt_BR"),
        ("pt-br", "pt_BR", "pt_BR"),
        # Portuguese without a region, or Portugal's: no catalogue of their own.
        ("pt", "en", "en"),
        ("pt_PT", "en", "en"),
        ("ja", "ja", "ja"),
        ("ja-JP", "ja", "ja_JP"),
        ("it", "en", "en"),
        ("", "en", "en"),
        (None, "en", "en"),
    ],
)
def test_which_catalogue_and_locale_a_language_gets(
    value: str | None, language: str, locale: str
) -> None:
    t = translator(value)
    assert (t.language, str(t.locale)) == (language, locale)
    assert is_supported(value) == (catalogue_language(value) == language)
    assert t.lang == locale.replace("_", "-")


def test_region_variants_read_their_language_and_keep_english_times_unchanged() -> None:
    assert translator("de-CH").gettext("Resolved") == "Behoben"
    assert translator("fr-CA").gettext("Resolved") == "Résolu"
    # Brazil's own formats, which are not Portugal's.
    assert translator("pt-BR").utc_text(MOMENT) == "25 de nov. de 2026 11:35 UTC"
    assert translator("en-GB").utc_text(datetime(2026, 9, 3, 7, 5, tzinfo=UTC)) == (
        "3 Sep 2026, 07:05 UTC"
    )


def test_the_theme_language_file_for_a_site_language() -> None:
    material = [str(Path(mkdocs_material_templates()))]
    assert theme_language("pt_BR", material) == "pt-BR"
    assert theme_language("pt-BR", material) == "pt-BR"
    assert theme_language("de-CH", material) == "de"
    assert theme_language("ja", material) == "ja"
    assert theme_language("xx", material) is None
    assert theme_language("de", [str(REPO_ROOT / "docs")]) is None


def mkdocs_material_templates() -> Path:
    import material

    return Path(material.__file__).parent / "templates"


def site_with_language(repo: StatusRepo, language: str, extra: str = "") -> None:
    config = MKDOCS_YML.replace("  name: material\n", f"  name: material\n  language: {language}\n")
    (repo.root / "mkdocs.yml").write_text(config + extra, encoding="utf-8")


@pytest.mark.parametrize(
    ("value", "lang", "resolved", "figure"),
    [
        ("pt_BR", "pt-BR", "Resolvido", r"\d\d,\d\d%"),
        ("de-CH", "de-CH", "Behoben", r"\d\d\.\d\d%"),
    ],
)
def test_a_language_with_a_region_builds_with_the_themes_file(
    repo: StatusRepo, value: str, lang: str, resolved: str, figure: str
) -> None:
    """Material has no file for ``pt_BR`` or ``de-CH``: Herald names its own, keeps the
    region for its words and formats, and says it in ``<html lang>``."""
    site_with_language(repo, value)
    result = build_site(repo.root)
    assert result.returncode == 0, result.stderr
    home = BeautifulSoup(
        (repo.root / "site" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert home.html is not None and home.html.get("lang") == lang
    incident = (repo.root / "site" / "incidents/2026-11-20-api-errors/index.html").read_text(
        encoding="utf-8"
    )
    assert resolved in incident
    component = BeautifulSoup(
        (repo.root / "site" / "components/api/index.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    assert re.fullmatch(figure, component.select_one(".herald-uptime dd").get_text())  # type: ignore[union-attr]


def test_an_unknown_language_falls_back_to_english_with_one_warning(repo: StatusRepo) -> None:
    site_with_language(repo, "it")
    result = build_site(repo.root, strict=False)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "theme.language" in line]
    assert len(warnings) == 1, result.stderr
    assert "WARNING" in warnings[0] and "'it'" in warnings[0]
    assert "en, de, fr, es, pt_BR and ja" in warnings[0]
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


MAINTENANCE = "incidents/2026-11-24-database-upgrade"

#: A small site in each language, as a reader sees it: the maintenance card's status and
#: window, the months in the history, the component row's uptime, the badge's label and
#: a component's status on its badge, and the calendar's name.
SMALL_SITE = {
    "de": (
        "Geplant · 1. Dez. 2026, 06:00 UTC bis 1. Dez. 2026, 08:00 UTC",
        ["Dezember 2026", "November 2026"],
        r"\d\d,\d\d\xa0% Verfügbarkeit in den letzten 90 Tagen",
        "Status",
        "betriebsbereit",
        "Test status \u2013 Wartungen",
    ),
    "fr": (
        "Planifiée · du 1 déc. 2026, 06:00 UTC au 1 déc. 2026, 08:00 UTC",
        ["décembre 2026", "novembre 2026"],
        r"\d\d,\d\d\xa0% de disponibilité sur 90 jours",
        "statut",
        "opérationnel",
        "Test status \u2013 maintenances",
    ),
    "es": (
        "Programado · del 1 dic 2026, 6:00 UTC al 1 dic 2026, 8:00 UTC",
        ["diciembre de 2026", "noviembre de 2026"],
        r"\d\d,\d\d\xa0% de disponibilidad en los últimos 90 días",
        "estado",
        "operativo",
        "Test status \u2013 mantenimientos",
    ),
    "pt_BR": (
        "Programada · de 1 de dez. de 2026 06:00 UTC até 1 de dez. de 2026 08:00 UTC",
        ["dezembro de 2026", "novembro de 2026"],
        r"\d\d,\d\d% de disponibilidade nos últimos 90 dias",
        "status",
        "operacional",
        "Test status \u2013 manutenções",
    ),
    "ja": (
        "予定 · 2026年12月1日 6:00 UTC～2026年12月1日 8:00 UTC",
        ["2026年12月", "2026年11月"],
        r"過去90日間の稼働率：\d\d\.\d\d%",
        "ステータス",
        "正常",
        "Test status \u2013 メンテナンス",
    ),
}


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_small_site_reads_in_its_language(repo: StatusRepo, language: str) -> None:
    """A real build of a small site in each language: what a reader sees, and what the
    badges and the calendar say."""
    window, months, uptime, label, operational, calendar_name = SMALL_SITE[language]
    repo.write(
        f"{MAINTENANCE}/index.md",
        "---\ntitle: Database upgrade\nkind: maintenance\n"
        "scheduled_start: 2026-12-01T06:00:00Z\nscheduled_end: 2026-12-01T08:00:00Z\n"
        "affected: [api]\n---\n",
    )
    repo.write(
        f"{MAINTENANCE}/2026-11-24T1000Z-scheduled.md",
        "---\nat: 2026-11-24T10:00:00Z\nstatus: scheduled\n---\nWe will upgrade the database.\n",
    )
    site_with_language(repo, language)
    result = build_site(repo.root)
    assert result.returncode == 0, result.stderr
    site = repo.root / "site"
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.html is not None and home.html.get("lang") == HTML_LANG[language]
    banner = home.select_one(".herald-banner__status")
    assert banner is not None and normalise(banner.get_text()) == ALL_OPERATIONAL[language]
    card = home.select_one(".herald-card--maintenance .herald-card__meta")
    assert card is not None and normalise(card.get_text()) == window
    row = home.select_one(".herald-component__uptime")
    assert row is not None and re.fullmatch(uptime, row.get_text().strip())
    history = BeautifulSoup(
        (site / "history" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    # Newest first; the maintenance is listed in the month of its window.
    assert [normalise(a.get_text()) for a in history.select(".herald-months a")] == months
    badge = json.loads((site / "badge.json").read_text(encoding="utf-8"))
    assert (badge["label"], badge["message"]) == (label, ALL_OPERATIONAL[language])
    assert f"REST API: {operational}" in (site / "components/api/badge.svg").read_text(
        encoding="utf-8"
    )
    calendar = (site / "maintenance.ics").read_bytes().decode("utf-8")
    assert calendar_name in calendar


#: The email digest's subject and its line of facts about the incident, in each language.
DIGEST_LINES = {
    "de": ("Behoben", "Störung, erhebliche Auswirkung. Betrifft: REST API.\n"),
    "fr": ("Résolu", "Incident, impact majeur. Concerne\xa0: REST API.\n"),
    "es": ("Resuelto", "Incidente, impacto importante. Afecta a: REST API.\n"),
    "pt_BR": ("Resolvido", "Incidente, impacto grave. Afeta: REST API.\n"),
    "ja": ("解決済み", "障害（影響：大）。 影響範囲：REST API。\n"),
}


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_command_line_reads_the_language_for_the_digest(
    repo: StatusRepo, language: str
) -> None:
    site_with_language(repo, HTML_LANG[language])
    result = run_herald(repo.root, "digest", "--since=-30d", epoch=NOW_EPOCH)
    assert result.returncode == 0, result.stderr
    message = email.message_from_bytes(result.stdout.encode("utf-8"), policy=email.policy.default)
    status, facts = DIGEST_LINES[language]
    assert (
        str(message["Subject"]) == f"[Test status] {status}: Elevated error rates on the REST API"
    )
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert facts in body.get_content()


# -- nothing assumes left to right ------------------------------------------------------------

TEMPLATES = REPO_ROOT / "site_plugin" / "templates"


def test_the_stylesheet_names_sides_by_where_lines_start_not_left_or_right() -> None:
    css = (TEMPLATES / "assets" / "herald" / "herald.css").read_text(encoding="utf-8")
    declarations = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    physical = re.findall(r"[\w-]*(?:left|right)[\w-]*\s*:[^;}]*", declarations)
    # The one left: centring a day's summary under its bar, the same either way.
    assert physical == ["left: 50%"]
    assert "transform: translateX(-50%)" in declarations


def test_templates_and_the_email_name_no_side() -> None:
    for path in [
        *TEMPLATES.rglob("*.html"),
        *(REPO_ROOT / "site_plugin/email_templates").iterdir(),
    ]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(?:left|right)\b", text), path
        assert "text-align" not in text, path
    digest_html = (REPO_ROOT / "site_plugin/email_templates/digest.html").read_text("utf-8")
    assert 'dir="{{ direction }}"' in digest_html and "border-{{ start }}" in digest_html


def test_the_writing_direction_comes_from_the_locale() -> None:
    assert {translator(language).direction for language in LANGUAGES} == {"ltr"}
    # A locale written right to left (the German catalogue stands in for one that would
    # come with it): the direction is the locale's, not a list of Herald's.
    assert Translator("de", "ar").direction == "rtl"
