"""Every sentence the bot sends is translatable: the three-week journey, run for a person whose
language is a pseudo-locale that marks each translated sentence ⟦like this⟧, sends no word
outside a mark (the person's own words and Babel's dates aside)."""

from __future__ import annotations

from bot.i18n import _, available_locales, language_name, use_locale
from bot.texts import data_rights, onboarding, progress, settings
from tests.support.journeys import onboard
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


async def test_every_command_and_button_off_the_journey_is_translated(notch: Notch) -> None:
    """What the three weeks never say: help, privacy, settings and each of its buttons, pause,
    resume, stop, start again, skip, evidence, progress, export, delete (kept), cancel, and the
    answers to the unexpected (an unknown command or word, a sticker, an edit)."""
    sent = record_sentences(notch.emulator)
    with pseudo_locale():
        notch.language_code = PSEUDO
        ada = notch.user()
        await onboard(notch, ada, first="now")

        async def say(text: str) -> None:
            await ada.send_text(text)
            await notch.emulator.settle()

        async def tap(label: str) -> None:
            await (await ada.press(label)).answered()
            await notch.emulator.settle()

        for text in ("/help", "/privacy", "/today", "blorp", "/nosuchcommand", "/evidence",
                     "/progress", "/export", "/cancel"):
            await say(text)
        await ada.send_sticker()
        edited = await ada.send_text("first")
        await ada.edit_text(edited["message_id"], "second")
        await notch.emulator.settle()
        for button, answer in ((settings.TIME_BUTTON, "8:15"), (settings.ZONE_BUTTON, ZONE),
                               (settings.STEP_BUTTON, "2")):
            await say("/settings")
            await tap(button)
            await say(answer)
        for button in (settings.CELEBRATE_TURN_OFF_BUTTON, settings.REVIEW_BUTTON,
                       settings.LANGUAGE_BUTTON):
            await say("/settings")
            await tap(button)
        await tap("Wed")
        await say("/pause")
        await tap(settings.PAUSE_OPEN_BUTTON)
        for text in ("/resume", "/skip", "/stop", "/start"):
            await say(text)
        await tap(onboarding.MENU_TODAY)
        await say("/delete")
        await tap(data_rights.DELETE_KEEP_BUTTON)
        # The language buttons name each language in itself: never translated.
        names = [language_name(code) for code in available_locales()]
    assert len(sent) > 60
    leaks = {text: left for text in sent if (left := untranslated(text, (*THEIR_WORDS, *names)))}
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
