"""Herald's words and formats in the site's language: one ``Translator`` per language.

The catalogues are gettext ``.po`` files under ``locales/``; they are compiled in memory
when a language is first asked for, so no binary file lives in the repository. English
is the source language: its "catalogue" is the messages themselves.

No MkDocs here: the plugin, the feeds, the email digest and the chat messages all take a
``Translator`` as a parameter.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, parse_pattern
from babel.support import NullTranslations, Translations
from markupsafe import Markup, escape

from ..values import utc_iso

LOCALES = Path(__file__).parent.parent / "locales"
"""``<language>/LC_MESSAGES/herald.po`` per translated language, and ``herald.pot``."""
DOMAIN = "herald"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "de", "fr", "es", "pt_BR", "ja")
"""Languages whose catalogue is complete, named as gettext names them: ``pt_BR`` is a
catalogue for one region, the others serve every region of their language. Any other
language falls back to English."""


def N_(message: str) -> str:  # the name the catalogue tools look for
    """Mark ``message`` for the catalogue without translating it (translate it later)."""
    return message


def language_tag(value: object) -> str:
    """``de-CH`` and ``de_ch`` both as Babel's ``de_CH``; anything unusable as ``en``."""
    text = str(value or "").strip().replace("-", "_")
    if not text:
        return SOURCE_LANGUAGE
    language, _, region = text.partition("_")
    return f"{language.lower()}_{region.upper()}" if region else language.lower()


def web_tag(value: object) -> str:
    """The tag as HTML, feeds and Material write it (BCP 47): ``pt_BR`` as ``pt-BR``."""
    return language_tag(value).replace("_", "-")


def catalogue_language(value: object) -> str | None:
    """Which catalogue serves ``value``: its own (``pt-BR``), else its language's (``de``
    for ``de-CH``, ``fr`` for ``fr_CA``); ``None`` when Herald has neither."""
    tag = language_tag(value)
    if tag in LANGUAGES:
        return tag
    language = tag.partition("_")[0]
    return language if language in LANGUAGES else None


def is_supported(value: object) -> bool:
    """Whether Herald has a complete catalogue for ``value`` (a region variant counts)."""
    return catalogue_language(value) is not None


def offered_languages() -> str:
    """``en, de, fr, es, pt_BR and ja``: for messages that say what Herald speaks."""
    return f"{', '.join(LANGUAGES[:-1])} and {LANGUAGES[-1]}"


@functools.cache
def translator(value: object = SOURCE_LANGUAGE) -> Translator:
    """The translator for a ``theme.language`` value, made once per value.

    ``de``, ``de-CH`` and ``de_AT`` get the German catalogue (with their own region's
    number formats where Babel knows the region); ``pt-BR`` and ``pt_BR`` the Brazilian
    one with Brazil's formats. A language without a complete catalogue gets English.
    Callers that can warn should check ``is_supported`` first.
    """
    tag = language_tag(value)
    language = catalogue_language(tag)
    if language is None:
        return translator(SOURCE_LANGUAGE)
    return Translator(language, tag)


def _load_catalogue(language: str) -> NullTranslations:
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    path = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    # Fuzzy entries are guesses the update script made; they must not reach readers.
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


class Translator:
    """Herald's messages, times, durations and figures in one language.

    Args:
        language: The catalogue's language, one of ``LANGUAGES``.
        tag: The locale for formats, e.g. ``de_CH``; defaults to ``language``.

    Attributes:
        language: The catalogue's language (``pt_BR``).
        locale: Babel's locale for dates and numbers.
        lang: The locale as ``lang`` attributes and feeds write it (``pt-BR``, ``de-CH``).
        direction: ``ltr`` or ``rtl``, the locale's writing direction (CLDR's).
        translations: The compiled catalogue, as Jinja's i18n extension wants it.
    """

    def __init__(self, language: str, tag: str | None = None) -> None:
        self.language = language
        # Herald's English reads the same in every region (as it always has); other
        # languages take their region's conventions where Babel knows the region.
        self._tag = language if language == SOURCE_LANGUAGE else (tag or language)
        self.translations = _load_catalogue(language)
        # Cached per translator: one build shows the same moments on many pages.
        self.time_element: Callable[..., Markup] = functools.lru_cache(maxsize=65536)(
            self._time_element
        )
        self.utc_text: Callable[[datetime], str] = functools.lru_cache(maxsize=65536)(
            self._utc_text
        )
        # Every component's bars name the same few days.
        self.day_text: Callable[[date], str] = functools.lru_cache(maxsize=4096)(self._day_text)

    # The locale's data is read when a format first needs it: a translator asked only
    # for words (the embed's, one per language) never loads it.

    @functools.cached_property
    def locale(self) -> Locale:
        try:
            return Locale.parse(self._tag)
        except (UnknownLocaleError, ValueError):
            return Locale.parse(self.language)

    @functools.cached_property
    def lang(self) -> str:
        return web_tag(self.locale)

    @functools.cached_property
    def direction(self) -> str:
        return str(self.locale.text_direction)

    @functools.cached_property
    def _patterns(self) -> _Patterns:
        return _Patterns.of(self.locale, self.language)

    @functools.cached_property
    def _percent(self) -> Any:
        percent = parse_pattern(self.locale.percent_formats[None].pattern)
        percent.frac_prec = (2, 2)
        return percent

    def __repr__(self) -> str:
        return f"Translator({self.language!r}, {str(self.locale)!r})"

    # -- messages ----------------------------------------------------------------------

    def gettext(self, message: str, /, **variables: Any) -> str:
        """``message`` translated, with ``%(name)s`` placeholders filled from ``variables``."""
        text = self.translations.gettext(message)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, num: int, /, **variables: Any) -> str:
        """The form for ``num``; ``%(num)d`` is filled in, as in Jinja's ``ngettext``."""
        text = self.translations.ngettext(singular, plural, num)
        return text % {"num": num, **variables}

    def pgettext(self, context: str, message: str, /, **variables: Any) -> str:
        """``message`` in ``context``: for words that translate differently by use."""
        text = str(self.translations.pgettext(context, message))
        return text % variables if variables else text

    def npgettext(
        self, context: str, singular: str, plural: str, num: int, /, **variables: Any
    ) -> str:
        """The form for ``num`` in ``context``; ``%(num)d`` is filled in."""
        text = str(self.translations.npgettext(context, singular, plural, num))
        return text % {"num": num, **variables}

    # -- formats -----------------------------------------------------------------------

    def _utc_text(self, moment: datetime) -> str:
        """``25 Nov 2026, 11:35 UTC``: unambiguous for every reader."""
        return format_datetime(moment.astimezone(UTC), self._patterns.full, locale=self.locale)

    def utc_clock(self, moment: datetime) -> str:
        """``11:35 UTC``, for times on the same day as their context."""
        return format_datetime(moment.astimezone(UTC), self._patterns.clock, locale=self.locale)

    def _time_element(self, moment: datetime, *, clock_only: bool = False) -> Markup:
        """A ``<time>`` element showing UTC; a small script rewrites it to the reader's zone."""
        text = self.utc_clock(moment) if clock_only else self.utc_text(moment)
        style = "clock" if clock_only else "full"
        # Month and day names come from the locale data, not from anyone's content, but
        # escape them anyway: the element is trusted markup.
        return Markup(
            f'<time datetime="{escape(iso(moment))}" data-herald-time="{style}">'
            f"{escape(text)}</time>"
        )

    def _day_text(self, day: date) -> str:
        """``Wed 25 Nov 2026``; German ``Mi., 25. Nov. 2026``."""
        return format_datetime(
            datetime(day.year, day.month, day.day, tzinfo=UTC),
            self._patterns.day,
            locale=self.locale,
        )

    def date_text(self, day: date) -> str:
        """``1 Dec 2026``; German ``1. Dez. 2026``."""
        return format_datetime(
            datetime(day.year, day.month, day.day, tzinfo=UTC),
            self._patterns.date,
            locale=self.locale,
        )

    def month_text(self, year: int, month: int) -> str:
        """``November 2026``."""
        return format_datetime(
            datetime(year, month, 1, tzinfo=UTC), self._patterns.month, locale=self.locale
        )

    def duration_text(self, delta: timedelta) -> str:
        """``2h 5m``, ``45m``, ``3d 4h``; under a minute ``<1m``. German ``2 Std. 5 Min.``."""
        minutes = int(delta.total_seconds() // 60)
        if minutes < 1:
            return self.gettext("<1m")
        days, minutes = divmod(minutes, 1440)
        hours, minutes = divmod(minutes, 60)
        parts = [self.ngettext("%(num)dd", "%(num)dd", days)] if days else []
        if hours:
            parts.append(self.ngettext("%(num)dh", "%(num)dh", hours))
        if minutes and not days:
            parts.append(self.ngettext("%(num)dm", "%(num)dm", minutes))
        if len(parts) == 2:
            # Japanese writes the two without a space between them (2時間5分).
            return self.pgettext(
                "duration", "%(longer)s %(shorter)s", longer=parts[0], shorter=parts[1]
            )
        return parts[0]

    def duration_words(self, delta: timedelta) -> str:
        """``1 minute``, ``2 hours and 5 minutes``, ``3 days and 4 hours``; under a minute
        ``less than a minute``: how long something lasted, in a sentence after "after",
        where ``2h 5m`` would read as code. German gives the case "nach" asks for
        (``nach 3 Tagen``, ``nach weniger als einer Minute``)."""
        minutes = int(delta.total_seconds() // 60)
        if minutes < 1:
            return self.pgettext("after", "less than a minute")
        days, minutes = divmod(minutes, 1440)
        hours, minutes = divmod(minutes, 60)
        parts = [self.npgettext("after", "%(num)d day", "%(num)d days", days)] if days else []
        if hours:
            parts.append(self.npgettext("after", "%(num)d hour", "%(num)d hours", hours))
        if minutes and not days:
            parts.append(self.npgettext("after", "%(num)d minute", "%(num)d minutes", minutes))
        if len(parts) == 2:
            return self.gettext("%(longer)s and %(shorter)s", longer=parts[0], shorter=parts[1])
        return parts[0]

    def minutes_text(self, minutes: float) -> str:
        """``42m`` or ``3h 5m``."""
        return self.duration_text(timedelta(minutes=round(minutes)))

    def number_text(self, number: int) -> str:
        """``8,640``; German ``8.640``."""
        return str(format_decimal(number, locale=self.locale))

    def milliseconds_text(self, milliseconds: int | None) -> str:
        """``1,250 ms``; German ``1.250 ms``; ``no data`` for ``None``."""
        if milliseconds is None:
            return self.gettext("no data")
        return self.gettext("%(number)s ms", number=self.number_text(milliseconds))

    def percent_text(self, fraction: float | None) -> str:
        """``99.98%`` (floored, so 99.999 % never reads as 100 %); ``no data`` for ``None``."""
        if fraction is None:
            return self.gettext("no data")
        # The small epsilon keeps binary rounding (0.2 * 10000 = 1999.9999...) from
        # flooring a value one hundredth too low.
        hundredths = math.floor(fraction * 10000 + 1e-6)
        return str(self._percent.apply(Decimal(hundredths) / 10000, self.locale))


class _Patterns:
    """The date patterns of one locale (CLDR skeletons), resolved once."""

    def __init__(self, full: str, clock: str, day: str, month: str, date: str) -> None:
        self.full, self.clock, self.day, self.month, self.date = full, clock, day, month, date

    @classmethod
    def of(cls, locale: Locale, language: str) -> _Patterns:
        if language == SOURCE_LANGUAGE:
            # Herald's English as it always read: no comma after the weekday, which the
            # CLDR pattern has.
            return cls("d MMM y, HH:mm 'UTC'", "HH:mm 'UTC'", "EEE d MMM y", "LLLL y", "d MMM y")
        date_pattern = _skeleton(locale, "yMMMd")
        clock = _skeleton(locale, "Hm") + " 'UTC'"
        joined = str(locale.datetime_formats["medium"])
        full = joined.replace("{1}", date_pattern).replace("{0}", clock)
        return cls(
            full, clock, _skeleton(locale, "yMMMEd"), _skeleton(locale, "yMMMM"), date_pattern
        )


def _skeleton(locale: Locale, skeleton: str) -> str:
    pattern = locale.datetime_skeletons.get(skeleton)
    if pattern is None:  # pragma: no cover - every CLDR locale has these four
        raise LookupError(f"{locale} has no date pattern for {skeleton}")
    return str(pattern.pattern)


iso = utc_iso
"""Machine-readable ``2026-11-25T11:35:00Z`` (``values.utc_iso``)."""


def english() -> Translator:
    """Herald's English: for the command line, logs and defaults."""
    return translator(SOURCE_LANGUAGE)
