"""`Notch`: the running bot, its emulator and its clock, as the `notch` fixture hands them over.

The fixture itself stays in tests/bot/conftest.py; this is the type test modules annotate with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.app import NotchApp
from bot.scheduler import TickReport, tick
from sandbox.emulator import BotApiEmulator, EmulatedUser
from tests.support.clock import FakeClock

TOKEN = "123456:TEST-TOKEN-e2e"


@dataclass
class Notch:
    emulator: BotApiEmulator
    application: NotchApp
    clock: FakeClock
    database_url: str
    language_code: str = "en"  # what the users' Telegram apps say (a test may change it)

    def user(self, user_id: int = 1001, first_name: str = "Ada") -> EmulatedUser:
        return self.emulator.private_chat(user_id=user_id, first_name=first_name,
                                          language_code=self.language_code)

    async def tick(self, now: datetime | None = None) -> TickReport:
        """Run the scheduler tick once at `now` (moving the FakeClock there first)."""
        if now is not None:
            self.clock.now = now
        found = self.application.bot_data["services"]
        return await tick(found, self.application.bot, self.clock.now)
