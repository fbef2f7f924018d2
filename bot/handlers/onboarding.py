"""/start: onboarding one question at a time, the menu for onboarded users, and /cancel.

The conversation lives in the `conversations` row (topic "onboarding"): its `step` is the
question asked, its `data` the answers so far. So a restart, or a second worker, continues at the
same question. A button press is the same as typing its answer (one code path); a button from an
earlier question is refused as out of date. The goal is created only when the user picks when the
first challenge comes, so an abandoned setup never leaves a half-made goal (and "start over"
never touches the current goal until the new one is complete). Meanwhile that goal's day goes
on: a check-in typed during "start over" while today's challenge waits ("done", "failed", "skip")
is recorded as the check-in, and the open question is asked again (`check_in_words`). When
nothing waits, a check-in typed at the activity question is not a new activity called "done":
the bot says what it says outside a setup, and asks again (`_not_a_name`). A first setup (no goal
yet) reads any name as a name: nothing can be waiting, and an odd name is the user's choice.

The answer parsers here are shared with /settings (`read_daily_time`, `read_zone_text`, ...).
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import texts, timezone_lookup
from bot.daily import amount_text, send_today
from bot.handlers import checkin
from bot.handlers.base import Handlers, speaker
from bot.handlers.ladder import send_ladder
from bot.handlers.today import show_today
from bot.services import Services, services
from bot.texts import checkin as c
from bot.texts import onboarding as t
from bot.texts import settings as s  # /start's menu and "when next" share the settings wording
from core.clock import DAY_CLOSE, TimeParseError, TimeParseReason, get_zone, parse_daily_time
from core.replies import (
    AmountError,
    AmountErrorReason,
    Outcome,
    normalise,
    parse_amount,
    parse_outcome,
    parse_target,
)
from core.timezones import ZoneAnswer, ZoneError, ZoneErrorReason, format_offset
from storage.conversations import clear_conversation, get_conversation, set_conversation
from storage.db import Session
from storage.goals import active_goal
from storage.models import Goal, User
from storage.user_settings import complete_onboarding, reactivate
from storage.users import get_user_by_telegram_id, upsert_telegram_user, user_with_goal

log = logging.getLogger(__name__)

TOPIC = "onboarding"
ORDER = ("behaviour", "unit", "step", "baseline", "target", "time", "zone")
MAX_NAME = 40
MAX_UNIT = 24
MAX_AMOUNT = 100_000.0
LONG_TEXT = 1000  # characters; any answer here fits in a line

Markup = InlineKeyboardMarkup | None
Reply = tuple[str, Markup]

# ------------------------------------------------------------------ preloading the place index

_preload_started = threading.Event()


def preload_in_background(then: Callable[[], None] | None = None) -> None:
    """Build the city index and TimezoneFinder (~2 s) in a daemon thread, once per process.

    Called from post_init: start-up is not delayed, and the first time-zone answer usually finds
    the index ready (if not, `read_zone_text` runs the lookup in a thread anyway). `then` runs
    in the same thread afterwards, whether the preload worked or not.
    """
    if _preload_started.is_set():
        return
    _preload_started.set()

    def run() -> None:
        try:
            timezone_lookup.preload()
        except Exception:  # a missing data file must not kill start-up; the lookup retries lazily
            log.warning("preloading the time-zone index failed", exc_info=True)
        if then is not None:
            then()

    threading.Thread(target=run, name="notch-tz-preload", daemon=True).start()


# ------------------------------------------------------------------ answer parsers (shared)


def amount_error(error: AmountError, *, unit: str, example: str,
                 baseline: str | None = None) -> str:
    """The specific re-prompt for an amount that did not parse."""
    reason = error.reason
    if reason is AmountErrorReason.EMPTY:
        return t.AMOUNT_EMPTY.format(example=example)
    if reason is AmountErrorReason.RANGE_GIVEN:
        return t.AMOUNT_RANGE
    if reason in (AmountErrorReason.NOT_POSITIVE, AmountErrorReason.NEGATIVE):
        return t.AMOUNT_NOT_POSITIVE
    if reason is AmountErrorReason.TOO_LARGE:
        return t.AMOUNT_TOO_LARGE.format(maximum=texts.format_amount(MAX_AMOUNT), unit=unit)
    if reason is AmountErrorReason.OFF_STEP:
        return t.AMOUNT_OFF_STEP.format(step="{step}", unit=unit,
                                        suggestion=texts.format_amount(error.suggestion or 0))
    if reason is AmountErrorReason.WRONG_UNIT:
        return t.AMOUNT_WRONG_UNIT.format(unit=unit, example=example)
    if reason is AmountErrorReason.NOT_ABOVE_CURRENT:
        return t.TARGET_NOT_ABOVE.format(baseline=baseline, unit=unit)
    return t.AMOUNT_NOT_A_NUMBER.format(text=error.text.strip(), example=example)


def read_amount(text: str, *, step: float | None, unit: str | None, example: str) -> float | str:
    """A positive amount on the goal's step, or the re-prompt saying what was wrong."""
    found = parse_amount(text, step=step, unit=unit, maximum=MAX_AMOUNT)
    if isinstance(found, AmountError):
        return amount_error(found, unit=unit or "", example=example).replace(
            "{step}", texts.format_amount(step or 1))
    return found


def read_daily_time(text: str) -> time | str:
    """A send time, refusing the night hours that belong to the previous local day."""
    found = parse_daily_time(text)
    if isinstance(found, TimeParseError):
        if found.reason is TimeParseReason.HOUR_OUT_OF_RANGE:
            return t.TIME_HOUR.format(text=text.strip())
        if found.reason is TimeParseReason.MINUTE_OUT_OF_RANGE:
            return t.TIME_MINUTE
        return t.TIME_NOT_A_TIME.format(text=text.strip())
    if found < DAY_CLOSE:
        return t.TIME_AT_NIGHT.format(time=texts.format_clock(found.hour, found.minute))
    return found


def zone_error(error: ZoneError | None, text: str) -> str:
    if error is None:
        return t.ZONE_NOT_FOUND.format(text=text.strip())
    reason = error.reason
    if reason is ZoneErrorReason.OFFSET_OUT_OF_RANGE:
        return t.ZONE_OFFSET_RANGE.format(text=text.strip())
    if reason is ZoneErrorReason.OFFSET_NOT_QUARTER_HOUR:
        return t.ZONE_OFFSET_QUARTER.format(text=text.strip())
    if reason is ZoneErrorReason.NO_ZONE_AT_OFFSET:
        if error.offset_minutes is None:
            return t.ZONE_NO_ZONE_AT_THAT_OFFSET
        return t.ZONE_NO_ZONE_AT.format(offset=format_offset(error.offset_minutes))
    if reason is ZoneErrorReason.TIME_NEEDS_MINUTES:
        return t.ZONE_NEEDS_MINUTES
    if reason is ZoneErrorReason.LOCATION_OUT_OF_RANGE:
        return t.ZONE_BAD_LOCATION
    return t.ZONE_AMBIGUOUS.format(text=text.strip())


async def read_zone_text(text: str, now: datetime) -> ZoneAnswer | str:
    """Resolve a typed zone answer off the event loop (the first lookup may build the index)."""
    found = await asyncio.to_thread(timezone_lookup.resolve_timezone, text, now)
    return found if isinstance(found, ZoneAnswer) else zone_error(found, text)


async def read_zone_location(latitude: float, longitude: float, now: datetime) -> ZoneAnswer | str:
    found = await asyncio.to_thread(timezone_lookup.zone_for_location, latitude, longitude, now)
    if isinstance(found, ZoneAnswer):
        return found
    return t.ZONE_LOCATION_UNKNOWN if found is None else zone_error(found, "")


def zone_notes(answer: ZoneAnswer) -> list[str]:
    """What to say about an accepted zone beyond the summary: a fixed offset ignores DST."""
    if answer.is_fixed_offset:
        return [t.FIXED_OFFSET.format(offset=format_offset(answer.utc_offset_minutes))]
    return []


def zone_offset_label(zone: str, now: datetime) -> str:
    offset = now.astimezone(get_zone(zone)).utcoffset()
    minutes = 0 if offset is None else int(offset.total_seconds() // 60)
    return format_offset(minutes)


def local_clock(zone: str, now: datetime) -> str:
    local = now.astimezone(get_zone(zone))
    return texts.format_clock(local.hour, local.minute)


# ------------------------------------------------------------------ the questions


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(buttons[i:i + width]) for i in range(0, len(buttons), width)])


def _amount_example(data: dict[str, Any], factor: float = 1.0) -> str:
    step = float(data.get("step", 1))
    base = float(data.get("baseline", data.get("example", 10 * step)))
    value = max(step, round(base * factor / step) * step)
    return f"{texts.format_amount(value)} {data.get('unit', '')}".strip()


def _first_time(data: dict[str, Any]) -> str:
    return str(data.get("time", ""))


def question(step: str, data: dict[str, Any], now: datetime) -> Reply:
    """The text and buttons that ask `step`, filled with the answers so far."""
    if step == "behaviour":
        buttons = [_button(p.label, f"ob:behaviour:{p.key}") for p in t.PRESETS]
        buttons.append(_button(t.OTHER_LABEL, "ob:behaviour:other"))
        return t.ASK_BEHAVIOUR, _rows(buttons, 2)
    if step == "name":
        return t.ASK_NAME, None
    if step == "unit":
        buttons = [_button(u, f"ob:unit:{i}") for i, u in enumerate(t.UNIT_CHOICES)]
        return t.ask_unit(data["behaviour"]), _rows(buttons, 4)
    if step == "step":
        return t.ask_step(data["unit"]), _rows([_button(c, f"ob:step:{c}")
                                                 for c in t.STEP_CHOICES], 3)
    if step == "baseline":
        return t.ask_baseline(data["behaviour"], _amount_example(data)), None
    if step == "target":
        return (t.ask_target(_amount_example(data, 3)),
                _rows([_button(t.SKIP_BUTTON, "ob:target:skip")], 1))
    if step == "time":
        return t.ASK_TIME, None
    if step == "zone":
        return t.ASK_ZONE, None
    if step == "confirm":
        target = data.get("target")
        text = t.summary(
            behaviour=data["behaviour"], unit=data["unit"],
            step=texts.format_amount(data["step"]), baseline=texts.format_amount(data["baseline"]),
            target=None if target is None else texts.format_amount(target), time=data["time"],
            zone=data["zone"], offset=zone_offset_label(data["zone"], now),
            local_now=local_clock(data["zone"], now),
        )
        buttons = [_button(t.CONFIRM_BUTTON, "ob:confirm:ok")]
        buttons += [_button(label, f"ob:confirm:{key}") for key, label in t.CHANGE_BUTTONS]
        return text, _rows(buttons, 1)
    if step == "first":
        time_text = _first_time(data)
        return t.ask_first(time_text), _rows(
            [_button(t.FIRST_NOW_BUTTON, "ob:first:now"),
             _button(t.FIRST_TOMORROW_BUTTON.format(time=time_text), "ob:first:tomorrow")], 2)
    raise ValueError(f"unknown onboarding step {step!r}")


def next_step(data: dict[str, Any]) -> str:
    """The first question not answered yet; the summary once all are."""
    return next((key for key in ORDER if key not in data), "confirm")


def hint(step: str, data: dict[str, Any]) -> str:
    return t.HINTS[step].format(example=_amount_example(data, 3 if step == "target" else 1))


# ------------------------------------------------------------------ answering


@dataclass
class Turn:
    """What one answer produced: messages to send, and whether to send the first challenge."""

    replies: list[Reply] = field(default_factory=list)
    send_now: bool = False
    done: bool = False


_NAME_HAS_LETTER = re.compile(r"[^\W\d_]")
_YES = frozenset({"yes", "y", "ok", "okay", "looks right", "right", "correct", "yep", "sure"})
_CHANGES = dict(t.CHANGE_BUTTONS)
# What an answer invalidates: a new activity means new units, so its amounts go too.
_DEPENDENTS = {
    "behaviour": ("behaviour", "unit", "step", "example", "baseline", "target"),
    "baseline": ("baseline", "target"),
    "target": ("target",),
    "time": ("time",),
    "zone": ("zone",),
}


def _read_name(text: str) -> str | tuple[str] | None:
    """A behaviour's name, or a re-prompt wrapped in a 1-tuple."""
    name = " ".join(text.split())
    if not name:
        return (t.NAME_EMPTY,)
    if len(name) > MAX_NAME:
        return (t.NAME_TOO_LONG.format(limit=MAX_NAME),)
    if not _NAME_HAS_LETTER.search(name):
        return (t.NAME_NO_LETTERS,)
    return name


def _preset(text: str) -> t.Preset | None:
    key = normalise(text)
    return next((p for p in t.PRESETS if key in (p.key, normalise(p.label), p.behaviour)), None)


async def _apply(step: str, text: str, data: dict[str, Any], now: datetime
                 ) -> tuple[str | None, str | None, list[str]]:
    """Record one typed answer in `data`: (re-prompt or None, forced next step, notes)."""
    if step == "behaviour":
        if normalise(text) in ("something else", "other", "else"):
            return None, "name", []
        preset = _preset(text)
        if preset is not None:
            data.update(behaviour=preset.behaviour, unit=preset.unit, step=preset.step,
                        example=preset.example)
            return None, None, []
        step = "name"  # a typed activity of one's own: the same as naming "something else"
    if step == "name":
        name = _read_name(text)
        if isinstance(name, tuple):
            return name[0], None, []
        data["behaviour"] = name
        return None, None, []
    if step == "unit":
        unit = " ".join(text.split()).casefold()
        if (not unit or len(unit) > MAX_UNIT or any(c.isdigit() for c in unit)
                or not _NAME_HAS_LETTER.search(unit)):
            return t.UNIT_BAD.format(limit=MAX_UNIT), None, []
        data["unit"] = unit
        return None, None, []
    if step == "step":
        found = read_amount(text, step=None, unit=None, example="1")
        if isinstance(found, str):
            return found, None, []
        data.update(step=found, example=10 * found)
        return None, None, []
    if step == "baseline":
        found = read_amount(text, step=data["step"], unit=data["unit"],
                            example=_amount_example(data))
        if isinstance(found, str):
            return found, None, []
        data["baseline"] = found
        return None, None, []
    if step == "target":
        target = parse_target(text, current=data["baseline"], step=data["step"],
                              unit=data["unit"], maximum=MAX_AMOUNT)
        if isinstance(target, AmountError):
            message = amount_error(target, unit=data["unit"], example=_amount_example(data, 3),
                                   baseline=texts.format_amount(data["baseline"]))
            return message.replace("{step}", texts.format_amount(data["step"])), None, []
        data["target"] = target
        return None, None, []
    if step == "time":
        found_time = read_daily_time(text)
        if isinstance(found_time, str):
            return found_time, None, []
        data["time"] = texts.format_clock(found_time.hour, found_time.minute)
        return None, None, []
    if step == "zone":
        answer = await read_zone_text(text, now)
        if isinstance(answer, str):
            return answer, None, []
        data["zone"] = answer.zone
        return None, None, zone_notes(answer)
    if step == "confirm":
        if normalise(text) in _YES:
            return None, "first", []
        change = next((key for key, label in _CHANGES.items()
                       if normalise(text) == normalise(label)), None)
        if change is None:
            return t.CONFIRM_BY_BUTTON, None, []
        for key in _DEPENDENTS[change]:
            data.pop(key, None)
        return None, None, []
    if step == "first":
        choice = normalise(text)
        if choice not in ("now", "tomorrow"):
            return t.CHOOSE_FIRST, None, []
        data["first"] = choice
        return None, None, []
    raise ValueError(f"unknown onboarding step {step!r}")


async def _finish(session: Session, user: User, data: dict[str, Any], now: datetime) -> Turn:
    hour, minute = (int(part) for part in data["time"].split(":"))
    await complete_onboarding(
        session, user, behaviour=data["behaviour"], unit=data["unit"], step=data["step"],
        baseline=data["baseline"], target=data.get("target"), timezone=data["zone"],
        send_time=time(hour, minute), now=now, first_tomorrow=data["first"] != "now",
    )
    if data["first"] == "now":
        return Turn([(t.DONE_NOW, None)], send_now=True, done=True)
    return Turn([(t.DONE_TOMORROW.format(time=data["time"]), None)], done=True)


async def answer(session: Session, user: User, step: str, data: dict[str, Any],
                 message_text: str, now: datetime) -> Turn:
    """Apply a typed (or button) answer to the open question and ask the next one."""
    assert user.id is not None
    if len(message_text) > LONG_TEXT:
        _, markup = question(step, data, now)
        return Turn([(t.long_text(hint(step, data)), markup)])
    error, forced, notes = await _apply(step, message_text, data, now)
    if error is not None:
        _, markup = question(step, data, now)
        return Turn([(error, markup)])
    if step == "first":
        return await _finish(session, user, data, now)
    following = forced or next_step(data)
    await set_conversation(session, user.id, topic=TOPIC, step=following, data=data)
    return Turn([*((note, None) for note in notes), question(following, data, now)])


# ------------------------------------------------------------------ Telegram side


async def _send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: Sequence[Reply]) -> None:
    for text, markup in replies:
        await context.bot.send_message(chat_id, text, reply_markup=markup)


async def _after(services_: Services, context: ContextTypes.DEFAULT_TYPE, chat_id: int,
                 user: User, turn: Turn, now: datetime) -> None:
    await _send(context, chat_id, turn.replies)
    if turn.done:  # the efficacy ladder for the new goal, right after "All set"
        await send_ladder(services_, context.bot, user)
    if turn.send_now:
        assert user.id is not None
        sent = await send_today(services_, context.bot, user.id, now)
        if not sent:
            clock = texts.format_clock(user.send_time.hour, user.send_time.minute)
            await _send(context, chat_id, [(t.DONE_NOTHING_TO_SEND.format(time=clock), None)])


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any private non-command message while onboarding is open; otherwise the next group's."""
    said = speaker(update, context)
    if said is None:
        return
    message, now = said.message, said.now
    async with said.session() as session:
        user = await get_user_by_telegram_id(session, said.sender.id)
        if user is None or user.id is None:
            return
        conversation = await get_conversation(session, user.id)
        if conversation is None or conversation.topic != TOPIC:
            return
        step, data = conversation.step, dict(conversation.data)
        check_in = await checkin.waiting_check_in(session, user.id, said.sender.id,
                                                  check_in_words(step, message.text))
        refused = None if check_in is not None else await _not_a_name(
            session, user, step, message.text, said.sender.id)
        if check_in is not None or refused is not None:  # not the setup's: its question again
            text, markup = question(step, data, now)  # (a check-in goes to today's challenge)
            turn = Turn([(f"{refused or t.RESUMING}\n{text}", markup)])
        else:
            turn = await _answer_message(session, user, step, data, message, now)
            await session.commit()
    if check_in is not None:
        await checkin.answer_typed(update, context, *check_in)
    await _after(said.services, context, message.chat_id, user, turn, now)
    raise ApplicationHandlerStop


# The setup's own answers that also read as a check-in: "skip"/"pass" (no target) at the target
# question, "not today" (so: tomorrow) when asked when the first challenge comes.
_OWN_ANSWERS: dict[str, Callable[[str], bool]] = {
    "target": lambda text: parse_target(text) is None,
    "first": lambda text: "today" in normalise(text).split(),
}


def check_in_words(step: str, text: str | None) -> Outcome | None:
    """`checkin.check_in_words` at this setup `step`: the outcome if `text` clearly is a
    check-in, else None (the setup keeps it), the step's own answers staying the setup's."""
    return checkin.check_in_words(text, theirs=_OWN_ANSWERS.get(step))


async def _not_a_name(session: Session, user: User, step: str, text: str | None,
                      telegram_user_id: int) -> str | None:
    """Why a check-in typed at the activity question of a setup started over is not taken as
    the new activity's name (a first setup, with no goal, takes any name): what the bot says
    outside a setup, i.e. nothing waits for an answer, or (after a bare "yes", which a setup
    leaves to its own question) the waiting challenge and how to answer it. None: a name."""
    if step not in ("behaviour", "name") or text is None or parse_outcome(text) is None:
        return None
    assert user.id is not None
    goal = await active_goal(session, user.id)
    if goal is None:
        return None
    waiting = await checkin.open_challenge(session, goal, telegram_user_id)
    if waiting is None:
        return c.NOTHING_OPEN
    return c.TODAY_STATE["sent"].format(amount=amount_text(goal, waiting.challenge.amount))


async def _answer_message(session: Session, user: User, step: str, data: dict[str, Any],
                          message: Message, now: datetime) -> Turn:
    assert user.id is not None
    if step == "zone" and message.location is not None:
        answer_ = await read_zone_location(message.location.latitude, message.location.longitude,
                                           now)
        if isinstance(answer_, str):
            return Turn([(answer_, None)])
        data["zone"] = answer_.zone
        following = next_step(data)
        await set_conversation(session, user.id, topic=TOPIC, step=following, data=data)
        return Turn([*((note, None) for note in zone_notes(answer_)),
                     question(following, data, now)])
    if message.text is None:
        text, markup = question(step, data, now)
        return Turn([(f"{t.NOT_TEXT}\n{text}", markup)])
    return await answer(session, user, step, data, message.text, now)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`ob:<step>:<choice>`: the same as typing the choice, if that question is still open."""
    query, sender = update.callback_query, update.effective_user
    if query is None or sender is None or query.data is None:
        return
    await query.answer()
    chat_id = update.effective_chat.id if update.effective_chat else sender.id
    _, step, choice = [*query.data.split(":", 2), "", ""][:3]
    found = services(context)
    now = found.clock()
    async with found.session() as session:
        user = await get_user_by_telegram_id(session, sender.id)
        conversation = None if user is None or user.id is None else await get_conversation(
            session, user.id)
        if user is None or conversation is None or conversation.topic != TOPIC:
            await context.bot.send_message(chat_id, texts.BUTTON_STALE)
            raise ApplicationHandlerStop
        data = dict(conversation.data)
        if conversation.step != step:
            turn = Turn([(texts.BUTTON_OUT_OF_DATE, None),
                         question(conversation.step, data, now)])
        else:
            turn = await answer(session, user, step, data, _typed(step, choice), now)
            await session.commit()
    await _after(found, context, chat_id, user, turn, now)
    raise ApplicationHandlerStop


def _typed(step: str, choice: str) -> str:
    """What typing a button's answer looks like, so buttons and text share one path."""
    if step == "behaviour":
        preset = next((p for p in t.PRESETS if p.key == choice), None)
        return preset.label if preset is not None else "something else"
    if step == "unit" and choice.isdigit() and int(choice) < len(t.UNIT_CHOICES):
        return t.UNIT_CHOICES[int(choice)]
    if step == "confirm":
        return "yes" if choice == "ok" else _CHANGES.get(choice, "")
    return choice


# ------------------------------------------------------------------ /start, the menu, /cancel


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
            replies.append(question(conversation.step, dict(conversation.data), now))
        elif goal is None:
            replies += [(texts.greeting(sender.first_name), None), (texts.METHOD, None)]
            await set_conversation(session, user.id, topic=TOPIC, step="behaviour")
            replies.append(question("behaviour", {}, now))
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
    return text, _rows([_button(t.MENU_TODAY, "menu:today"),
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
            replies.append((t.CONFIRM_RESTART, _rows(
                [_button(t.RESTART_YES, "menu:restart_yes"),
                 _button(t.RESTART_NO, "menu:restart_no")], 1)))
        elif verb == "restart_yes":
            await set_conversation(session, user.id, topic=TOPIC, step="behaviour")
            replies.append(question("behaviour", {}, now))
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
        (0, CallbackQueryHandler(on_button, pattern=r"^ob:")),
        (0, CallbackQueryHandler(on_menu, pattern=r"^menu:(today|restart|restart_(yes|no))$")),
        (0, MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.COMMAND, on_message)),
    ]
