"""/settings (daily time, time zone, step, celebration, review day), /pause, /resume, /stop.

/settings asks which field to change with buttons, then holds a "settings" conversation row whose
step names the field; the answer goes through the same parsers as onboarding. Every change goes
through `storage.user_settings` (or `storage.goals.set_step`), which recomputes `next_send_at`.
A check-in typed while a question is open ("done", "failed", "skip", "✅") answers the day's
waiting challenge, as during a setup started over, and the question is asked again; none of
these questions has an answer of its own that reads as a check-in, so no words are excluded.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import texts
from bot.handlers import checkin
from bot.handlers import onboarding as ob
from bot.handlers.base import Handlers, speaker
from bot.services import services
from bot.texts import onboarding as to
from bot.texts import settings as t
from core.clock import local_day
from core.timezones import ZoneAnswer
from storage.conversations import clear_conversation, get_conversation, set_conversation
from storage.db import Session
from storage.goals import set_step
from storage.models import Goal, User
from storage.scheduling import reschedule
from storage.user_settings import (
    pause,
    resume,
    set_celebrate,
    set_review_weekday,
    set_send_time,
    set_timezone,
    stop,
)
from storage.users import get_user_by_telegram_id, user_with_goal

TOPIC = "settings"
FIELDS = ("time", "zone", "step")
MAX_PAUSE = timedelta(days=366)

Reply = ob.Reply


def _clock(user: User) -> str:
    return texts.format_clock(user.send_time.hour, user.send_time.minute)


def review_day(user: User) -> str:
    """The review's weekday in words; unset means the weekday they started (local)."""
    if user.review_weekday is not None and 0 <= user.review_weekday <= 6:
        return t.REVIEW_CHOSEN.format(day=t.WEEKDAYS[user.review_weekday])
    started = local_day(user.created_at, user.timezone)
    return t.REVIEW_DEFAULT.format(day=t.WEEKDAYS[started.weekday()])


def settings_menu(user: User, goal: Goal, now: datetime) -> Reply:
    text = t.MENU.format(
        time=_clock(user), zone=user.timezone, offset=ob.zone_offset_label(user.timezone, now),
        step=texts.format_amount(goal.step), unit=goal.unit,
        celebrate=t.CELEBRATE_ON if user.celebrate else t.CELEBRATE_OFF, review=review_day(user),
    )
    celebrate = (InlineKeyboardButton(t.CELEBRATE_TURN_OFF_BUTTON, callback_data="set:cel:off")
                 if user.celebrate else
                 InlineKeyboardButton(t.CELEBRATE_TURN_ON_BUTTON, callback_data="set:cel:on"))
    buttons = [[InlineKeyboardButton(t.TIME_BUTTON, callback_data="set:time"),
                InlineKeyboardButton(t.ZONE_BUTTON, callback_data="set:zone"),
                InlineKeyboardButton(t.STEP_BUTTON, callback_data="set:step")],
               [celebrate, InlineKeyboardButton(t.REVIEW_BUTTON, callback_data="set:review")]]
    return text, InlineKeyboardMarkup(buttons)


def review_keyboard() -> InlineKeyboardMarkup:
    days = [InlineKeyboardButton(label, callback_data=f"set:rday:{n}")
            for n, label in enumerate(t.WEEKDAY_BUTTONS)]
    return InlineKeyboardMarkup([days[:4], days[4:]])


def _question(step: str, goal: Goal) -> str:
    if step == "time":
        return to.ASK_TIME
    if step == "zone":
        return to.ASK_ZONE
    example = f"{texts.format_amount(goal.step * 2)} {goal.unit}"
    return t.ASK_STEP.format(behaviour=goal.behaviour, step=texts.format_amount(goal.step),
                             unit=goal.unit, example=example)


async def _send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: list[Reply]) -> None:
    for text, markup in replies:
        await context.bot.send_message(chat_id, text, reply_markup=markup)


async def _button_user(update: Update, context: ContextTypes.DEFAULT_TYPE
                       ) -> tuple[str, int] | None:
    """Answer the query first; (its data, chat id), or None if there is nothing to answer."""
    query, sender = update.callback_query, update.effective_user
    if query is None or sender is None or query.data is None or update.effective_chat is None:
        return None
    await query.answer()
    return query.data, update.effective_chat.id


# ------------------------------------------------------------------ /settings


async def show_settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/settings and the /start menu's Settings button."""
    sender = update.effective_user
    if update.callback_query is not None:
        await update.callback_query.answer()
    if sender is None or update.effective_chat is None:
        return
    found = services(context)
    async with found.session() as session:
        user, goal = await user_with_goal(session, sender.id)
        if user is None or goal is None:
            replies: list[Reply] = [(texts.NEED_SETUP, None)]
        else:
            conversation = await get_conversation(session, user.id or 0)
            if conversation is not None and conversation.topic == TOPIC:
                await clear_conversation(session, user.id or 0, topic=TOPIC)
                await session.commit()
            replies = [settings_menu(user, goal, found.clock())]
    await _send(context, update.effective_chat.id, replies)
    raise ApplicationHandlerStop


async def on_pick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`set:time|zone|step`: open the question for that field."""
    pressed = await _button_user(update, context)
    if pressed is None or update.effective_user is None:
        return
    field = pressed[0].partition(":")[2]
    async with services(context).session() as session:
        user, goal = await user_with_goal(session, update.effective_user.id)
        if user is None or user.id is None or goal is None:
            reply: Reply = (texts.NEED_SETUP, None)
        elif field not in FIELDS:
            reply = (texts.BUTTON_STALE, None)
        else:
            onboarding_open = await get_conversation(session, user.id)
            if onboarding_open is not None and onboarding_open.topic == ob.TOPIC:
                reply = (texts.BUTTON_STALE, None)  # finish or /cancel the setup first
            else:
                await set_conversation(session, user.id, topic=TOPIC, step=field)
                await session.commit()
                reply = (_question(field, goal), None)
    await _send(context, pressed[1], [reply])
    raise ApplicationHandlerStop


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The answer to the open settings question; anything else goes on to the next group."""
    said = speaker(update, context)
    if said is None:
        return
    message, now = said.message, said.now
    async with said.session() as session:
        user, goal = await user_with_goal(session, said.sender.id)
        if user is None or user.id is None:
            return
        conversation = await get_conversation(session, user.id)
        if conversation is None or conversation.topic != TOPIC:
            return
        check_in = None
        if goal is None:
            await clear_conversation(session, user.id, topic=TOPIC)
            replies: list[Reply] = [(texts.NEED_SETUP, None)]
        else:
            check_in = await checkin.waiting_check_in(session, user.id, said.sender.id,
                                                      checkin.check_in_words(message.text))
            if check_in is None:
                replies = await _answer(session, user, goal, conversation.step, message, now)
            else:  # the day's challenge takes the text; then the question again
                replies = [(f"{to.RESUMING}\n{_question(conversation.step, goal)}", None)]
        await session.commit()
    if check_in is not None:
        await checkin.answer_typed(update, context, *check_in)
    await _send(context, message.chat_id, replies)
    raise ApplicationHandlerStop


async def _answer(session: Session, user: User, goal: Goal, step: str, message: Message,
                  now: datetime) -> list[Reply]:
    assert user.id is not None
    question = _question(step, goal)
    if step == "zone" and message.location is not None:
        answer: ZoneAnswer | str = await ob.read_zone_location(
            message.location.latitude, message.location.longitude, now)
    elif message.text is None:
        return [(f"{to.NOT_TEXT}\n{question}", None)]
    elif len(message.text) > ob.LONG_TEXT:
        return [(to.long_text(ob.hint(step, {"step": goal.step, "unit": goal.unit,
                                              "baseline": goal.step})), None)]
    elif step == "zone":
        answer = await ob.read_zone_text(message.text, now)
    elif step == "time":
        found_time = ob.read_daily_time(message.text)
        if isinstance(found_time, str):
            return [(found_time, None)]
        await set_send_time(session, user, found_time, now)
        await clear_conversation(session, user.id, topic=TOPIC)
        return [(t.TIME_CHANGED.format(time=_clock(user), zone=user.timezone,
                                       when=ob.describe_next(user, now)), None)]
    else:
        step_value = ob.read_amount(message.text, step=None, unit=goal.unit,
                                    example=f"{texts.format_amount(goal.step * 2)} {goal.unit}")
        if isinstance(step_value, str):
            return [(step_value, None)]
        await set_step(session, goal, step_value)
        await clear_conversation(session, user.id, topic=TOPIC)
        return [(t.STEP_CHANGED.format(behaviour=goal.behaviour, unit=goal.unit,
                                       step=texts.format_amount(step_value)), None)]
    if isinstance(answer, str):
        return [(answer, None)]
    await set_timezone(session, user, answer.zone, now)
    await clear_conversation(session, user.id, topic=TOPIC)
    changed = t.ZONE_CHANGED.format(zone=answer.zone,
                                    offset=ob.zone_offset_label(answer.zone, now),
                                    when=ob.describe_next(user, now))
    notes: list[Reply] = [(note, None) for note in ob.zone_notes(answer)]
    return [*notes, (changed, None)]


# ------------------------------------------------------------------ celebration, review day


async def on_celebrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`set:cel:on|off`: an explicit value, so a double tap repeats it and changes nothing."""
    pressed = await _button_user(update, context)
    if pressed is None or update.effective_user is None:
        return
    on = pressed[0] == "set:cel:on"
    async with services(context).session() as session:
        user, goal = await user_with_goal(session, update.effective_user.id)
        if user is None or goal is None:
            reply = texts.NEED_SETUP
        elif await set_celebrate(session, user, on):
            reply = t.CELEBRATE_NOW_ON if on else t.CELEBRATE_NOW_OFF
        else:
            reply = t.CELEBRATE_ALREADY_ON if on else t.CELEBRATE_ALREADY_OFF
        await session.commit()
    await context.bot.send_message(pressed[1], reply)
    raise ApplicationHandlerStop


async def on_review_pick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`set:review`: the seven days as buttons (no typed answer, so no open question)."""
    pressed = await _button_user(update, context)
    if pressed is None or update.effective_user is None:
        return
    async with services(context).session() as session:
        user, goal = await user_with_goal(session, update.effective_user.id)
    if user is None or goal is None:
        await context.bot.send_message(pressed[1], texts.NEED_SETUP)
    else:
        await context.bot.send_message(pressed[1], t.ASK_REVIEW.format(review=review_day(user)),
                                       reply_markup=review_keyboard())
    raise ApplicationHandlerStop


async def on_review_day(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`set:rday:0..6`: store the day and reschedule (which also moves the next review)."""
    pressed = await _button_user(update, context)
    if pressed is None or update.effective_user is None:
        return
    raw = pressed[0].removeprefix("set:rday:")
    found = services(context)
    async with found.session() as session:
        user, goal = await user_with_goal(session, update.effective_user.id)
        if user is None or goal is None:
            reply = texts.NEED_SETUP
        elif not (raw.isdigit() and 0 <= int(raw) <= 6):
            reply = texts.BUTTON_STALE
        else:
            await set_review_weekday(session, user, int(raw), found.clock())
            reply = t.REVIEW_CHANGED.format(day=t.WEEKDAYS[int(raw)])
        await session.commit()
    await context.bot.send_message(pressed[1], reply)
    raise ApplicationHandlerStop


# ------------------------------------------------------------------ /pause, /resume, /stop

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


async def _pause_until(session: Session, user: User, argument: str, today: date,
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
    pressed = await _button_user(update, context)
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
            reply = t.RESUMED.format(when=ob.describe_next(user, now))
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
        (0, CommandHandler("settings", show_settings, filters=private)),
        (0, CommandHandler("pause", pause_command, filters=private)),
        (0, CommandHandler("resume", resume_command, filters=private)),
        (0, CommandHandler("stop", stop_command, filters=private)),
        (0, CallbackQueryHandler(show_settings, pattern=r"^menu:settings$")),
        (0, CallbackQueryHandler(on_pause_button, pattern=r"^set:pause$")),
        (0, CallbackQueryHandler(on_celebrate, pattern=r"^set:cel:(on|off)$")),
        (0, CallbackQueryHandler(on_review_pick, pattern=r"^set:review$")),
        (0, CallbackQueryHandler(on_review_day, pattern=r"^set:rday:")),
        (0, CallbackQueryHandler(on_pick, pattern=r"^set:")),
        (1, MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.COMMAND, on_message)),
    ]
