"""Onboarding survives a restart: the next answer, sent to a new Application on the same database,
continues at the same question (the conversation row, not process memory, holds the state)."""

from __future__ import annotations

from pathlib import Path

from bot.app import build_application, serving
from bot.settings import load_settings
from bot.texts import onboarding as t
from sandbox.emulator import BotApiEmulator
from tests.support.clock import FakeClock
from tests.support.journeys import read_until
from tests.support.notch import TOKEN


async def test_a_restart_mid_onboarding_continues_at_the_same_question(tmp_path: Path) -> None:
    clock = FakeClock()
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'notch.db'}"
    async with BotApiEmulator(token=TOKEN, clock=lambda: clock.now.timestamp()) as emulator:
        settings = load_settings(telegram_bot_token=TOKEN,
                                 telegram_api_base_url=emulator.base_url,
                                 database_url=database_url)
        ada = emulator.private_chat(user_id=1001, first_name="Ada")
        async with serving(build_application(settings, clock=clock), poll_timeout=1):
            await ada.send_text("/start")
            await read_until(ada, t.ASK_BEHAVIOUR)
            await (await ada.press("Running")).answered()
            await read_until(ada, "How many minutes")
            await ada.send_text("10")
            assert (await ada.next_message()).text == t.ask_target("30 minutes")
            await emulator.settle()
        # The bot is down: Ada answers anyway (Telegram keeps the update), then it comes back.
        await ada.send_text("45 min")
        async with serving(build_application(settings, clock=clock), poll_timeout=1):
            assert (await ada.next_message()).text == t.ASK_TIME
            await ada.send_text("6:45")
            assert (await ada.next_message()).text == t.ASK_ZONE
            await emulator.settle()
        # A third process picks up at the time-zone question and reaches the summary.
        async with serving(build_application(settings, clock=clock), poll_timeout=1):
            await ada.send_text("Europe/Berlin")
            summary = await ada.next_message()
            assert summary.text is not None and "- target: 45 minutes" in summary.text
            assert "every day at 06:45" in summary.text
            await emulator.settle()
