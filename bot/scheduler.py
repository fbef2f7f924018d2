"""The scheduler tick: one function of `now` that turns due rows into messages.

Run every 30 s by PTB's JobQueue (APScheduler). No per-user jobs exist: each tick asks the
database what is due, so a restart rebuilds nothing and catch-up after downtime is natural — past
days are closed (missed), today's challenge still goes out while the day allows, nothing floods.
Every step claims its rows first (SKIP LOCKED / compare-and-set, storage/scheduling.py), so
several workers can tick at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, TypeVar

from telegram import Bot
from telegram.ext import Application, ContextTypes

from bot.calibrate import fit_if_due
from bot.daily import amount_text, resend_snoozed
from bot.fanout import FanoutCounts, plan_due, send_due
from bot.i18n import _, locale_of, speaking_to, use_locale
from bot.keyboards import challenge_keyboard
from bot.review import compose_review
from bot.sender import Outbound, Result, deliver
from bot.services import Services, of_application
from bot.services import services as services_of
from bot.texts import checkin as texts
from bot.texts import settings as settings_texts
from core.clock import send_instant_for_day
from core.schedule import LATEST_SEND
from core.vocabulary import ChallengeStatus
from storage.challenges import owner_of
from storage.db import Session
from storage.fanout import DueUser
from storage.goals import active_goal
from storage.scheduling import (
    claim_due_followups,
    claim_due_reviews,
    claim_due_snoozes,
    close_past_days,
    drop_followup,
    mark_followup_sent,
    mark_review_sent,
    postpone_review,
    resume_due_paused,
)
from storage.users import get_user

log = logging.getLogger(__name__)

INTERVAL: Final = 30  # seconds between ticks
JOB_NAME: Final = "notch-tick"
# The daily calibration fit tries its claim this often (a cheap one-row query until it is due).
FIT_INTERVAL: Final = 60
FIT_JOB_NAME: Final = "notch-calibration-fit"

Claimed = TypeVar("Claimed")  # what a claim returns per row: a challenge id, (user id, lease)


@dataclass
class TickReport:
    """What one tick did, for logs and tests."""

    closed: int = 0  # days closed as missed
    resumed: int = 0  # paused users whose day came
    planned: int = 0  # users whose day was planned
    silenced: int = 0  # users paused after a week of silence (each told once)
    too_late: int = 0  # days skipped quietly: the tick came after 21:00 local
    sent: int = 0  # daily messages delivered
    followups: int = 0  # reminders delivered
    snoozed: int = 0  # snoozed challenges brought back ("Later")
    reviews: int = 0  # weekly reviews delivered
    unsent: int = 0  # sends that failed (postponed, blocked or rejected; all logged)
    late_s: float | None = None  # how late the last daily message went out against its due_at

    def __bool__(self) -> bool:
        return any(vars(self).values())


def _tick_clock(now: datetime) -> Callable[[], datetime]:
    """`now` moved on by the time the tick has taken: a long fan-out claims each later batch (and
    sets its lease) at that batch's own time, so a lease never starts out already expired."""
    started = time.monotonic()
    return lambda: now + timedelta(seconds=time.monotonic() - started)


async def tick(services: Services, bot: Bot, now: datetime) -> TickReport:
    """Close past days, plan (ahead) and send the daily fan-out (bot/fanout.py), then reminders,
    snoozes and reviews."""
    report = TickReport()
    async with services.session() as session:
        report.closed = len(await close_past_days(session, now))
        report.resumed = len(await resume_due_paused(session, now))
        await session.commit()
    fanout = FanoutCounts()
    clock = _tick_clock(now)
    silent = await plan_due(services, now, fanout, clock)
    await _tell_paused(services, bot, now, silent)
    await send_due(services, bot, now, fanout, clock)
    report.planned, report.too_late, report.silenced = (
        fanout.planned, fanout.too_late, fanout.silenced)
    report.sent, report.unsent, report.late_s = fanout.sent, fanout.unsent, fanout.late_s
    await _send_due_followups(services, bot, now, report)
    await _send_due_snoozes(services, bot, now, report)
    await _send_due_reviews(services, bot, now, report)
    if report:
        log.info("tick at %s: %s", now.isoformat(), report)
    return report


async def _tell_paused(services: Services, bot: Bot, now: datetime,
                       silent: list[DueUser]) -> None:
    """One kind message to each user just paused for silence, saying how to come back. Sent
    after the pause is committed: a crash in between leaves the pause untold (never twice)."""
    for user in silent:
        with use_locale(locale_of(user.locale, user.language_code)):
            told = _(settings_texts.SILENCE_PAUSED)
        try:
            await deliver(services, bot, Outbound(user_id=user.user_id, chat_id=user.chat_id),
                          told, now)
        except Exception:
            log.exception("telling user %s of the pause for silence failed", user.user_id)


async def fit_calibration(services: Services, now: datetime) -> int:
    """The daily calibration fit, on its own job so that no tick (and no send) waits behind it:
    one worker a day claims it, the CPU work runs in a thread, and a failure is logged and
    retried later (bot/calibrate.py). How many behaviour keys were fitted and stored."""
    try:
        run = await fit_if_due(services.session, now)
    except Exception:  # the claim itself failed (database): the next try claims again
        log.exception("the calibration fit could not be claimed")
        return 0
    return 0 if run is None else sum(1 for fitted in run.fitted if fitted.stored)


async def _send_claimed(
    services: Services,
    now: datetime,
    claim: Callable[[Session, datetime], Awaitable[Sequence[Claimed]]],
    send: Callable[[Claimed], Awaitable[bool]],
    describe: Callable[[Claimed], str],
) -> tuple[int, int, int]:
    """Claim due rows (committed at once, so other workers skip them), then send each one.

    Returns (sent, not sent, broken). A broken row must not stop the others: its lease lapses
    and a later tick tries it again.
    """
    async with services.session() as session:
        claimed = await claim(session, now)
        await session.commit()
    sent = declined = broken = 0
    for item in claimed:
        if services.stopping.is_set():  # a graceful stop: the rest go after their lease
            break
        try:
            if await send(item):
                sent += 1
            else:
                declined += 1
        except Exception:
            log.exception("sending %s failed", describe(item))
            broken += 1
    return sent, declined, broken


async def _send_due_followups(
    services: Services, bot: Bot, now: datetime, report: TickReport
) -> None:
    """A reminder not sent on purpose (answered meanwhile, or too late at night) is no failure."""
    sent, _, broken = await _send_claimed(
        services, now, claim_due_followups,
        lambda challenge_id: _send_followup(services, bot, challenge_id, now),
        lambda challenge_id: f"the reminder for challenge {challenge_id}",
    )
    report.followups += sent
    report.unsent += broken


async def _send_due_snoozes(
    services: Services, bot: Bot, now: datetime, report: TickReport
) -> None:
    """Challenges whose snooze ended, sent again (one dropped after 21:00 is no failure)."""
    sent, _, broken = await _send_claimed(
        services, now, claim_due_snoozes,
        lambda challenge_id: resend_snoozed(services, bot, challenge_id, now),
        lambda challenge_id: f"snoozed challenge {challenge_id}",
    )
    report.snoozed += sent
    report.unsent += broken


async def _send_followup(services: Services, bot: Bot, challenge_id: int, now: datetime) -> bool:
    async with services.session() as session:
        owned = await owner_of(session, challenge_id)
        if owned is None or owned.challenge.status != ChallengeStatus.SENT:
            return False
        challenge, goal, user = owned.challenge, owned.goal, owned.user
        latest = send_instant_for_day(challenge.local_date, user.timezone, LATEST_SEND)
        if now > latest:  # came too late (downtime): no reminders at night
            await drop_followup(session, challenge_id)
            await session.commit()
            return False
    assert user.id is not None
    to = Outbound(user_id=user.id, chat_id=user.chat_id, challenge_id=challenge_id,
                  followup=True, attempts=challenge.send_attempts)
    with speaking_to(user):
        text = _(texts.FOLLOWUP).format(amount=amount_text(goal, challenge.amount))
        buttons = challenge_keyboard(challenge_id)
    sent = await deliver(services, bot, to, text, now, buttons)
    if sent.result is not Result.SENT:
        return False
    async with services.session() as session:
        await mark_followup_sent(session, challenge_id, now)
        await session.commit()
    return True


async def _send_due_reviews(
    services: Services, bot: Bot, now: datetime, report: TickReport
) -> None:
    """Weekly reviews due now (after the day's challenge, which the same tick sent first)."""
    sent, _, broken = await _send_claimed(
        services, now, claim_due_reviews,
        lambda claimed: send_review(services, bot, *claimed, now),
        lambda claimed: f"the weekly review to user {claimed[0]}",
    )
    report.reviews += sent
    report.unsent += broken


async def send_review(
    services: Services, bot: Bot, user_id: int, leased_until: datetime, now: datetime
) -> bool:
    """Compose and send one claimed review, then move it to next week (a crash between the send
    and that mark sends it once more after the lease: the one duplicate window)."""
    async with services.session() as session:
        user = await get_user(session, user_id)
        goal = None if user is None else await active_goal(session, user_id)
        if user is None or goal is None:
            await mark_review_sent(session, user_id, leased_until, now)
            await session.commit()
            return False
        with speaking_to(user):
            text, markup = await compose_review(session, user, goal, now)
    sent = await deliver(services, bot, Outbound(user_id=user_id, chat_id=user.chat_id), text,
                         now, markup)
    async with services.session() as session:
        if sent.result is Result.RETRY and sent.retry_at is not None:
            await postpone_review(session, user_id, leased_until, sent.retry_at)
        elif sent.result is not Result.BLOCKED:  # sent, or refused for good: next week's
            await mark_review_sent(session, user_id, leased_until, now)
        await session.commit()
    return sent.result is Result.SENT


async def _run(context: ContextTypes.DEFAULT_TYPE) -> None:
    found = services_of(context)
    await tick(found, context.bot, found.clock())


async def _run_fit(context: ContextTypes.DEFAULT_TYPE) -> None:
    found = services_of(context)
    await fit_calibration(found, found.clock())


def start(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Run the tick every 30 s, and the daily fit's claim every minute, on the application's job
    queue (called from post_init)."""
    if application.job_queue is None:
        raise RuntimeError("the job queue is missing: install python-telegram-bot[job-queue]")
    application.job_queue.run_repeating(
        _run,
        interval=INTERVAL,
        first=timedelta(seconds=of_application(application).first_tick),
        name=JOB_NAME,
        job_kwargs={"misfire_grace_time": 300, "coalesce": True, "max_instances": 1},
    )
    application.job_queue.run_repeating(
        _run_fit,
        interval=FIT_INTERVAL,
        first=timedelta(seconds=FIT_INTERVAL),
        name=FIT_JOB_NAME,
        job_kwargs={"misfire_grace_time": 300, "coalesce": True, "max_instances": 1},
    )
