"""/pause (until a date, or until /resume), /resume and /stop.

Each goes through `storage.user_settings`, which recomputes `next_send_at`; the /settings editor
is `bot.handlers.settings`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import callbacks as cb
from bot import texts
from bot.context import NotchContext, Reply
from bot.handlers.base import Group, Handlers
from bot.handlers.start import describe_next
from bot.i18n import _
from bot.lexicons import current_lexicon
from bot.texts import settings as t
from core.clock import get_zone, local_day
from core.dates import PauseDateError, PauseDateReason, parse_pause_until
from core.vocabulary import UserStatus
from storage.conversations import clear_conversation
from storage.db import Session
from storage.models import User
from storage.scheduling import next_challenge_at, reschedule
from storage.user_settings import pause, resume, stop
from storage.users import get_user, get_user_by_telegram_id

PAUSE_BUTTON = cb.Setting("pause")


def _clock(user: User) -> str:
    return texts.format_clock(user.send_time.hour, user.send_time.minute)


async def pause_command(update: Update, context: NotchContext) -> None:
    opened = await context.require_goal()
    if opened is None or opened.user is None:
        return
    if opened.user.status == UserStatus.STOPPED:
        await context.send_replies([(_(t.PAUSE_NOT_NOW), None)])  # not a date first, then a no
        return
    argument, now = " ".join(context.args or []), context.now
    today = local_day(now, opened.user.timezone)
    example = (today + timedelta(days=7)).isoformat()
    if not argument:
        button = InlineKeyboardButton(_(t.PAUSE_OPEN_BUTTON), callback_data=PAUSE_BUTTON.pack())
        reply: Reply = (_(t.PAUSE_ASK).format(example=example), InlineKeyboardMarkup([[button]]))
    else:
        async with context.db() as session:
            user = await get_user(session, opened.user.id or 0)
            assert user is not None
            reply = await _pause_until(session, user, argument, today, example, now)
    await context.send_replies([reply])


async def _pause_until(session: Session, user: User, argument: str, today: date,
                       example: str, now: datetime) -> Reply:
    until = parse_pause_until(argument, today, current_lexicon())
    if isinstance(until, PauseDateError):
        if until.reason is PauseDateReason.TOO_FAR:
            return _(t.PAUSE_TOO_FAR), None
        if until.reason is PauseDateReason.NOT_FUTURE and until.day is not None:
            return _(t.PAUSE_NOT_FUTURE).format(date=t.format_date(until.day),
                                             example=example), None
        return _(t.PAUSE_BAD_DATE).format(text=argument, example=example), None
    if not await pause(session, user, until=until, now=now):
        return _(t.PAUSE_NOT_NOW), None
    # The day it really comes: the pause's last day may already be a rest day (/skip).
    when = await next_challenge_at(session, user, now)
    assert when is not None  # paused with an end date: the tick resumes it
    local = when.astimezone(get_zone(user.timezone))
    return _(t.PAUSED_UNTIL).format(date=t.format_date(local.date()),
                                 time=texts.format_clock(local.hour, local.minute)), None


async def on_pause_button(update: Update, context: NotchContext) -> None:
    """`set:pause`: pause until /resume."""
    await context.press(update)
    opened = await context.require_goal()
    if opened is None or opened.user is None:
        return
    async with context.db() as session:
        user = await get_user(session, opened.user.id or 0)
        paused = user is not None and await pause(session, user, until=None, now=context.now)
    await context.send_replies([(_(t.PAUSED_OPEN) if paused else _(t.PAUSE_NOT_NOW), None)])


async def resume_command(update: Update, context: NotchContext) -> None:
    opened = await context.require_goal()
    if opened is None or opened.user is None:
        return
    now = context.now
    async with context.db() as session:
        user = await get_user(session, opened.user.id or 0)
        assert user is not None
        if await resume(session, user, now):
            when = await next_challenge_at(session, user, now)
            reply = _(t.RESUMED).format(when=describe_next(when, user.timezone, now))
        else:
            reply = _(t.NOT_PAUSED)
    await context.send_replies([(reply, None)])


async def stop_command(update: Update, context: NotchContext) -> None:
    if update.effective_user is None:
        return
    now = context.now
    async with context.db() as session:
        user = await get_user_by_telegram_id(session, update.effective_user.id)
        if user is None or user.id is None:
            reply = _(t.STOPPED)  # nothing was ever scheduled; the answer is the same
        elif await stop(session, user, now):
            await clear_conversation(session, user.id)
            reply = _(t.STOPPED)
        elif user.status == UserStatus.STOPPED:
            reply = _(t.ALREADY_STOPPED)
        else:
            await reschedule(session, user, now)
            reply = _(t.STOPPED)
    await context.send_replies([(reply, None)])


def handlers() -> Handlers:
    private = filters.ChatType.PRIVATE
    return [
        (Group.COMMANDS, CommandHandler("pause", pause_command, filters=private)),
        (Group.COMMANDS, CommandHandler("resume", resume_command, filters=private)),
        (Group.COMMANDS, CommandHandler("stop", stop_command, filters=private)),
        (Group.COMMANDS, CallbackQueryHandler(
            on_pause_button, pattern=lambda data: data == PAUSE_BUTTON.pack())),
    ]
