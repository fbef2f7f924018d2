"""When each user's daily challenge is due, and the tick's claims on due work.

The caller owns the transaction. Claims never hand the same row to two workers: on PostgreSQL the
candidate rows are selected ``FOR UPDATE SKIP LOCKED`` (a second worker skips rows the first holds);
on SQLite, which ignores that clause, the same statement is a compare-and-set ``UPDATE`` whose
``WHERE`` repeats the conditions (SQLite runs one writer at a time). A claim on sending is a lease
(``claimed_until``): a worker that dies after claiming loses its claim when the lease runs out, so
nothing claimed is ever lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Final

from sqlalchemy import or_
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from core.clock import local_day, send_instant_for_day
from core.schedule import (
    SILENT_DAYS,
    Schedule,
    Waiting,
    next_delivery,
    next_plan_instant,
    silent_for_a_week,
)
from core.vocabulary import ChallengeStatus, UserStatus
from storage.db import rowcount
from storage.goals import active_goal
from storage.models import Challenge, Goal, User

__all__ = [
    "LEASE",
    "REVIEW_MIN_GAP",
    "advance_user",
    "claim_challenge",
    "claim_due_challenges",
    "claim_due_followups",
    "claim_due_reviews",
    "claim_due_snoozes",
    "claim_due_users",
    "close_past_days",
    "drop_followup",
    "drop_snooze",
    "load_schedule",
    "mark_blocked",
    "mark_followup_sent",
    "mark_resent",
    "mark_review_sent",
    "mark_sent",
    "mark_unblocked",
    "next_challenge_at",
    "next_review_instant",
    "pause_for_silence",
    "postpone",
    "postpone_review",
    "reject",
    "release_claims",
    "reschedule",
    "reschedule_review",
    "resume_due_paused",
    "review_weekday",
    "silent_week",
    "taken_days",
]

LEASE: Final = timedelta(minutes=2)
"""How long a claim on sending lasts: far longer than one send, short enough to retry soon."""


async def reschedule(session: AsyncSession, user: User, now: datetime) -> None:
    """Recompute `next_send_at` after anything that moves it (time, zone, status, new goal).

    Only an active user with an active goal is due, at the first send time of a day that has no
    challenge yet (`core.schedule.next_plan_instant`, the tick's own rule); a pause with an end
    date is due on that day (the tick resumes it then); stopped, blocked or goal-less users are
    never due.
    """
    due: datetime | None = None
    goal = None if user.id is None else await active_goal(session, user.id)
    if goal is not None and goal.id is not None:
        if user.status == UserStatus.ACTIVE:
            taken = await taken_days(session, goal.id, local_day(now, user.timezone))
            due = next_plan_instant(now, user.timezone, user.send_time, taken)
        elif user.status == UserStatus.PAUSED and user.paused_until is not None:
            due = send_instant_for_day(user.paused_until, user.timezone, user.send_time)
    user.next_send_at = due
    reschedule_review(user, now, has_goal=due is not None)
    session.add(user)
    await session.flush()


_LOOK_BACK: Final = timedelta(days=2)  # a zone change moves "today" by a day at most


async def taken_days(session: AsyncSession, goal_id: int, today: date) -> frozenset[date]:
    """The local days from `today` (less a zone change's worth) that already have a challenge."""
    statement = select(col(Challenge.local_date)).where(
        col(Challenge.goal_id) == goal_id, col(Challenge.local_date) >= today - _LOOK_BACK)
    return frozenset((await session.exec(statement)).all())


async def load_schedule(session: AsyncSession, user: User, now: datetime) -> Schedule:
    """What `core.schedule.next_delivery` decides on for `user`: the users row's schedule and
    the active goal's recent challenges (none without a goal: then nothing is ever due)."""
    goal = None if user.id is None else await active_goal(session, user.id)
    taken: frozenset[date] = frozenset()
    waiting: tuple[Waiting, ...] = ()
    if goal is not None and goal.id is not None:
        since = local_day(now, user.timezone) - _LOOK_BACK
        rows = (await session.exec(select(Challenge).where(
            col(Challenge.goal_id) == goal.id, col(Challenge.local_date) >= since))).all()
        taken = frozenset(row.local_date for row in rows)
        waiting = tuple(Waiting(row.due_at, row.close_at, row.claimed_until) for row in rows
                        if row.status == ChallengeStatus.PLANNED)
    return Schedule(timezone=user.timezone, send_time=user.send_time,
                    status=UserStatus(user.status),
                    wake_at=None if goal is None else user.next_send_at,
                    taken=taken, waiting=waiting)


async def next_challenge_at(session: AsyncSession, user: User, now: datetime) -> datetime | None:
    """When the tick will really send `user` the next challenge (None: it will not): what every
    announcement says ("comes tomorrow at 07:30")."""
    return next_delivery(await load_schedule(session, user, now), now)


# --------------------------------------------------------------------------- weekly review

REVIEW_MIN_GAP: Final = timedelta(days=1)
"""A review is never set for less than a day ahead: onboarding on the review weekday (the default)
gives the first review a week later, not an empty one an hour later, and the review just sent
never schedules itself again for the same day."""


def review_weekday(user: User) -> int:
    """The weekday of the review, 0 = Monday: the chosen one, else the local weekday the user
    started on. The column is not range-checked by the database, so a bad value means default."""
    chosen = user.review_weekday
    if chosen is not None and not isinstance(chosen, bool) and 0 <= chosen <= 6:
        return chosen
    return local_day(user.created_at, user.timezone).weekday()


def next_review_instant(now: datetime, tz: str, send_time: time, weekday: int) -> datetime:
    """The first send instant on `weekday` (local) at least REVIEW_MIN_GAP after `now`."""
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday is 0..6, got {weekday!r}")
    earliest = now + REVIEW_MIN_GAP
    day: date = local_day(earliest, tz) - timedelta(days=1)
    for _ in range(10):
        if day.weekday() == weekday:
            candidate = send_instant_for_day(day, tz, send_time)
            if candidate >= earliest:
                return candidate
        day += timedelta(days=1)
    raise AssertionError("unreachable: every weekday comes within ten days")


def reschedule_review(user: User, now: datetime, *, has_goal: bool) -> None:
    """Recompute `next_review_at` with the daily schedule (the one place it is computed).

    Due only for a user who is due for challenges: active, or paused with an end date (then the
    first review on or after the day they resume). The caller adds and flushes the user.
    """
    due: datetime | None = None
    if has_goal and user.status in (UserStatus.ACTIVE, UserStatus.PAUSED):
        start = now
        if user.status == UserStatus.PAUSED and user.paused_until is not None:
            resume_at = send_instant_for_day(user.paused_until, user.timezone, user.send_time)
            start = max(now, resume_at - REVIEW_MIN_GAP)
        due = next_review_instant(start, user.timezone, user.send_time, review_weekday(user))
    user.next_review_at = due


async def claim_due_reviews(
    session: AsyncSession, now: datetime, *, lease: timedelta = LEASE, limit: int = 100
) -> list[tuple[int, datetime]]:
    """Active users whose weekly review is due: lease each (its `next_review_at` moves to
    `now + lease`, a compare-and-set) and return (user id, lease end).

    A worker that dies before sending loses the lease and the review goes out after it; one that
    dies between sending and :func:`mark_review_sent` sends it once more (the one duplicate).
    """
    candidates = (
        select(col(User.id), col(User.next_review_at))
        .where(col(User.status) == UserStatus.ACTIVE, col(User.next_review_at) <= now)
        .order_by(col(User.next_review_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed: list[tuple[int, datetime]] = []
    until = now + lease
    for user_id, due in (await session.exec(candidates)).all():
        assert user_id is not None and due is not None
        statement = (
            update(User)
            .where(col(User.id) == user_id, col(User.next_review_at) == due,
                   col(User.status) == UserStatus.ACTIVE)
            .values(next_review_at=until)
            .execution_options(synchronize_session=False)
        )
        if rowcount(await session.exec(statement)) == 1:
            claimed.append((int(user_id), until))
    return claimed


async def mark_review_sent(
    session: AsyncSession, user_id: int, leased_until: datetime, now: datetime
) -> bool:
    """The review went out: next week's, unless the schedule changed meanwhile."""
    user = await session.get(User, user_id, populate_existing=True)
    if user is None or user.next_review_at != leased_until:
        return False
    following = next_review_instant(now, user.timezone, user.send_time, review_weekday(user))
    statement = (
        update(User)
        .where(col(User.id) == user_id, col(User.next_review_at) == leased_until)
        .values(next_review_at=following)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


async def postpone_review(
    session: AsyncSession, user_id: int, leased_until: datetime, until: datetime
) -> bool:
    """Try the review again at `until` (Telegram said wait, or the network failed)."""
    statement = (
        update(User)
        .where(col(User.id) == user_id, col(User.next_review_at) == leased_until)
        .values(next_review_at=until)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


# --------------------------------------------------------------------------- users


async def resume_due_paused(session: AsyncSession, now: datetime) -> list[int]:
    """Paused users whose `paused_until` day has come become active again; their ids."""
    statement = (
        update(User)
        .where(
            col(User.status) == UserStatus.PAUSED,
            col(User.paused_until).is_not(None),
            col(User.next_send_at) <= now,
        )
        .values(status=UserStatus.ACTIVE, paused_until=None, updated_at=now)
        .returning(col(User.id))
        .execution_options(synchronize_session=False)
    )
    return [int(i) for i in (await session.exec(statement)).scalars().all()]


async def claim_due_users(session: AsyncSession, now: datetime, limit: int = 100) -> list[User]:
    """Active users whose daily challenge is due, locked for this transaction on PostgreSQL.

    Each must then be moved on with `advance_user` (a compare-and-set on `next_send_at`), which
    is what keeps SQLite, where nothing is locked, from planning a user twice.
    """
    statement = (
        select(User)
        .where(col(User.status) == UserStatus.ACTIVE, col(User.next_send_at) <= now)
        .order_by(col(User.next_send_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    return list((await session.exec(statement)).all())


async def advance_user(
    session: AsyncSession, user_id: int, expected: datetime, next_send_at: datetime | None
) -> bool:
    """Move a due user's `next_send_at` on, only if nobody else did since it was read."""
    statement = (
        update(User)
        .where(col(User.id) == user_id, col(User.next_send_at) == expected)
        .values(next_send_at=next_send_at)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


async def silent_week(session: AsyncSession, goal_id: int, today: date) -> bool:
    """Whether the goal's challenges of the SILENT_DAYS days before `today` all went out and
    got no answer (`core.schedule.silent_for_a_week`)."""
    statement = select(col(Challenge.local_date)).where(
        col(Challenge.goal_id) == goal_id,
        col(Challenge.local_date) >= today - timedelta(days=SILENT_DAYS),
        col(Challenge.local_date) < today,
        col(Challenge.status) == ChallengeStatus.MISSED,
        col(Challenge.sent_at).is_not(None),
    )
    return silent_for_a_week(frozenset((await session.exec(statement)).all()), today)


async def pause_for_silence(session: AsyncSession, user_id: int, now: datetime) -> bool:
    """Pause a silent user on their behalf until /resume: no challenge, reminder or review. A
    compare-and-set on the status, so of two workers only one pauses (and says so)."""
    statement = (
        update(User)
        .where(col(User.id) == user_id, col(User.status) == UserStatus.ACTIVE)
        .values(status=UserStatus.PAUSED, paused_until=None, next_send_at=None,
                next_review_at=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


async def mark_blocked(session: AsyncSession, user_id: int) -> bool:
    """The user blocked the bot: never write to them again until they come back."""
    statement = (
        update(User)
        .where(col(User.id) == user_id, col(User.status) != UserStatus.BLOCKED)
        .values(status=UserStatus.BLOCKED, next_send_at=None, next_review_at=None)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


async def mark_unblocked(session: AsyncSession, user_id: int, now: datetime) -> bool:
    """A blocked user let the bot back in: active again, with the schedule recomputed."""
    user = await session.get(User, user_id, populate_existing=True)
    if user is None or user.status != UserStatus.BLOCKED:
        return False
    user.status = UserStatus.ACTIVE
    await reschedule(session, user, now)
    return True


# --------------------------------------------------------------------------- challenges


def _lease_free(now: datetime) -> Any:
    return or_(col(Challenge.claimed_until).is_(None), col(Challenge.claimed_until) < now)


async def _claim(
    session: AsyncSession, conditions: list[Any], order: Any, now: datetime, lease: timedelta,
    limit: int,
) -> list[int]:
    candidates = (
        select(col(Challenge.id))
        .join(Goal, col(Goal.id) == col(Challenge.goal_id))
        .join(User, col(User.id) == col(Goal.user_id))
        .where(*conditions, _lease_free(now), col(User.status) == UserStatus.ACTIVE)
        .order_by(order)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Challenge)
    )
    # Two statements, not UPDATE … WHERE id IN (SELECT … SKIP LOCKED): PostgreSQL may run such a
    # subquery more than once, locking rows it then does not update.
    ids = list((await session.exec(candidates)).all())
    if not ids:
        return []
    statement = (
        update(Challenge)
        .where(col(Challenge.id).in_(ids), *conditions, _lease_free(now))
        .values(claimed_until=now + lease)
        .returning(col(Challenge.id))
        .execution_options(synchronize_session=False)
    )
    return sorted(int(i) for i in (await session.exec(statement)).scalars().all())


async def claim_due_challenges(
    session: AsyncSession, now: datetime, *, lease: timedelta = LEASE, limit: int = 100
) -> list[int]:
    """Planned challenges of active users due by `now` and not leased: lease them, their ids."""
    conditions = [col(Challenge.status) == ChallengeStatus.PLANNED, col(Challenge.due_at) <= now]
    return await _claim(session, conditions, col(Challenge.due_at), now, lease, limit)


async def release_claims(session: AsyncSession, challenge_ids: Sequence[int]) -> int:
    """Hand leased, still planned challenges back (a stopping process): another worker may send
    them at once instead of after the lease."""
    if not challenge_ids:
        return 0
    statement = (
        update(Challenge)
        .where(col(Challenge.id).in_(list(challenge_ids)),
               col(Challenge.status) == ChallengeStatus.PLANNED)
        .values(claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement))


async def claim_challenge(
    session: AsyncSession, challenge_id: int, now: datetime, *, lease: timedelta = LEASE
) -> bool:
    """Lease one planned challenge for sending right now (the user asked for it), if free."""
    statement = (
        update(Challenge)
        .where(col(Challenge.id) == challenge_id, col(Challenge.status) == ChallengeStatus.PLANNED,
               _lease_free(now))
        .values(claimed_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


async def claim_due_followups(
    session: AsyncSession, now: datetime, *, lease: timedelta = LEASE, limit: int = 100
) -> list[int]:
    """Sent, unanswered challenges whose one reminder is due: lease them, their ids."""
    conditions = [
        col(Challenge.status) == ChallengeStatus.SENT,
        col(Challenge.followup_at) <= now,
        col(Challenge.followup_sent_at).is_(None),
    ]
    return await _claim(session, conditions, col(Challenge.followup_at), now, lease, limit)


async def close_past_days(session: AsyncSession, now: datetime) -> list[int]:
    """Unanswered challenges whose local day closed (04:00 next morning) become 'missed'.

    Absence is not failure: the calibrator ignores missed days, and the next message offers to
    record it late.
    """
    statement = (
        update(Challenge)
        .where(col(Challenge.status).in_((ChallengeStatus.PLANNED, ChallengeStatus.SENT)),
               col(Challenge.close_at) <= now)
        .values(status=ChallengeStatus.MISSED, claimed_until=None)
        .returning(col(Challenge.id))
        .execution_options(synchronize_session=False)
    )
    return sorted(int(i) for i in (await session.exec(statement)).scalars().all())


async def mark_sent(
    session: AsyncSession, challenge_id: int, *, now: datetime, message_id: int,
    followup_at: datetime | None,
) -> bool:
    """planned → sent, with the message to edit later and when to remind (if at all)."""
    statement = (
        update(Challenge)
        .where(col(Challenge.id) == challenge_id, col(Challenge.status) == ChallengeStatus.PLANNED)
        .values(status=ChallengeStatus.SENT, sent_at=now, telegram_message_id=message_id,
                followup_at=followup_at, claimed_until=None,
                send_attempts=col(Challenge.send_attempts) + 1)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


async def mark_followup_sent(session: AsyncSession, challenge_id: int, now: datetime) -> bool:
    statement = (
        update(Challenge)
        .where(col(Challenge.id) == challenge_id, col(Challenge.followup_sent_at).is_(None))
        .values(followup_sent_at=now, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


async def drop_followup(session: AsyncSession, challenge_id: int) -> bool:
    """No reminder after all (it would land after 21:00 local, or Telegram refused it)."""
    statement = (
        update(Challenge)
        .where(col(Challenge.id) == challenge_id, col(Challenge.followup_sent_at).is_(None))
        .values(followup_at=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


async def postpone(
    session: AsyncSession, challenge_id: int, until: datetime, *, followup: bool = False
) -> bool:
    """Try again at `until` (Telegram said wait, or the network failed); the lease is released.

    For the daily message `due_at` moves; for a reminder, `followup_at`. `send_attempts` counts
    the tries, which sets the back-off.
    """
    moved = {"followup_at": until} if followup else {"due_at": until}
    state = ChallengeStatus.SENT if followup else ChallengeStatus.PLANNED
    statement = (
        update(Challenge)
        .where(col(Challenge.id) == challenge_id, col(Challenge.status) == state)
        .values(**moved, claimed_until=None, send_attempts=col(Challenge.send_attempts) + 1)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


async def reject(session: AsyncSession, challenge_id: int, until: datetime) -> bool:
    """Telegram refused the message itself (400): hold the lease until `until` (the day's close,
    which then marks it missed) instead of retrying a request that cannot succeed."""
    statement = (
        update(Challenge)
        .where(col(Challenge.id) == challenge_id, col(Challenge.status) == ChallengeStatus.PLANNED)
        .values(claimed_until=until, send_attempts=col(Challenge.send_attempts) + 1)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


# --------------------------------------------------------------------------- snoozed challenges


async def claim_due_snoozes(
    session: AsyncSession, now: datetime, *, lease: timedelta = LEASE, limit: int = 100
) -> list[int]:
    """Sent, unanswered challenges whose snooze ("Later") has ended: lease them, their ids."""
    conditions = [
        col(Challenge.status) == ChallengeStatus.SENT,
        col(Challenge.snoozed_until) <= now,
    ]
    return await _claim(session, conditions, col(Challenge.snoozed_until), now, lease, limit)


async def mark_resent(
    session: AsyncSession, challenge_id: int, *, message_id: int
) -> bool:
    """The snoozed challenge went out again: that message is now the one to edit."""
    statement = (
        update(Challenge)
        .where(col(Challenge.id) == challenge_id, col(Challenge.status) == ChallengeStatus.SENT,
               col(Challenge.snoozed_until).is_not(None))
        .values(snoozed_until=None, telegram_message_id=message_id, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


async def drop_snooze(session: AsyncSession, challenge_id: int) -> bool:
    """No re-send after all (the tick came after 21:00 local, or Telegram refused it)."""
    statement = (
        update(Challenge)
        .where(col(Challenge.id) == challenge_id, col(Challenge.snoozed_until).is_not(None))
        .values(snoozed_until=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1
