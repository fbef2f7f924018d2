"""/today (where today's challenge stands) and /skip (a rest day, today's or tomorrow's)."""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, filters

from bot.context import NotchContext
from bot.daily import amount_text, plan_day
from bot.handlers.base import Group, Handlers
from bot.i18n import _
from bot.keyboards import challenge_keyboard
from bot.texts import checkin as texts
from bot.texts.format import format_clock, format_day
from core.clock import get_zone, local_day, send_instant_for_day
from core.vocabulary import ChallengeStatus, UserStatus
from storage.challenges import ANSWERABLE, challenge_for_day, record_outcome
from storage.scheduling import next_challenge_at


async def show_today(update: Update, context: NotchContext) -> None:
    """/today: today's challenge and how it stands, or when it will come."""
    opened = await context.require_goal()
    user, goal = (None, None) if opened is None else (opened.user, opened.goal)
    markup: InlineKeyboardMarkup | None = None
    if user is None or goal is None or goal.id is None:
        return
    today = local_day(context.now, user.timezone)
    async with context.db() as session:
        challenge = await challenge_for_day(session, goal.id, today)
        when = await next_challenge_at(session, user, context.now)
    if challenge is not None and challenge.id is not None:
        text = _(texts.TODAY_STATE[challenge.status]).format(
            amount=amount_text(goal, challenge.amount)
        )
        if challenge.status == ChallengeStatus.SENT:
            markup = challenge_keyboard(challenge.id, challenge.confidence)
    elif user.status == UserStatus.PAUSED:
        text = _(texts.TODAY_PAUSED)
    elif user.status in (UserStatus.STOPPED, UserStatus.BLOCKED) or when is None:
        text = _(texts.TODAY_STOPPED)
    else:  # when the tick will really send it (a rest day already set is passed over)
        zone = get_zone(user.timezone)
        local = when.astimezone(zone)
        clock = format_clock(local.time())
        if local.date() == context.now.astimezone(zone).date():
            text = _(texts.TODAY_UPCOMING).format(time=clock)
        else:
            text = _(texts.TODAY_NEXT).format(day=format_day(local.date()), time=clock)
    await context.bot.send_message(context.chat, text, reply_markup=markup)


async def skip(update: Update, context: NotchContext) -> None:
    """A rest day: today's challenge is skipped; if today is already answered, tomorrow's."""
    opened, now = await context.require_goal(), context.now
    user, goal = (None, None) if opened is None else (opened.user, opened.goal)
    if user is None or goal is None:
        return
    async with context.db() as session:
        day = local_day(now, user.timezone)
        reply = _(texts.SKIP_ALREADY)
        for offset in (0, 1):
            target = day + timedelta(days=offset)
            due_at = send_instant_for_day(target, user.timezone, user.send_time)
            row = await plan_day(session, user, goal, target, due_at)
            assert row.id is not None
            if row.status in ANSWERABLE and await record_outcome(
                    session, row.id, ChallengeStatus.SKIPPED, now):
                reply = (
                    _(texts.SKIP_TODAY).format(amount=amount_text(goal, row.amount)) if offset == 0
                    else _(texts.SKIP_TOMORROW).format(day=format_day(target))
                )
                break
    await context.bot.send_message(context.chat, reply)


def handlers() -> Handlers:
    return [
        (Group.COMMANDS, CommandHandler("today", show_today, filters=filters.ChatType.PRIVATE)),
        (Group.COMMANDS, CommandHandler("skip", skip, filters=filters.ChatType.PRIVATE)),
    ]
