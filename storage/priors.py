"""The calibrator's learned settings: gathering every user's answers, storing fits, reading them.

A fit pools all goals of one behaviour key (core.behaviours.fit_key: "running", "unit:pages")
and stores only aggregates (``Priors`` JSON, how many users and attempts). The daily fit is
claimed in the one-row ``calibration_schedule`` exactly like the tick's other claims: ``FOR
UPDATE SKIP LOCKED`` on PostgreSQL, a compare-and-set ``UPDATE`` (also on SQLite) with a lease.

Deleting a user must leave nothing of them in stored priors, even when the deletion lands in the
middle of a fit. ``forget_user`` (run by /delete in its transaction) bumps the schedule's
``generation``, drops the priors rows of the user's keys and makes the next fit due at once. A
fit reads the generation *before* it reads the histories, and ``store_priors`` inserts only while
that generation is still current, checked by an ``UPDATE … WHERE generation = g`` in the
inserting transaction (which waits for, or is waited on by, the deletion's own ``UPDATE`` of the
same row). So either the deletion committed first and the fit is refused, or the fit's row was
committed first and the deletion's later ``DELETE`` removes it.

The caller owns the transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import and_, case, delete, func, not_, or_
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from core import calibration
from core.behaviours import CUSTOM_PREFIX, TEMPLATES, fit_key, template_behaviours
from core.evidence import ATTEMPTED
from storage.challenges import SETTLED, core_attempt, core_goal
from storage.db import rowcount, upsert_insert
from storage.models import (
    FIT_SCHEDULE_ID,
    CalibrationPriorsRow,
    CalibrationSchedule,
    Challenge,
    Goal,
)

__all__ = [
    "FIT_LEASE",
    "FitClaim",
    "Gathered",
    "claim_fit",
    "finish_fit",
    "forget_user",
    "gather_histories",
    "goal_key",
    "keys_with_data",
    "latest_priors",
    "priors_for_goal",
    "retry_fit",
    "store_priors",
]

log = logging.getLogger(__name__)

FIT_LEASE: Final = timedelta(minutes=30)
"""How long a worker holds the daily fit: far longer than a fit, so a dead worker's retries soon."""

EVIDENCE: Final = ATTEMPTED  # a key with only skipped/missed days has nothing to fit


def goal_key(goal: Goal) -> str:
    """The behaviour key a goal's calibration is pooled under (core.behaviours.fit_key)."""
    return fit_key(goal.behaviour, goal.unit)


def _goals_of(key: str) -> Any:
    """``WHERE`` on goals selecting exactly those whose ``goal_key`` is ``key``."""
    if key.startswith(CUSTOM_PREFIX):
        unit = key.removeprefix(CUSTOM_PREFIX)
        condition = col(Goal.unit) == unit
        templates = template_behaviours(unit)
        if templates:
            condition = and_(condition, not_(col(Goal.behaviour).in_(templates)))
        return condition
    units = [t.unit for t in TEMPLATES if t.behaviour == key]
    if not units:
        raise ValueError(f"not a behaviour key: {key!r}")
    return and_(col(Goal.behaviour) == key, col(Goal.unit) == units[0])


# --------------------------------------------------------------------------- gathering


@dataclass(frozen=True)
class Gathered:
    """One key's histories, and the deletion generation they were read under."""

    key: str
    generation: int
    histories: list[tuple[calibration.Goal, list[calibration.Attempt]]]  # one per goal
    users: int  # distinct people with evidence in them (skipped/missed-only people do not count)


async def keys_with_data(session: AsyncSession) -> list[str]:
    """Every behaviour key with at least one done or failed day, sorted."""
    statement = (
        select(Goal.behaviour, Goal.unit)
        .join(Challenge, col(Challenge.goal_id) == col(Goal.id))
        .where(col(Challenge.status).in_(EVIDENCE))
        .distinct()
    )
    pairs = (await session.exec(statement)).all()
    return sorted({fit_key(behaviour, unit) for behaviour, unit in pairs})


async def _generation(session: AsyncSession) -> int:
    statement = select(CalibrationSchedule.generation).where(
        col(CalibrationSchedule.id) == FIT_SCHEDULE_ID
    )
    found = (await session.exec(statement)).first()
    return 0 if found is None else int(found)


async def gather_histories(session: AsyncSession, key: str) -> Gathered:
    """Every goal of ``key`` with its settled days as core Attempts (oldest first), in one query.

    The generation is read first: a deletion committed after it makes ``store_priors`` refuse
    what is fitted from these histories (see the module's docstring).
    """
    generation = await _generation(session)
    statement = (
        select(Goal, Challenge)
        .join(Challenge, col(Challenge.goal_id) == col(Goal.id))
        .where(_goals_of(key), col(Challenge.status).in_(SETTLED))
        .order_by(col(Goal.id), col(Challenge.local_date))
    )
    histories: list[tuple[calibration.Goal, list[calibration.Attempt]]] = []
    users: set[int] = set()
    current: int | None = None
    for goal, challenge in (await session.exec(statement)).all():
        if goal.id != current:
            current = goal.id
            histories.append((core_goal(goal), []))
        attempt = core_attempt(challenge)
        histories[-1][1].append(attempt)
        if calibration.is_evidence(attempt):
            users.add(goal.user_id)  # only people whose answers the fit reads count
    return Gathered(key=key, generation=generation, histories=histories, users=len(users))


# --------------------------------------------------------------------------- fits


async def _ensure_schedule(session: AsyncSession) -> None:
    """The schedule's one row (0004 inserts it; this restores it if it was ever removed)."""
    table = CalibrationSchedule.__table__  # type: ignore[attr-defined]
    await session.exec(
        upsert_insert(session)(table)
        .values(id=FIT_SCHEDULE_ID, next_fit_at=None, claimed_until=None, generation=0)
        .on_conflict_do_nothing(index_elements=[table.c.id])
    )


async def store_priors(
    session: AsyncSession, key: str, priors: calibration.Priors, *, fitted_at: datetime,
    generation: int,
) -> bool:
    """Insert a fit of ``key``, unless a user was deleted since its histories were gathered
    (the generation moved on): then nothing is stored and False comes back."""
    current = (
        update(CalibrationSchedule)
        .where(col(CalibrationSchedule.id) == FIT_SCHEDULE_ID,
               col(CalibrationSchedule.generation) == generation)
        .values(generation=col(CalibrationSchedule.generation))  # locks the row until commit
        .execution_options(synchronize_session=False)
    )
    if rowcount(await session.exec(current)) != 1:
        return False
    session.add(CalibrationPriorsRow(
        behaviour=key, fitted_at=fitted_at, users=priors.users, attempts=priors.attempts,
        priors=priors.to_json(),
    ))
    await session.flush()
    return True


async def latest_priors(session: AsyncSession, key: str) -> calibration.Priors | None:
    """The newest stored fit of ``key``; None without one (planning uses the built-in settings).

    A row that no longer reads as Priors (an older version, a damaged value) is logged and
    treated as absent: planning never fails because of a stored fit.
    """
    statement = (
        select(CalibrationPriorsRow)
        .where(col(CalibrationPriorsRow.behaviour) == key)
        .order_by(col(CalibrationPriorsRow.fitted_at).desc(), col(CalibrationPriorsRow.id).desc())
        .limit(1)
    )
    row = (await session.exec(statement)).first()
    if row is None:
        return None
    try:
        return calibration.Priors.from_json(row.priors)
    except (ValueError, TypeError):
        log.warning("calibration priors row %s (%s) is unreadable; using the built-in settings",
                    row.id, key, exc_info=True)
        return None


async def priors_for_goal(session: AsyncSession, goal: Goal) -> calibration.Priors | None:
    """The settings to plan ``goal`` with: the latest fit of its key, else None (built-in)."""
    return await latest_priors(session, goal_key(goal))


# --------------------------------------------------------------------------- the daily claim


@dataclass(frozen=True)
class FitClaim:
    """A worker's hold on the daily fit: its lease end and the generation at the claim."""

    claimed_until: datetime
    generation: int


def _due(now: datetime) -> list[Any]:
    return [
        col(CalibrationSchedule.id) == FIT_SCHEDULE_ID,
        or_(col(CalibrationSchedule.next_fit_at).is_(None),
            col(CalibrationSchedule.next_fit_at) <= now),
        or_(col(CalibrationSchedule.claimed_until).is_(None),
            col(CalibrationSchedule.claimed_until) < now),
    ]


async def claim_fit(
    session: AsyncSession, now: datetime, *, lease: timedelta = FIT_LEASE
) -> FitClaim | None:
    """The daily fit if it is due and nobody holds it: leased to this worker until now + lease.

    The caller commits at once, so other workers see the lease. None: not due, or held.
    """
    candidate = (
        select(col(CalibrationSchedule.id)).where(*_due(now)).with_for_update(skip_locked=True)
    )
    if (await session.exec(candidate)).first() is None:
        exists = select(func.count()).select_from(CalibrationSchedule)
        if (await session.exec(exists)).one():
            return None  # not due, held, or locked by a worker claiming it right now
        await _ensure_schedule(session)
    until = now + lease
    statement = (
        update(CalibrationSchedule)
        .where(*_due(now))
        .values(claimed_until=until)
        .returning(col(CalibrationSchedule.generation))
        .execution_options(synchronize_session=False)
    )
    generation = (await session.exec(statement)).scalars().first()
    return None if generation is None else FitClaim(until, int(generation))


async def finish_fit(session: AsyncSession, claim: FitClaim, next_fit_at: datetime) -> bool:
    """Release the claim; the next fit is due at ``next_fit_at``, unless a user was deleted
    since the claim (then it stays due at once, so the refit leaves them out)."""
    statement = (
        update(CalibrationSchedule)
        .where(col(CalibrationSchedule.id) == FIT_SCHEDULE_ID,
               col(CalibrationSchedule.claimed_until) == claim.claimed_until)
        .values(
            claimed_until=None,
            next_fit_at=case(
                (col(CalibrationSchedule.generation) == claim.generation, next_fit_at),
                else_=col(CalibrationSchedule.next_fit_at),
            ),
        )
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


async def retry_fit(session: AsyncSession, claim: FitClaim, at: datetime) -> bool:
    """The fit failed: release the claim and make it due again at ``at``."""
    statement = (
        update(CalibrationSchedule)
        .where(col(CalibrationSchedule.id) == FIT_SCHEDULE_ID,
               col(CalibrationSchedule.claimed_until) == claim.claimed_until)
        .values(claimed_until=None, next_fit_at=at)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.exec(statement)) == 1


# --------------------------------------------------------------------------- deletion


async def forget_user(session: AsyncSession, user_id: int) -> list[str]:
    """Before a user's rows go: drop the stored fits of every key they had a goal in, refuse
    any fit gathered before now, and make the next fit due at once. The keys, sorted.

    Planning falls back to the built-in settings for those keys until the refit.
    """
    rows = (await session.exec(
        select(Goal.behaviour, Goal.unit).where(col(Goal.user_id) == user_id)
    )).all()
    keys = sorted({fit_key(behaviour, unit) for behaviour, unit in rows})
    if not keys:
        return []
    await _ensure_schedule(session)
    # First the schedule row (it serialises against store_priors), then the fits.
    await session.exec(
        update(CalibrationSchedule)
        .where(col(CalibrationSchedule.id) == FIT_SCHEDULE_ID)
        .values(generation=col(CalibrationSchedule.generation) + 1, next_fit_at=None)
        .execution_options(synchronize_session=False)
    )
    await session.exec(
        delete(CalibrationPriorsRow).where(col(CalibrationPriorsRow.behaviour).in_(keys))
    )
    return keys

