"""The parsers' words in tests: `EN`, English's lexicon, and `words(locale)` for any language.

Core's parsers take a `core.lexicon.Lexicon`; the bot builds it from locales/<code>/words.toml
(`bot.lexicons.lexicon_for`), and tests read the same files.
"""

from __future__ import annotations

from bot.lexicons import lexicon_for
from core.lexicon import Lexicon

__all__ = ["EN", "words"]


def words(locale: str) -> Lexicon:
    """The lexicon a user writing in `locale` is read with (their words, then English's)."""
    return lexicon_for(locale)


EN = words("en")
