"""Challenges: planning a day, its transitions and the evidence they add up to.

Every transition is ONE conditional ``UPDATE … WHERE status IN (…)`` whose row count says whether
it changed anything, so a double tap, a late press or two workers racing change nothing twice.
Lookups by a challenge id coming from a button always check the owner (challenge → goal → user's
Telegram id): an id in ``callback_data`` is user input. The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import func, or_
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from core import calibration
from core.evidence import Entry
from core.vocabulary import ChallengeStatus, FailureReason
from storage.db import rowcount, upsert_insert
from storage.models import Challenge, Goal, User, utcnow

__all__ = [
    "ANSWERABLE",
    "SETTLED",
    "UNDO_WINDOW",
    "Evidence",
    "Owned",
    "attempt_of",
    "awaiting_effort",
    "awaiting_reason",
    "challenge_for_day",
    "core_attempt",
    "core_goal",
    "evidence",
    "evidence_entries",
    "get_challenge",
    "history",
    "latest_open",
    "owned_challenge",
    "owner_of",
    "plan_challenge",
    "record_outcome",
    "set_achieved",
    "set_confidence",
    "set_effort",
    "set_failure_reason",
    "set_reflection",
    "snooze",
    "successes_at_or_above",
    "undo",
]

# A challenge the user can still answer: planned (a button on a message delivered just before a
# crash, or /skip ahead of the send), sent, or missed (a late answer replaces missed).
ANSWERABLE: Final = (ChallengeStatus.PLANNED, ChallengeStatus.SENT, ChallengeStatus.MISSED)
ANSWERED: Final = (ChallengeStatus.DONE, ChallengeStatus.FAILED, ChallengeStatus.SKIPPED)
# A confidence rating is taken only before the answer.
OPEN: Final = (ChallengeStatus.PLANNED, ChallengeStatus.SENT)
SETTLED: Final = calibration.SETTLED  # what the calibrator reads as an Attempt
UNDO_WINDOW: Final = timedelta(minutes=10)
_REASONS: Final = frozenset(FailureReason)
REFLECTION_MAX: Final = 1000


@dataclass(frozen=True)
class Owned:
    """A challenge together with the goal and user it belongs to."""

    challenge: Challenge
    goal: Goal
    user: User


@dataclass(frozen=True)
class Evidence:
    """What a success adds up to: the counts a registration message names."""

    at_level: int  # successes at this amount (this one included)
    total: int  # successes on this goal
    baseline: float  # the comfortable amount the user started from


def core_goal(goal: Goal) -> calibration.Goal:
    return calibration.Goal(
        unit=goal.unit, baseline=goal.baseline, step=goal.step, target=goal.target
    )


async def get_challenge(session: AsyncSession, challenge_id: int) -> Challenge | None:
    return await session.get(Challenge, challenge_id, populate_existing=True)


async def owned_challenge(
    session: AsyncSession, challenge_id: int, telegram_user_id: int
) -> Owned | None:
    """The challenge if it belongs to this Telegram user, else None (foreign or unknown id)."""
    statement = (
        select(Challenge, Goal, User)
        .join(Goal, col(Goal.id) == col(Challenge.goal_id))
        .join(User, col(User.id) == col(Goal.user_id))
        .where(col(Challenge.id) == challenge_id, col(User.telegram_user_id) == telegram_user_id)
        .execution_options(populate_existing=True)
    )
    row = (await session.exec(statement)).first()
    return None if row is None else Owned(*row)


async def owner_of(session: AsyncSession, challenge_id: int) -> Owned | None:
    """The challenge with its goal and user, for the tick (no presser to check)."""
    statement = (
        select(Challenge, Goal, User)
        .join(Goal, col(Goal.id) == col(Challenge.goal_id))
        .join(User, col(User.id) == col(Goal.user_id))
        .where(col(Challenge.id) == challenge_id)
        .execution_options(populate_existing=True)
    )
    row = (await session.exec(statement)).first()
    return None if row is None else Owned(*row)


async def challenge_for_day(
    session: AsyncSession, goal_id: int, local_date: date
) -> Challenge | None:
    statement = (
        select(Challenge)
        .where(col(Challenge.goal_id) == goal_id, col(Challenge.local_date) == local_date)
        .execution_options(populate_existing=True)
    )
    return (await session.exec(statement)).first()


async def latest_open(session: AsyncSession, goal_id: int) -> Challenge | None:
    """The goal's challenge still waiting for an answer today (status 'sent'), newest first."""
    statement = (
        select(Challenge)
        .where(col(Challenge.goal_id) == goal_id, col(Challenge.status) == ChallengeStatus.SENT)
        .order_by(col(Challenge.local_date).desc())
        .execution_options(populate_existing=True)
    )
    return (await session.exec(statement)).first()


async def awaiting_effort(session: AsyncSession, goal_id: int, *, since: date) -> Challenge | None:
    """The success whose "how hard did it feel?" is still the newest question about this goal.

    That is the challenge answered done most recently, on a day from `since`, with no effort
    yet, provided no other challenge of the goal was sent or answered after it (a newer daily
    message, or another day's answer and its follow-up, would be the newer question). None
    otherwise.
    """
    return await _newest_unanswered(session, goal_id, since, ChallengeStatus.DONE,
                                    col(Challenge.effort))


async def awaiting_reason(session: AsyncSession, goal_id: int, *, since: date) -> Challenge | None:
    """The failure whose "what got in the way?" is still the newest question about this goal:
    answered not done most recently, from `since`, with no reason yet, and nothing of the goal
    sent or answered after it (as `awaiting_effort`)."""
    return await _newest_unanswered(session, goal_id, since, ChallengeStatus.FAILED,
                                    col(Challenge.failure_reason))


async def _newest_unanswered(session: AsyncSession, goal_id: int, since: date,
                             status: ChallengeStatus, follow_up: Any) -> Challenge | None:
    """The latest answer with `status` whose `follow_up` column is still empty, if no other
    challenge of the goal was sent or answered after it."""
    statement = (
        select(Challenge)
        .where(col(Challenge.goal_id) == goal_id, col(Challenge.status) == status,
               follow_up.is_(None), col(Challenge.local_date) >= since,
               col(Challenge.answered_at).is_not(None))
        .order_by(col(Challenge.answered_at).desc())
        .execution_options(populate_existing=True)
    )
    found = (await session.exec(statement)).first()
    if found is None or found.answered_at is None:
        return None
    newer = select(func.count()).select_from(Challenge).where(
        col(Challenge.goal_id) == goal_id, col(Challenge.id) != found.id,
        or_(col(Challenge.sent_at) > found.answered_at,
            col(Challenge.answered_at) > found.answered_at),
    )
    return None if (await session.exec(newer)).one() else found


def core_attempt(row: Challenge) -> calibration.Attempt:
    """A settled challenge as the calibrator's Attempt."""
    return attempt_of(row.local_date, row.amount, row.status, row.effort, row.failure_reason,
                      row.achieved)


def attempt_of(
    day: date, amount: float, status: str, effort: int | None, failure_reason: str | None,
    achieved: float | None,
) -> calibration.Attempt:
    """A settled challenge's columns as the calibrator's Attempt (the one place this mapping
    lives: the tick's set-based planning reads the same columns without ORM objects)."""
    outcome = ChallengeStatus(status)
    failed = outcome is ChallengeStatus.FAILED
    if achieved is not None:
        achieved = min(max(achieved, 0.0), amount)
    return calibration.Attempt(
        day=day,
        amount=amount,
        outcome=outcome,
        effort=effort if outcome is ChallengeStatus.DONE else None,
        reason=FailureReason(failure_reason) if failed and failure_reason else None,
        achieved=achieved if failed else None,
    )


async def history(
    session: AsyncSession, goal_id: int, *, before: date | None = None
) -> list[calibration.Attempt]:
    """The goal's settled days as the calibrator's Attempts, oldest first.

    Planned and sent challenges have no outcome yet and are left out; so is anything on or after
    `before` (planning a day must not see that day itself).
    """
    statement = select(Challenge).where(
        col(Challenge.goal_id) == goal_id, col(Challenge.status).in_(SETTLED)
    )
    if before is not None:
        statement = statement.where(col(Challenge.local_date) < before)
    rows = (await session.exec(statement.order_by(col(Challenge.local_date)))).all()
    return [core_attempt(row) for row in rows]


async def plan_challenge(
    session: AsyncSession,
    *,
    goal_id: int,
    local_date: date,
    plan: calibration.Plan,
    due_at: datetime,
    close_at: datetime,
) -> Challenge:
    """The goal's challenge for `local_date`: inserted if new, else the one already there.

    ``INSERT … ON CONFLICT DO NOTHING`` on the unique (goal_id, local_date): two workers planning
    the same day make one row and both get it back.
    """
    table = Challenge.__table__  # type: ignore[attr-defined]
    insert = (
        upsert_insert(session)(table)
        .values(
            goal_id=goal_id, local_date=local_date, amount=plan.amount,
            p_success=plan.p_success, plan_reason_key=plan.reason_key, plan_facts=dict(plan.facts),
            status=ChallengeStatus.PLANNED,
            due_at=due_at, close_at=close_at, send_attempts=0, created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=[table.c.goal_id, table.c.local_date])
    )
    await session.exec(insert)
    found = await challenge_for_day(session, goal_id, local_date)
    assert found is not None  # inserted now or by the winner of the race
    return found


async def _transition(
    session: AsyncSession, challenge_id: int, where: Sequence[Any], values: dict[str, Any]
) -> bool:
    statement = (
        update(Challenge)
        .where(col(Challenge.id) == challenge_id, *where)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


async def record_outcome(
    session: AsyncSession, challenge_id: int, outcome: str, now: datetime
) -> bool:
    """planned | sent | missed → done | failed | skipped; False if already answered."""
    if outcome not in ANSWERED:
        raise ValueError(f"not an answer: {outcome!r}")
    return await _transition(
        session, challenge_id, [col(Challenge.status).in_(ANSWERABLE)],
        {"status": outcome, "answered_at": now, "claimed_until": None, "snoozed_until": None},
    )


async def set_effort(session: AsyncSession, challenge_id: int, effort: int) -> bool:
    """Effort of a success, once (a second tap changes nothing)."""
    if not 1 <= effort <= 5:
        raise ValueError(f"effort must be 1..5, got {effort}")
    return await _transition(
        session, challenge_id,
        [col(Challenge.status) == ChallengeStatus.DONE, col(Challenge.effort).is_(None)],
        {"effort": effort},
    )


async def set_failure_reason(
    session: AsyncSession, challenge_id: int, reason: FailureReason
) -> bool:
    if reason not in _REASONS:
        raise ValueError(f"unknown failure reason {reason!r}")
    return await _transition(
        session, challenge_id,
        [col(Challenge.status) == ChallengeStatus.FAILED, col(Challenge.failure_reason).is_(None)],
        {"failure_reason": reason},
    )


async def set_achieved(session: AsyncSession, challenge_id: int, achieved: float) -> bool:
    """How much was done on a failed day (0 … amount), once."""
    if achieved < 0:
        raise ValueError("achieved must be >= 0")
    return await _transition(
        session, challenge_id,
        [col(Challenge.status) == ChallengeStatus.FAILED, col(Challenge.achieved).is_(None),
         col(Challenge.amount) >= achieved],
        {"achieved": achieved},
    )


async def set_confidence(session: AsyncSession, challenge_id: int, confidence: int) -> bool:
    """Bandura's 0-100 "how sure are you" for an open challenge; a later tap replaces it.

    Only before the answer: a rating given after the outcome is known is not a prediction.
    """
    if isinstance(confidence, bool) or not 0 <= confidence <= 100:
        raise ValueError(f"confidence is 0..100, got {confidence!r}")
    return await _transition(
        session, challenge_id, [col(Challenge.status).in_(OPEN)], {"confidence": confidence}
    )


async def set_reflection(session: AsyncSession, challenge_id: int, text: str) -> bool:
    """The one line "what made it work?", kept with a success (the latest one wins)."""
    return await _transition(
        session, challenge_id, [col(Challenge.status) == ChallengeStatus.DONE],
        {"reflection": text.strip()[:REFLECTION_MAX]},
    )


async def undo(session: AsyncSession, challenge_id: int, now: datetime) -> bool:
    """Take an answer back within UNDO_WINDOW of it: the day is open again (or missed if closed)."""
    row = await get_challenge(session, challenge_id)
    if row is None or row.close_at is None:
        return False
    back = ChallengeStatus.SENT if now < row.close_at else ChallengeStatus.MISSED
    return await _transition(
        session, challenge_id,
        [col(Challenge.status).in_(ANSWERED), col(Challenge.answered_at) >= now - UNDO_WINDOW],
        {"status": back, "answered_at": None, "effort": None, "failure_reason": None,
         "achieved": None, "reflection": None},
    )


async def snooze(session: AsyncSession, challenge_id: int, until: datetime) -> bool:
    """"Later": a sent, unanswered challenge comes back at `until` (before its day closes). No
    outcome changes; the reminder is dropped, since the user chose when to be reminded."""
    return await _transition(
        session, challenge_id,
        [col(Challenge.status) == ChallengeStatus.SENT, col(Challenge.close_at) > until],
        {"snoozed_until": until, "followup_at": None},
    )


async def evidence(session: AsyncSession, challenge: Challenge) -> Evidence:
    """Successes at this challenge's amount and in all, and the goal's starting level."""
    done = select(func.count()).select_from(Challenge).where(
        col(Challenge.goal_id) == challenge.goal_id, col(Challenge.status) == ChallengeStatus.DONE
    )
    total = (await session.exec(done)).one()
    at_level = (
        await session.exec(done.where(col(Challenge.amount) == challenge.amount))
    ).one()
    goal = await session.get(Goal, challenge.goal_id)
    assert goal is not None
    return Evidence(at_level=int(at_level), total=int(total), baseline=goal.baseline)


async def successes_at_or_above(session: AsyncSession, goal_id: int, amount: float) -> int:
    """How often the user has already done at least `amount` ("which you have done before")."""
    statement = select(func.count()).select_from(Challenge).where(
        col(Challenge.goal_id) == goal_id, col(Challenge.status) == ChallengeStatus.DONE,
        col(Challenge.amount) >= amount,
    )
    return int((await session.exec(statement)).one())


def _entry(row: Challenge) -> Entry:
    return Entry(
        day=row.local_date, amount=row.amount, status=ChallengeStatus(row.status),
        effort=row.effort, confidence=row.confidence, reflection=row.reflection,
        failure_reason=row.failure_reason,
    )


async def evidence_entries(
    session: AsyncSession, goal_id: int, *, before: date | None = None
) -> list[Entry]:
    """The goal's settled days as core's mastery-log entries, oldest first (before `before`)."""
    statement = select(Challenge).where(
        col(Challenge.goal_id) == goal_id, col(Challenge.status).in_(SETTLED)
    )
    if before is not None:
        statement = statement.where(col(Challenge.local_date) < before)
    rows = (await session.exec(statement.order_by(col(Challenge.local_date)))).all()
    return [_entry(row) for row in rows]
