"""/start, the menu for onboarded users ("Today's challenge", "Start over"), and /cancel.

/start greets a new user and opens onboarding (`bot.handlers.onboarding`) at its first question,
picks an open setup up where it stopped, or shows an onboarded user the menu (switching
challenges back on for someone who had stopped or blocked the bot). "Start over" opens a new
setup beside the current goal, which stays until the new one is complete. /cancel leaves
whatever question is open. `describe_next` says when the next challenge comes (/settings and
/resume say it too).
"""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import callbacks as cb
from bot import texts
from bot.answers import zone_name
from bot.context import NotchContext
from bot.handlers.base import Group, Handlers
from bot.handlers.onboarding import TOPIC
from bot.handlers.today import show_today
from bot.i18n import _
from bot.onboarding_draft import Draft
from bot.onboarding_steps import FIRST, Reply, question, rows
from bot.texts import onboarding as t
from bot.texts import settings as s  # the menu and "when next" share the settings wording
from core.clock import get_zone
from core.vocabulary import Topic, UserStatus
from storage.conversations import clear_conversation, get_conversation, set_conversation
from storage.goals import active_goal
from storage.models import Goal, User
from storage.scheduling import next_challenge_at
from storage.user_settings import reactivate
from storage.users import get_user_by_telegram_id, upsert_telegram_user


def _button(label: str, item: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=cb.Menu(item).pack())


async def start(update: Update, context: NotchContext) -> None:
    message, sender, now = update.effective_message, update.effective_user, context.now
    if message is None or sender is None:
        return
    replies: list[Reply] = []
    async with context.db() as session:
        before = await get_user_by_telegram_id(session, sender.id)
        came_back = before is not None and before.status in (UserStatus.STOPPED, UserStatus.BLOCKED)
        user = await upsert_telegram_user(
            session, telegram_user_id=sender.id, chat_id=message.chat_id,
            first_name=sender.first_name, language_code=sender.language_code, now=now,
        )
        assert user.id is not None
        conversation = await get_conversation(session, user.id)
        goal = await active_goal(session, user.id)
        if conversation is not None and conversation.topic == TOPIC:
            replies.append((_(t.RESUMING), None))
            replies.append(question(conversation.step, Draft.from_data(conversation.data), now))
        elif goal is None:
            replies += [(texts.greeting(sender.first_name), None), (_(texts.METHOD), None)]
            await set_conversation(session, user.id, topic=TOPIC, step=FIRST)
            replies.append(question(FIRST, Draft(), now))
        else:
            if conversation is not None and conversation.topic == Topic.SETTINGS:
                await clear_conversation(session, user.id, topic=Topic.SETTINGS)
            await reactivate(session, user, now)
            if came_back:
                when = describe_next(await next_challenge_at(session, user, now), user.timezone,
                                     now)
                replies.append((_(t.REACTIVATED).format(when=when), None))
            replies.append(menu(user, goal, now))
    await context.send_replies(replies)


def describe_next(when: datetime | None, timezone: str, now: datetime) -> str:
    """ "today at 07:30", "tomorrow at 07:30" or "on Tue 1 Dec at 07:30" in the user's zone:
    `when` is `storage.scheduling.next_challenge_at`, the instant the tick will really send."""
    if when is None:
        return _(s.WHEN_NEVER)
    zone = get_zone(timezone)
    local = when.astimezone(zone)
    today = now.astimezone(zone).date()
    clock = texts.format_clock(local.hour, local.minute)
    days = (local.date() - today).days
    if days == 0:
        return _(s.WHEN_TODAY).format(time=clock)
    if days == 1:
        return _(s.WHEN_TOMORROW).format(time=clock)
    return _(s.WHEN_ON).format(date=s.format_date(local.date()), time=clock)


def menu(user: User, goal: Goal, now: datetime) -> Reply:
    text = t.menu(
        name=user.first_name, behaviour=goal.behaviour,
        time=texts.format_clock(user.send_time.hour, user.send_time.minute),
        zone=zone_name(user.timezone, now),
        paused=user.status == UserStatus.PAUSED,
        paused_until=None if user.paused_until is None else s.format_date(user.paused_until),
    )
    return text, rows([_button(_(t.MENU_TODAY), "today"), _button(_(t.MENU_SETTINGS), "settings"),
                       _button(_(t.MENU_RESTART), "restart")], 1)


async def on_menu(update: Update, context: NotchContext) -> None:
    """`menu:today`, `menu:restart` and its confirmation (`menu:settings` is settings.py's)."""
    pressed, _message = await context.press(update)
    opened = await context.require_goal()
    if opened is None or opened.user is None or opened.user.id is None:
        return
    item = pressed.item if isinstance(pressed, cb.Menu) else ""
    if item == "today":
        await show_today(update, context)
    elif item == "restart":
        await context.send_replies([(_(t.CONFIRM_RESTART), rows(
            [_button(_(t.RESTART_YES), "restart_yes"),
             _button(_(t.RESTART_NO), "restart_no")], 1))])
    elif item == "restart_yes":
        async with context.db() as session:
            await set_conversation(session, opened.user.id, topic=TOPIC, step=FIRST)
        await context.send_replies([question(FIRST, Draft(), context.now)])
    else:
        await context.send_replies([(_(t.RESTART_KEPT), None)])


async def cancel(update: Update, context: NotchContext) -> None:
    """Leave whatever question is open (onboarding, settings, a check-in follow-up question)."""
    opened = await context.open_state()
    user, conversation = opened.user, opened.conversation
    if user is None or user.id is None or conversation is None:
        reply = _(texts.NOTHING_TO_CANCEL)
    else:
        async with context.db() as session:
            await clear_conversation(session, user.id)
        if conversation.topic == TOPIC:
            reply = _(t.CANCELLED_KEPT_GOAL) if opened.goal is not None else _(t.CANCELLED)
        else:
            reply = _(texts.CANCELLED)
    await context.bot.send_message(context.chat, reply)


def handlers() -> Handlers:
    private = filters.ChatType.PRIVATE
    return [
        (Group.COMMANDS, CommandHandler("start", start, filters=private)),
        (Group.COMMANDS, CommandHandler("cancel", cancel, filters=private)),
        (Group.COMMANDS, CallbackQueryHandler(
            on_menu, pattern=r"^menu:(today|restart|restart_(yes|no))$")),
    ]
