"""End-to-end harness: the real Application, PTB's real HTTP client, the local emulator.

The bot is pointed at the emulator through TELEGRAM_API_BASE_URL, exactly as a user would point
it at a self-hosted Bot API server; the test plays the user through the emulator's user API.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.app import NotchApp, build_application, inbox_of, serving
from bot.scheduler import INTERVAL
from bot.settings import load_settings
from sandbox.emulator import BotApiEmulator, Limits
from tests.support.clock import FakeClock
from tests.support.notch import TOKEN, Notch
from tests.support.postgres import postgres_admin, postgres_ready, postgres_url


@pytest.fixture
async def bot_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """SQLite by default; `@pytest.mark.parametrize("bot_database_url", ["postgres"],
    indirect=True)` runs a
    test's whole bot on PostgreSQL. The bot builds its own engine from a URL, so isolation is a
    throwaway role whose search_path is its own schema (trust auth, as on this machine and CI)."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'notch.db'}"
        return
    name = f"notch_e2e_{secrets.token_hex(5)}"
    await postgres_ready()
    await postgres_admin(
        f'CREATE ROLE "{name}" LOGIN',
        f'CREATE SCHEMA "{name}" AUTHORIZATION "{name}"',
        f'ALTER ROLE "{name}" SET search_path = "{name}"',
    )
    try:
        yield make_url(postgres_url()).set(username=name, password=None).render_as_string(
            hide_password=False
        )
    finally:
        await postgres_admin(
            f'DROP SCHEMA IF EXISTS "{name}" CASCADE', f'DROP ROLE IF EXISTS "{name}"'
        )


@pytest.fixture
def emulator_limits() -> Limits | None:
    """Telegram's flood limits in the emulator: off; a test module turns them on by overriding
    this fixture (their clock must be real time: the bot paces in real seconds)."""
    return None


@pytest.fixture
async def notch(bot_database_url: str, emulator_limits: Limits | None) -> AsyncIterator[Notch]:
    clock = FakeClock()
    database_url = bot_database_url
    async with BotApiEmulator(token=TOKEN, clock=lambda: clock.now.timestamp(),
                              limits=emulator_limits) as emulator:
        settings = load_settings(
            telegram_bot_token=TOKEN,
            telegram_api_base_url=emulator.base_url,
            database_url=database_url,
        )
        # Telegram's per-chat pace only where the emulator enforces Telegram's limits: the
        # suite's people type faster than anyone does, and would wait a second a message.
        application = build_application(settings, clock=clock,
                                        pace_replies=emulator_limits is not None)
        # The tests drive the tick themselves (notch.tick): the job's first run waits its
        # full interval, as it did before restarts were made to catch up at once.
        application.bot_data["services"].first_tick = INTERVAL
        _settle_after_handlers(emulator, application)
        async with serving(application, poll_timeout=1):
            yield Notch(emulator, application, clock, database_url)
    # Nothing of the bot may outlive the test: no polling task, no handler task.
    leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert not leftovers, leftovers


def _settle_after_handlers(emulator: BotApiEmulator, application: NotchApp) -> None:
    """`emulator.settle()` also waits while the bot holds a fetched update, stored or being
    handled: under load a handler's database work can outlast the emulator's quiet window, and a
    test would then read a message the handler has not edited yet."""
    inbox = inbox_of(application)
    emulator.busy_while(lambda: inbox.busy)
