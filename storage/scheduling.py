"""When each user's daily challenge is next due. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from core.clock import next_send_instant, send_instant_for_day
from storage.goals import active_goal
from storage.models import User

__all__ = ["reschedule"]


async def reschedule(session: AsyncSession, user: User, now: datetime) -> None:
    """Recompute `next_send_at` after anything that moves it (time, zone, status, new goal).

    Only an active user with an active goal is due; a pause with an end date is due on that day
    (the tick resumes it then); stopped, blocked or goal-less users are never due.
    """
    due: datetime | None = None
    if user.id is not None and await active_goal(session, user.id) is not None:
        if user.status == "active":
            due = next_send_instant(now, user.timezone, user.send_time)
        elif user.status == "paused" and user.paused_until is not None:
            due = send_instant_for_day(user.paused_until, user.timezone, user.send_time)
    user.next_send_at = due
    session.add(user)
    await session.flush()
