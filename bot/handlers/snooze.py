"""⏰ Later on the daily message: the challenge comes back in 1 hour, in 3 hours or this evening.

A snooze changes no outcome (the day is still open, answerable by typing meanwhile, and
/progress counts it as nothing) and replaces the reminder: the user chose when to be asked
again. The tick sends the daily message again when the snooze ends (`bot.daily.resend_snoozed`),
never after 21:00 local, so always before the day's 04:00 close.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler

from bot import callbacks as cb
from bot.context import NotchContext
from bot.daily import amount_text
from bot.handlers.base import Group, Handlers
from bot.i18n import _
from bot.keyboards import challenge_keyboard, snooze_keyboard
from bot.texts import checkin as texts
from bot.texts.format import format_clock
from core.clock import SnoozeChoice, get_zone, snooze_instant
from core.vocabulary import ChallengeStatus
from storage.challenges import Owned, owned_challenge, snooze


def _choices(context: NotchContext, owned: Owned) -> dict[str, str]:
    """The choices still possible now, each with the local time it would come back."""
    zone = get_zone(owned.user.timezone)
    found: dict[str, str] = {}
    for choice in SnoozeChoice:
        at = snooze_instant(choice, context.now, owned.challenge.local_date, zone)
        if at is not None:
            found[choice] = format_clock(at.astimezone(zone).time())
    return found


async def _pick(context: NotchContext, owned: Owned, choice: SnoozeChoice,
                message: Message | None) -> None:
    challenge, user = owned.challenge, owned.user
    assert challenge.id is not None
    until = snooze_instant(choice, context.now, challenge.local_date, user.timezone)
    if until is None:
        await context.bot.send_message(context.chat, _(texts.SNOOZE_TOO_LATE))
        return
    async with context.db() as session:
        snoozed = await snooze(session, challenge.id, until)
    if not snoozed:
        await context.bot.send_message(context.chat, _(texts.SNOOZE_CLOSED))
        return
    when = format_clock(until.astimezone(get_zone(user.timezone)).time())
    await context.edit_or_send(message, _(texts.SNOOZED).format(
        amount=amount_text(owned.goal, challenge.amount), time=when))


async def on_button(update: Update, context: NotchContext) -> None:
    presser, (pressed, message) = update.effective_user, await context.press(update)
    owned = None
    if presser is not None and isinstance(pressed, cb.Snooze):
        async with context.db() as session:
            owned = await owned_challenge(session, pressed.challenge_id, presser.id)
    if owned is None or not isinstance(pressed, cb.Snooze):
        await context.bot.send_message(context.chat, _(texts.NOT_YOURS))
        raise ApplicationHandlerStop
    challenge = owned.challenge
    assert challenge.id is not None
    if challenge.status != ChallengeStatus.SENT:
        await context.bot.send_message(context.chat, _(texts.SNOOZE_CLOSED))
    elif pressed.choice == "back":
        await context.edit_or_send(message, None,
                                   challenge_keyboard(challenge.id, challenge.confidence))
    elif pressed.choice is not None:
        await _pick(context, owned, SnoozeChoice(pressed.choice), message)
    elif choices := _choices(context, owned):
        await context.edit_or_send(message, None, snooze_keyboard(challenge.id, choices))
    else:
        await context.bot.send_message(context.chat, _(texts.SNOOZE_TOO_LATE))
    raise ApplicationHandlerStop


def handlers() -> Handlers:
    return [(Group.COMMANDS, CallbackQueryHandler(on_button, pattern=cb.matching(cb.Snooze)))]
