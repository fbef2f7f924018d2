"""/start, the menu for onboarded users ("Today's challenge", "Start over"), and /cancel.

/start greets a new user and opens onboarding (`bot.handlers.onboarding`) at its first question,
picks an open setup up where it stopped, or shows an onboarded user the menu (switching
challenges back on for someone who had stopped or blocked the bot). "Start over" opens a new
setup beside the current goal, which stays until the new one is complete. /cancel leaves
whatever question is open. `describe_next` says when the next challenge comes (/settings and
/resume say it too).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from telegram import InlineKeyboardButton, Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot import texts
from bot.handlers.base import Handlers, speaker
from bot.handlers.onboarding import TOPIC
from bot.handlers.today import show_today
from bot.onboarding_draft import Draft
from bot.onboarding_steps import FIRST, Reply, question, rows
from bot.services import services
from bot.texts import onboarding as t
from bot.texts import settings as s  # the menu and "when next" share the settings wording
from core.clock import get_zone
from storage.conversations import clear_conversation, get_conversation, set_conversation
from storage.goals import active_goal
from storage.models import Goal, User
from storage.user_settings import reactivate
from storage.users import get_user_by_telegram_id, upsert_telegram_user, user_with_goal


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


async def _send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: Sequence[Reply]) -> None:
    for text, markup in replies:
        await context.bot.send_message(chat_id, text, reply_markup=markup)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    said = speaker(update, context)
    if said is None:
        return
    message, sender, now = said.message, said.sender, said.now
    replies: list[Reply] = []
    async with said.session() as session:
        before = await get_user_by_telegram_id(session, sender.id)
        came_back = before is not None and before.status in ("stopped", "blocked")
        user = await upsert_telegram_user(
            session, telegram_user_id=sender.id, chat_id=message.chat_id,
            first_name=sender.first_name, language_code=sender.language_code, now=now,
        )
        assert user.id is not None
        conversation = await get_conversation(session, user.id)
        goal = await active_goal(session, user.id)
        if conversation is not None and conversation.topic == TOPIC:
            replies.append((t.RESUMING, None))
            replies.append(question(conversation.step, Draft.from_data(conversation.data), now))
        elif goal is None:
            replies += [(texts.greeting(sender.first_name), None), (texts.METHOD, None)]
            await set_conversation(session, user.id, topic=TOPIC, step=FIRST)
            replies.append(question(FIRST, Draft(), now))
        else:
            if conversation is not None and conversation.topic == "settings":
                await clear_conversation(session, user.id, topic="settings")
            await reactivate(session, user, now)
            if came_back:
                replies.append((t.REACTIVATED.format(when=describe_next(user, now)), None))
            replies.append(menu(user, goal))
        await session.commit()
    await _send(context, message.chat_id, replies)
    raise ApplicationHandlerStop


def describe_next(user: User, now: datetime) -> str:
    """ "today at 07:30", "tomorrow at 07:30" or "on Tue 1 Dec at 07:30" in the user's zone."""
    if user.next_send_at is None:
        return s.WHEN_NEVER
    zone = get_zone(user.timezone)
    local = user.next_send_at.astimezone(zone)
    today = now.astimezone(zone).date()
    clock = texts.format_clock(local.hour, local.minute)
    days = (local.date() - today).days
    if days == 0:
        return s.WHEN_TODAY.format(time=clock)
    if days == 1:
        return s.WHEN_TOMORROW.format(time=clock)
    return s.WHEN_ON.format(date=s.format_date(local.date()), time=clock)


def menu(user: User, goal: Goal) -> Reply:
    text = t.menu(
        name=user.first_name, behaviour=goal.behaviour,
        time=texts.format_clock(user.send_time.hour, user.send_time.minute), zone=user.timezone,
        paused=user.status == "paused",
        paused_until=None if user.paused_until is None else s.format_date(user.paused_until),
    )
    return text, rows([_button(t.MENU_TODAY, "menu:today"),
                        _button(t.MENU_SETTINGS, "menu:settings"),
                        _button(t.MENU_RESTART, "menu:restart")], 1)


async def on_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`menu:today`, `menu:restart` and its confirmation (`menu:settings` is settings.py's)."""
    query, sender = update.callback_query, update.effective_user
    if query is None or sender is None or query.data is None:
        return
    await query.answer()
    chat_id = update.effective_chat.id if update.effective_chat else sender.id
    verb = query.data.partition(":")[2]
    found = services(context)
    now = found.clock()
    replies: list[Reply] = []
    send_today_for: User | None = None
    async with found.session() as session:
        user, goal = await user_with_goal(session, sender.id)
        if user is None or user.id is None or goal is None:
            replies.append((texts.NEED_SETUP, None))
        elif verb == "today":
            send_today_for = user
        elif verb == "restart":
            replies.append((t.CONFIRM_RESTART, rows(
                [_button(t.RESTART_YES, "menu:restart_yes"),
                 _button(t.RESTART_NO, "menu:restart_no")], 1)))
        elif verb == "restart_yes":
            await set_conversation(session, user.id, topic=TOPIC, step=FIRST)
            replies.append(question(FIRST, Draft(), now))
        else:
            replies.append((t.RESTART_KEPT, None))
        await session.commit()
    await _send(context, chat_id, replies)
    if send_today_for is not None and send_today_for.id is not None:
        await show_today(update, context)
    raise ApplicationHandlerStop


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Leave whatever question is open (onboarding, settings, a check-in follow-up question)."""
    said = speaker(update, context)
    if said is None:
        return
    async with said.session() as session:
        user = await get_user_by_telegram_id(session, said.sender.id)
        conversation = None if user is None or user.id is None else await get_conversation(
            session, user.id)
        if user is None or user.id is None or conversation is None:
            reply = texts.NOTHING_TO_CANCEL
        else:
            await clear_conversation(session, user.id)
            if conversation.topic == TOPIC:
                has_goal = await active_goal(session, user.id) is not None
                reply = t.CANCELLED_KEPT_GOAL if has_goal else t.CANCELLED
            else:
                reply = texts.CANCELLED
        await session.commit()
    await said.message.reply_text(reply)
    raise ApplicationHandlerStop


def handlers() -> Handlers:
    private = filters.ChatType.PRIVATE
    return [
        (0, CommandHandler("start", start, filters=private)),
        (0, CommandHandler("cancel", cancel, filters=private)),
        (0, CallbackQueryHandler(on_menu, pattern=r"^menu:(today|restart|restart_(yes|no))$")),
    ]
