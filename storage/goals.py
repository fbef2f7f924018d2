"""Goals: what a user practises, one active goal per user. The caller owns the transaction."""

from __future__ import annotations

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Goal, utcnow

__all__ = ["active_goal", "create_goal", "set_step"]


async def active_goal(session: AsyncSession, user_id: int) -> Goal | None:
    statement = (
        select(Goal)
        .where(col(Goal.user_id) == user_id, col(Goal.active).is_(True))
        .order_by(col(Goal.id).desc())
    )
    return (await session.exec(statement)).first()


async def create_goal(
    session: AsyncSession,
    *,
    user_id: int,
    behaviour: str,
    unit: str,
    step: float,
    baseline: float,
    target: float | None,
) -> Goal:
    """Start a new goal; an earlier one is kept (its history stays) but no longer active."""
    await session.exec(
        update(Goal).where(col(Goal.user_id) == user_id).values(active=False)
    )
    goal = Goal(
        user_id=user_id, behaviour=behaviour, unit=unit, step=step, baseline=baseline,
        target=target, active=True, created_at=utcnow(),
    )
    session.add(goal)
    await session.flush()
    return goal


async def set_step(session: AsyncSession, goal: Goal, step: float) -> None:
    if step <= 0:
        raise ValueError("a step must be positive")
    goal.step = step
    session.add(goal)
    await session.flush()
