"""The daily fan-out in batches: plan a batch of due users in a few queries, ahead of their send
time, then send the due challenges concurrently and mark them sent in groups.

Why: one user at a time, with several sessions and commits per message, the tick spent ~33 ms
of CPU per message (~62 ms with a year of history) and sent 15.5 a second (issue 13). The
calibrator's decision is unchanged (core.calibration.next_challenge, fed the same history).

Planning ahead: users due within PLAN_AHEAD get their day planned now; the row waits 'planned'
with ``due_at`` at their send time, and the send claim takes it only once that has come. So at
the minute only sending is left. What that changes, and only that: an answer given in the last
PLAN_AHEAD before the send reaches the calibrator from the next day's plan on. A day whose
previous day has not closed yet (send times within PLAN_AHEAD after 04:00) is planned at its
send time as before, so the day-close's "missed" is always seen.

Sending: earliest due first; SEND_CONCURRENCY messages in flight; delivered ones are marked in
groups (``WHERE status = 'planned'``) as soon as the previous group's mark committed. Every
guarantee of bot/daily.py holds per message: a claimed row whose send fails is postponed or
held by bot.sender.deliver, a row never marked keeps its lease and is sent again after it.
What remains of the duplicate window: a process killed mid-batch re-sends, once each, the
messages it delivered but had not marked yet: those in flight (at most SEND_CONCURRENCY) and
those delivered during the last mark's round trip (one at a low rate).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from telegram import Bot

from bot.daily import daily_words
from bot.i18n import _, locale_of, use_locale
from bot.keyboards import challenge_keyboard, late_keyboard
from bot.sender import Outbound, Result, deliver
from bot.services import Services
from bot.texts import checkin as texts
from bot.texts.format import format_amount
from core.calibration import Plan, Priors, next_challenge
from core.clock import day_close_instant, followup_instant, local_day, send_instant_for_day
from core.schedule import LATEST_SEND, next_plan_instant, silent_for_a_week, still_sendable
from storage.fanout import (
    DueUser,
    GoalFacts,
    NewChallenge,
    Sendable,
    SentMark,
    advance_users,
    claim_users_to_plan,
    clear_checkins,
    goal_facts,
    insert_challenges,
    load_sendable,
    mark_sent_many,
    priors_for_keys,
)
from storage.scheduling import claim_due_challenges, pause_for_silence, release_claims

log = logging.getLogger(__name__)

PLAN_AHEAD: Final = timedelta(minutes=5)
"""How far ahead of the send time a day is planned. Long enough that a burst (100,000 people at
07:00) is planned before its minute by the ticks (every 30 s) of a few processes at a few ms per
person; short enough that an answer given meanwhile is rare, and that a changed send time or
pause within it is rarely already planned."""
PLAN_BATCH: Final = 200
"""Users claimed and planned per transaction: a few queries each; a year of history is ~365
rows per user, so a batch reads ~73,000 history rows (memory stays flat whatever N is)."""
SEND_BATCH: Final = 500
"""Challenges claimed (leased) per send round; far fewer than a lease's worth at 25 a second."""
SEND_CONCURRENCY: Final = 32
"""Messages in flight at once: enough to keep a 1,000-a-second lane busy at ~100 ms a request."""
MARK_MOST: Final = 200
"""At most this many delivered messages are marked sent per transaction. A delivered message
is marked as soon as the previous mark has committed (one at a time), so at a low rate each is
marked alone, and under load the group is what arrived during one mark."""


@dataclass
class FanoutCounts:
    """What the fan-out did in one tick (merged into the tick's report)."""

    planned: int = 0
    too_late: int = 0
    silenced: int = 0
    sent: int = 0
    unsent: int = 0
    late_s: float | None = None  # how late the tick's last send was against its due time


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True, slots=True)
class _Day:
    """The day a claimed user's tick is about: the local today and the day to plan."""

    user: DueUser
    today: date
    day: date
    send_at: datetime


def _day_of(user: DueUser, now: datetime) -> _Day:
    today = local_day(now, user.timezone)
    day = local_day(user.next_send_at, user.timezone) if user.next_send_at > now else today
    return _Day(user, today, day, send_instant_for_day(day, user.timezone, user.send_time))


def _plan_all(
    wanted: Sequence[tuple[_Day, GoalFacts]], priors: dict[str, Priors | None]
) -> list[NewChallenge]:
    """The calibrator's plan for each wanted day (pure CPU work: run off the event loop)."""
    planned: list[NewChallenge] = []
    for found, facts in wanted:
        user = found.user
        assert user.goal is not None and user.goal_id is not None
        plan: Plan = next_challenge(user.goal, facts.history, found.day, priors=priors[user.key])
        planned.append(NewChallenge(user.goal_id, found.day, plan, found.send_at,
                                    day_close_instant(found.day, user.timezone)))
    return planned


async def plan_due(services: Services, now: datetime, counts: FanoutCounts,
                   clock: Callable[[], datetime]) -> list[DueUser]:
    """Plan every user due by now + PLAN_AHEAD, batch by batch, and move each on; users silent
    for a week are paused instead (returned, to be told)."""
    silent: list[DueUser] = []
    after: tuple[datetime, int] | None = None
    while not services.stopping.is_set():
        async with services.session() as session:
            batch = await claim_users_to_plan(session, now + PLAN_AHEAD, limit=PLAN_BATCH,
                                              after=after)
            if not batch:
                break
            after = (batch[-1].next_send_at, batch[-1].user_id)
            days = [_day_of(user, now) for user in batch]
            facts = await goal_facts(session, {
                found.user.goal_id: (found.today, found.day) for found in days
                if found.user.goal_id is not None})
            moves: list[tuple[int, datetime, datetime | None]] = []
            wanted: list[tuple[_Day, GoalFacts]] = []
            hush: list[tuple[_Day, GoalFacts]] = []
            for found in days:
                user = found.user
                if user.goal_id is None:
                    moves.append((user.user_id, user.next_send_at, None))
                    continue
                goal = facts[user.goal_id]
                plan = _decide(found, goal, now, counts)
                taken = goal.taken | {found.day} if plan else goal.taken
                moves.append((user.user_id, user.next_send_at, next_plan_instant(
                    now, user.timezone, user.send_time, taken)))
                if plan:
                    quiet = silent_for_a_week(goal.unanswered, found.day)
                    (hush if quiet else wanted).append((found, goal))
            moved = await advance_users(session, moves)  # another worker moved the rest on
            for found, goal in hush:
                if found.user.user_id not in moved:
                    continue
                if await pause_for_silence(session, found.user.user_id, now):
                    silent.append(found.user)
                    counts.silenced += 1
                else:  # no longer active (a /stop meanwhile): as before, the day is planned
                    wanted.append((found, goal))
            wanted = [(found, goal) for found, goal in wanted if found.user.user_id in moved]
            priors = await priors_for_keys(session, {found.user.key for found, _ in wanted})
            planned = await asyncio.to_thread(_plan_all, wanted, priors)
            await insert_challenges(session, planned)
            await session.commit()
        counts.planned += len(planned)
        if len(batch) < PLAN_BATCH:
            break
        now = max(now, clock())
    return silent


def _decide(found: _Day, goal: GoalFacts, now: datetime, counts: FanoutCounts) -> bool:
    """Whether to plan the user's day now (the day is taken from then on)."""
    user = found.user
    if found.send_at > now:  # ahead of time: only within the window, after yesterday closed
        return (found.send_at <= now + PLAN_AHEAD
                and day_close_instant(found.day - timedelta(days=1), user.timezone) <= now)
    if not still_sendable(found.day, user.timezone, user.send_time, now):
        counts.too_late += 1
        log.info("user %s: today's challenge skipped, the tick came after %s local",
                 user.user_id, LATEST_SEND)
        return False
    return True


# --------------------------------------------------------------------------- sending


async def send_due(services: Services, bot: Bot, now: datetime, counts: FanoutCounts,
                   clock: Callable[[], datetime]) -> None:
    """Send every planned challenge due by now, earliest first, in rounds of SEND_BATCH; each
    round's claim (and lease) is taken at that round's own time."""
    while not services.stopping.is_set():
        async with services.session() as session:
            ids = await claim_due_challenges(session, now, limit=SEND_BATCH)
            rows = await load_sendable(session, ids)
            await session.commit()
        if not ids:
            break
        await _send_round(services, bot, rows, now, counts, clock)
        if len(ids) < SEND_BATCH:
            break
        now = max(now, clock())
    if counts.late_s is not None:
        log.info("daily fan-out: %d sent, the last %.1f s after its due time", counts.sent,
                 counts.late_s)


async def _send_round(services: Services, bot: Bot, rows: Sequence[Sendable], now: datetime,
                      counts: FanoutCounts, instant: Callable[[], datetime]) -> None:
    gate = asyncio.Semaphore(SEND_CONCURRENCY)
    waiting: list[SentMark] = []
    marking: list[bool] = []  # non-empty while a mark runs
    handed_back: list[int] = []  # not sent because the process is stopping

    async def mark() -> None:
        group = waiting[:MARK_MOST]
        del waiting[:MARK_MOST]
        if not group:
            return
        try:
            async with services.session() as session:
                marked = await mark_sent_many(session, group, now)
                await clear_checkins(session, [item.user_id for item in group])
                await session.commit()
        except Exception:  # delivered but unmarked: sent again after the lease, once
            log.exception("marking %d delivered challenges failed; they go out again after "
                          "their lease", len(group))
            counts.unsent += len(group)
            return
        counts.sent += len(group)
        for item in group:
            if item.challenge_id not in marked:
                log.warning("challenge %s was sent but had already left 'planned'",
                            item.challenge_id)

    async def one(row: Sendable) -> None:
        try:
            async with gate:
                if services.stopping.is_set():  # a graceful stop sends nothing new
                    handed_back.append(row.challenge_id)
                    return
                sent = await _send_one(services, bot, row, now)
        except Exception:  # one broken row must not stop the others: its lease lapses
            log.exception("sending challenge %s failed", row.challenge_id)
            sent = None
        if sent is None:
            counts.unsent += 1
            return
        counts.late_s = (instant() - row.due_at).total_seconds()
        waiting.append(sent)
        if not marking:  # one marker at a time takes all that waits: groups grow with the load
            marking.append(True)
            try:
                while waiting:
                    await mark()
            finally:
                marking.clear()

    async with asyncio.TaskGroup() as group:
        for row in rows:
            group.create_task(one(row))
    await mark()
    if handed_back:
        async with services.session() as session:
            await release_claims(session, handed_back)
            await session.commit()
        log.info("stopping: %d claimed challenges handed back unsent", len(handed_back))


async def _send_one(services: Services, bot: Bot, row: Sendable, now: datetime
                    ) -> SentMark | None:
    """Yesterday's late question first (if it went out and closed unanswered), then the day's
    message; what to mark, or None if it did not go out (deliver recorded why)."""
    with use_locale(locale_of(row.locale, row.language_code)):
        return await _deliver_day(services, bot, row, now)


async def _deliver_day(services: Services, bot: Bot, row: Sendable, now: datetime
                       ) -> SentMark | None:
    to = Outbound(user_id=row.user_id, chat_id=row.chat_id, challenge_id=row.challenge_id,
                  attempts=row.attempts, close_at=row.close_at)
    if row.missed_id is not None:
        question = _(texts.LATE_QUESTION).format(amount=format_amount(row.missed_amount, row.unit))
        asked = await deliver(services, bot, to, question, now, late_keyboard(row.missed_id))
        if asked.result is not Result.SENT:
            return None
    text = daily_words(row.unit, row.amount, row.reason_key, row.facts, row.confidence)
    sent = await deliver(services, bot, to, text, now,
                         challenge_keyboard(row.challenge_id, row.confidence))
    if sent.result is not Result.SENT or sent.message is None:
        return None
    return SentMark(row.challenge_id, row.user_id, sent.message.message_id,
                    followup_instant(now, row.timezone))
