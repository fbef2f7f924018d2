"""Onboarding's conversation: one question at a time, from the step table in `bot.onboarding_steps`.

The conversation lives in the `conversations` row (topic "onboarding"): its `step` is the
question asked, its `data` the answers so far (a `Draft`, see `bot.onboarding_draft`). So a
restart, or a second worker, continues at the same question. A button press is the same as typing
its answer (one code path); a button from an earlier question is refused as out of date. The goal
is created only when the user picks when the first challenge comes, so an abandoned setup never
leaves a half-made goal (and "start over" never touches the current goal until the new one is
complete). Meanwhile that goal's day goes on: a check-in typed during "start over" while today's
challenge waits ("done", "failed", "skip") is recorded as the check-in, and the open question is
asked again (`check_in_words`). When nothing waits, a check-in typed at the activity question is
not a new activity called "done": the bot says what it says outside a setup, and asks again
(`_not_a_name`). A first setup (no goal yet) reads any name as a name: nothing can be waiting,
and an odd name is the user's choice.

/start, the menu and /cancel are `bot.handlers.start`'s; the answer readers shared with
/settings are `bot.answers`. The whole flow is drawn in docs/ONBOARDING.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Message, Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import texts
from bot.answers import LONG_TEXT, read_zone_location, zone_notes
from bot.daily import amount_text, send_today
from bot.handlers import checkin
from bot.handlers.base import Handlers, speaker
from bot.handlers.ladder import send_ladder
from bot.onboarding_draft import Draft
from bot.onboarding_steps import Reply, get_step, hint, next_step, question, typed
from bot.services import Services, services
from bot.texts import checkin as c
from bot.texts import onboarding as t
from core.replies import Outcome, normalise, parse_outcome, parse_target
from storage.conversations import get_conversation, set_conversation
from storage.goals import active_goal
from storage.models import User
from storage.user_settings import complete_onboarding
from storage.users import get_user_by_telegram_id

TOPIC = "onboarding"


@dataclass
class Turn:
    """What one answer produced: messages to send, and whether to send the first challenge."""

    replies: list[Reply] = field(default_factory=list)
    send_now: bool = False
    done: bool = False


async def _finish(session: AsyncSession, user: User, draft: Draft, now: datetime) -> Turn:
    assert draft.behaviour and draft.unit and draft.step and draft.baseline and draft.zone
    clock = draft.time or ""
    hour, minute = (int(part) for part in clock.split(":"))
    await complete_onboarding(
        session, user, behaviour=draft.behaviour, unit=draft.unit, step=draft.step,
        baseline=draft.baseline, target=draft.goal_target, timezone=draft.zone,
        send_time=time(hour, minute), now=now, first_tomorrow=draft.first != "now",
    )
    if draft.first == "now":
        return Turn([(t.DONE_NOW, None)], send_now=True, done=True)
    return Turn([(t.DONE_TOMORROW.format(time=clock), None)], done=True)


async def answer(session: AsyncSession, user: User, key: str, draft: Draft,
                 message_text: str, now: datetime) -> Turn:
    """Apply a typed (or button) answer to the open question and ask the next one."""
    assert user.id is not None
    if len(message_text) > LONG_TEXT:
        _, markup = question(key, draft, now)
        return Turn([(t.long_text(hint(key, draft)), markup)])
    asked = get_step(key)
    read = await asked.read(message_text, draft, now)
    if read.error is not None:
        _, markup = question(key, draft, now)
        return Turn([(read.error, markup)])
    if asked.finishes:
        return await _finish(session, user, draft, now)
    following = read.goto or next_step(draft)
    await set_conversation(session, user.id, topic=TOPIC, step=following, data=draft.to_data())
    return Turn([*((note, None) for note in read.notes), question(following, draft, now)])


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
        step, draft = conversation.step, Draft.from_data(conversation.data)
        check_in = await checkin.waiting_check_in(session, user.id, said.sender.id,
                                                  check_in_words(step, message.text))
        refused = None if check_in is not None else await _not_a_name(
            session, user, step, message.text, said.sender.id)
        if check_in is not None or refused is not None:  # not the setup's: its question again
            text, markup = question(step, draft, now)  # (a check-in goes to today's challenge)
            turn = Turn([(f"{refused or t.RESUMING}\n{text}", markup)])
        else:
            turn = await _answer_message(session, user, step, draft, message, now)
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


async def _not_a_name(session: AsyncSession, user: User, step: str, text: str | None,
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


async def _answer_message(session: AsyncSession, user: User, step: str, draft: Draft,
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
        return Turn([(f"{t.NOT_TEXT}\n{text}", markup)])
    return await answer(session, user, step, draft, message.text, now)


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
        draft = Draft.from_data(conversation.data)
        if conversation.step != step:
            turn = Turn([(texts.BUTTON_OUT_OF_DATE, None),
                         question(conversation.step, draft, now)])
        else:
            turn = await answer(session, user, step, draft, typed(step, choice), now)
            await session.commit()
    await _after(found, context, chat_id, user, turn, now)
    raise ApplicationHandlerStop


def handlers() -> Handlers:
    private = filters.ChatType.PRIVATE
    return [
        (0, CallbackQueryHandler(on_button, pattern=r"^ob:")),
        (0, MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.COMMAND, on_message)),
    ]
