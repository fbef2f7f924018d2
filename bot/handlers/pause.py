"""/pause (until a date, or until /resume), /resume and /stop.

Each goes through `storage.user_settings`, which recomputes `next_send_at`; the /settings editor
is `bot.handlers.settings`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot import texts
from bot.handlers.base import Handlers, button_press, speaker
from bot.handlers.start import describe_next
from bot.services import services
from bot.texts import settings as t
from core.clock import local_day
from storage.conversations import clear_conversation
from storage.models import User
from storage.scheduling import reschedule
from storage.user_settings import pause, resume, stop
from storage.users import get_user_by_telegram_id, user_with_goal

MAX_PAUSE = timedelta(days=366)

Reply = tuple[str, InlineKeyboardMarkup | None]


def _clock(user: User) -> str:
    return texts.format_clock(user.send_time.hour, user.send_time.minute)


_DATE = re.compile(r"^(?:until\s+)?(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_pause_date(text: str) -> date | None:
    """"2026-12-01" or "until 2026-12-01" (ISO order: unambiguous in every locale)."""
    match = _DATE.match(" ".join(text.split()).casefold())
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


async def pause_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    said = speaker(update, context)
    if said is None:
        return
    argument = " ".join(context.args or [])
    now = said.now
    async with said.session() as session:
        user, goal = await user_with_goal(session, said.sender.id)
        if user is None or goal is None:
            reply: Reply = (texts.NEED_SETUP, None)
        else:
            today = local_day(now, user.timezone)
            example = (today + timedelta(days=7)).isoformat()
            if not argument:
                button = InlineKeyboardButton(t.PAUSE_OPEN_BUTTON, callback_data="set:pause")
                reply = (t.PAUSE_ASK.format(example=example), InlineKeyboardMarkup([[button]]))
            else:
                reply = await _pause_until(session, user, argument, today, example, now)
        await session.commit()
    await said.message.reply_text(reply[0], reply_markup=reply[1])
    raise ApplicationHandlerStop


async def _pause_until(session: AsyncSession, user: User, argument: str, today: date,
                       example: str, now: datetime) -> Reply:
    until = parse_pause_date(argument)
    if until is None:
        return t.PAUSE_BAD_DATE.format(text=argument, example=example), None
    if until <= today:
        return t.PAUSE_NOT_FUTURE.format(date=t.format_date(until), example=example), None
    if until - today > MAX_PAUSE:
        return t.PAUSE_TOO_FAR, None
    if not await pause(session, user, until=until, now=now):
        return t.PAUSE_NOT_NOW, None
    return t.PAUSED_UNTIL.format(date=t.format_date(until), time=_clock(user)), None


async def on_pause_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`set:pause`: pause until /resume."""
    pressed = await button_press(update, context)
    if pressed is None or update.effective_user is None:
        return
    found = services(context)
    async with found.session() as session:
        user, goal = await user_with_goal(session, update.effective_user.id)
        if user is None or goal is None:
            reply = texts.NEED_SETUP
        elif await pause(session, user, until=None, now=found.clock()):
            reply = t.PAUSED_OPEN
        else:
            reply = t.PAUSE_NOT_NOW
        await session.commit()
    await context.bot.send_message(pressed[1], reply)
    raise ApplicationHandlerStop


async def resume_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    said = speaker(update, context)
    if said is None:
        return
    now = said.now
    async with said.session() as session:
        user, goal = await user_with_goal(session, said.sender.id)
        if user is None or goal is None:
            reply = texts.NEED_SETUP
        elif await resume(session, user, now):
            reply = t.RESUMED.format(when=describe_next(user, now))
        else:
            reply = t.NOT_PAUSED
        await session.commit()
    await said.message.reply_text(reply)
    raise ApplicationHandlerStop


async def stop_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    said = speaker(update, context)
    if said is None:
        return
    now = said.now
    async with said.session() as session:
        user = await get_user_by_telegram_id(session, said.sender.id)
        if user is None or user.id is None:
            reply = t.STOPPED  # nothing was ever scheduled; the answer is the same
        elif await stop(session, user, now):
            await clear_conversation(session, user.id)
            reply = t.STOPPED
        elif user.status == "stopped":
            reply = t.ALREADY_STOPPED
        else:
            await reschedule(session, user, now)
            reply = t.STOPPED
        await session.commit()
    await said.message.reply_text(reply)
    raise ApplicationHandlerStop


def handlers() -> Handlers:
    private = filters.ChatType.PRIVATE
    return [
        (0, CommandHandler("pause", pause_command, filters=private)),
        (0, CommandHandler("resume", resume_command, filters=private)),
        (0, CommandHandler("stop", stop_command, filters=private)),
        (0, CallbackQueryHandler(on_pause_button, pattern=r"^set:pause$")),
    ]
