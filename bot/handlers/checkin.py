"""Check-in: the answers to a day's challenge, by button or typed, and what follows each.

Done → effort (5 buttons) → the message becomes a registration naming the evidence, with Undo (10
minutes) and an optional one-line "what made it work?". Not today → reason (with Undo) → optional
"how much did you do?" → a neutral note with tomorrow's amount. Skip → a rest day, with Undo. An
answer typed (or tapped on the reminder) edits the daily message into what was recorded, with Undo,
so its buttons no longer look live; an Undo gives the daily message its buttons back. Every button
carries the challenge id, checked against the presser; every change is a conditional update, so a
second tap changes nothing and says so. Conversation topic "checkin" (steps "achieved",
"reflection") lives in the database like every other open question; the optional follow-ups are
skipped while another topic's question is open (a setup started over), so they never take its
place. A check-in typed while such a question is open is still this topic's when it clearly is one
(`check_in_words`).

Typed answers come through the router (`core.router`, `handlers/typed.py`): the follow-ups'
replies, outcome words ("done", "❌", "skip"), "how hard did it feel?" in words ("3", "hard"),
"what got in the way?" in words ("too hard", "no time") and a typed confidence ("70", "80%"),
each through the same path as its button, so typed and tapped are recorded once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler

from bot import callbacks as cb
from bot.context import NotchContext
from bot.daily import amount_text, baseline_text, calibrated_plan, daily_text
from bot.handlers.base import Group, Handlers
from bot.handlers.celebration import celebrate
from bot.i18n import _
from bot.keyboards import (
    challenge_keyboard,
    effort_keyboard,
    late_keyboard,
    reason_keyboard,
    undo_keyboard,
)
from bot.lexicons import current_lexicon
from bot.replay import goal_log, replay_text, welcome_back
from bot.texts import checkin as texts
from bot.texts import efficacy as efficacy_texts
from bot.texts.format import unit_name
from core.clock import local_day
from core.efficacy import UI_RATINGS
from core.evidence import DOUBT_CONFIDENCE, SURPRISE_CONFIDENCE, ReplayReason, should_replay
from core.replies import AmountError, Outcome, parse_amount, skips_question
from core.vocabulary import ChallengeStatus, FailureReason, Topic
from storage.challenges import (
    UNDO_WINDOW,
    Owned,
    challenge_for_day,
    evidence,
    get_challenge,
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
from storage.models import Challenge, Goal
from storage.open_state import Opened

log = logging.getLogger(__name__)

TOPIC = Topic.CHECKIN
BUTTONS = (cb.ChallengeAnswer, cb.Late, cb.Effort, cb.Reason, cb.Undo, cb.Confidence)
OUTCOME_OF_VERB = {"done": Outcome.DONE, "fail": Outcome.FAILED, "skip": Outcome.SKIPPED}


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


async def _refuse_repeat(context: NotchContext, challenge: Challenge, *,
                         answered: ChallengeStatus) -> None:
    """A follow-up button that changed nothing: a repeat if the answer stands, else stale."""
    stale = challenge.status != answered
    await context.bot.send_message(context.chat,
                                   _(texts.NOT_YOURS) if stale else _(texts.ALREADY_ANSWERED))


async def _answer(context: NotchContext, owned: Owned, outcome: Outcome,
                  message: Message | None) -> bool:
    """Record done / failed / skipped and ask the one follow-up question it needs (editing the
    pressed `message`, or as a new message when typed). True if it was recorded."""
    challenge, goal = owned.challenge, owned.goal
    assert challenge.id is not None
    today = local_day(context.now, owned.user.timezone)
    async with context.db() as session:
        back = await welcome_back(session, goal, challenge.local_date, today)
        changed = await record_outcome(session, challenge.id, outcome, context.now)
    if not changed:
        await context.bot.send_message(context.chat, _(texts.ALREADY_ANSWERED))
        return False
    amount = amount_text(goal, challenge.amount)
    daily_id = _daily_elsewhere(challenge, message)
    if daily_id is not None:  # typed, or on the reminder: the daily message stops inviting
        await context.edit_message(
            daily_id, texts.answered_elsewhere(challenge.local_date, amount, outcome),
            undo_keyboard(challenge.id))
    if outcome is Outcome.DONE:
        await context.edit_or_send(message, _(texts.EFFORT_QUESTION).format(amount=amount),
                                   effort_keyboard(challenge.id))
    elif outcome is Outcome.FAILED:
        await context.edit_or_send(message, _(texts.REASON_QUESTION).format(amount=amount),
                                   reason_keyboard(challenge.id))
    else:
        await context.edit_or_send(message, _(texts.SKIPPED), undo_keyboard(challenge.id))
    if back is not None:  # the first answer after days away
        await context.bot.send_message(context.chat, back)
    return True


def _daily_elsewhere(challenge: Challenge, message: Message | None) -> int | None:
    """The id of the challenge's daily message when the answer came from somewhere else (typed,
    the reminder's buttons, the late question), else None."""
    daily_id = challenge.telegram_message_id
    if daily_id is None or (message is not None and message.message_id == daily_id):
        return None
    return daily_id


async def _effort(context: NotchContext, owned: Owned, effort: int,
                  message: Message | None) -> None:
    challenge, goal, user = owned.challenge, owned.goal, owned.user
    assert challenge.id is not None and user.id is not None
    async with context.db() as session:
        changed = await set_effort(session, challenge.id, effort)
        if changed:
            facts = await evidence(session, challenge)
            invite = await _follow_up(session, user.id, "reflection", challenge.id)
    if not changed:
        await _refuse_repeat(context, challenge, answered=ChallengeStatus.DONE)
        return
    sure = challenge.confidence
    text = texts.registered(amount_text(goal, challenge.amount), challenge.local_date,
                            facts.at_level, facts.total, baseline_text(goal), sure,
                            beat_doubt=sure is not None and sure <= SURPRISE_CONFIDENCE)
    await context.edit_or_send(message, text, undo_keyboard(challenge.id))
    if invite:
        await context.bot.send_message(context.chat, _(texts.REFLECTION_INVITE))


async def _reason(context: NotchContext, owned: Owned, pressed: str,
                  message: Message | None) -> None:
    challenge, user = owned.challenge, owned.user
    assert challenge.id is not None and user.id is not None
    try:
        reason = FailureReason(pressed)
    except ValueError:
        await context.bot.send_message(context.chat, _(texts.NOT_YOURS))
        return
    notes: list[str | None] = []
    async with context.db() as session:
        changed = await set_failure_reason(session, challenge.id, reason)
        asked = changed and await _follow_up(session, user.id, "achieved", challenge.id)
        if changed and not asked:  # without "how much?" the failure's answer is complete now
            notes = await _after_failure(session, owned.goal, challenge, reason)
    if not changed:
        await _refuse_repeat(context, challenge, answered=ChallengeStatus.FAILED)
        return
    logged = _(texts.REASON_LOGGED).format(reason=_(texts.REASON_WORDS[reason]))
    await context.edit_or_send(message, logged, undo_keyboard(challenge.id))
    if asked:
        notes = [_(texts.ACHIEVED_QUESTION).format(unit=unit_name(owned.goal.unit))]
    await context.send_replies([(note, None) for note in notes if note is not None])


async def _undo(context: NotchContext, owned: Owned, message: Message | None) -> None:
    challenge, goal, user = owned.challenge, owned.goal, owned.user
    assert challenge.id is not None and user.id is not None
    now = context.now
    async with context.db() as session:
        changed = await undo(session, challenge.id, now)
        if changed:
            await clear_conversation(session, user.id, topic=TOPIC)
    if not changed:
        late = challenge.answered_at is not None and now - challenge.answered_at > UNDO_WINDOW
        await context.bot.send_message(
            context.chat, _(texts.UNDO_TOO_LATE) if late else _(texts.ALREADY_ANSWERED))
        return
    reopened = now < challenge.close_at if challenge.close_at is not None else False
    text = f"{_(texts.UNDONE)}\n{daily_text(goal, challenge)}"
    markup = (challenge_keyboard(challenge.id, challenge.confidence) if reopened
              else late_keyboard(challenge.id))
    # The daily message gets its buttons back; the Undo pressed elsewhere just says so. If the
    # daily message can't be edited any more, the pressed one becomes it, as before.
    daily_id = _daily_elsewhere(challenge, message)
    if daily_id is not None and await context.edit_message(daily_id, text, markup):
        await context.edit_or_send(message, _(texts.UNDONE_ABOVE))
        return
    await context.edit_or_send(message, text, markup)


async def _confidence(context: NotchContext, owned: Owned, value: int,
                      message: Message | None) -> None:
    """Store how sure the user is (changeable while the day is open), show it on the message
    with the outcome buttons kept, and replay the log when the rating is low (<= 40)."""
    challenge, goal = owned.challenge, owned.goal
    assert challenge.id is not None
    before = challenge.confidence
    async with context.db() as session:
        changed = await set_confidence(session, challenge.id, value)
        rated = await get_challenge(session, challenge.id) if changed else None
        _goal, log_ = await goal_log(session, goal)
    if rated is None:
        await context.bot.send_message(context.chat, _(efficacy_texts.CONFIDENCE_CLOSED))
        return
    if before == value:
        return  # the same tap again: the message already says so
    await context.edit_or_send(message, daily_text(goal, rated),
                               challenge_keyboard(challenge.id, value))
    # Moving within the low range (40 → 20) does not replay again: once is support, twice nags.
    already_low = before is not None and before <= DOUBT_CONFIDENCE
    reason = should_replay(log_, confidence=value)
    if reason is ReplayReason.LOW_CONFIDENCE and not already_low:
        text = replay_text(goal, log_, reason)
        if text is not None:
            await context.bot.send_message(context.chat, text)


async def _after_failure(session: Session, goal: Goal, challenge: Challenge,
                         reason: str | None) -> list[str | None]:
    """Once a failure's answer is complete: the neutral note (what happened means this, and
    tomorrow is that), then, after two failures in a row, the log replayed."""
    assert goal.id is not None
    day = challenge.local_date + timedelta(days=1)
    own_level = challenge.amount <= goal.baseline
    if await challenge_for_day(session, goal.id, day) is not None:
        # a late answer: tomorrow is planned
        note = texts.failed_next(reason, None, False, own_level=own_level)
    else:
        plan = await calibrated_plan(session, goal, day)
        before = await successes_at_or_above(session, goal.id, plan.amount)
        note = texts.failed_next(reason, amount_text(goal, plan.amount), before > 0,
                                 own_level=own_level)
    entries, log_ = await goal_log(session, goal)
    replay = should_replay(log_, entries=entries)
    return [note, replay_text(goal, log_, replay) if replay is ReplayReason.TWO_FAILURES else None]


# --------------------------------------------------------------------------- buttons


async def on_button(update: Update, context: NotchContext) -> None:
    presser, (pressed, message) = update.effective_user, await context.press(update)
    if presser is None:
        return
    owned = None
    if isinstance(pressed, BUTTONS):
        async with context.db() as session:
            owned = await owned_challenge(session, pressed.challenge_id, presser.id)
    if owned is None:
        await context.bot.send_message(context.chat, _(texts.NOT_YOURS))
        raise ApplicationHandlerStop
    match pressed:
        case cb.ChallengeAnswer(verb=verb):
            await _answer(context, owned, OUTCOME_OF_VERB[verb], message)
        case cb.Late(outcome=outcome):
            await _answer(context, owned, Outcome(outcome), message)
        case cb.Effort(level=level):
            await _effort(context, owned, level, message)
        case cb.Reason(reason=reason):
            await _reason(context, owned, reason, message)
        case cb.Undo():
            await _undo(context, owned, message)
        case cb.Confidence(value=value) if value in UI_RATINGS:
            await _confidence(context, owned, value, message)
        case _:
            await context.bot.send_message(context.chat, _(texts.NOT_YOURS))
    raise ApplicationHandlerStop


# --------------------------------------------------------------------------- typed (routed)


async def answer_follow_up(update: Update, context: NotchContext, opened: Opened) -> None:
    """The reply to "how much did you do?" or "what made it work?" (the router checked that
    the question is open and its challenge still has the answer it asked about)."""
    message, owned, user = update.effective_message, opened.follow_up, opened.user
    assert message is not None and message.text is not None
    assert owned is not None and user is not None and user.id is not None
    challenge, goal = owned.challenge, owned.goal
    assert challenge.id is not None and opened.conversation is not None
    text = message.text
    if opened.conversation.step == "reflection":
        async with context.db() as session:
            await set_reflection(session, challenge.id, text)
            await clear_conversation(session, user.id, topic=TOPIC)
        await message.reply_text(_(texts.REFLECTION_KEPT))
        await celebrate(context, message, user)
        return
    achieved: float | None = None
    lexicon = current_lexicon()
    if not skips_question(text, lexicon):
        parsed = parse_amount(text, lexicon, unit=goal.unit, allow_zero=True,
                              maximum=challenge.amount)
        if isinstance(parsed, AmountError):
            await message.reply_text(_(texts.ACHIEVED_INVALID).format(
                unit=unit_name(goal.unit), amount=amount_text(goal, challenge.amount)))
            return
        achieved = parsed
    async with context.db() as session:
        if achieved is not None:
            await set_achieved(session, challenge.id, achieved)
        await clear_conversation(session, user.id, topic=TOPIC)
        notes = await _after_failure(session, goal, challenge, challenge.failure_reason)
    await context.send_replies([(note, None) for note in notes if note is not None])


async def answer_typed(update: Update, context: NotchContext, owned: Owned,
                       outcome: Outcome) -> None:
    """A typed outcome for today's waiting challenge: recorded as its button would, with its
    follow-up question; a success typed in words is celebrated on the user's message."""
    recorded = await _answer(context, owned, outcome, None)
    message = update.effective_message
    if recorded and outcome is Outcome.DONE and message is not None:
        await celebrate(context, message, owned.user)


async def answer_effort(context: NotchContext, owned: Owned, effort: int) -> None:
    """"3", "hard", "5 maximal" … for the open "how hard did it feel?", exactly as its button:
    the same conditional update (typed and tapped, it is recorded once) and registration."""
    await _effort(context, owned, effort, None)


async def answer_reason(context: NotchContext, owned: Owned, reason: FailureReason) -> None:
    """"too hard", "no time", "was sick" … for the open "what got in the way?", exactly as its
    button: the same conditional update, the same "how much did you do?" or note after."""
    await _reason(context, owned, reason.value, None)


async def answer_confidence(context: NotchContext, owned: Owned, value: int) -> None:
    """"70", "80%" while today's challenge waits: its confidence, exactly as a rating button
    (the daily message shown again with the rating, a low one replaying the log)."""
    await _confidence(context, owned, value, None)


def handlers() -> Handlers:
    return [(Group.COMMANDS, CallbackQueryHandler(on_button, pattern=cb.matching(*BUTTONS)))]
