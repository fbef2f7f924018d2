"""/today (where today's challenge stands) and /skip (a rest day, today's or tomorrow's)."""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ApplicationHandlerStop, CommandHandler, ContextTypes, filters

from bot.daily import amount_text, challenge_keyboard, plan_day
from bot.handlers.base import Handlers, speaker
from bot.texts import checkin as texts
from bot.texts.format import format_clock, format_day
from core.clock import get_zone, local_day, send_instant_for_day
from core.vocabulary import ChallengeStatus, UserStatus
from storage.challenges import ANSWERABLE, challenge_for_day, record_outcome
from storage.users import user_with_goal


async def show_today(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/today: today's challenge and how it stands, or when it will come."""
    said = speaker(update, context)
    if said is None:
        return
    message, now = said.message, said.now
    markup: InlineKeyboardMarkup | None = None
    async with said.session() as session:
        user, goal = await user_with_goal(session, said.sender.id)
        if user is None or goal is None or goal.id is None:
            await message.reply_text(texts.NO_GOAL)
            return
        today = local_day(now, user.timezone)
        challenge = await challenge_for_day(session, goal.id, today)
    if challenge is not None and challenge.id is not None:
        text = texts.TODAY_STATE[challenge.status].format(
            amount=amount_text(goal, challenge.amount)
        )
        if challenge.status == ChallengeStatus.SENT:
            markup = challenge_keyboard(challenge.id, challenge.confidence)
    elif user.status == UserStatus.PAUSED:
        text = texts.TODAY_PAUSED
    elif user.status in (UserStatus.STOPPED, UserStatus.BLOCKED) or user.next_send_at is None:
        text = texts.TODAY_STOPPED
    else:
        local = user.next_send_at.astimezone(get_zone(user.timezone))
        when = format_clock(local.time())
        if local_day(user.next_send_at, user.timezone) == today:
            text = texts.TODAY_UPCOMING.format(time=when)
        else:
            text = texts.TODAY_NEXT.format(
                day=format_day(local_day(user.next_send_at, user.timezone)), time=when
            )
    await message.reply_text(text, reply_markup=markup)


async def today(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await show_today(update, context)
    raise ApplicationHandlerStop


async def skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A rest day: today's challenge is skipped; if today is already answered, tomorrow's."""
    said = speaker(update, context)
    if said is None:
        return
    message, now = said.message, said.now
    async with said.session() as session:
        user, goal = await user_with_goal(session, said.sender.id)
        if user is None or goal is None:
            await message.reply_text(texts.NO_GOAL)
            raise ApplicationHandlerStop
        day = local_day(now, user.timezone)
        reply = texts.SKIP_ALREADY
        for offset in (0, 1):
            target = day + timedelta(days=offset)
            due_at = send_instant_for_day(target, user.timezone, user.send_time)
            row = await plan_day(session, user, goal, target, due_at)
            assert row.id is not None
            if row.status in ANSWERABLE and await record_outcome(
                    session, row.id, ChallengeStatus.SKIPPED, now):
                reply = (
                    texts.SKIP_TODAY.format(amount=amount_text(goal, row.amount)) if offset == 0
                    else texts.SKIP_TOMORROW.format(day=format_day(target))
                )
                break
        await session.commit()
    await message.reply_text(reply)
    raise ApplicationHandlerStop


def handlers() -> Handlers:
    return [
        (0, CommandHandler("today", today, filters=filters.ChatType.PRIVATE)),
        (0, CommandHandler("skip", skip, filters=filters.ChatType.PRIVATE)),
    ]
