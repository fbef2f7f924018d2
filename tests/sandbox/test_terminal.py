"""The terminal sandbox runs whatever bot it is handed: here a five-line PTB echo bot, not Notch.

`bot.cli` hands in Notch (tests/bot/test_sandbox.py drives that through a pseudo-terminal); this
proves the sandbox itself needs nothing of Notch's.
"""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TextIO

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler

from sandbox import terminal

PRESS_ME = InlineKeyboardMarkup([[InlineKeyboardButton("Press me", callback_data="pressed")]])


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(f"echo: {update.message.text}", reply_markup=PRESS_ME)


async def _pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    await update.callback_query.edit_message_text("pressed")


@asynccontextmanager
async def _echo_bot(base_url: str, token: str) -> AsyncIterator[None]:
    application = ApplicationBuilder().token(token).base_url(base_url).build()
    application.add_handler(MessageHandler(None, _echo))
    application.add_handler(CallbackQueryHandler(_pressed))
    assert application.updater is not None
    async with application:
        await application.updater.start_polling(poll_interval=0, timeout=1)
        await application.start()
        try:
            yield
        finally:
            await application.updater.stop()
            await application.stop()


class _Screen(io.StringIO):
    """The terminal's output; `shows(text)` waits until the text is on it."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = asyncio.Event()

    def write(self, text: str) -> int:
        self._changed.set()
        return super().write(text)

    async def shows(self, text: str) -> None:
        async with asyncio.timeout(10):
            while text not in self.getvalue():
                self._changed.clear()
                await self._changed.wait()


@pytest.fixture
def keyboard() -> Iterator[tuple[TextIO, TextIO]]:
    """(stdin, keys): what is written to `keys` arrives on `stdin`, a real pipe."""
    read_end, write_end = os.pipe()
    with open(read_end, encoding="utf-8") as stdin, open(write_end, "w", encoding="utf-8") as keys:
        yield stdin, keys


async def test_the_terminal_plays_the_phone_for_any_bot(
    tmp_path: Path, keyboard: tuple[TextIO, TextIO]
) -> None:
    stdin, keys = keyboard
    screen = _Screen()
    running = asyncio.create_task(
        terminal.run_sandbox(_echo_bot, stdin=stdin, out=screen, files=tmp_path)
    )
    keys.write("hello\n")
    keys.flush()
    await screen.shows("Notch: echo: hello\n  [#1 Press me]")
    keys.write("#1\n")
    keys.flush()
    await screen.shows("Notch (edited): pressed\n")
    keys.write("#1\n/quit\n")  # the edit took the button away
    keys.flush()
    await asyncio.wait_for(running, 20)
    assert screen.getvalue().splitlines() == [
        terminal.BANNER,
        terminal.USAGE,
        "Notch: echo: hello",
        "  [#1 Press me]",
        "Notch (edited): pressed",
        terminal.NO_SUCH_BUTTON.format(number=1),
        terminal.GOODBYE,
    ]
