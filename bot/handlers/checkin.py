"""Check-in: the answers to a day's challenge, by button or typed, and what follows each.

Done → effort (5 buttons) → the message becomes a registration naming the evidence, with Undo
(10 minutes) and an optional one-line "what made it work?". Not today → reason → optional "how
much did you do?" → a neutral note with tomorrow's amount. Every button carries the challenge id,
checked against the presser; every change is a conditional update, so a second tap changes
nothing and says so. Conversation topic "checkin" (steps "achieved", "reflection") lives in the
database like every other open question; the optional follow-ups are skipped while another topic's
question is open (a setup started over), so they never take its place. A check-in typed while such
a question is open is still this topic's when it clearly is one (`check_in_words`).

Typed, "how hard did it feel?" takes "3", "hard", "just right" or a button's label, through the
button's own path, only while it is the user's newest open question: no conversation row is open
(a setup, /settings, "how much did you do?" each read their own numbers first) and the success it
asks about is from today or yesterday with nothing sent or answered since
(`storage.challenges.awaiting_effort`). Otherwise the text goes on as before.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.daily import (
    amount_text,
    baseline_text,
    calibrated_plan,
    challenge_keyboard,
    daily_text,
    late_keyboard,
)
from bot.handlers.base import Handlers, speaker
from bot.handlers.celebration import celebrate
from bot.replay import goal_log, replay_text
from bot.services import Services, services
from bot.texts import checkin as texts
from bot.texts import efficacy as efficacy_texts
from core.clock import local_day
from core.efficacy import UI_RATINGS
from core.evidence import DOUBT_CONFIDENCE, SURPRISE_CONFIDENCE, ReplayReason, should_replay
from core.replies import (
    AmountError,
    Outcome,
    normalise,
    parse_amount,
    parse_effort,
    parse_outcome,
)
from storage.challenges import (
    UNDO_WINDOW,
    Owned,
    awaiting_effort,
    challenge_for_day,
    evidence,
    latest_open,
    owned_challenge,
    record_outcome,
    set_achieved,
    set_confidence,
    set_effort,
    set_failure_reason,
    set_reflection,
    successes_at_or_above,
    undo,
)
from storage.conversations import clear_conversation, get_conversation, set_conversation
from storage.db import Session
from storage.goals import active_goal
from storage.models import FAILURE_REASONS, Challenge, Goal
from storage.users import get_user_by_telegram_id, user_with_goal

log = logging.getLogger(__name__)

TOPIC = "checkin"
CALLBACK = re.compile(
    r"^(done|fail|skip|eff|why|undo|late|conf):(\d{1,18})(?::([a-z_0-9]{1,16}))?$"
)
SKIP_WORDS = frozenset({"skip", "pass", "-", "no", "dunno", "don't know", "not sure"})
# A bare yes or no answers the question just asked: while another topic's is open, that one's.
_BARE_YES_NO = frozenset({"yes", "y", "yep", "yeah", "yup", "ya", "no", "n", "nope", "nah",
                          "\U0001f44d", "\U0001f44e"})  # 👍 👎


def effort_keyboard(challenge_id: int) -> InlineKeyboardMarkup:
    """Five buttons, 1 very easy … 5 maximal, in short rows that fit a phone."""
    buttons = [
        InlineKeyboardButton(label, callback_data=f"eff:{challenge_id}:{n}")
        for n, label in texts.EFFORT_BUTTONS.items()
    ]
    return InlineKeyboardMarkup([buttons[0:2], buttons[2:4], buttons[4:]])


def reason_keyboard(challenge_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(label, callback_data=f"why:{challenge_id}:{key}")
        for key, label in texts.REASON_BUTTONS.items()
    ]])


def undo_keyboard(challenge_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.UNDO_BUTTON, callback_data=f"undo:{challenge_id}")]]
    )


async def _show(
    message: Message | None, chat_id: int, context: ContextTypes.DEFAULT_TYPE, text: str,
    markup: InlineKeyboardMarkup | None = None, *, edit: bool,
) -> None:
    """Edit the pressed message into `text` (or send it when there is nothing to edit)."""
    if edit and isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except BadRequest as exc:  # e.g. "message is not modified", or too old to edit
            log.warning("could not edit message %s: %s; sending instead", message.message_id, exc)
    await context.bot.send_message(chat_id, text, reply_markup=markup)


# --------------------------------------------------------------------------- the flows


async def _follow_up(session: Session, user_id: int, step: str, challenge_id: int) -> bool:
    """Open an optional follow-up question ("reflection", "achieved") unless another topic's
    question is open (a setup started over, a settings answer): a user has one open question,
    the one they asked for wins, and a reply invited now would be read as its answer. True if
    opened."""
    row = await get_conversation(session, user_id)
    if row is not None and row.topic != TOPIC:
        return False
    await set_conversation(session, user_id, topic=TOPIC, step=step, challenge_id=challenge_id)
    return True


async def _refuse_repeat(context: ContextTypes.DEFAULT_TYPE, chat_id: int, challenge: Challenge,
                         *, answered: str) -> None:
    """A follow-up button that changed nothing: a repeat if the answer stands, else stale."""
    stale = challenge.status != answered
    await context.bot.send_message(chat_id, texts.NOT_YOURS if stale else texts.ALREADY_ANSWERED)


async def _answer(
    found: Services, owned: Owned, outcome: str, context: ContextTypes.DEFAULT_TYPE,
    message: Message | None, chat_id: int, *, edit: bool,
) -> None:
    """Record done / failed / skipped and ask the one follow-up question it needs."""
    challenge, goal = owned.challenge, owned.goal
    assert challenge.id is not None
    async with found.session() as session:
        changed = await record_outcome(session, challenge.id, outcome, found.clock())
        await session.commit()
    if not changed:
        await context.bot.send_message(chat_id, texts.ALREADY_ANSWERED)
        return
    amount = amount_text(goal, challenge.amount)
    if outcome == "done":
        await _show(message, chat_id, context, texts.EFFORT_QUESTION.format(amount=amount),
                    effort_keyboard(challenge.id), edit=edit)
    elif outcome == "failed":
        await _show(message, chat_id, context, texts.REASON_QUESTION.format(amount=amount),
                    reason_keyboard(challenge.id), edit=edit)
    else:
        await _show(message, chat_id, context, texts.SKIPPED, edit=edit)


async def _effort(
    found: Services, owned: Owned, effort: int, context: ContextTypes.DEFAULT_TYPE,
    message: Message | None, chat_id: int,
) -> None:
    challenge, goal, user = owned.challenge, owned.goal, owned.user
    assert challenge.id is not None and user.id is not None
    async with found.session() as session:
        changed = await set_effort(session, challenge.id, effort)
        if changed:
            facts = await evidence(session, challenge)
            invite = await _follow_up(session, user.id, "reflection", challenge.id)
        await session.commit()
    if not changed:
        await _refuse_repeat(context, chat_id, challenge, answered="done")
        return
    sure = challenge.confidence
    text = texts.registered(amount_text(goal, challenge.amount), challenge.local_date,
                            facts.at_level, facts.total, baseline_text(goal), sure,
                            beat_doubt=sure is not None and sure <= SURPRISE_CONFIDENCE)
    await _show(message, chat_id, context, text, undo_keyboard(challenge.id), edit=True)
    if invite:
        await context.bot.send_message(chat_id, texts.REFLECTION_INVITE)


async def _reason(
    found: Services, owned: Owned, reason: str, context: ContextTypes.DEFAULT_TYPE,
    message: Message | None, chat_id: int,
) -> None:
    challenge, user = owned.challenge, owned.user
    assert challenge.id is not None and user.id is not None
    if reason not in FAILURE_REASONS:
        await context.bot.send_message(chat_id, texts.NOT_YOURS)
        return
    async with found.session() as session:
        changed = await set_failure_reason(session, challenge.id, reason)
        if changed:
            asked = await _follow_up(session, user.id, "achieved", challenge.id)
        await session.commit()
    if not changed:
        await _refuse_repeat(context, chat_id, challenge, answered="failed")
        return
    logged = texts.REASON_LOGGED.format(reason=texts.REASON_BUTTONS[reason])
    await _show(message, chat_id, context, logged, edit=True)
    if asked:
        await context.bot.send_message(
            chat_id, texts.ACHIEVED_QUESTION.format(unit=owned.goal.unit)
        )
        return
    # "How much did you do?" is optional: without it the failure's answer is complete now.
    challenge.failure_reason = reason
    await context.bot.send_message(chat_id, await what_next(found, owned.goal, challenge))
    await _after_failure(found, owned.goal, chat_id, context)


async def _undo(
    found: Services, owned: Owned, context: ContextTypes.DEFAULT_TYPE,
    message: Message | None, chat_id: int,
) -> None:
    challenge, goal, user = owned.challenge, owned.goal, owned.user
    assert challenge.id is not None and user.id is not None
    now = found.clock()
    async with found.session() as session:
        changed = await undo(session, challenge.id, now)
        if changed:
            await clear_conversation(session, user.id, topic=TOPIC)
        await session.commit()
    if not changed:
        late = challenge.answered_at is not None and now - challenge.answered_at > UNDO_WINDOW
        await context.bot.send_message(
            chat_id, texts.UNDO_TOO_LATE if late else texts.ALREADY_ANSWERED
        )
        return
    reopened = now < challenge.close_at if challenge.close_at is not None else False
    text = f"{texts.UNDONE}\n{daily_text(goal, challenge)}"
    markup = (challenge_keyboard(challenge.id, challenge.confidence) if reopened
              else late_keyboard(challenge.id))
    await _show(message, chat_id, context, text, markup, edit=True)


async def _confidence(
    found: Services, owned: Owned, value: int, context: ContextTypes.DEFAULT_TYPE,
    message: Message | None, chat_id: int,
) -> None:
    """Store how sure the user is (changeable while the day is open), show it on the message
    with the outcome buttons kept, and replay the log when the rating is low (<= 40)."""
    challenge, goal = owned.challenge, owned.goal
    assert challenge.id is not None
    before = challenge.confidence
    async with found.session() as session:
        changed = await set_confidence(session, challenge.id, value)
        await session.commit()
    if not changed:
        await context.bot.send_message(chat_id, efficacy_texts.CONFIDENCE_CLOSED)
        return
    if before == value:
        return  # the same tap again: the message already says so
    challenge.confidence = value
    await _show(message, chat_id, context, daily_text(goal, challenge),
                challenge_keyboard(challenge.id, value), edit=True)
    # Moving within the low range (40 → 20) does not replay again: once is support, twice nags.
    already_low = before is not None and before <= DOUBT_CONFIDENCE
    async with found.session() as session:
        _, log_ = await goal_log(session, goal)
    reason = should_replay(log_, confidence=value)
    if reason is ReplayReason.LOW_CONFIDENCE and not already_low:
        text = replay_text(goal, log_, reason)
        if text is not None:
            await context.bot.send_message(chat_id, text)


async def _after_failure(found: Services, goal: Goal, chat_id: int,
                         context: ContextTypes.DEFAULT_TYPE) -> None:
    """After the failure's answer is complete: two failures in a row replay the log."""
    async with found.session() as session:
        entries, log_ = await goal_log(session, goal)
    reason = should_replay(log_, entries=entries)
    if reason is ReplayReason.TWO_FAILURES:
        text = replay_text(goal, log_, reason)
        if text is not None:
            await context.bot.send_message(chat_id, text)


async def what_next(found: Services, goal: Goal, challenge: Challenge) -> str:
    """The neutral note after a failure: what happened means this, and tomorrow is that."""
    assert goal.id is not None
    day = challenge.local_date + timedelta(days=1)
    async with found.session() as session:
        if await challenge_for_day(session, goal.id, day) is not None:
            return texts.failed_next(challenge.failure_reason, None, False)  # a late answer
        plan = await calibrated_plan(session, goal, day)
        before = await successes_at_or_above(session, goal.id, plan.amount)
    return texts.failed_next(challenge.failure_reason, amount_text(goal, plan.amount), before > 0)


# --------------------------------------------------------------------------- handlers


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, presser = update.callback_query, update.effective_user
    if query is None or presser is None:
        return
    await query.answer()  # first: the client spins until the query is answered
    chat_id = update.effective_chat.id if update.effective_chat is not None else presser.id
    match = CALLBACK.match(query.data or "")
    if match is None:
        return
    verb, raw_id, arg = match[1], int(match[2]), match[3]
    message = query.message if isinstance(query.message, Message) else None
    found = services(context)
    async with found.session() as session:
        owned = await owned_challenge(session, raw_id, presser.id)
    if owned is None:
        await context.bot.send_message(chat_id, texts.NOT_YOURS)
        raise ApplicationHandlerStop
    if verb in ("done", "fail", "skip"):
        outcome = {"done": "done", "fail": "failed", "skip": "skipped"}[verb]
        await _answer(found, owned, outcome, context, message, chat_id, edit=True)
    elif verb == "late" and arg in ("done", "failed"):
        await _answer(found, owned, arg, context, message, chat_id, edit=True)
    elif verb == "eff" and arg is not None and arg.isdigit() and 1 <= int(arg) <= 5:
        await _effort(found, owned, int(arg), context, message, chat_id)
    elif verb == "why" and arg is not None:
        await _reason(found, owned, arg, context, message, chat_id)
    elif verb == "undo":
        await _undo(found, owned, context, message, chat_id)
    elif verb == "conf" and arg is not None and arg.isdigit() and int(arg) in UI_RATINGS:
        await _confidence(found, owned, int(arg), context, message, chat_id)
    else:
        await context.bot.send_message(chat_id, texts.NOT_YOURS)
    raise ApplicationHandlerStop


async def on_checkin_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group 2: the reply to "how much did you do?" or "what made it work?", if one is open."""
    said = speaker(update, context)
    text = None if said is None else said.message.text
    if said is None or text is None:
        return
    message, sender, found = said.message, said.sender, said.services
    async with found.session() as session:
        user = await get_user_by_telegram_id(session, sender.id)
        if user is None or user.id is None:
            return
        row = await get_conversation(session, user.id)
        if row is None or row.topic != TOPIC or row.challenge_id is None:
            return
        owned = await owned_challenge(session, row.challenge_id, sender.id)
        wanted = {"reflection": "done", "achieved": "failed"}.get(row.step)
        if owned is None or owned.challenge.status != wanted:
            await clear_conversation(session, user.id, topic=TOPIC)  # answer was undone
            await session.commit()
            return
        step = row.step
    challenge, goal = owned.challenge, owned.goal
    assert challenge.id is not None
    if step == "reflection":
        async with found.session() as session:
            await set_reflection(session, challenge.id, text)
            await clear_conversation(session, user.id, topic=TOPIC)
            await session.commit()
        await message.reply_text(texts.REFLECTION_KEPT)
        await celebrate(update, context)
        raise ApplicationHandlerStop
    achieved: float | None = None
    if normalise(text) not in SKIP_WORDS:
        parsed = parse_amount(text, unit=goal.unit, allow_zero=True, maximum=challenge.amount)
        if isinstance(parsed, AmountError):
            await message.reply_text(texts.ACHIEVED_INVALID.format(
                unit=goal.unit, amount=amount_text(goal, challenge.amount)))
            raise ApplicationHandlerStop
        achieved = parsed
    async with found.session() as session:
        if achieved is not None:
            await set_achieved(session, challenge.id, achieved)
        await clear_conversation(session, user.id, topic=TOPIC)
        await session.commit()
    if achieved is not None:
        challenge.achieved = achieved
    await message.reply_text(await what_next(found, goal, challenge))
    await _after_failure(found, goal, message.chat_id, context)
    raise ApplicationHandlerStop


async def open_challenge(session: Session, goal: Goal, telegram_user_id: int
                         ) -> Owned | None:
    """The goal's challenge a typed outcome answers now (sent, not answered yet), if any."""
    if goal.id is None:
        return None
    open_one = await latest_open(session, goal.id)
    if open_one is None or open_one.id is None:
        return None
    return await owned_challenge(session, open_one.id, telegram_user_id)


def check_in_words(text: str | None, *, theirs: Callable[[str], bool] | None = None
                   ) -> Outcome | None:
    """The outcome `text` states if it clearly answers the day's challenge even while another
    topic's question is open (a setup started over, a /settings question), else None: that
    question keeps the text. Clearly: an outcome in words or symbols ("done", "failed", "skip",
    "✅"), not a bare yes/no, and not an answer the open question takes as its own (`theirs`,
    e.g. "skip" meaning "no target")."""
    if text is None:
        return None
    outcome = parse_outcome(text)
    if outcome is None or normalise(text) in _BARE_YES_NO:
        return None
    if theirs is not None and theirs(text):
        return None
    return outcome


async def waiting_check_in(session: Session, user_id: int, telegram_user_id: int,
                           outcome: Outcome | None) -> tuple[Owned, Outcome] | None:
    """The active goal's challenge a check-in typed during another topic's question answers,
    with the outcome (`check_in_words`); None when nothing waits (then the text is that
    question's). The caller records it with `answer_typed` and asks its question again."""
    if outcome is None:
        return None
    goal = await active_goal(session, user_id)
    owned = None if goal is None else await open_challenge(session, goal, telegram_user_id)
    return None if owned is None else (owned, outcome)


async def answer_typed(update: Update, context: ContextTypes.DEFAULT_TYPE, owned: Owned | None,
                       outcome: Outcome) -> None:
    """The one path for a typed outcome: here (group 3) and from another topic's question that
    a check-in interrupted (onboarding.py, settings.py). Records it, asks its follow-up,
    celebrates a success."""
    said = speaker(update, context)
    if said is None:
        return
    if owned is None:
        await said.message.reply_text(texts.NOTHING_OPEN)
        return
    await _answer(said.services, owned, outcome.value, context, None, said.message.chat_id,
                  edit=False)
    if outcome is Outcome.DONE:
        await celebrate(update, context)


async def on_typed_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group 3: a typed answer to the day's challenge, its outcome or how hard it felt."""
    await on_outcome_words(update, context)  # stops propagation when the text was an outcome
    await on_typed_effort(update, context)


async def on_outcome_words(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"done", "did it", "no", "❌", "skip" … for today's open challenge."""
    said = speaker(update, context)
    if said is None or said.message.text is None:
        return
    outcome = parse_outcome(said.message.text)
    if outcome is None:
        return
    async with said.session() as session:
        _, goal = await user_with_goal(session, said.sender.id)
        if goal is None:
            return  # not onboarded: the fallback explains what to do
        owned = await open_challenge(session, goal, said.sender.id)
    await answer_typed(update, context, owned, outcome)
    raise ApplicationHandlerStop


async def on_typed_effort(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"3", "hard", "5 maximal" … for the open "how hard did it feel?", exactly as its button:
    the same conditional update (typed and tapped, it is recorded once) and registration. Only
    while that question is the newest one open (see the module's docstring); otherwise the text
    goes on to the next group as before."""
    said = speaker(update, context)
    effort = None if said is None or said.message.text is None else parse_effort(
        said.message.text)
    if said is None or effort is None:
        return
    async with said.session() as session:
        user, goal = await user_with_goal(session, said.sender.id)
        if user is None or user.id is None or goal is None or goal.id is None:
            return
        if await get_conversation(session, user.id) is not None:
            return  # a newer question is open; its own handler declined the text
        yesterday = local_day(said.now, user.timezone) - timedelta(days=1)
        asked = await awaiting_effort(session, goal.id, since=yesterday)
        owned = None if asked is None or asked.id is None else await owned_challenge(
            session, asked.id, said.sender.id)
    if owned is None:
        return
    await _effort(said.services, owned, effort, context, None, said.message.chat_id)
    raise ApplicationHandlerStop


def handlers() -> Handlers:
    private_text = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT
    return [
        (2, CallbackQueryHandler(on_button, pattern=CALLBACK)),
        (2, MessageHandler(private_text & ~filters.COMMAND, on_checkin_text)),
        (3, MessageHandler(private_text & ~filters.COMMAND, on_typed_answer)),
    ]
