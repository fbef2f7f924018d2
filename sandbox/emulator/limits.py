"""Telegram's flood limits, opt-in: a bot that sends faster than Telegram allows gets the 429
Telegram gives, so the bot's pacing can be tested against the limits, not just believed.

Telegram does not publish its algorithm; its documentation says "about 30 messages a second"
in total and "no more than one message a second" to one chat, with short bursts tolerated. Two
token buckets model exactly that: one for the bot, one per chat. A refused call takes no token.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.emulator.errors import ApiError, default_description

# The methods that put a message in a chat: what Telegram's flood limits count.
SENDING_METHODS = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendAudio", "sendVideo", "sendAnimation",
    "sendVoice", "sendVideoNote", "sendSticker", "sendMediaGroup", "sendLocation", "sendVenue",
    "sendContact", "sendPoll", "sendDice", "copyMessage", "forwardMessage",
})


@dataclass(frozen=True)
class Limits:
    """What Telegram tolerates; `BotApiEmulator(limits=Limits())` turns enforcement on.

    `clock` (seconds) measures the rates; None uses the emulator's clock. A test whose emulator
    clock is a frozen FakeClock passes `time.monotonic` here, since the bot paces in real time.
    """

    total_per_second: float = 30.0
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    total_burst: int | None = None  # None: one second's worth (total_per_second)
    paid_per_second: float = 1000.0  # sends with allow_paid_broadcast (Bot API 7.11)
    clock: Callable[[], float] | None = None

    def __post_init__(self) -> None:
        if self.total_per_second <= 0 or self.per_chat_per_second <= 0:
            raise ValueError("rates must be positive")
        if self.per_chat_burst < 1 or (self.total_burst is not None and self.total_burst < 1):
            raise ValueError("bursts must be at least 1")


@dataclass
class _Bucket:
    capacity: float
    rate: float  # tokens a second
    tokens: float
    at: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + max(now - self.at, 0.0) * self.rate)
        self.at = max(now, self.at)

    def wait(self) -> float:
        """Seconds until one token is there (0 when one is)."""
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class FloodGate:
    """Counts and refuses what exceeds `limits`; the counters are what tests read."""

    limits: Limits
    clock: Callable[[], float]
    accepted: int = 0
    too_many: int = 0  # 429s given, all chats
    too_many_by_chat: Counter[int] = field(default_factory=Counter)
    _total: _Bucket | None = None
    _paid: _Bucket | None = None
    _chats: dict[int, _Bucket] = field(default_factory=dict)

    def admit(self, method: str, params: dict[str, Any]) -> None:
        """Take a token for a sending call, or raise the 429 Telegram would give."""
        if method not in SENDING_METHODS:
            return
        try:
            chat_id = int(params.get("chat_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return  # the method itself answers 400 for a missing chat
        now = self.clock()
        limits = self.limits
        if self._total is None:
            burst = float(limits.total_burst or limits.total_per_second)
            self._total = _Bucket(burst, limits.total_per_second, burst, now)
            self._paid = _Bucket(limits.paid_per_second, limits.paid_per_second,
                                 limits.paid_per_second, now)
        paid = str(params.get("allow_paid_broadcast")).lower() in ("true", "1")
        total = self._paid if paid and self._paid is not None else self._total
        chat = self._chats.get(chat_id)
        if chat is None:
            burst = float(limits.per_chat_burst)
            chat = self._chats[chat_id] = _Bucket(burst, limits.per_chat_per_second, burst, now)
        total.refill(now)
        chat.refill(now)
        wait = max(total.wait(), chat.wait())
        if wait > 0:
            self.too_many += 1
            self.too_many_by_chat[chat_id] += 1
            retry_after = max(1, math.ceil(wait))  # Telegram speaks whole seconds
            raise ApiError(429, default_description(429, retry_after), retry_after)
        total.tokens -= 1
        chat.tokens -= 1
        self.accepted += 1
