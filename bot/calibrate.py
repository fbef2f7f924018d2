"""The daily calibration fit: learn each behaviour's settings from everyone coached in it.

Once a day one worker claims the fit in the database (storage.priors.claim_fit: SKIP LOCKED on
PostgreSQL, compare-and-set on SQLite, with a lease), gathers every goal's history per behaviour
key, fits in a worker thread (``core.calibration.fit_priors`` is CPU work: the event loop must
keep answering) and stores one row per key. `notch calibrate` runs the same fit by hand.

A fit of a key is stored only if no user was deleted since its histories were read (see
storage.priors); a deletion also makes the next fit due at once, so the refit leaves them out.
A failure is logged and the fit is tried again after RETRY_AFTER; nothing is swallowed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Final

from core import calibration
from storage.db import Session
from storage.priors import (
    claim_fit,
    finish_fit,
    gather_histories,
    keys_with_data,
    retry_fit,
    store_priors,
)

__all__ = [
    "FIT_AT",
    "MIN_USERS",
    "RETRY_AFTER",
    "Fit",
    "FitRun",
    "Fitted",
    "describe",
    "describe_too_few",
    "fit_all",
    "fit_if_due",
    "fit_one",
    "next_fit_instant",
]

log = logging.getLogger(__name__)

Fit = Callable[[Sequence[tuple[calibration.Goal, Sequence[calibration.Attempt]]]],
               calibration.Priors]
Sessions = Callable[[], Session]

FIT_AT: Final = time(3, 0)  # UTC: a quiet hour for most of Europe and the Americas
RETRY_AFTER: Final = timedelta(hours=1)
MIN_USERS: Final = 20
"""A key is fitted only from this many people on. Below it the "aggregate" would be a handful
of people's answers (one person's, at worst: not an aggregate at all), and planning keeps the
built-in settings, which are what a handful of users would shrink to anyway."""


@dataclass(frozen=True)
class Fitted:
    """One key's fit and whether it was stored (False: a user was deleted meanwhile)."""

    key: str
    priors: calibration.Priors
    stored: bool


@dataclass
class FitRun:
    fitted: list[Fitted] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # keys whose fit raised (logged)
    too_few: dict[str, int] = field(default_factory=dict)  # key -> users, below MIN_USERS


def next_fit_instant(now: datetime) -> datetime:
    """The first FIT_AT (UTC) after ``now``."""
    at = datetime.combine(now.astimezone(UTC).date(), FIT_AT, tzinfo=UTC)
    return at if at > now else at + timedelta(days=1)


def _fit_priors(
    histories: Sequence[tuple[calibration.Goal, Sequence[calibration.Attempt]]],
) -> calibration.Priors:
    return calibration.fit_priors(histories)  # looked up at call time


async def fit_one(
    sessions: Sessions, key: str, now: datetime, fit: Fit, *, min_users: int = MIN_USERS
) -> Fitted | int:
    """Gather, fit (in a thread) and store one key; the number of users instead when they are
    fewer than ``min_users`` (nothing is fitted or stored)."""
    async with sessions() as session:
        gathered = await gather_histories(session, key)
    if not gathered.histories or gathered.users < min_users:
        return gathered.users
    priors = await asyncio.to_thread(fit, gathered.histories)
    async with sessions() as session:
        stored = await store_priors(session, key, priors, fitted_at=now,
                                    generation=gathered.generation)
        await session.commit()
    if not stored:
        log.info("calibration fit of %s not stored: a user was deleted during it", key)
    return Fitted(key, priors, stored)


async def fit_all(
    sessions: Sessions, now: datetime, fit: Fit | None = None, *, min_users: int | None = None
) -> FitRun:
    """Fit every behaviour key with data, one after another; a key that fails is logged and
    the others still run."""
    chosen = fit or _fit_priors
    least = MIN_USERS if min_users is None else min_users
    async with sessions() as session:
        keys = await keys_with_data(session)
    run = FitRun()
    for key in keys:
        try:
            fitted = await fit_one(sessions, key, now, chosen, min_users=least)
        except Exception:
            log.exception("calibration fit of %s failed", key)
            run.failed.append(key)
            continue
        if isinstance(fitted, Fitted):
            run.fitted.append(fitted)
        else:
            run.too_few[key] = fitted
    return run


async def fit_if_due(
    sessions: Sessions, now: datetime, fit: Fit | None = None, *, min_users: int | None = None
) -> FitRun | None:
    """The daily fit job's step (bot.scheduler.fit_calibration): if the daily fit is due and
    this worker wins its claim, run it.

    None when it was not this worker's to run. On success the next fit is due at the next
    FIT_AT; after any failure, RETRY_AFTER from now.
    """
    async with sessions() as session:
        claim = await claim_fit(session, now)
        await session.commit()
    if claim is None:
        return None
    try:
        run = await fit_all(sessions, now, fit, min_users=min_users)
    except Exception:
        log.exception("the calibration fit failed; trying again after %s", RETRY_AFTER)
        run = None
    async with sessions() as session:
        if run is None or run.failed:
            await retry_fit(session, claim, now + RETRY_AFTER)
        elif not await finish_fit(session, claim, next_fit_instant(now)):
            log.warning("the calibration fit outlived its claim (another worker took it over)")
        await session.commit()
    if run is not None and run.fitted:
        log.info("calibration fitted %s", ", ".join(
            f"{f.key} ({f.priors.users} users)" for f in run.fitted if f.stored))
    return run


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def describe(fitted: Fitted) -> str:
    """One line for `notch calibrate`: how much data, and what moved from the defaults."""
    head = (f"{fitted.key}: {_count(fitted.priors.users, 'user', 'users')}, "
            f"{_count(fitted.priors.attempts, 'attempt', 'attempts')}")
    if not fitted.stored:
        return f"{head}; not stored (a user was deleted during the fit: run it again)"
    changes = fitted.priors.changes()
    if not changes:
        return f"{head}; same as the defaults"
    moved = ", ".join(f"{name} {old:.3f} -> {new:.3f}" for name, (old, new) in changes.items())
    return f"{head}; {moved}"


def describe_too_few(key: str, users: int) -> str:
    """One line for `notch calibrate`: a key left at the built-in settings."""
    return (f"{key}: {_count(users, 'user', 'users')}, too few to learn from (at least "
            f"{MIN_USERS}); planning keeps the built-in settings")
