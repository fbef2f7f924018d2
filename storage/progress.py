"""What /evidence and /progress read: a goal's answered days and ladder ratings in core's shapes.

Why here: the bot reaches the database only through storage, and the chart, its caption and the
mastery log all need the same three reads of one goal, so they are gathered in one value.
The caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from core import calibration
from core.evidence import Entry
from storage.challenges import evidence_entries, history
from storage.efficacy import list_ladder_ratings
from storage.goals import active_goal
from storage.models import Goal, LadderRatingRow
from storage.priors import priors_for_goal

__all__ = ["ProgressFacts", "progress_facts"]


@dataclass(frozen=True)
class ProgressFacts:
    """One user's active goal with everything the chart and the caption need."""

    goal: Goal
    entries: list[Entry]
    attempts: list[calibration.Attempt]  # the calibrator's view of the same days
    ladder: list[LadderRatingRow]  # oldest first
    priors: calibration.Priors | None = None  # the settings planning uses (None: built-in)


async def progress_facts(session: AsyncSession, user_id: int) -> ProgressFacts | None:
    """None when the user has no active goal (not set up yet)."""
    goal = await active_goal(session, user_id)
    if goal is None or goal.id is None:
        return None
    return ProgressFacts(
        goal=goal,
        entries=await evidence_entries(session, goal.id),
        attempts=await history(session, goal.id),
        ladder=await list_ladder_ratings(session, user_id=user_id, goal_id=goal.id),
        priors=await priors_for_goal(session, goal),
    )
