"""Every sentence the bot sends is translatable: the three-week journey, run for a person whose
language is a pseudo-locale that marks each translated sentence ⟦like this⟧, sends no word
outside a mark (the person's own words and Babel's dates aside)."""

from __future__ import annotations

from bot.i18n import _, use_locale
from bot.texts import progress
from tests.support.notch import Notch
from tests.support.pseudo import PSEUDO, pseudo_locale, record_sentences, untranslated
from tests.support.three_weeks import ZONE, three_weeks

# What the journey's person types that the bot may repeat back.
THEIR_WORDS = ("Ada", ZONE, "Europe", "Berlin", "CEST", "UTC")


async def test_the_three_week_journey_sends_no_untranslated_sentence(notch: Notch) -> None:
    sent = record_sentences(notch.emulator)
    with pseudo_locale():
        notch.language_code = PSEUDO
        await three_weeks(notch)
    assert len(sent) > 300  # the journey really ran through the lens
    leaks = {text: left for text in sent if (left := untranslated(text, THEIR_WORDS))}
    assert "\n".join(sorted(leaks)) == ""


def test_the_marks_find_an_untranslated_sentence() -> None:
    """The check itself: an English sentence, or one sentence of two, is caught."""
    assert untranslated("Registered: 12 minutes.") == "Registered minutes"
    assert untranslated("⟦Done: ⟦12 minutes⟧.⟧\nSee you tomorrow.") == "See you tomorrow"
    assert untranslated("⟦Done: ⟦12 minutes⟧ on Tue 2 Jun.⟧ /today") == ""
    assert untranslated("Tue 2 Jun: 40 % → 60 %") == ""


def test_the_chart_words_are_translated() -> None:
    """The chart is an image, so its words are checked here rather than on the wire."""
    with pseudo_locale(), use_locale(PSEUDO):
        labels = progress.chart_labels()
        assert all(value.startswith("⟦") for value in vars(labels).values())
        assert _("x") == "⟦x⟧"
