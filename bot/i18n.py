"""Which language a sentence is rendered in, and the gettext catalogues that render it.

Catalogues are standard GNU gettext files managed with Babel (`make i18n`): `locales/<code>/
LC_MESSAGES/messages.po`, compiled to `.mo` at install (`make`). A language is offered when its
`.po` file exists, so adding one is adding that file; a `.mo` older than its `.po` (or missing,
in an install that skipped `make`) is compiled in memory instead of served stale.

The language of the update being handled (or of the user a scheduled message is for) is a context
variable, set by `use_locale`: asyncio gives every task its own copy, so concurrent updates and
sends never see each other's language. `_()` and `ngettext()` translate into it; `N_()` only marks
a constant for extraction, to be translated where it is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from functools import cache
from gettext import NullTranslations
from io import BytesIO
from pathlib import Path
from typing import Final, Protocol

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

import locales

__all__ = [
    "DEFAULT_LOCALE",
    "LOCALES_DIR",
    "N_",
    "_",
    "available_locales",
    "current_locale",
    "extra_locale",
    "language_name",
    "locale_of",
    "ngettext",
    "pgettext",
    "resolve_locale",
    "speaking_to",
    "use_locale",
]

DEFAULT_LOCALE: Final = "en"  # the source language: msgids are English
DOMAIN: Final = "messages"
LOCALES_DIR: Final = Path(locales.__file__).resolve().parent


class _HasLanguage(Protocol):
    @property
    def locale(self) -> str | None: ...
    @property
    def language_code(self) -> str | None: ...


_current: ContextVar[str] = ContextVar("notch_locale", default=DEFAULT_LOCALE)


def available_locales() -> tuple[str, ...]:
    """The languages users can choose: English, then every catalogue, sorted."""
    return (*_catalogued(), *_extra)


@cache
def _catalogued() -> tuple[str, ...]:
    found = sorted(path.parent.parent.name
                   for path in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (DEFAULT_LOCALE, *(code for code in found if code != DEFAULT_LOCALE))


def resolve_locale(language_code: str | None) -> str:
    """The offered language closest to Telegram's IETF tag: "es-419" → "es", "pt-br" → "pt_BR",
    "de-AT" → "de", "pt" → "pt_BR" (the one Portuguese offered); anything else → English."""
    offered = available_locales()
    if not language_code or language_code in offered:
        return language_code or DEFAULT_LOCALE
    try:
        wanted = Locale.parse(language_code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return DEFAULT_LOCALE
    exact = f"{wanted.language}_{wanted.territory}" if wanted.territory else wanted.language
    if exact in offered:
        return exact
    if wanted.language in offered:
        return wanted.language
    same_language = [code for code in offered if code.split("_")[0] == wanted.language]
    return same_language[0] if same_language else DEFAULT_LOCALE


def locale_of(stored: str | None, language_code: str | None) -> str:
    """A user's language: the one stored for them (still offered), else their Telegram one's."""
    if stored and stored in available_locales():
        return stored
    return resolve_locale(stored or language_code)


def speaking_to(user: _HasLanguage) -> AbstractContextManager[str]:
    """`use_locale` for a message to ``user`` outside an update (the tick's sends)."""
    return use_locale(locale_of(user.locale, user.language_code))


def language_name(code: str) -> str:
    """A language's name in itself, capitalised for a button: "Español", "Русский" (a code
    CLDR does not know, such as a test's pseudo-locale, is its own name)."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (UnknownLocaleError, ValueError):
        name = code
    return name[:1].upper() + name[1:]


@cache
def _translations(code: str) -> NullTranslations:
    if code == DEFAULT_LOCALE or code not in _catalogued():
        return NullTranslations()
    po = LOCALES_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return Translations(compiled, domain=DOMAIN)
    with po.open("rb") as source:
        catalog = read_po(source, locale=code)
    compiled_now = BytesIO()
    write_mo(compiled_now, catalog)
    compiled_now.seek(0)
    return Translations(compiled_now, domain=DOMAIN)


@contextmanager
def extra_locale(code: str, translations: NullTranslations) -> Iterator[str]:
    """Offer `code`, served by `translations`, inside the block (tests: a pseudo-locale that
    marks every sentence, to find any that is not translated)."""
    _extra[code] = translations
    try:
        yield code
    finally:
        del _extra[code]


_extra: dict[str, NullTranslations] = {}


def _active() -> NullTranslations:
    code = _current.get()
    extra = _extra.get(code)
    return extra if extra is not None else _translations(code)


def current_locale() -> str:
    return _current.get()


@contextmanager
def use_locale(code: str) -> Iterator[str]:
    """Render in `code` inside the block (this task only); the previous language after it."""
    token = _current.set(code)
    try:
        yield code
    finally:
        _current.reset(token)


def N_(message: str) -> str:
    """Mark a constant for extraction; it is translated where it is used, with `_()`."""
    return message


def _(message: str) -> str:
    return _active().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _active().pgettext(context, message)

