"""/today (where today's challenge stands) and /skip (a rest day, today's or tomorrow's)."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CommandHandler, ContextTypes, filters

from bot.daily import amount_text, plan_day, show_today
from bot.handlers.base import Handlers
from bot.services import services
from bot.texts import checkin as texts
from core.clock import local_day, send_instant_for_day
from storage.challenges import ANSWERABLE, record_outcome
from storage.goals import active_goal
from storage.users import get_user_by_telegram_id


async def today(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await show_today(update, context)
    raise ApplicationHandlerStop


async def skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A rest day: today's challenge is skipped; if today is already answered, tomorrow's."""
    message, sender = update.effective_message, update.effective_user
    if message is None or sender is None:
        return
    found = services(context)
    now = found.clock()
    async with found.session() as session:
        user = await get_user_by_telegram_id(session, sender.id)
        goal = None if user is None or user.id is None else await active_goal(session, user.id)
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
            if row.status in ANSWERABLE and await record_outcome(session, row.id, "skipped", now):
                reply = (
                    texts.SKIP_TODAY.format(amount=amount_text(goal, row.amount)) if offset == 0
                    else texts.SKIP_TOMORROW.format(day=texts.day_name(target))
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
