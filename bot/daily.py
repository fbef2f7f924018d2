"""Today's challenge: planned with the calibrator, sent with its buttons (shown by /today).

Planning happens when a day's challenge is first needed (at its send time, on "now", on /skip),
from the goal's settled history, so the amount always reflects every answer given so far.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from telegram import Bot

from bot.i18n import _, speaking_to
from bot.keyboards import challenge_keyboard, late_keyboard
from bot.sender import Outbound, Result, deliver
from bot.services import Services
from bot.texts import checkin as texts
from bot.texts.format import format_amount
from core.calibration import Plan, next_challenge
from core.clock import (
    day_close_instant,
    followup_instant,
    local_day,
    send_instant_for_day,
)
from core.schedule import LATEST_SEND
from core.vocabulary import ChallengeStatus, Topic, UserStatus
from storage.challenges import (
    challenge_for_day,
    core_goal,
    history,
    owner_of,
    plan_challenge,
)
from storage.conversations import clear_conversation
from storage.db import Session
from storage.goals import active_goal
from storage.models import Challenge, Goal, User
from storage.priors import priors_for_goal
from storage.scheduling import claim_challenge, drop_snooze, mark_resent, mark_sent
from storage.users import get_user

log = logging.getLogger(__name__)

def amount_text(goal: Goal, amount: float) -> str:
    """"1,050 words": an amount of the goal, with its unit (bot.texts.format)."""
    return format_amount(amount, goal.unit)


def baseline_text(goal: Goal) -> str:
    return format_amount(goal.baseline, goal.unit)


def daily_text(goal: Goal, challenge: Challenge) -> str:
    return daily_words(goal.unit, challenge.amount, challenge.plan_reason_key,
                       challenge.plan_facts, challenge.confidence)


def daily_words(unit: str, amount: float, reason_key: str, facts: Mapping[str, Any],
                confidence: int | None) -> str:
    """The daily message from a challenge's columns (the batched send has no ORM objects)."""
    reason = texts.plan_reason(reason_key, facts, unit)
    return texts.daily(format_amount(amount, unit), reason, confidence)


async def calibrated_plan(session: Session, goal: Goal, day: date) -> Plan:
    """What the calibrator plans for ``day`` from the answers before it, under the settings
    learned for the goal's behaviour (the built-in ones without a fit): the one way to ask."""
    assert goal.id is not None
    attempts = await history(session, goal.id, before=day)
    return next_challenge(core_goal(goal), attempts, day,
                          priors=await priors_for_goal(session, goal))


async def plan_day(
    session: Session, user: User, goal: Goal, day: date, due_at: datetime
) -> Challenge:
    """`day`'s challenge: the one already planned, or a new one from the calibrator."""
    assert goal.id is not None
    existing = await challenge_for_day(session, goal.id, day)
    if existing is not None:
        return existing
    return await plan_challenge(
        session, goal_id=goal.id, local_date=day, plan=await calibrated_plan(session, goal, day),
        due_at=due_at,
        close_at=day_close_instant(day, user.timezone),
    )


async def deliver_challenge(services: Services, bot: Bot, challenge_id: int, now: datetime) -> bool:
    """Send a claimed, planned challenge (after yesterday's unanswered one, if any); mark it sent.

    A crash between a successful send and `mark_sent` leaves the row planned with a lease that
    runs out, so the message is sent again: at most one duplicate per crash.
    """
    async with services.session() as session:
        owned = await owner_of(session, challenge_id)
        if owned is None or owned.challenge.status != ChallengeStatus.PLANNED:
            return False
        challenge, goal, user = owned.challenge, owned.goal, owned.user
        assert goal.id is not None and user.id is not None
        yesterday = await challenge_for_day(
            session, goal.id, challenge.local_date - timedelta(days=1)
        )
    to = Outbound(user_id=user.id, chat_id=user.chat_id, challenge_id=challenge_id,
                  attempts=challenge.send_attempts, close_at=challenge.close_at)
    missed = yesterday is not None and yesterday.status == ChallengeStatus.MISSED
    if yesterday is not None and missed and yesterday.sent_at is not None:
        assert yesterday.id is not None
        with speaking_to(user):
            question = _(texts.LATE_QUESTION).format(amount=amount_text(goal, yesterday.amount))
            late = late_keyboard(yesterday.id)
        asked = await deliver(services, bot, to, question, now, late)
        if asked.result is not Result.SENT:
            return False
    with speaking_to(user):
        text, buttons = daily_text(goal, challenge), challenge_keyboard(challenge_id,
                                                                        challenge.confidence)
    sent = await deliver(services, bot, to, text, now, buttons)
    if sent.result is not Result.SENT or sent.message is None:
        return False
    async with services.session() as session:
        marked = await mark_sent(
            session, challenge_id, now=now, message_id=sent.message.message_id,
            followup_at=followup_instant(now, user.timezone),
        )
        # A new day's message ends any check-in question left open from an earlier day.
        await clear_conversation(session, user.id, topic=Topic.CHECKIN)
        await session.commit()
    if not marked:
        log.warning("challenge %s was sent but had already left 'planned'", challenge_id)
    return True


async def resend_snoozed(services: Services, bot: Bot, challenge_id: int, now: datetime) -> bool:
    """Send a claimed snoozed challenge again, with live buttons; that message becomes the one to
    edit. Answered meanwhile: nothing. After 21:00 local (the tick came late): dropped quietly.
    A send that fails keeps the snooze: its lease lapses and a later tick tries again (a 400
    drops it)."""
    async with services.session() as session:
        owned = await owner_of(session, challenge_id)
        if owned is None or owned.challenge.status != ChallengeStatus.SENT:
            return False
        challenge, goal, user = owned.challenge, owned.goal, owned.user
        assert user.id is not None
        if now > send_instant_for_day(challenge.local_date, user.timezone, LATEST_SEND):
            await drop_snooze(session, challenge_id)
            await session.commit()
            return False
    with speaking_to(user):
        text = f"{_(texts.SNOOZE_RETURN)}\n{daily_text(goal, challenge)}"
        buttons = challenge_keyboard(challenge_id, challenge.confidence)
    sent = await deliver(services, bot, Outbound(user_id=user.id, chat_id=user.chat_id), text,
                         now, buttons)
    if sent.result is Result.REJECTED:
        async with services.session() as session:
            await drop_snooze(session, challenge_id)
            await session.commit()
    if sent.result is not Result.SENT or sent.message is None:
        return False
    async with services.session() as session:
        await mark_resent(session, challenge_id, message_id=sent.message.message_id)
        await session.commit()
    return True


async def send_today(services: Services, bot: Bot, user_id: int, now: datetime) -> bool:
    """Plan (if needed) and send the user's challenge for their current local day, now.

    False if there is nothing to send: no goal, the user blocked the bot, or today's challenge
    was already sent, answered or is being sent by the tick this very moment.
    """
    async with services.session() as session:
        user = await get_user(session, user_id)
        if user is None or user.id is None or user.status == UserStatus.BLOCKED:
            return False
        goal = await active_goal(session, user.id)
        if goal is None:
            return False
        challenge = await plan_day(session, user, goal, local_day(now, user.timezone), now)
        assert challenge.id is not None
        claimed = challenge.status == ChallengeStatus.PLANNED and await claim_challenge(
            session, challenge.id, now
        )
        await session.commit()
    if not claimed:
        return False
    return await deliver_challenge(services, bot, challenge.id, now)
