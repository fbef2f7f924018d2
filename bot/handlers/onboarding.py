"""Onboarding's conversation: one question at a time, from the step table in `bot.onboarding_steps`.

The conversation lives in the `conversations` row (topic "onboarding"): its `step` is the
question asked, its `data` the answers so far (a `Draft`, see `bot.onboarding_draft`). So a
restart, or a second worker, continues at the same question. A button press is the same as typing
its answer (one code path); a button from an earlier question is refused as out of date. The goal
is created only when the user picks when the first challenge comes, so an abandoned setup never
leaves a half-made goal (and "start over" never touches the current goal until the new one is
complete). Meanwhile that goal's day goes on: a check-in typed during "start over" while today's
challenge waits is recorded as the check-in, and the open question is asked again (`ask_again`).
Whether a message is the setup's answer or interrupts it is decided by `core.router`.

/start, the menu and /cancel are `bot.handlers.start`'s; the answer readers shared with
/settings are `bot.answers`. The whole flow is drawn in docs/ONBOARDING.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks as cb
from bot import texts
from bot.answers import LONG_TEXT, read_zone_location, zone_notes
from bot.context import NotchContext
from bot.daily import send_today
from bot.handlers.base import Group, Handlers
from bot.handlers.ladder import send_ladder
from bot.i18n import _
from bot.onboarding_draft import Draft
from bot.onboarding_steps import Reply, get_step, hint, next_step, question, typed
from bot.texts import onboarding as t
from core.vocabulary import Topic
from storage.conversations import set_conversation
from storage.db import Session
from storage.models import User
from storage.open_state import Opened
from storage.user_settings import complete_onboarding

TOPIC = Topic.ONBOARDING


@dataclass
class Turn:
    """What one answer produced: messages to send, and whether to send the first challenge."""

    replies: list[Reply] = field(default_factory=list)
    send_now: bool = False
    done: bool = False


async def _finish(session: Session, user: User, draft: Draft, now: datetime) -> Turn:
    assert draft.behaviour and draft.unit and draft.step and draft.baseline and draft.zone
    clock = draft.time or ""
    hour, minute = (int(part) for part in clock.split(":"))
    await complete_onboarding(
        session, user, behaviour=draft.behaviour, unit=draft.unit, step=draft.step,
        baseline=draft.baseline, target=draft.goal_target, timezone=draft.zone,
        send_time=time(hour, minute), now=now, first_tomorrow=draft.first != "now",
    )
    if draft.first == "now":
        return Turn([(_(t.DONE_NOW), None)], send_now=True, done=True)
    shown = texts.format_clock(hour, minute)
    return Turn([(_(t.DONE_TOMORROW).format(time=shown), None)], done=True)


async def answer(session: Session, user: User, key: str, draft: Draft,
                 message_text: str, now: datetime) -> Turn:
    """Apply a typed (or button) answer to the open question and ask the next one."""
    assert user.id is not None
    if len(message_text) > LONG_TEXT:
        _text, markup = question(key, draft, now)
        return Turn([(t.long_text(hint(key, draft)), markup)])
    asked = get_step(key)
    read = await asked.read(message_text, draft, now)
    if read.error is not None:
        _text, markup = question(key, draft, now)
        return Turn([(read.error, read.markup or markup)])
    if asked.finishes:
        return await _finish(session, user, draft, now)
    following = read.goto or next_step(draft)
    await set_conversation(session, user.id, topic=TOPIC, step=following, data=draft.to_data())
    return Turn([*((note, None) for note in read.notes), question(following, draft, now)])


# ------------------------------------------------------------------ Telegram side


async def _after(context: NotchContext, user: User, turn: Turn) -> None:
    await context.send_replies(turn.replies)
    if turn.done:  # the efficacy ladder for the new goal, right after "All set"
        await send_ladder(context.services, context.bot, user)
    if turn.send_now:
        assert user.id is not None
        sent = await send_today(context.services, context.bot, user.id, context.now)
        if not sent:
            clock = texts.format_clock(user.send_time.hour, user.send_time.minute)
            await context.send_replies([(_(t.DONE_NOTHING_TO_SEND).format(time=clock), None)])


async def answer_message(update: Update, context: NotchContext, opened: Opened) -> None:
    """The answer to the open setup question (the router decided the message is one)."""
    message, user, row = update.effective_message, opened.user, opened.conversation
    assert message is not None and user is not None and row is not None
    async with context.db() as session:
        turn = await _answer_message(session, user, row.step, Draft.from_data(row.data),
                                     message, context.now)
    await _after(context, user, turn)


async def ask_again(context: NotchContext, opened: Opened, prefix: str | None) -> None:
    """The open setup question again, after a message that was not its answer (a check-in,
    or outcome words that are not an activity's name), led by `prefix` (default: resuming)."""
    row = opened.conversation
    assert row is not None
    text, markup = question(row.step, Draft.from_data(row.data), context.now)
    await context.send_replies([(f"{prefix or _(t.RESUMING)}\n{text}", markup)])


async def _answer_message(session: Session, user: User, step: str, draft: Draft,
                          message: Message, now: datetime) -> Turn:
    assert user.id is not None
    if step == "zone" and message.location is not None:
        answer_ = await read_zone_location(message.location.latitude, message.location.longitude,
                                           now)
        if isinstance(answer_, str):
            return Turn([(answer_, None)])
        draft.zone = answer_.zone
        following = next_step(draft)
        await set_conversation(session, user.id, topic=TOPIC, step=following,
                               data=draft.to_data())
        return Turn([*((note, None) for note in zone_notes(answer_)),
                     question(following, draft, now)])
    if message.text is None:
        text, markup = question(step, draft, now)
        return Turn([(f"{_(t.NOT_TEXT)}\n{text}", markup)])
    return await answer(session, user, step, draft, message.text, now)


async def on_button(update: Update, context: NotchContext) -> None:
    """`ob:<step>:<choice>`: the same as typing the choice, if that question is still open."""
    pressed, _message = await context.press(update)
    opened = await context.open_state()
    user, row = opened.user, opened.conversation
    if (not isinstance(pressed, cb.Onboarding) or user is None or row is None
            or row.topic != TOPIC):
        await context.bot.send_message(context.chat, _(texts.BUTTON_STALE))
        return
    await answer_pressed(context, opened, pressed.step, typed(pressed.step, pressed.choice))


async def answer_pressed(context: NotchContext, opened: Opened, step: str, text: str) -> None:
    """A button for setup question `step`, read as typing `text`, if that question is open."""
    user, row = opened.user, opened.conversation
    assert user is not None and row is not None
    draft, now = Draft.from_data(row.data), context.now
    if row.step != step:
        turn = Turn([(_(texts.BUTTON_OUT_OF_DATE), None), question(row.step, draft, now)])
    else:
        async with context.db() as session:
            turn = await answer(session, user, step, draft, text, now)
    await _after(context, user, turn)


def handlers() -> Handlers:
    return [(Group.COMMANDS, CallbackQueryHandler(on_button, pattern=cb.matching(cb.Onboarding)))]
