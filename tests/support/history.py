"""History builders: answered days written straight into the tables, without a day of waiting.

`generate_year` and `insert_history` make a plausible year for /progress, /evidence and the data
export; `seed` writes a few chosen days for the replay and the weekly review.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from core.efficacy import LadderRating
from storage.db import create_engine, make_session_factory
from storage.efficacy import save_ladder_rating
from storage.goals import active_goal
from storage.models import Challenge, Goal, User
from tests.support.daily import services_of
from tests.support.notch import Notch

LAST_DAY = date(2026, 6, 3)  # a Wednesday; "this week" is Mon 1 .. Thu 4 June


@dataclass(frozen=True)
class Day:
    day: date
    amount: float
    status: str
    effort: int | None
    confidence: int | None


@dataclass(frozen=True)
class History:
    days: list[Day]
    strengths: list[float]  # ladder strengths, oldest first


def generate_year(seed: int = 7, days: int = 365, baseline: float = 10) -> list[Day]:
    """A plausible year: amounts creeping up in steps, some failures, rest and missed days."""
    rng = random.Random(seed)
    out: list[Day] = []
    amount = baseline
    for i in range(days):
        day = LAST_DAY - timedelta(days=days - 1 - i)
        roll = rng.random()
        status = ("missed" if roll < 0.06 else "skipped" if roll < 0.1 else
                  "failed" if roll < 0.24 else "done")
        rated = status in ("done", "failed") and rng.random() < 0.7
        out.append(Day(day, amount, status, rng.randint(2, 5) if status == "done" else None,
                       rng.choice((20, 40, 60, 80, 100)) if rated else None))
        if status == "done" and rng.random() < 0.3:
            amount += 1
        elif status == "failed":
            amount = max(baseline, amount - 1)
    return out


async def insert_history(notch: Notch, days: list[Day], *, ladders: int = 0,
                         telegram_id: int = 1001) -> History:
    """Write ``days`` (and weekly ladder ratings) for the onboarded user's goal."""
    engine = create_engine(notch.database_url)
    strengths: list[float] = []
    try:
        async with make_session_factory(engine)() as session:
            user = (await session.exec(
                select(User).where(User.telegram_user_id == telegram_id))).one()
            goal = (await session.exec(select(Goal).where(Goal.user_id == user.id))).one()
            assert user.id is not None and goal.id is not None
            for d in days:
                due = datetime(d.day.year, d.day.month, d.day.day, 6, 0, tzinfo=UTC)
                session.add(Challenge(
                    goal_id=goal.id, local_date=d.day, amount=d.amount, p_success=0.8,
                    status=d.status, due_at=due, sent_at=due, close_at=due + timedelta(hours=22),
                    answered_at=None if d.status == "missed" else due + timedelta(hours=3),
                    effort=d.effort, confidence=d.confidence,
                    failure_reason="too_hard" if d.status == "failed" else None,
                    reflection="went before breakfast" if d.status == "done"
                    and d.effort == 5 else None))
            for week in range(ladders):
                ratings = tuple(min(100, 20 * k + 2 * week) for k in (4, 3, 2, 1, 0))
                rating = LadderRating((10.0, 12.0, 14.0, 17.0, 20.0), ratings)
                strengths.append(rating.strength)
                await save_ladder_rating(
                    session, user_id=user.id, goal_id=goal.id, rating=rating,
                    rated_at=datetime.combine(days[0].day, datetime.min.time(), UTC)
                    + timedelta(weeks=week))
            await session.commit()
    finally:
        await engine.dispose()
    return History(days, strengths)


async def seed(notch: Notch, user_id: int, days: dict[date, tuple[str, float, int | None]],
               reflection: str | None = None) -> None:
    """Answered days straight into the table: {day: (status, amount, effort)}."""
    async with services_of(notch).session() as session:
        goal = await active_goal(session, user_id)
        assert goal is not None and goal.id is not None
        for day, (status, amount, effort) in days.items():
            at = datetime(day.year, day.month, day.day, 5, 30, tzinfo=UTC)
            session.add(Challenge(goal_id=goal.id, local_date=day, amount=amount, p_success=0.8,
                                  status=status, due_at=at, sent_at=at, answered_at=at,
                                  close_at=at + timedelta(hours=20), effort=effort,
                                  reflection=reflection if effort == 5 else None))
        await session.commit()
