"""/settings: the daily time, time zone, step, celebration and review day.

/settings asks which field to change with buttons, then holds a "settings" conversation row whose
step names the field; the answer goes through the same readers as onboarding (`bot.answers`).
Every change goes through `storage.user_settings` (or `storage.goals.set_step`), which recomputes
`next_send_at`. A check-in typed while a question is open ("done", "failed", "skip", "✅") answers
the day's waiting challenge, as during a setup started over, and the question is asked again;
none of these questions has an answer of its own that reads as a check-in, so no words are
excluded. /pause, /resume and /stop are `bot.handlers.pause`'s.
"""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import (
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import callbacks as cb
from bot import texts
from bot.answers import (
    LONG_TEXT,
    read_amount,
    read_daily_time,
    read_zone_location,
    read_zone_text,
    zone_name,
    zone_notes,
    zone_question,
    zone_shown,
)
from bot.context import NotchContext
from bot.handlers import onboarding
from bot.handlers.base import Group, Handlers
from bot.handlers.start import describe_next
from bot.i18n import _, available_locales, current_locale, language_name, use_locale
from bot.keyboards import command_menu
from bot.onboarding_draft import Draft
from bot.onboarding_steps import hint
from bot.texts import onboarding as to
from bot.texts import settings as t
from bot.texts.format import behaviour_name, unit_name, weekday
from core.clock import local_day
from core.timezones import ZoneAnswer, ZoneChoice
from core.vocabulary import Topic
from storage.conversations import clear_conversation, set_conversation
from storage.db import Session
from storage.goals import active_goal, set_step
from storage.models import Goal, User
from storage.open_state import Opened
from storage.scheduling import next_challenge_at
from storage.user_settings import (
    set_celebrate,
    set_locale,
    set_review_weekday,
    set_send_time,
    set_timezone,
)
from storage.users import get_user

TOPIC = Topic.SETTINGS
log = logging.getLogger(__name__)

FIELDS = ("time", "zone", "step")

Reply = tuple[str, InlineKeyboardMarkup | None]


def _clock(user: User) -> str:
    return texts.format_clock(user.send_time.hour, user.send_time.minute)


def review_day(user: User) -> str:
    """The review's weekday in words; unset means the weekday they started (local)."""
    if user.review_weekday is not None and 0 <= user.review_weekday <= 6:
        return _(t.REVIEW_CHOSEN).format(day=weekday(user.review_weekday))
    started = local_day(user.created_at, user.timezone)
    return _(t.REVIEW_DEFAULT).format(day=weekday(started.weekday()))


def settings_menu(user: User, goal: Goal, now: datetime) -> Reply:
    zone, offset = zone_shown(user.timezone, now)
    text = _(t.MENU).format(
        time=_clock(user), zone=zone, offset=offset,
        step=texts.format_amount(goal.step, goal.unit), unit=unit_name(goal.unit),
        celebrate=_(t.CELEBRATE_ON if user.celebrate else t.CELEBRATE_OFF),
        review=review_day(user), language=language_name(current_locale()),
    )
    celebrate = (_button(_(t.CELEBRATE_TURN_OFF_BUTTON), "cel", "off") if user.celebrate
                 else _button(_(t.CELEBRATE_TURN_ON_BUTTON), "cel", "on"))
    buttons = [[_button(_(t.TIME_BUTTON), "time"), _button(_(t.ZONE_BUTTON), "zone"),
                _button(_(t.STEP_BUTTON), "step")],
               [celebrate, _button(_(t.REVIEW_BUTTON), "review")],
               [_button(_(t.LANGUAGE_BUTTON), "lang")]]
    return text, InlineKeyboardMarkup(buttons)


def _button(label: str, what: str, value: str | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=cb.Setting(what, value).pack())


def language_keyboard() -> InlineKeyboardMarkup:
    """Each offered language, named in itself ("Español", "Русский"), two to a row."""
    buttons = [_button(language_name(code), "locale", code)
               for code in available_locales()]
    return InlineKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)])


def review_keyboard() -> InlineKeyboardMarkup:
    days = [_button(weekday(n, short=True), "rday", str(n)) for n in range(7)]
    return InlineKeyboardMarkup([days[:4], days[4:]])


def _question(step: str, goal: Goal) -> str:
    if step == "time":
        return _(to.ASK_TIME)
    if step == "zone":
        return _(to.ASK_ZONE)
    example = texts.format_amount(goal.step * 2, goal.unit)
    return _(t.ASK_STEP).format(behaviour=behaviour_name(goal.behaviour),
                             step=texts.format_amount(goal.step, goal.unit), example=example)


# ------------------------------------------------------------------ /settings


async def show_settings(update: Update, context: NotchContext) -> None:
    """/settings and the /start menu's Settings button."""
    await context.press(update)  # the /start menu's button, if that is what this is
    opened = await context.require_goal()
    if opened is None or opened.user is None or opened.goal is None:
        return
    user_id = opened.user.id or 0
    if opened.topic == TOPIC:
        async with context.db() as session:
            await clear_conversation(session, user_id, topic=TOPIC)
    await context.send_replies([settings_menu(opened.user, opened.goal, context.now)])


async def on_pick(update: Update, context: NotchContext, pressed: cb.Setting) -> None:
    """`set:time|zone|step`: open the question for that field."""
    opened = await context.require_goal()
    if opened is None or opened.user is None or opened.user.id is None or opened.goal is None:
        return
    if pressed.what not in FIELDS or opened.topic == Topic.ONBOARDING:
        reply: Reply = (_(texts.BUTTON_STALE), None)  # a setup is open: finish or /cancel it first
    else:
        async with context.db() as session:
            await set_conversation(session, opened.user.id, topic=TOPIC, step=pressed.what)
        reply = (_question(pressed.what, opened.goal), None)
    await context.send_replies([reply])


async def answer_message(update: Update, context: NotchContext, opened: Opened) -> None:
    """The answer to the open settings question (the router decided the message is one)."""
    message, row = update.effective_message, opened.conversation
    assert message is not None and row is not None and opened.user is not None
    async with context.db() as session:
        user = await get_user(session, opened.user.id or 0)
        goal = None if user is None else await active_goal(session, user.id or 0)
        if user is None or goal is None:
            replies: list[Reply] = [(_(texts.NEED_SETUP), None)]
        else:
            replies = await _answer(session, user, goal, row.step, message, context.now)
    await context.send_replies(replies)


async def ask_again(context: NotchContext, opened: Opened, prefix: str | None) -> None:
    """The open settings question again, after a check-in typed in its place."""
    assert opened.conversation is not None and opened.goal is not None
    question = _question(opened.conversation.step, opened.goal)
    await context.send_replies([(f"{prefix or _(to.RESUMING)}\n{question}", None)])


async def goal_gone(context: NotchContext, opened: Opened) -> None:
    """A settings question outlived its goal: close it and say how to set one up."""
    assert opened.user is not None
    async with context.db() as session:
        await clear_conversation(session, opened.user.id or 0, topic=TOPIC)
    await context.send_replies([(_(texts.NEED_SETUP), None)])


async def _answer(session: Session, user: User, goal: Goal, step: str, message: Message,
                  now: datetime) -> list[Reply]:
    assert user.id is not None
    question = _question(step, goal)
    if step == "zone" and message.location is not None:
        answer: ZoneAnswer | ZoneChoice | str = await read_zone_location(
            message.location.latitude, message.location.longitude, now)
    elif message.text is None:
        return [(f"{_(to.NOT_TEXT)}\n{question}", None)]
    elif len(message.text) > LONG_TEXT:
        return [(to.long_text(hint(step, Draft(step=goal.step, unit=goal.unit,
                                                 baseline=goal.step))), None)]
    elif step == "zone":
        answer = await read_zone_text(message.text, now)
    elif step == "time":
        found_time = read_daily_time(message.text)
        if isinstance(found_time, str):
            return [(found_time, None)]
        await set_send_time(session, user, found_time, now)
        await clear_conversation(session, user.id, topic=TOPIC)
        when = describe_next(await next_challenge_at(session, user, now), user.timezone, now)
        return [(_(t.TIME_CHANGED).format(time=_clock(user), zone=zone_name(user.timezone, now),
                                       when=when), None)]
    else:
        step_value = read_amount(message.text, step=None, unit=goal.unit,
                                    example=texts.format_amount(goal.step * 2, goal.unit))
        if isinstance(step_value, str):
            return [(step_value, None)]
        await set_step(session, goal, step_value)
        await clear_conversation(session, user.id, topic=TOPIC)
        return [(_(t.STEP_CHANGED).format(behaviour=behaviour_name(goal.behaviour),
                                       step=texts.format_amount(step_value, goal.unit)), None)]
    return await _zone_answer(session, user, answer, now)


async def _zone_answer(session: Session, user: User, answer: ZoneAnswer | ZoneChoice | str,
                       now: datetime) -> list[Reply]:
    """A read zone answer: the re-prompt, "which Portland?", or the zone set and said."""
    assert user.id is not None
    if isinstance(answer, str):
        return [(answer, None)]
    if isinstance(answer, ZoneChoice):
        return [zone_question(answer)]
    await set_timezone(session, user, answer.zone, now)
    await clear_conversation(session, user.id, topic=TOPIC)
    zone, offset = zone_shown(answer.zone, now)
    when = describe_next(await next_challenge_at(session, user, now), user.timezone, now)
    changed = _(t.ZONE_CHANGED).format(zone=zone, offset=offset, when=when)
    notes: list[Reply] = [(note, None) for note in zone_notes(answer)]
    return [*notes, (changed, None)]


async def on_zone_pick(update: Update, context: NotchContext) -> None:
    """`tz:<zone>`: one of the places a typed city could mean, for the open zone question of
    /settings or of the setup (there it is the same as typing the zone's name)."""
    pressed, _message = await context.press(update)
    opened = await context.open_state()
    row, user = opened.conversation, opened.user
    if (not isinstance(pressed, cb.ZonePick) or user is None or row is None
            or row.step != "zone" or row.topic not in (TOPIC, Topic.ONBOARDING)):
        await context.bot.send_message(context.chat, _(texts.BUTTON_STALE))
        return
    if row.topic == Topic.ONBOARDING:
        await onboarding.answer_pressed(context, opened, "zone", pressed.zone)
        return
    answer = await read_zone_text(pressed.zone, context.now)
    async with context.db() as session:
        fresh = await get_user(session, user.id or 0)
        replies: list[Reply] = ([(_(texts.NEED_SETUP), None)] if fresh is None
                                else await _zone_answer(session, fresh, answer, context.now))
    await context.send_replies(replies)


# ------------------------------------------------------------------ celebration, review day


async def on_button(update: Update, context: NotchContext) -> None:
    """Every `set:` button: a field to change, celebration on/off, the review day, pause."""
    pressed, _message = await context.press(update)
    if not isinstance(pressed, cb.Setting):
        await context.bot.send_message(context.chat, _(texts.BUTTON_STALE))
        return
    if pressed.what in FIELDS:
        await on_pick(update, context, pressed)
        return
    opened = await context.require_goal()
    if opened is None or opened.user is None:
        return
    async with context.db() as session:
        user = await get_user(session, opened.user.id or 0)
        assert user is not None
        reply = await BUTTONS.get(pressed.what, _stale)(session, context, user, pressed)
    await context.send_replies([reply])
    if pressed.what == "locale" and user.locale is not None:
        await _chat_commands(context, user.locale)


async def _chat_commands(context: NotchContext, code: str) -> None:
    """The command menu of this chat in the chosen language (Telegram otherwise shows the one of
    the app's language). A refusal costs only the menu's words: logged, not fatal."""
    try:
        await context.bot.set_my_commands(command_menu(code),
                                          scope=BotCommandScopeChat(context.chat))
    except TelegramError as exc:
        log.warning("could not set chat %s's command menu: %s", context.chat, exc)


async def _stale(session: Session, context: NotchContext, user: User,
                 pressed: cb.Setting) -> Reply:
    return _(texts.BUTTON_STALE), None


async def _celebrate(session: Session, context: NotchContext, user: User,
                     pressed: cb.Setting) -> Reply:
    """`set:cel:on|off`: an explicit value, so a double tap repeats it and changes nothing."""
    on = pressed.value == "on"
    if pressed.value not in ("on", "off"):
        return _(texts.BUTTON_STALE), None
    if await set_celebrate(session, user, on):
        return (_(t.CELEBRATE_NOW_ON) if on else _(t.CELEBRATE_NOW_OFF)), None
    return (_(t.CELEBRATE_ALREADY_ON) if on else _(t.CELEBRATE_ALREADY_OFF)), None


async def _review_pick(session: Session, context: NotchContext, user: User,
                       pressed: cb.Setting) -> Reply:
    """`set:review`: the seven days as buttons (no typed answer, so no open question)."""
    return _(t.ASK_REVIEW).format(review=review_day(user)), review_keyboard()


async def _review_day(session: Session, context: NotchContext, user: User,
                      pressed: cb.Setting) -> Reply:
    """`set:rday:0..6`: store the day and reschedule (which also moves the next review)."""
    raw = pressed.value or ""
    if not (raw.isdigit() and 0 <= int(raw) <= 6):
        return _(texts.BUTTON_STALE), None
    await set_review_weekday(session, user, int(raw), context.now)
    return _(t.REVIEW_CHANGED).format(day=weekday(int(raw))), None


async def _language_pick(session: Session, context: NotchContext, user: User,
                         pressed: cb.Setting) -> Reply:
    """`set:lang`: the offered languages as buttons."""
    return _(t.ASK_LANGUAGE).format(language=language_name(current_locale())), language_keyboard()


async def _language(session: Session, context: NotchContext, user: User,
                    pressed: cb.Setting) -> Reply:
    """`set:locale:es`: store it; the answer already speaks it, and so does every message after
    (the tick reads users.locale)."""
    chosen = pressed.value if pressed.value in available_locales() else None
    if chosen is None:
        return _(texts.BUTTON_STALE), None
    changed = await set_locale(session, user, chosen)
    with use_locale(chosen):
        said = t.LANGUAGE_CHANGED if changed else t.LANGUAGE_ALREADY
        return _(said).format(language=language_name(chosen)), None


def _not_pause(data: object) -> bool:
    """Every `set:` button, even one that no longer parses (it is told it is stale), but
    `set:pause` (`bot.handlers.pause`'s)."""
    return isinstance(data, str) and data.startswith("set:") and data != "set:pause"


BUTTONS = {"cel": _celebrate, "review": _review_pick, "rday": _review_day,
           "lang": _language_pick, "locale": _language}


def handlers() -> Handlers:
    private = filters.ChatType.PRIVATE
    return [
        (Group.COMMANDS, CommandHandler("settings", show_settings, filters=private)),
        (Group.COMMANDS, CallbackQueryHandler(show_settings, pattern=r"^menu:settings$")),
        (Group.COMMANDS, CallbackQueryHandler(on_button, pattern=_not_pause)),
        (Group.COMMANDS, CallbackQueryHandler(on_zone_pick, pattern=cb.matching(cb.ZonePick))),
    ]
