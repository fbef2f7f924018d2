"""End-to-end harness: the real Application, PTB's real HTTP client, the local emulator.

The bot is pointed at the emulator through TELEGRAM_API_BASE_URL, exactly as a user would point
it at a self-hosted Bot API server; the test plays the user through the emulator's user API.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import NotchApp, build_application, serving
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.scheduler import TickReport, tick
from bot.settings import load_settings

TOKEN = "123456:TEST-TOKEN-e2e"


@dataclass
class FakeClock:
    """A clock the test moves by hand, so weeks of days run in seconds."""

    now: datetime = field(default_factory=lambda: datetime(2026, 6, 1, 6, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Notch:
    emulator: BotApiEmulator
    application: NotchApp
    clock: FakeClock
    database_url: str

    def user(self, user_id: int = 1001, first_name: str = "Ada") -> EmulatedUser:
        return self.emulator.private_chat(user_id=user_id, first_name=first_name)

    async def tick(self, now: datetime | None = None) -> TickReport:
        """Run the scheduler tick once at `now` (moving the FakeClock there first)."""
        if now is not None:
            self.clock.now = now
        found = self.application.bot_data["services"]
        return await tick(found, self.application.bot, self.clock.now)


@pytest.fixture
async def notch(tmp_path: Path) -> AsyncIterator[Notch]:
    clock = FakeClock()
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'notch.db'}"
    async with BotApiEmulator(token=TOKEN, clock=lambda: clock.now.timestamp()) as emulator:
        settings = load_settings(
            telegram_bot_token=TOKEN,
            telegram_api_base_url=emulator.base_url,
            database_url=database_url,
        )
        application = build_application(settings, clock=clock)
        async with serving(application, poll_timeout=1):
            yield Notch(emulator, application, clock, database_url)
    # Nothing of the bot may outlive the test: no polling task, no handler task.
    leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert not leftovers, leftovers
