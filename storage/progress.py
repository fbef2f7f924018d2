"""What /evidence and /progress read: a goal's answered days and ladder ratings in core's shapes.

Why here: the bot reaches the database only through storage, and core's evidence functions take
plain ``Entry`` values, so this module is the one place that turns challenge rows into them.
The caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, cast

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import calibration
from core.evidence import Entry, Status
from storage.challenges import history
from storage.efficacy import list_ladder_ratings
from storage.goals import active_goal
from storage.models import Challenge, Goal, LadderRatingRow

__all__ = ["SETTLED", "ProgressFacts", "entries", "progress_facts"]

SETTLED: Final = ("done", "failed", "skipped", "missed")


def _entry(row: Challenge) -> Entry:
    return Entry(
        day=row.local_date,
        amount=row.amount,
        status=cast(Status, row.status),
        effort=row.effort,
        confidence=row.confidence,
        reflection=row.reflection,
        failure_reason=row.failure_reason,
    )


async def entries(session: AsyncSession, goal_id: int) -> list[Entry]:
    """The goal's settled days (done, failed, skipped, missed), oldest first."""
    statement = (
        select(Challenge)
        .where(col(Challenge.goal_id) == goal_id, col(Challenge.status).in_(SETTLED))
        .order_by(col(Challenge.local_date))
    )
    return [_entry(row) for row in (await session.exec(statement)).all()]


@dataclass(frozen=True)
class ProgressFacts:
    """One user's active goal with everything the chart and the caption need."""

    goal: Goal
    entries: list[Entry]
    attempts: list[calibration.Attempt]  # the calibrator's view of the same days
    ladder: list[LadderRatingRow]  # oldest first


async def progress_facts(session: AsyncSession, user_id: int) -> ProgressFacts | None:
    """None when the user has no active goal (not set up yet)."""
    goal = await active_goal(session, user_id)
    if goal is None or goal.id is None:
        return None
    return ProgressFacts(
        goal=goal,
        entries=await entries(session, goal.id),
        attempts=await history(session, goal.id),
        ladder=await list_ladder_ratings(session, user_id=user_id, goal_id=goal.id),
    )
