"""The database itself refuses bad rows, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import delete, func, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Challenge, Goal, User

Factory = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)


def _user(telegram_user_id: int = 1001, **kw: Any) -> User:
    return User(telegram_user_id=telegram_user_id, chat_id=telegram_user_id, **kw)


def _goal(user_id: int, **kw: Any) -> Goal:
    values: dict[str, Any] = {"behaviour": "running", "unit": "min", "step": 1.0, "baseline": 10.0}
    return Goal(user_id=user_id, **{**values, **kw})


def _challenge(goal_id: int, day: date = date(2026, 3, 1), **kw: Any) -> Challenge:
    values: dict[str, Any] = {"amount": 11.0, "p_success": 0.8, "due_at": T0}
    return Challenge(goal_id=goal_id, local_date=day, **{**values, **kw})


async def _add(factory: Factory, row: SQLModel) -> Any:
    async with factory() as session:
        session.add(row)
        await session.commit()
        return row


async def _seed(factory: Factory, telegram_user_id: int = 1001) -> tuple[int, int, int]:
    """A user with one goal and one challenge; returns their ids."""
    user = await _add(factory, _user(telegram_user_id))
    goal = await _add(factory, _goal(user.id))
    challenge = await _add(factory, _challenge(goal.id))
    return user.id, goal.id, challenge.id


async def _count(factory: Factory, model: type[SQLModel]) -> int:
    async with factory() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


async def _refused(factory: Factory, row: SQLModel) -> None:
    with pytest.raises(IntegrityError):
        await _add(factory, row)


async def test_one_challenge_per_goal_and_local_day(session_factory: Factory) -> None:
    _, goal_id, _ = await _seed(session_factory)
    await _refused(session_factory, _challenge(goal_id, amount=12.0))
    await _add(session_factory, _challenge(goal_id, date(2026, 3, 2)))  # next day is fine
    assert await _count(session_factory, Challenge) == 2


async def test_two_goals_may_share_a_day(session_factory: Factory) -> None:
    user_id, _, _ = await _seed(session_factory)
    other = await _add(session_factory, _goal(user_id, behaviour="writing", unit="words"))
    await _add(session_factory, _challenge(other.id))
    assert await _count(session_factory, Challenge) == 2


async def test_telegram_user_id_is_unique(session_factory: Factory) -> None:
    await _add(session_factory, _user(1001))
    await _refused(session_factory, _user(1001, first_name="again"))
    assert await _count(session_factory, User) == 1


async def test_telegram_ids_beyond_32_bits_round_trip(session_factory: Factory) -> None:
    big = 2**52 + 7  # Telegram ids exceed 2**31; chat ids of supergroups are large negatives
    user = await _add(session_factory, User(telegram_user_id=big, chat_id=-(10**12) - 5))
    goal = await _add(session_factory, _goal(user.id))
    await _add(session_factory, _challenge(goal.id, telegram_message_id=2**40))
    async with session_factory() as session:
        stored = (await session.exec(select(User))).one()
        challenge = (await session.exec(select(Challenge))).one()
    assert (stored.telegram_user_id, stored.chat_id) == (big, -(10**12) - 5)
    assert challenge.telegram_message_id == 2**40


async def test_deleting_a_user_removes_their_goals_and_challenges(session_factory: Factory) -> None:
    user_id, _, _ = await _seed(session_factory, 1001)
    await _seed(session_factory, 2002)  # someone else's rows must survive
    async with session_factory() as session:
        user = await session.get(User, user_id)
        await session.delete(user)
        await session.commit()
    assert (
        await _count(session_factory, User),
        await _count(session_factory, Goal),
        await _count(session_factory, Challenge),
    ) == (1, 1, 1)


async def test_deleting_a_goal_removes_only_its_challenges(session_factory: Factory) -> None:
    user_id, goal_id, _ = await _seed(session_factory)
    other = await _add(session_factory, _goal(user_id, behaviour="writing", unit="words"))
    await _add(session_factory, _challenge(other.id))
    async with session_factory() as session:
        await session.exec(delete(Goal).where(col(Goal.id) == goal_id))
        await session.commit()
        remaining = (await session.exec(select(Challenge.goal_id))).all()
    assert remaining == [other.id]
    assert await _count(session_factory, User) == 1


async def test_foreign_keys_are_enforced(session_factory: Factory) -> None:
    await _refused(session_factory, _goal(user_id=999))


USER_BAD: list[dict[str, Any]] = [{"status": "deleted"}, {"status": ""}]
GOAL_BAD: list[dict[str, Any]] = [
    {"step": 0.0},
    {"step": -1.0},
    {"baseline": 0.0},
    {"target": 0.0},
]
CHALLENGE_BAD: list[dict[str, Any]] = [
    {"amount": 0.0},
    {"amount": -5.0},
    {"p_success": -0.01},
    {"p_success": 1.01},
    {"effort": 0},
    {"effort": 6},
    {"status": "pending"},
    {"failure_reason": "lazy"},
    {"achieved": -1.0},
    {"confidence": 101},
    {"confidence": -1},
]


@pytest.mark.parametrize("bad", USER_BAD, ids=str)
async def test_user_checks(session_factory: Factory, bad: dict[str, Any]) -> None:
    await _refused(session_factory, _user(**bad))


@pytest.mark.parametrize("bad", GOAL_BAD, ids=str)
async def test_goal_checks(session_factory: Factory, bad: dict[str, Any]) -> None:
    user = await _add(session_factory, _user())
    await _refused(session_factory, _goal(user.id, **bad))


@pytest.mark.parametrize("bad", CHALLENGE_BAD, ids=str)
async def test_challenge_checks(session_factory: Factory, bad: dict[str, Any]) -> None:
    user = await _add(session_factory, _user())
    goal = await _add(session_factory, _goal(user.id))
    await _refused(session_factory, _challenge(goal.id, **bad))


async def test_values_at_the_edges_are_accepted(session_factory: Factory) -> None:
    user = await _add(session_factory, _user(status="blocked"))
    goal = await _add(session_factory, _goal(user.id, step=0.5, baseline=0.5, target=None))
    edges: list[dict[str, Any]] = [
        {
            "p_success": 0.0,
            "effort": 1,
            "status": "failed",
            "failure_reason": "too_hard",
            "achieved": 0.0,
            "confidence": 0,
        },
        {"p_success": 1.0, "effort": 5, "status": "done", "confidence": 100},
        {"status": "missed", "failure_reason": None},
    ]
    for offset, values in enumerate(edges):
        await _add(session_factory, _challenge(goal.id, date(2026, 3, 1 + offset), **values))
    assert await _count(session_factory, Challenge) == len(edges)


async def test_naive_datetime_is_rejected(session_factory: Factory) -> None:
    user = await _add(session_factory, _user())
    goal = await _add(session_factory, _goal(user.id))
    with pytest.raises(StatementError, match="timezone"):
        await _add(session_factory, _challenge(goal.id, due_at=datetime(2026, 3, 1, 7, 0)))
    async with session_factory() as session:
        with pytest.raises(StatementError, match="timezone"):
            await session.exec(
                select(Challenge).where(col(Challenge.due_at) <= datetime(2026, 3, 1))
            )
    assert await _count(session_factory, Challenge) == 0


async def test_aware_instants_round_trip_as_utc(session_factory: Factory) -> None:
    berlin_summer = timezone(timedelta(hours=2))
    due = datetime(2026, 3, 29, 3, 30, tzinfo=berlin_summer)  # just after the DST jump
    sent = datetime(2026, 3, 29, 1, 31, 15, 250_000, tzinfo=UTC)
    user = await _add(session_factory, _user(send_time=time(6, 45), timezone="Europe/Berlin"))
    goal = await _add(session_factory, _goal(user.id))
    await _add(session_factory, _challenge(goal.id, date(2026, 3, 29), due_at=due, sent_at=sent))
    async with session_factory() as session:
        challenge = (await session.exec(select(Challenge))).one()
        stored_user = (await session.exec(select(User))).one()
        before = (
            await session.exec(
                select(Challenge.id).where(
                    col(Challenge.due_at) < datetime(2026, 3, 29, 1, 31, tzinfo=UTC)
                )
            )
        ).all()
    assert challenge.due_at == due
    assert challenge.due_at.utcoffset() == timedelta(0)
    assert challenge.due_at.replace(tzinfo=None) == datetime(2026, 3, 29, 1, 30)
    assert challenge.sent_at == sent and challenge.sent_at.utcoffset() == timedelta(0)
    assert challenge.answered_at is None
    assert challenge.local_date == date(2026, 3, 29)
    assert stored_user.send_time == time(6, 45)
    assert stored_user.created_at.utcoffset() == timedelta(0)
    assert before == [challenge.id]  # comparisons in SQL happen on the UTC instant


async def test_scheduler_claim_index_exists(engine: AsyncEngine) -> None:
    def indexes(connection: Connection) -> dict[str | None, list[str | None]]:
        return {
            ix["name"]: ix["column_names"] for ix in inspect(connection).get_indexes("challenges")
        }

    async with engine.connect() as connection:
        found = await connection.run_sync(indexes)
    assert found["ix_challenges_status_due_at"] == ["status", "due_at"]
