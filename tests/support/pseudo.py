"""A pseudo-locale that marks every translated sentence ⟦like this⟧, and a lens on the emulator
that records what the bot sends, then takes the marks off (so a journey's own checks, written in
English, still hold). Any letter the bot sends outside a mark was never translated."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from gettext import NullTranslations
from typing import Any

from babel.dates import get_day_names, get_month_names

from bot.i18n import extra_locale
from sandbox.emulator import BotApiEmulator

PSEUDO = "qps"  # the code Windows reserves for pseudo-localisation
OPEN, CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧


class PseudoTranslations(NullTranslations):
    def gettext(self, message: str) -> str:
        return f"{OPEN}{message}{CLOSE}"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"{OPEN}{msgid1 if n == 1 else msgid2}{CLOSE}"

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)


@contextmanager
def pseudo_locale() -> Iterator[str]:
    with extra_locale(PSEUDO, PseudoTranslations()) as code:
        yield code


def _strip(text: str) -> str:
    return text.replace(OPEN, "").replace(CLOSE, "")


def _texts_of(method: str, params: dict[str, Any]) -> Iterable[tuple[str, str]]:
    for field in ("text", "caption"):
        if isinstance(params.get(field), str):
            yield field, params[field]


def _markup(raw: Any) -> Any:
    return json.loads(raw) if isinstance(raw, str) else raw


def record_sentences(emulator: BotApiEmulator) -> list[str]:
    """Every text, caption and button label the bot sends from now on (marks kept); the
    emulator itself sees them without marks."""
    seen: list[str] = []

    def lens(method: str, params: dict[str, Any]) -> dict[str, Any]:
        changed = dict(params)
        for field, text in _texts_of(method, params):
            seen.append(text)
            changed[field] = _strip(text)
        markup = _markup(params.get("reply_markup"))
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            for row in markup["inline_keyboard"]:
                for button in row:
                    seen.append(button["text"])
                    button["text"] = _strip(button["text"])
            changed["reply_markup"] = (json.dumps(markup) if isinstance(
                params.get("reply_markup"), str) else markup)
        return changed

    emulator.rewrite = lens
    return seen


_INNERMOST = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
# Babel's English names of days and months: dates are localised by Babel, not by a catalogue.
_CALENDAR = {str(name) for width in ("abbreviated", "wide")
             for name in [*get_day_names(width, locale="en").values(),
                          *get_month_names(width, locale="en").values()]}


def untranslated(text: str, allowed: Iterable[str] = ()) -> str:
    """What is left of `text` outside every mark that has letters: "" when all was translated.
    `allowed` are the person's own words the bot may repeat (their name, their unit)."""
    rest = text
    while True:
        inner = _INNERMOST.sub(" ", rest)
        if inner == rest:
            break
        rest = inner
    for word in sorted(allowed, key=len, reverse=True):
        rest = rest.replace(word, " ")
    rest = re.sub(r"/[a-z_]+", " ", rest)  # commands stay literal in every language
    words = [word for word in re.findall(r"[^\W\d_]+", rest) if word not in _CALENDAR]
    return " ".join(words)
