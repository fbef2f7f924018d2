"""The one way the tick writes to a user, and what each of Telegram's refusals means for the row.

Every send here is a scheduled one, so it first takes a slot of the broadcast lane (the budget
shared by every process, bot/lanes.py) and is sent inside `broadcasting()`, where the rate limiter
keeps the per-chat pace but hands a 429 straight back. Nothing is swallowed: every failure is
logged, and the row's state says what happens next, so a message is neither lost nor sent twice.

* `Forbidden` (403): the user blocked the bot → user 'blocked', no `next_send_at`, stop (one log
  line, when the status changes; a message from them, or unblocking, makes them active again).
* `RetryAfter` (429): Telegram says wait → the whole broadcast lane pauses that long (every
  process), and the row is postponed by exactly that long; replies are not paused.
* `TimedOut` / `NetworkError` (5xx, connection): back-off 30 s, 60 s, … at most 30 min.
* `BadRequest` (400): the request itself is wrong and will never succeed → logged as an error and
  held (the daily row until its day closes, a reminder dropped) instead of retried forever.

`BadRequest` and `TimedOut` are subclasses of `NetworkError`, so they are caught first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.lanes import FREE_BROADCAST_PER_SECOND, broadcasting, retry_seconds
from bot.services import Services
from storage.scheduling import drop_followup, mark_blocked, postpone, reject

log = logging.getLogger(__name__)

BACKOFF_FIRST: Final = timedelta(seconds=30)
BACKOFF_MAX: Final = timedelta(minutes=30)
HOLD_REJECTED: Final = timedelta(days=1)


class Result(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"
    RETRY = "retry"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Outbound:
    """Who a message goes to and which row it belongs to (None: a message with no row)."""

    user_id: int
    chat_id: int
    challenge_id: int | None = None
    followup: bool = False  # the row's reminder, not its daily message
    attempts: int = 0  # earlier tries of this row, for the back-off
    close_at: datetime | None = None  # until when a rejected daily message is held


@dataclass(frozen=True)
class Delivery:
    result: Result
    message: Message | None = None
    retry_at: datetime | None = None


def backoff(attempts: int) -> timedelta:
    """30 s after the first failure, doubling, never more than 30 minutes."""
    delay: timedelta = BACKOFF_FIRST * (2 ** min(max(attempts, 0), 16))
    return min(delay, BACKOFF_MAX)


async def deliver(
    services: Services,
    bot: Bot,
    to: Outbound,
    text: str,
    now: datetime,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> Delivery:
    """Send `text`; on failure, record what Telegram's answer means and say so."""
    kind = "reminder" if to.followup else "daily"
    what = f"user {to.user_id} challenge {to.challenge_id} ({kind})"
    lane = services.broadcast
    paid = services.settings.broadcast_per_second > FREE_BROADCAST_PER_SECOND
    try:
        if lane is not None:
            await lane.acquire()
        with broadcasting():
            message = await bot.send_message(to.chat_id, text, reply_markup=reply_markup,
                                             allow_paid_broadcast=True if paid else None)
    except Forbidden as exc:
        async with services.session() as session:
            changed = await mark_blocked(session, to.user_id)
            await session.commit()
        if changed:
            log.warning("send to %s refused (%s): the user blocked the bot; stop sending", what,
                        exc)
        return Delivery(Result.BLOCKED)
    except RetryAfter as exc:
        wait = retry_seconds(exc)
        retry_at = now + timedelta(seconds=wait)
        if lane is not None:
            await lane.pause(wait)
        log.warning("send to %s throttled by Telegram: broadcast lane paused %.0f s, retry at %s",
                    what, wait, retry_at.isoformat())
        await _postpone(services, to, retry_at)
        return Delivery(Result.RETRY, retry_at=retry_at)
    except BadRequest as exc:
        log.error("send to %s rejected by Telegram as a bad request: %s; not retrying", what, exc)
        await _hold(services, to, now)
        return Delivery(Result.REJECTED)
    except (TimedOut, NetworkError) as exc:
        retry_at = now + backoff(to.attempts)
        log.warning("send to %s failed (%s: %s): retry at %s", what, type(exc).__name__, exc,
                    retry_at.isoformat())
        await _postpone(services, to, retry_at)
        return Delivery(Result.RETRY, retry_at=retry_at)
    except TelegramError as exc:  # ChatMigrated, Conflict, …: unexpected here; back off, loudly
        retry_at = now + backoff(to.attempts)
        log.error("send to %s failed unexpectedly (%s: %s): retry at %s", what,
                  type(exc).__name__, exc, retry_at.isoformat())
        await _postpone(services, to, retry_at)
        return Delivery(Result.RETRY, retry_at=retry_at)
    return Delivery(Result.SENT, message=message)


async def _postpone(services: Services, to: Outbound, until: datetime) -> None:
    if to.challenge_id is None:
        return
    async with services.session() as session:
        await postpone(session, to.challenge_id, until, followup=to.followup)
        await session.commit()


async def _hold(services: Services, to: Outbound, now: datetime) -> None:
    if to.challenge_id is None:
        return
    async with services.session() as session:
        if to.followup:
            await drop_followup(session, to.challenge_id)
        else:
            await reject(session, to.challenge_id, to.close_at or now + HOLD_REJECTED)
        await session.commit()
