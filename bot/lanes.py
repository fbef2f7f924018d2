"""Two send lanes, so a reply never waits behind the daily fan-out.

* Replies (whatever a handler sends answering an update) go out at once. `ReplyRateLimiter`
  (PTB's rate-limiter hook, on every request) only keeps Telegram's per-chat pace — about one
  message a second to a person, with a short burst, and 20 a minute to a group — and retries a
  429 after exactly its `retry_after`, a bounded number of times.
* Scheduled sends (challenges, reminders, reviews, pause notes: everything `bot.sender.deliver`
  sends) take a slot of the broadcast lane first: `BroadcastLane.acquire()`. The budget (B a
  second, `BROADCAST_PER_SECOND`) is one budget for every process, kept in PostgreSQL (or
  SQLite) by `storage.lanes`; a process takes a few slots per round trip and sleeps until each.
  A 429 on a broadcast send is not retried here: `deliver` pauses the whole lane for its
  `retry_after` (every process obeys it) and postpones the row; replies go on meanwhile.

The limiter tells the lanes apart by a context variable that `deliver` sets around its send
(`broadcasting()`), so neither `deliver`'s signature nor PTB's call path changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any, Final

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.services import Clock, utc_now
from storage.db import Session
from storage.lanes import pause_lane, take_slots

log = logging.getLogger(__name__)

BROADCAST: Final = "broadcast"
FREE_BROADCAST_PER_SECOND: Final = 30.0  # above it, Telegram wants allow_paid_broadcast
# Telegram: about one message a second to one chat (a short burst passes), 20 a minute to a group.
# (burst, seconds to refill it), 10 % under the limit: requests leave paced 1.1 s apart but can
# arrive closer (the network's jitter), and Telegram counts arrivals.
PRIVATE_CHAT_PACE: Final = (3, 3.3)
GROUP_CHAT_PACE: Final = (20, 66.0)
REPLY_RETRIES: Final = 3
BATCH_SECONDS: Final = 0.2  # a process takes this much of the budget per round trip
MAX_BATCH: Final = 200
STALE_SECONDS: Final = 1.0  # a held slot older than this is dropped, not spent

_lane: ContextVar[str | None] = ContextVar("notch_send_lane", default=None)


@contextlib.contextmanager
def broadcasting() -> Iterator[None]:
    """Requests made inside belong to the broadcast lane: the limiter does not retry a 429."""
    token = _lane.set(BROADCAST)
    try:
        yield
    finally:
        _lane.reset(token)


def retry_seconds(exc: RetryAfter) -> float:
    value: Any = exc.retry_after  # an int, or a timedelta with PTB_TIMEDELTA
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _paced(endpoint: str) -> bool:
    """What Telegram's per-chat limit counts: messages put into a chat (not edits or answers)."""
    return (endpoint.startswith("send") and endpoint != "sendChatAction") or endpoint in (
        "copyMessage", "forwardMessage", "copyMessages", "forwardMessages")


class ReplyRateLimiter(BaseRateLimiter[None]):
    """Per-chat pacing only, and a bounded, exact retry of a reply's 429.

    Replaces `AIORateLimiter(overall_max_rate=30)`, which queued every request of the bot —
    replies included — behind one 30-a-second limit (issue 13: /help answered 30 a second).
    The overall budget belongs to the broadcast lane alone. The per-chat limiters (aiolimiter's
    leaky buckets) live in a bounded LRU: an evicted one had been idle, so its bucket was full.
    """

    def __init__(self, *, max_retries: int = REPLY_RETRIES, max_chats: int = 10_000,
                 pace: bool = True) -> None:
        """`pace=False` keeps only the retry: for a Bot API that sets no per-chat limit (the
        test suite's emulator, unless a test asks for Telegram's limits)."""
        self._pace = pace
        self._max_retries = max_retries
        self._max_chats = max_chats
        self._chats: OrderedDict[int, AsyncLimiter] = OrderedDict()

    async def initialize(self) -> None:
        """Nothing to open: the limiters are made on first use."""

    async def shutdown(self) -> None:
        self._chats.clear()

    def _limiter(self, chat_id: object) -> AsyncLimiter | None:
        try:
            key = int(chat_id)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return None  # "@channel": not ours to pace
        limiter = self._chats.get(key)
        if limiter is None:
            burst, period = GROUP_CHAT_PACE if key < 0 else PRIVATE_CHAT_PACE
            limiter = self._chats[key] = AsyncLimiter(burst, period)
            if len(self._chats) > self._max_chats:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(key)
        return limiter

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        limiter = self._limiter(data.get("chat_id")) if self._pace and _paced(endpoint) else None
        broadcast = _lane.get() == BROADCAST
        tries = 0
        while True:
            if limiter is not None:
                await limiter.acquire()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if broadcast or tries >= self._max_retries:
                    raise
                tries += 1
                wait = retry_seconds(exc)
                log.warning("%s to chat %s throttled by Telegram: retry %d in %.0f s", endpoint,
                            data.get("chat_id"), tries, wait)
                await asyncio.sleep(wait)


class BroadcastLane:
    """The broadcast budget as a process sees it: `await acquire()` before each scheduled send.

    Cheap per message: slots come from the database `batch` at a time (a fifth of a second's
    worth). A process that sends more slowly than its slots come (one sender, B above its own
    pace) spends them late; dropping them would leave the budget's time unused, since the other
    processes' slots start after this batch. Late means a burst of at most one batch once the
    process catches up, which Telegram tolerates; a slot older than `STALE_SECONDS` (the
    process stalled) is dropped all the same.
    """

    def __init__(self, sessions: Callable[[], Session], per_second: float, *,
                 name: str = BROADCAST, clock: Clock = utc_now) -> None:
        if per_second <= 0:
            raise ValueError("the broadcast budget must be positive")
        self.per_second = per_second
        self.name = name
        self.batch = max(1, min(MAX_BATCH, math.ceil(per_second * BATCH_SECONDS)))
        self._sessions = sessions
        self._clock = clock  # real time: Telegram's rate is in real seconds
        self._slots: deque[datetime] = deque()
        self._lock = asyncio.Lock()
        self._stale = timedelta(seconds=STALE_SECONDS)
        self.taken = 0  # round trips to the database, for the bench
        self.dropped = 0  # slots that went stale unused

    async def acquire(self) -> datetime:
        """Wait for this process's next slot of the shared budget; the slot's instant (what a
        caller can log lateness against)."""
        async with self._lock:
            now = self._clock()
            while self._slots and self._slots[0] < now - self._stale:
                self._slots.popleft()
                self.dropped += 1
            if not self._slots:
                await self._refill(now)
            slot = self._slots.popleft()
        wait = (slot - self._clock()).total_seconds()
        if wait > 0:
            await asyncio.sleep(wait)
        return slot

    async def _refill(self, now: datetime) -> None:
        async with self._sessions() as session:
            slots = await take_slots(session, self.name, self.batch, self.per_second, now)
            await session.commit()
        self.taken += 1
        self._slots.extend(slots.at(i) for i in range(slots.count))

    async def pause(self, retry_after: float) -> datetime:
        """Telegram said wait: no process sends on this lane until then. Slots this process
        holds are given up; new ones start after the pause."""
        now = self._clock()
        until = now + timedelta(seconds=retry_after)
        async with self._lock:
            self._slots.clear()
            async with self._sessions() as session:
                await pause_lane(session, self.name, until, now)
                await session.commit()
        return until
