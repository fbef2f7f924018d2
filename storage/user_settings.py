"""A user's own choices: time zone, send time, pause/stop, and finishing onboarding.

Each function changes what it names and recomputes `next_send_at` through
`storage.scheduling.reschedule`, so no caller can forget it. Status changes are conditional
UPDATEs (`… WHERE status IN (…)`) returning whether anything changed, so a double tap or two
workers change nothing twice. The caller owns the transaction.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from core.clock import get_zone, local_day, send_instant_for_day
from core.vocabulary import Topic, UserStatus
from storage.conversations import clear_conversation
from storage.goals import create_goal
from storage.models import Goal, User, utcnow
from storage.scheduling import reschedule

__all__ = [
    "complete_onboarding",
    "pause",
    "reactivate",
    "resume",
    "set_celebrate",
    "set_locale",
    "set_review_weekday",
    "set_send_time",
    "set_timezone",
    "stop",
]


async def set_timezone(session: AsyncSession, user: User, zone: str, now: datetime) -> None:
    """Store an IANA zone (ValueError if unknown) and move the next send to its clock."""
    get_zone(zone)
    user.timezone = zone
    await reschedule(session, user, now)


async def set_send_time(session: AsyncSession, user: User, send_time: time, now: datetime) -> None:
    if send_time.tzinfo is not None:
        raise ValueError("a send time is a naive local wall time")
    user.send_time = send_time
    await reschedule(session, user, now)


async def set_locale(session: AsyncSession, user: User, locale: str) -> bool:
    """Speak ``locale`` to the user from now on (scheduled messages included); False if it is
    already theirs."""
    if user.locale == locale:
        return False
    user.locale = locale
    session.add(user)
    return True


async def set_celebrate(session: AsyncSession, user: User, on: bool) -> bool:
    """Turn the celebration (a reaction on the user's success message) on or off.

    A conditional UPDATE: True only if the setting changed, so a double tap says "already".
    """
    assert user.id is not None
    session.add(user)
    result = await session.exec(
        update(User)
        .where(col(User.id) == user.id, col(User.celebrate) == (not on))
        .values(celebrate=on, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.refresh(user)
    return bool(result.rowcount)


async def set_review_weekday(
    session: AsyncSession, user: User, weekday: int, now: datetime
) -> None:
    """The weekly review's day, 0 = Monday .. 6 = Sunday (ValueError otherwise).

    The database does not check the range (see migration 0003), so this is the gate.
    """
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValueError(f"a weekday is 0 (Monday) .. 6 (Sunday), got {weekday!r}")
    user.review_weekday = weekday
    await reschedule(session, user, now)


async def _change_status(
    session: AsyncSession,
    user: User,
    *,
    to: UserStatus,
    from_: tuple[UserStatus, ...],
    paused_until: date | None,
    now: datetime,
) -> bool:
    assert user.id is not None
    session.add(user)
    await session.flush()  # pending changes to `user` must reach the row before the refresh
    result = await session.exec(
        update(User)
        .where(col(User.id) == user.id, col(User.status).in_(from_))
        .values(status=to, paused_until=paused_until, updated_at=utcnow())
    )
    changed = bool(result.rowcount)
    await session.refresh(user)
    await reschedule(session, user, now)
    return changed


async def pause(session: AsyncSession, user: User, *, until: date | None, now: datetime) -> bool:
    """Pause challenges, until a local day (the tick resumes on it) or until /resume (None).

    A paused user may pause again to change the end date; stopped or blocked users stay as they
    are (False).
    """
    return await _change_status(
        session, user, to=UserStatus.PAUSED, from_=(UserStatus.ACTIVE, UserStatus.PAUSED),
        paused_until=until, now=now,
    )


async def resume(session: AsyncSession, user: User, now: datetime) -> bool:
    """End a pause or a stop; False if the user was already active (or blocked)."""
    return await _change_status(
        session, user, to=UserStatus.ACTIVE, from_=(UserStatus.PAUSED, UserStatus.STOPPED),
        paused_until=None, now=now,
    )


async def stop(session: AsyncSession, user: User, now: datetime) -> bool:
    """No more messages; every row is kept so /start can pick up where the user left off."""
    return await _change_status(
        session, user, to=UserStatus.STOPPED, from_=(UserStatus.ACTIVE, UserStatus.PAUSED),
        paused_until=None, now=now,
    )


async def reactivate(session: AsyncSession, user: User, now: datetime) -> bool:
    """/start from a user who stopped or blocked the bot: messages resume. A pause stays."""
    return await _change_status(
        session, user, to=UserStatus.ACTIVE, from_=(UserStatus.STOPPED, UserStatus.BLOCKED),
        paused_until=None, now=now,
    )


async def complete_onboarding(
    session: AsyncSession,
    user: User,
    *,
    behaviour: str,
    unit: str,
    step: float,
    baseline: float,
    target: float | None,
    timezone: str,
    send_time: time,
    now: datetime,
    first_tomorrow: bool,
) -> Goal:
    """Create the goal, set zone and time, end the onboarding conversation, schedule the first
    challenge.

    `first_tomorrow`: the user asked for the first challenge at their time on the next local day,
    not later today (when today's send time is still ahead, plain rescheduling would pick today).
    """
    assert user.id is not None
    get_zone(timezone)
    goal = await create_goal(
        session, user_id=user.id, behaviour=behaviour, unit=unit, step=step,
        baseline=baseline, target=target,
    )
    user.timezone, user.send_time = timezone, send_time
    await _change_status(
        session, user, to=UserStatus.ACTIVE, from_=(UserStatus.STOPPED, UserStatus.BLOCKED),
        paused_until=None, now=now,
    )
    if first_tomorrow and user.status == UserStatus.ACTIVE and user.next_send_at is not None:
        today = local_day(now, timezone)
        if local_day(user.next_send_at, timezone) <= today:
            user.next_send_at = send_instant_for_day(today + timedelta(days=1), timezone, send_time)
            session.add(user)
    await clear_conversation(session, user.id, topic=Topic.ONBOARDING)
    await session.flush()
    return goal
