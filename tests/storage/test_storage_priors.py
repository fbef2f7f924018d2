"""Calibration priors in storage: the grouping rule, gathering, fits, the daily claim, deletion."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from core import calibration
from core.behaviours import TEMPLATES, fit_key
from storage.challenges import history
from storage.data_rights import delete_user
from storage.db import make_session_factory
from storage.goals import create_goal
from storage.models import CalibrationPriorsRow, CalibrationSchedule, Challenge, Goal
from storage.priors import (
    FIT_LEASE,
    claim_fit,
    finish_fit,
    forget_user,
    gather_histories,
    goal_key,
    keys_with_data,
    latest_priors,
    priors_for_goal,
    retry_fit,
    store_priors,
)
from storage.users import upsert_telegram_user

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
DAY = date(2026, 5, 1)
FITTED = calibration.Priors(width=0.3, users=5, attempts=100)


async def _goal(session: AsyncSession, telegram_id: int, behaviour: str, unit: str,
                outcomes: str = "dfd") -> Goal:
    """A user with one goal and one challenge per letter: d done, f failed (too hard),
    s skipped, m missed, p planned, e sent."""
    user = await upsert_telegram_user(session, telegram_user_id=telegram_id, chat_id=telegram_id,
                                      first_name="U", language_code=None, now=NOW)
    assert user.id is not None
    goal = await create_goal(session, user_id=user.id, behaviour=behaviour, unit=unit, step=1,
                             baseline=10, target=None)
    assert goal.id is not None
    names = {"d": "done", "f": "failed", "s": "skipped", "m": "missed", "p": "planned",
             "e": "sent"}
    for i, letter in enumerate(outcomes):
        status = names[letter]
        session.add(Challenge(
            goal_id=goal.id, local_date=DAY + timedelta(days=i), amount=10 + i, p_success=0.8,
            status=status, due_at=NOW, effort=3 if status == "done" else None,
            failure_reason="too_hard" if status == "failed" else None,
        ))
    await session.flush()
    return goal


# --------------------------------------------------------------------------- the grouping rule


def test_template_goals_group_by_behaviour_custom_ones_by_unit() -> None:
    for template in TEMPLATES:
        assert fit_key(template.behaviour, template.unit) == template.behaviour
    assert fit_key("running", "minutes") == "running"
    assert fit_key("push-ups", "reps") == "push-ups"
    # A template's behaviour counted in another unit is not that template's population.
    assert fit_key("running", "km") == "unit:km"
    assert fit_key("Spanish vocabulary", "pages") == "unit:pages"
    assert fit_key("stretching", "minutes") == "unit:minutes"


async def test_each_goal_is_gathered_under_exactly_its_own_key(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    pairs = [("running", "minutes"), ("running", "km"), ("reading", "pages"),
             ("comics", "pages"), ("stretching", "minutes"), ("push-ups", "reps"),
             ("skipping rope", "km")]
    async with session_factory() as session:
        goals = [await _goal(session, 10 + n, b, u) for n, (b, u) in enumerate(pairs)]
        await _goal(session, 99, "nothing yet", "laps", "smpe")  # no evidence: no key
        await session.commit()
    async with session_factory() as session:
        keys = await keys_with_data(session)
        assert keys == sorted({goal_key(g) for g in goals})
        assert keys == ["push-ups", "reading", "running", "unit:km", "unit:minutes", "unit:pages"]
        seen = 0
        for key in keys:
            gathered = await gather_histories(session, key)
            expected = [g for g in goals if goal_key(g) == key]
            assert len(gathered.histories) == len(expected)
            seen += len(gathered.histories)
        assert seen == len(goals)


async def test_gathered_histories_are_the_planners_view_in_one_query(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        a = await _goal(session, 1, "running", "minutes", "dfsmdpe")
        b = await _goal(session, 2, "running", "minutes", "ddd")
        await session.commit()
    queries: list[str] = []
    async with session_factory() as session:
        bind = session.get_bind()
        from sqlalchemy import event

        def count(*args: object) -> None:
            queries.append(str(args[2]))

        event.listen(bind, "before_cursor_execute", count)
        try:
            gathered = await gather_histories(session, "running")
        finally:
            event.remove(bind, "before_cursor_execute", count)
        assert a.id is not None and b.id is not None
        assert gathered.histories == [
            (calibration.Goal(unit="minutes", baseline=10, step=1), await history(session, a.id)),
            (calibration.Goal(unit="minutes", baseline=10, step=1), await history(session, b.id)),
        ]
    assert [len(h) for _, h in gathered.histories] == [5, 3]  # planned and sent left out
    assert len(queries) == 2  # the generation, then every goal's days at once


# --------------------------------------------------------------------------- stored fits


async def test_no_row_means_builtin_and_the_newest_row_wins(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        goal = await _goal(session, 1, "reading", "pages")
        assert await priors_for_goal(session, goal) is None
        assert await latest_priors(session, "reading") is None
        older = calibration.Priors(width=0.4, users=2, attempts=10)
        assert await store_priors(session, "reading", older, fitted_at=NOW, generation=0)
        assert await store_priors(session, "reading", FITTED, fitted_at=NOW + timedelta(days=1),
                                  generation=0)
        assert await store_priors(session, "unit:pages", older, fitted_at=NOW + timedelta(days=2),
                                  generation=0)
        await session.commit()
    async with session_factory() as session:
        assert await priors_for_goal(session, goal) == FITTED
        row = (await session.exec(select(CalibrationPriorsRow).where(  # type: ignore[call-overload]
            CalibrationPriorsRow.behaviour == "reading").order_by(
            CalibrationPriorsRow.id.desc()))).scalars().first()  # type: ignore[union-attr]
        assert (row.users, row.attempts, row.fitted_at) == (5, 100, NOW + timedelta(days=1))


async def test_an_unreadable_row_is_logged_and_planning_uses_the_defaults(
    session_factory: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture,
) -> None:
    async with session_factory() as session:
        session.add(CalibrationPriorsRow(behaviour="running", fitted_at=NOW, users=3, attempts=9,
                                         priors='{"version": 999, "width": 0.3}'))
        session.add(CalibrationPriorsRow(behaviour="walking", fitted_at=NOW, users=3, attempts=9,
                                         priors="not json"))
        await session.commit()
    with caplog.at_level(logging.WARNING, logger="storage.priors"):
        async with session_factory() as session:
            assert await latest_priors(session, "running") is None
            assert await latest_priors(session, "walking") is None
    assert sum("unreadable" in r.message for r in caplog.records) == 2


# --------------------------------------------------------------------------- the daily claim


async def test_the_fit_is_claimed_once_then_due_again_after_finish_retry_or_lease(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        claim = await claim_fit(session, NOW)  # 0004 made it due at once
        assert claim is not None and claim.claimed_until == NOW + FIT_LEASE
        assert await claim_fit(session, NOW) is None  # held
        await session.commit()
    async with session_factory() as session:
        # The worker died: after the lease another one takes it.
        later = NOW + FIT_LEASE + timedelta(seconds=1)
        again = await claim_fit(session, later)
        assert again is not None
        assert not await finish_fit(session, claim, NOW + timedelta(days=1))  # the dead one's
        assert await finish_fit(session, again, NOW + timedelta(days=1))
        assert await claim_fit(session, NOW + timedelta(hours=23)) is None  # not due
        third = await claim_fit(session, NOW + timedelta(days=1))
        assert third is not None
        assert await retry_fit(session, third, NOW + timedelta(days=1, hours=1))
        assert await claim_fit(session, NOW + timedelta(days=1, minutes=59)) is None
        assert await claim_fit(session, NOW + timedelta(days=1, hours=1)) is not None


async def test_a_missing_schedule_row_is_restored_due(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    from sqlalchemy import delete

    async with session_factory() as session:
        await session.exec(delete(CalibrationSchedule))
        await session.commit()
    async with session_factory() as session:
        assert await claim_fit(session, NOW) is not None


async def test_racing_workers_claim_the_days_fit_once(
    engine: AsyncEngine, database_backend: str,
) -> None:
    sessions = make_session_factory(engine)

    async def worker(offset: int) -> bool:
        async with sessions() as session:
            claim = await claim_fit(session, NOW + timedelta(seconds=offset))
            await asyncio.sleep(0.001)  # hold the lock a moment
            await session.commit()
        return claim is not None

    workers = 8 if database_backend == "postgres" else 4
    won = await asyncio.gather(*(worker(n) for n in range(workers)))
    assert sum(won) == 1


# --------------------------------------------------------------------------- deletion


async def _count(session: AsyncSession, key: str) -> int:
    statement = select(func.count()).select_from(CalibrationPriorsRow).where(
        CalibrationPriorsRow.behaviour == key  # type: ignore[arg-type]
    )
    return int((await session.exec(statement)).scalar_one())  # type: ignore[call-overload]


async def test_deleting_a_user_drops_their_keys_fits_and_makes_a_refit_due(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        ada = await _goal(session, 1, "running", "minutes")
        await _goal(session, 2, "reading", "pages")
        for key in ("running", "reading"):
            assert await store_priors(session, key, FITTED, fitted_at=NOW, generation=0)
        claim = await claim_fit(session, NOW)
        assert claim is not None
        assert await finish_fit(session, claim, NOW + timedelta(days=1))
        await session.commit()
    async with session_factory() as session:
        assert await delete_user(session, ada.user_id) > 0
        await session.commit()
    async with session_factory() as session:
        assert await _count(session, "running") == 0  # Ada was in it
        assert await _count(session, "reading") == 1  # she was not
        assert await claim_fit(session, NOW + timedelta(minutes=1)) is not None  # due at once
        assert await forget_user(session, 12345) == []  # nobody: nothing changes


async def test_a_user_deleted_between_gathering_and_storing_is_not_kept(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        ada = await _goal(session, 1, "running", "minutes")
        await _goal(session, 2, "running", "minutes")
        await session.commit()
    async with session_factory() as session:
        gathered = await gather_histories(session, "running")
    assert len(gathered.histories) == 2  # Ada's answers are in what is being fitted
    async with session_factory() as session:
        await delete_user(session, ada.user_id)
        await session.commit()
    async with session_factory() as session:
        assert not await store_priors(session, "running", FITTED, fitted_at=NOW,
                                      generation=gathered.generation)
        await session.commit()
        assert await _count(session, "running") == 0
        regathered = await gather_histories(session, "running")
        assert len(regathered.histories) == 1
        assert await store_priors(session, "running", FITTED, fitted_at=NOW,
                                  generation=regathered.generation)


async def test_a_store_and_a_delete_racing_never_keep_the_deleted_user(
    engine: AsyncEngine,
) -> None:
    """Store and delete in concurrent transactions: whichever commits first, no fit row of the
    deleted user's key survives both."""
    sessions = make_session_factory(engine)
    for round_ in range(6):
        async with sessions() as session:
            goal = await _goal(session, 100 + round_, "running", "minutes")
            await session.commit()
            gathered = await gather_histories(session, "running")

        async def store(gen: int = gathered.generation, pause: float = 0.002 * (round_ % 3)
                        ) -> bool:
            async with sessions() as session:
                stored = await store_priors(session, "running", FITTED, fitted_at=NOW,
                                            generation=gen)
                await asyncio.sleep(pause)
                await session.commit()
                return stored

        async def remove(user_id: int = goal.user_id, pause: float = 0.002 * (round_ % 2)
                         ) -> None:
            async with sessions() as session:
                await asyncio.sleep(pause)
                await delete_user(session, user_id)
                await session.commit()

        await asyncio.gather(store(), remove())
        async with sessions() as session:
            assert await _count(session, "running") == 0
