"""Efficacy ladder ratings over time. The caller owns the transaction.

Strength and level are computed by core (one definition) and stored with the ratings, so the
history shows what the person was shown then.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.clock import as_utc
from core.efficacy import LadderRating
from storage.models import LadderRatingRow

__all__ = ["latest_ladder_rating", "list_ladder_ratings", "save_ladder_rating", "to_rating"]


async def save_ladder_rating(
    session: AsyncSession,
    *,
    user_id: int,
    goal_id: int,
    rating: LadderRating,
    rated_at: datetime,
) -> LadderRatingRow:
    row = LadderRatingRow(
        user_id=user_id,
        goal_id=goal_id,
        rated_at=as_utc(rated_at, "rated_at"),
        levels=list(rating.levels),
        ratings=list(rating.ratings),
        strength=rating.strength,
        level=rating.level,
    )
    session.add(row)
    await session.flush()
    return row


async def list_ladder_ratings(
    session: AsyncSession,
    *,
    user_id: int,
    goal_id: int | None = None,
    since: datetime | None = None,
) -> list[LadderRatingRow]:
    """A user's ratings (of one goal, when given), oldest first."""
    statement = select(LadderRatingRow).where(col(LadderRatingRow.user_id) == user_id)
    if goal_id is not None:
        statement = statement.where(col(LadderRatingRow.goal_id) == goal_id)
    if since is not None:
        statement = statement.where(col(LadderRatingRow.rated_at) >= as_utc(since, "since"))
    statement = statement.order_by(col(LadderRatingRow.rated_at), col(LadderRatingRow.id))
    return list((await session.exec(statement)).all())


async def latest_ladder_rating(session: AsyncSession, goal_id: int) -> LadderRatingRow | None:
    statement = (
        select(LadderRatingRow)
        .where(col(LadderRatingRow.goal_id) == goal_id)
        .order_by(col(LadderRatingRow.rated_at).desc(), col(LadderRatingRow.id).desc())
    )
    return (await session.exec(statement)).first()


def to_rating(row: LadderRatingRow) -> LadderRating:
    """The core value (for :func:`core.efficacy.change` and the charts)."""
    return LadderRating(
        levels=tuple(float(x) for x in row.levels), ratings=tuple(int(x) for x in row.ratings)
    )
