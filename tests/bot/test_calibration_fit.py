"""The daily calibration fit: once a day across workers, deletions mid-fit, failures, planning
under the latest fit (or the defaults), and `notch calibrate`."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.calibrate import RETRY_AFTER, Fitted, describe, fit_if_due, next_fit_instant
from bot.daily import plan_day
from bot.handlers.progress import band
from core import calibration
from core.calibration import Attempt, Goal, Priors, next_challenge
from storage.challenges import core_goal, history
from storage.data_rights import delete_user
from storage.db import create_engine, make_session_factory
from storage.goals import active_goal, create_goal
from storage.migrate import upgrade
from storage.models import CalibrationPriorsRow, Challenge, User
from storage.priors import latest_priors, store_priors
from storage.users import upsert_telegram_user
from tests.support.notch import Notch

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
DAY = date(2026, 5, 1)
FITTED = Priors(width=0.3, users=5, attempts=100)


@pytest.fixture(autouse=True, scope="module")
def _collect_our_garbage() -> Iterator[None]:
    """These tests open many engines and event loops (the CLI's asyncio.run among them); their
    reference cycles would sit in the oldest GC generation and skew tests that measure the heap
    (test_startup_heap), so they are collected when this module is done."""
    yield
    gc.collect()


async def _user(session: AsyncSession, telegram_id: int, behaviour: str = "running",
                unit: str = "minutes", days: int = 4) -> User:
    user = await upsert_telegram_user(session, telegram_user_id=telegram_id, chat_id=telegram_id,
                                      first_name="U", language_code=None, now=NOW)
    assert user.id is not None
    goal = await create_goal(session, user_id=user.id, behaviour=behaviour, unit=unit, step=1,
                             baseline=10, target=None)
    assert goal.id is not None
    for i in range(days):
        session.add(Challenge(goal_id=goal.id, local_date=DAY + timedelta(days=i),
                              amount=10 + i, p_success=0.8, status="done", due_at=NOW, effort=3))
    await session.flush()
    return user


class Recorder:
    """A stand-in for fit_priors: counts calls and says how many histories it saw."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def __call__(self, histories: Sequence[tuple[Goal, Sequence[Attempt]]]) -> Priors:
        self.calls.append(len(histories))
        return Priors(width=0.3, users=len(histories),
                      attempts=sum(len(attempts) for _, attempts in histories))


async def _rows(sessions: async_sessionmaker[AsyncSession]) -> list[CalibrationPriorsRow]:
    async with sessions() as session:
        statement = select(CalibrationPriorsRow).order_by(CalibrationPriorsRow.id)  # type: ignore[arg-type]
        return list((await session.exec(statement)).all())


async def test_racing_ticks_fit_once_a_day(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        for n in range(3):
            await _user(session, 1 + n)
        await _user(session, 9, "reading", "pages")
        await session.commit()
    fit = Recorder()
    # Four workers' ticks at once, then more ticks the same day: one fit of each key.
    runs = await asyncio.gather(*(fit_if_due(session_factory, NOW + timedelta(seconds=n), fit,
                                             min_users=1) for n in range(4)))
    assert sum(run is not None for run in runs) == 1
    for later in (timedelta(seconds=30), timedelta(hours=12), timedelta(hours=23, minutes=59)):
        assert await fit_if_due(session_factory, NOW + later, fit, min_users=1) is None
    assert sorted(fit.calls) == [1, 3]
    assert [(r.behaviour, r.users) for r in await _rows(session_factory)] == [
        ("reading", 1), ("running", 3)]
    # The next day's 03:00 fits again.
    assert next_fit_instant(NOW) == NOW + timedelta(days=1)
    run = await fit_if_due(session_factory, NOW + timedelta(days=1), fit, min_users=1)
    assert run is not None and len(run.fitted) == 2


async def test_too_few_users_are_not_fitted_and_planning_keeps_the_defaults(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        for n in range(3):
            await _user(session, 1 + n)
        await session.commit()
    fit = Recorder()
    run = await fit_if_due(session_factory, NOW, fit, min_users=4)
    assert run is not None and run.too_few == {"running": 3} and not run.fitted
    assert fit.calls == [] and await _rows(session_factory) == []


async def test_a_user_deleted_mid_fit_is_in_no_stored_row(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        ada = await _user(session, 1)
        await _user(session, 2)
        await _user(session, 3)
        await session.commit()
    assert ada.id is not None
    loop = asyncio.get_running_loop()

    async def delete_ada() -> None:
        async with session_factory() as session:
            await delete_user(session, ada.id)  # type: ignore[arg-type]
            await session.commit()

    seen: list[int] = []

    def fit_while_ada_leaves(histories: Sequence[tuple[Goal, Sequence[Attempt]]]) -> Priors:
        # Runs in the worker thread, after the histories (Ada's too) were gathered.
        seen.append(len(histories))
        if len(seen) == 1:
            asyncio.run_coroutine_threadsafe(delete_ada(), loop).result(timeout=30)
        return Priors(width=0.3, users=len(histories), attempts=4 * len(histories))

    run = await fit_if_due(session_factory, NOW, fit_while_ada_leaves, min_users=1)
    assert run is not None and [f.stored for f in run.fitted] == [False]
    assert await _rows(session_factory) == []  # nothing fitted with Ada was kept
    # The deletion made the refit due at once: the next tick fits without her.
    again = await fit_if_due(session_factory, NOW + timedelta(seconds=30), fit_while_ada_leaves,
                             min_users=1)
    assert again is not None and [f.stored for f in again.fitted] == [True]
    assert seen == [3, 2]
    assert [r.users for r in await _rows(session_factory)] == [2]
    # …and after that the day's fit is done.
    assert await fit_if_due(session_factory, NOW + timedelta(minutes=1), fit_while_ada_leaves,
                            min_users=1) is None


async def test_a_failing_fit_is_logged_and_retried_later(
    session_factory: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture,
) -> None:
    async with session_factory() as session:
        await _user(session, 1)
        await session.commit()

    def broken(histories: Sequence[tuple[Goal, Sequence[Attempt]]]) -> Priors:
        raise RuntimeError("optimiser diverged")

    with caplog.at_level(logging.ERROR, logger="bot.calibrate"):
        run = await fit_if_due(session_factory, NOW, broken, min_users=1)
    assert run is not None and run.failed == ["running"]
    assert any("calibration fit of running failed" in r.getMessage() for r in caplog.records)
    fit = Recorder()
    assert await fit_if_due(session_factory, NOW + RETRY_AFTER - timedelta(seconds=1), fit,
                            min_users=1) is None
    assert await fit_if_due(session_factory, NOW + RETRY_AFTER, fit, min_users=1) is not None
    assert fit.calls == [1]


async def test_planning_uses_the_latest_fit_and_falls_back_to_the_defaults(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        user = await _user(session, 1, days=6)
        await session.commit()
    assert user.id is not None
    day = DAY + timedelta(days=6)
    async with session_factory() as session:
        from storage.goals import active_goal

        goal = await active_goal(session, user.id)
        assert goal is not None and goal.id is not None
        attempts = await history(session, goal.id, before=day)
        builtin = next_challenge(core_goal(goal), attempts, day)
        learned = next_challenge(core_goal(goal), attempts, day, priors=FITTED)
        assert (builtin.amount, builtin.p_success) != (learned.amount, learned.p_success)
        # No fit stored: the built-in settings.
        row = await plan_day(session, user, goal, day, NOW)
        assert (row.amount, row.p_success) == (builtin.amount, builtin.p_success)
        await session.rollback()
    async with session_factory() as session:
        assert await store_priors(session, "running", FITTED, fitted_at=NOW, generation=0)
        await session.commit()
    async with session_factory() as session:
        goal = await active_goal(session, user.id)
        assert goal is not None
        row = await plan_day(session, user, goal, day, NOW)
        assert (row.amount, row.p_success) == (learned.amount, learned.p_success)
        # /progress draws its band under the same settings.
        days = [DAY + timedelta(days=i) for i in range(7)]
        assert band(core_goal(goal), attempts, days, FITTED) != band(
            core_goal(goal), attempts, days)
        assert await latest_priors(session, "running") == FITTED


def test_describe_names_the_data_and_what_moved() -> None:
    priors = Priors(width=0.31, baseline_p=0.85, users=412, attempts=30118)
    builtin = Priors.builtin()
    line = describe(Fitted("running", priors, stored=True))
    assert line.startswith("running: 412 users, 30,118 attempts; ")
    assert f"width {builtin.width:.3f} -> 0.310" in line
    assert f"baseline_p {builtin.baseline_p:.3f} -> 0.850" in line
    same = Priors(users=3, attempts=9)
    assert describe(Fitted("unit:pages", same, stored=True)) == (
        "unit:pages: 3 users, 9 attempts; same as the defaults")


async def _cli_database(tmp_path: Path, users: int) -> str:
    url = f"sqlite:///{tmp_path / 'notch.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    sessions = make_session_factory(engine)
    async with sessions() as session:
        for n in range(users):
            await _user(session, 1 + n)
        await _user(session, 100, "reading", "pages")
        await session.commit()
    await engine.dispose()
    return url


def test_notch_calibrate_fits_stores_and_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from bot import calibrate
    from bot.cli import main

    url = asyncio.run(_cli_database(tmp_path, users=3))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setattr(calibrate, "MIN_USERS", 2)
    monkeypatch.setattr(calibration, "fit_priors", lambda histories: Priors(
        width=0.31, users=len(histories), attempts=sum(len(a) for _, a in histories)))
    assert main(["calibrate"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (f"running: 3 users, 12 attempts; width {Priors.builtin().width:.3f} "
                      "-> 0.310")
    assert out[1] == ("reading: 1 user, too few to learn from (at least 2); "
                      "planning keeps the built-in settings")

    async def stored() -> Priors | None:
        engine = create_engine(url)
        try:
            async with make_session_factory(engine)() as session:
                return await latest_priors(session, "running")
        finally:
            await engine.dispose()

    found = asyncio.run(stored())
    assert found is not None and found.users == 3


def test_notch_calibrate_without_data_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["calibrate"]) == 0
    assert capsys.readouterr().out == (
        "No answers to learn from yet: planning keeps the built-in settings.\n")


def test_privacy_says_answers_calibrate_everyone_as_aggregates_and_delete_removes_them() -> None:
    from bot.texts.data_rights import PRIVACY

    assert "help calibrate Notch for everyone" in PRIVACY
    assert "aggregate settings" in PRIVACY
    assert "takes you out of those settings" in PRIVACY


async def test_the_fit_runs_on_its_own_job_with_the_real_fit_never_inside_a_tick(
    notch: Notch,
) -> None:
    """The bot schedules the fit apart from the tick (no send waits behind a fit); from
    MIN_USERS people on, the job fits with core's fit_priors and planning then uses it."""
    from bot.calibrate import MIN_USERS
    from bot.scheduler import FIT_JOB_NAME, JOB_NAME, fit_calibration
    from tests.support.daily import services_of, stop_background_tick

    assert notch.application.job_queue is not None
    names = {job.name for job in notch.application.job_queue.jobs()}
    assert {JOB_NAME, FIT_JOB_NAME} <= names
    stop_background_tick(notch)
    services = services_of(notch)
    async with services.session() as session:
        for n in range(MIN_USERS):
            await _user(session, 500 + n, days=6)
        await session.commit()
    await notch.tick(NOW)
    assert await _rows(services.session) == []  # a tick never fits
    assert await fit_calibration(services, NOW) == 1
    rows = await _rows(services.session)
    assert [(r.behaviour, r.users, r.attempts) for r in rows] == [("running", MIN_USERS,
                                                                   MIN_USERS * 6)]
    assert await fit_calibration(services, NOW + timedelta(minutes=1)) == 0  # once a day
    async with services.session() as session:
        stored = await latest_priors(session, "running")
    assert stored is not None and stored == Priors.from_json(rows[0].priors)
    assert stored.learned and stored.changes()  # the data moved something


async def test_only_people_whose_answers_are_evidence_count_toward_the_minimum(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """Twenty people of whom nineteen only skipped are one person's answers: not an aggregate."""
    async with session_factory() as session:
        await _user(session, 1)
        for n in range(19):
            skipper = await _user(session, 100 + n, days=0)
            assert skipper.id is not None
            goal = await active_goal(session, skipper.id)
            assert goal is not None and goal.id is not None
            for i, status in enumerate(("skipped", "missed", "skipped")):
                session.add(Challenge(goal_id=goal.id, local_date=DAY + timedelta(days=i),
                                      amount=10, p_success=0.8, status=status, due_at=NOW))
        await session.commit()
    fit = Recorder()
    run = await fit_if_due(session_factory, NOW, fit, min_users=2)
    assert run is not None and run.too_few == {"running": 1}
    assert fit.calls == [] and await _rows(session_factory) == []
