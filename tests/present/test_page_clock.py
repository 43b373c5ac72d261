"""The data a page's script reads: safe inside ``<script>``, and still the same JSON."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import lxml.html
import pytest

from site_plugin.present.i18n import LANGUAGES, SOURCE_LANGUAGE, translator
from site_plugin.present.page_clock import clock_island, clock_words, script_json

from ..hostile import markdown_payloads

TRICKY = [
    "</script><script>alert(1)</script>",
    "<!-- <script>",
    "a & b > c < d",
    "line\u2028separator\u2029paragraph",
    '"quoted" \\ back\\slash',
    "]]> --> %(ago)s",
]


@pytest.mark.parametrize("text", TRICKY + markdown_payloads()[:20])
def test_script_json_cannot_end_its_element_and_reads_back_the_same(text: str) -> None:
    encoded = script_json({"word": text, "list": [text]})
    for character in "<>&\u2028\u2029":
        assert character not in encoded
    assert json.loads(encoded) == {"word": text, "list": [text]}
    # As a browser's parser reads it: one script element, holding exactly the JSON.
    page = lxml.html.document_fromstring(
        f'<html><body><script type="application/json">{encoded}</script><p>after</p></body></html>'
    )
    (script,) = page.iter("script")
    assert json.loads(script.text) == {"word": text, "list": [text]}
    assert [p.text for p in page.iter("p")] == ["after"]


def test_the_island_holds_the_moment_the_threshold_and_placeholders_for_the_script() -> None:
    data = json.loads(
        clock_island(translator("en"), datetime(2026, 11, 25, 12, tzinfo=UTC), timedelta(hours=1))
    )
    assert data["built"] == "2026-11-25T12:00:00Z"
    assert data["staleAfter"] == 3600
    assert data["words"] == clock_words(translator("en"))
    # The script fills only these placeholders: the age and a <time> element.
    for sentence in data["words"].values():
        assert set(re.findall(r"%\((\w+)\)s", sentence)) <= {"ago", "time"}


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != SOURCE_LANGUAGE])
def test_every_language_has_each_sentence_with_its_placeholders(language: str) -> None:
    english = clock_words(translator(SOURCE_LANGUAGE))
    translated = clock_words(translator(language))
    assert translated.keys() == english.keys()
    for key, sentence in english.items():
        assert translated[key] != sentence, key
        placeholders = sorted(re.findall(r"%\(\w+\)s", sentence))
        assert sorted(re.findall(r"%\(\w+\)s", translated[key])) == placeholders, key
