"""The scheduler tick: one function of `now` that turns due rows into messages.

Run every 30 s by PTB's JobQueue (APScheduler). No per-user jobs exist: each tick asks the
database what is due, so a restart rebuilds nothing and catch-up after downtime is natural — past
days are closed (missed), today's challenge still goes out while the day allows, nothing floods.
Every step claims its rows first (SKIP LOCKED / compare-and-set, storage/scheduling.py), so
several workers can tick at once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, TypeVar

from telegram import Bot
from telegram.ext import Application, ContextTypes

from bot.calibrate import fit_if_due
from bot.daily import amount_text, deliver_challenge, plan_day, resend_snoozed
from bot.keyboards import challenge_keyboard
from bot.review import compose_review
from bot.sender import Outbound, Result, deliver
from bot.services import Services
from bot.services import services as services_of
from bot.texts import checkin as texts
from bot.texts import settings as settings_texts
from core.clock import local_day, send_instant_for_day
from core.schedule import LATEST_SEND, next_plan_instant, still_sendable
from core.vocabulary import ChallengeStatus
from storage.challenges import owner_of
from storage.db import Session
from storage.goals import active_goal
from storage.models import User
from storage.scheduling import (
    advance_user,
    claim_due_challenges,
    claim_due_followups,
    claim_due_reviews,
    claim_due_snoozes,
    claim_due_users,
    close_past_days,
    drop_followup,
    mark_followup_sent,
    mark_review_sent,
    pause_for_silence,
    postpone_review,
    resume_due_paused,
    silent_week,
    taken_days,
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

    def __bool__(self) -> bool:
        return any(vars(self).values())


async def tick(services: Services, bot: Bot, now: datetime) -> TickReport:
    report = TickReport()
    async with services.session() as session:
        report.closed = len(await close_past_days(session, now))
        report.resumed = len(await resume_due_paused(session, now))
        await session.commit()
    silent = await _plan_due_users(services, now, report)
    await _tell_paused(services, bot, now, silent)
    await _send_due_challenges(services, bot, now, report)
    await _send_due_followups(services, bot, now, report)
    await _send_due_snoozes(services, bot, now, report)
    await _send_due_reviews(services, bot, now, report)
    if report:
        log.info("tick at %s: %s", now.isoformat(), report)
    return report


async def _plan_due_users(services: Services, now: datetime, report: TickReport) -> list[User]:
    """Plan today's challenge for every user whose send time has come, and move them on; a user
    silent for a week is paused instead (returned, to be told)."""
    silent: list[User] = []
    async with services.session() as session:
        for user in await claim_due_users(session, now):
            assert user.id is not None and user.next_send_at is not None
            goal = await active_goal(session, user.id)
            today = local_day(now, user.timezone)
            upcoming = None if goal is None or goal.id is None else next_plan_instant(
                now, user.timezone, user.send_time, await taken_days(session, goal.id, today)
            )  # the next day with no challenge yet: the rule every announcement reads
            if not await advance_user(session, user.id, user.next_send_at, upcoming):
                continue  # another worker moved this user on
            if goal is None or goal.id is None:
                continue
            send_at = send_instant_for_day(today, user.timezone, user.send_time)
            if send_at > now:
                continue  # today's time is still ahead (the schedule was stale)
            if not still_sendable(today, user.timezone, user.send_time, now):
                report.too_late += 1
                log.info("user %s: today's challenge skipped, the tick came after %s local",
                         user.id, LATEST_SEND)
                continue
            if await silent_week(session, goal.id, today) and await pause_for_silence(
                    session, user.id, now):
                silent.append(user)
                report.silenced += 1
                continue
            await plan_day(session, user, goal, today, send_at)
            report.planned += 1
        await session.commit()
    return silent


async def _tell_paused(services: Services, bot: Bot, now: datetime, silent: list[User]) -> None:
    """One kind message to each user just paused for silence, saying how to come back. Sent
    after the pause is committed: a crash in between leaves the pause untold (never twice)."""
    for user in silent:
        assert user.id is not None
        try:
            await deliver(services, bot, Outbound(user_id=user.id, chat_id=user.chat_id),
                          settings_texts.SILENCE_PAUSED, now)
        except Exception:
            log.exception("telling user %s of the pause for silence failed", user.id)


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
        try:
            if await send(item):
                sent += 1
            else:
                declined += 1
        except Exception:
            log.exception("sending %s failed", describe(item))
            broken += 1
    return sent, declined, broken


async def _send_due_challenges(
    services: Services, bot: Bot, now: datetime, report: TickReport
) -> None:
    sent, declined, broken = await _send_claimed(
        services, now, claim_due_challenges,
        lambda challenge_id: deliver_challenge(services, bot, challenge_id, now),
        lambda challenge_id: f"challenge {challenge_id}",
    )
    report.sent += sent
    report.unsent += declined + broken


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
    text = texts.FOLLOWUP.format(amount=amount_text(goal, challenge.amount))
    sent = await deliver(services, bot, to, text, now, challenge_keyboard(challenge_id))
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


def services_of_application(application: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    found = application.bot_data["services"]
    assert isinstance(found, Services)
    return found


def start(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Run the tick every 30 s, and the daily fit's claim every minute, on the application's job
    queue (called from post_init)."""
    if application.job_queue is None:
        raise RuntimeError("the job queue is missing: install python-telegram-bot[job-queue]")
    application.job_queue.run_repeating(
        _run,
        interval=INTERVAL,
        first=timedelta(seconds=services_of_application(application).first_tick),
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
