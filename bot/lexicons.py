"""Each language's words for the answers Notch reads, loaded once: `lexicon_for(locale)`.

The words are data beside the gettext catalogues, `locales/<code>/words.toml` (stdlib `tomllib`);
core's parsers take the `Lexicon` built from them, so core never reads a file. A user's lexicon is
their language's words plus English's; a language with no words.toml reads English alone, so
adding a language to the bot needs only its `.po` catalogue. Month and weekday names come from
Babel's CLDR data, added to what the file lists (Russian dates take the genitive: "до 10 декабря").
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import get_day_names, get_month_names

from bot.i18n import DEFAULT_LOCALE, LOCALES_DIR, current_locale
from core.lexicon import Lexicon, build_lexicon

__all__ = ["WORDS_FILE", "current_lexicon", "lexicon_for", "word_files", "words_of"]

WORDS_FILE = "words.toml"


def word_files() -> dict[str, Path]:
    """Every language that has its own words, by locale code."""
    return {path.parent.name: path for path in sorted(LOCALES_DIR.glob(f"*/{WORDS_FILE}"))}


@cache
def words_of(locale: str) -> dict[str, Any] | None:
    """A language's words.toml, with Babel's month and weekday names added; None if it has none."""
    path = LOCALES_DIR / locale / WORDS_FILE
    if not path.is_file():
        return None
    with path.open("rb") as file:
        data = tomllib.load(file)
    dates = data.setdefault("dates", {})
    dates["months"] = _with_cldr(dates.get("months", []), _month_names(locale))
    dates["weekdays"] = _with_cldr(dates.get("weekdays", []), _weekday_names(locale))
    return data


def _with_cldr(listed: list[list[str]], cldr: list[list[str]]) -> list[list[str]]:
    if not cldr:
        return listed
    if not listed:
        return cldr
    return [[*own, *(name for name in names if name not in own)]
            for own, names in zip(listed, cldr, strict=True)]


def _babel_locale(locale: str) -> Locale | None:
    try:
        return Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        return None


def _month_names(locale: str) -> list[list[str]]:
    """Wide and abbreviated names, standalone and in a date (Russian "декабрь", "декабря")."""
    return _calendar_names(locale, get_month_names, first=1, count=12)


def _weekday_names(locale: str) -> list[list[str]]:
    return _calendar_names(locale, get_day_names, first=0, count=7)


def _calendar_names(locale: str, names_of: Callable[..., Any], *, first: int,
                    count: int) -> list[list[str]]:
    """Every CLDR form of each month or day, lower-cased, with and without a final dot."""
    found = _babel_locale(locale)
    if found is None:
        return []
    names: list[list[str]] = [[] for _ in range(count)]
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in names_of(width, context, found).items():
                for form in (name.casefold(), name.casefold().rstrip(".")):
                    if form not in names[number - first]:
                        names[number - first].append(form)
    return names


@cache
def lexicon_for(locale: str) -> Lexicon:
    """The words a user writing in `locale` is understood in: theirs, then English's."""
    english = words_of(DEFAULT_LOCALE)
    if english is None:
        raise FileNotFoundError(f"{LOCALES_DIR / DEFAULT_LOCALE / WORDS_FILE} is missing")
    own = words_of(locale) if locale != DEFAULT_LOCALE else None
    if own is None:
        return build_lexicon(locale, english)
    return build_lexicon(locale, own, english)


def current_lexicon() -> Lexicon:
    """The lexicon of the language the current update is handled in (`bot.i18n`)."""
    return lexicon_for(current_locale())
