"""The check-in's buttons, every one built from its typed callback data (`bot.callbacks`).

The daily message (outcome + confidence + later), its snooze choices, the late question, and the
follow-ups after an answer (effort, reason, undo) live together, so the buttons a challenge can
carry are seen in one place. The places a typed city name could mean ("which Portland?") are
buttons here too, and the command menu in each language.
"""

from __future__ import annotations

from collections.abc import Mapping

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot import texts as texts_root
from bot.i18n import _, use_locale
from bot.texts import checkin as texts
from bot.texts import efficacy as efficacy_texts
from core.efficacy import UI_RATINGS
from core.timezones import ZoneChoice, format_offset
from core.vocabulary import FailureReason


def _button(label: str, data: cb.CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data.pack())


def challenge_keyboard(challenge_id: int, confidence: int | None = None) -> InlineKeyboardMarkup:
    """The outcome buttons, and below them the optional 0-100 confidence row, the chosen value
    ticked; rating never replaces or hides the outcome buttons."""
    return InlineKeyboardMarkup([
        [_button(_(texts.DONE_BUTTON), cb.ChallengeAnswer("done", challenge_id)),
         _button(_(texts.FAIL_BUTTON), cb.ChallengeAnswer("fail", challenge_id)),
         _button(_(texts.SKIP_BUTTON), cb.ChallengeAnswer("skip", challenge_id))],
        [_button(efficacy_texts.confidence_label(value, value == confidence),
                 cb.Confidence(challenge_id, value)) for value in UI_RATINGS],
        [_button(_(texts.LATER_BUTTON), cb.Snooze(challenge_id))],
    ])


def snooze_keyboard(challenge_id: int, choices: Mapping[str, str]) -> InlineKeyboardMarkup:
    """"Later": each choice still possible today (core.clock.SnoozeChoice → the local time it
    comes back), one per row, and a way back to the outcome buttons."""
    return InlineKeyboardMarkup([
        *([_button(_(texts.SNOOZE_BUTTONS[choice]).format(time=at),
                   cb.Snooze(challenge_id, choice))]
          for choice, at in choices.items()),
        [_button(_(texts.SNOOZE_BACK_BUTTON), cb.Snooze(challenge_id, "back"))],
    ])


def late_keyboard(challenge_id: int) -> InlineKeyboardMarkup:
    """Yesterday's unanswered challenge, asked the next morning: did it happen after all?"""
    return InlineKeyboardMarkup([[
        _button(_(texts.LATE_DID_BUTTON), cb.Late(challenge_id, "done")),
        _button(_(texts.LATE_DIDNT_BUTTON), cb.Late(challenge_id, "failed")),
    ]])


def effort_keyboard(challenge_id: int) -> InlineKeyboardMarkup:
    """Five buttons, 1 very easy … 5 maximal, in short rows that fit a phone."""
    buttons = [_button(_(label), cb.Effort(challenge_id, n))
               for n, label in texts.EFFORT_BUTTONS.items()]
    return InlineKeyboardMarkup([buttons[0:2], buttons[2:4], buttons[4:]])


def reason_keyboard(challenge_id: int) -> InlineKeyboardMarkup:
    """Why it didn't happen, and below it Undo: a mistaken ❌ is taken back like a mistaken ✅."""
    return InlineKeyboardMarkup([[
        _button(_(texts.REASON_BUTTONS[reason]), cb.Reason(challenge_id, reason))
        for reason in FailureReason
    ], [_undo(challenge_id)]])


def _undo(challenge_id: int) -> InlineKeyboardButton:
    return _button(_(texts.UNDO_BUTTON), cb.Undo(challenge_id))


def undo_keyboard(challenge_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_undo(challenge_id)]])


def zone_choice_keyboard(choice: ZoneChoice) -> InlineKeyboardMarkup:
    """One button per place a city name could mean, "Portland, Maine (UTC-4)", one to a row."""
    return InlineKeyboardMarkup([
        [_button(f"{option.label} ({format_offset(option.utc_offset_minutes)})",
                 cb.ZonePick(option.zone))]
        for option in choice.options
    ])


def command_menu(code: str) -> list[BotCommand]:
    """Telegram's command menu in the language `code` (setMyCommands)."""
    with use_locale(code):
        return [BotCommand(name, description) for name, description in texts_root.commands()]
