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
    message, user = update.message, update.effective_user
    assert message is not None and user is not None
    if message.location is not None:
        where = message.location
        await message.reply_text(f"{user.first_name} is at {where.latitude} {where.longitude}")
        return
    await message.reply_text(f"echo: {message.text}", reply_markup=PRESS_ME)


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
        terminal.run_sandbox(_echo_bot, stdin=stdin, out=screen, files=tmp_path, name="Ada")
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
        terminal.YOUR_NAME.format(name="Ada"),
        "Notch: echo: hello",
        "  [#1 Press me]",
        "Notch (edited): pressed",
        terminal.NO_SUCH_BUTTON.format(number=1),
        terminal.GOODBYE,
    ]


async def test_a_location_is_shared_with_a_command_under_the_person_s_name(
    tmp_path: Path, keyboard: tuple[TextIO, TextIO], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12 item 18: the bot called the terminal's person "you", and a location (which the
    time-zone question suggests) could not be shared."""
    monkeypatch.delenv("SANDBOX_NAME", raising=False)
    monkeypatch.setenv("USER", "grace")
    stdin, keys = keyboard
    screen = _Screen()
    running = asyncio.create_task(
        terminal.run_sandbox(_echo_bot, stdin=stdin, out=screen, files=tmp_path))
    keys.write("/location 91 13.4\n/location 52.52 13.40\n")
    keys.flush()
    await screen.shows("Notch: Grace is at 52.52 13.4\n")
    keys.write("/quit\n")
    keys.flush()
    await asyncio.wait_for(running, 20)
    lines = screen.getvalue().splitlines()
    assert "/location 52.52 13.40" in terminal.USAGE
    assert lines[2:5] == [terminal.YOUR_NAME.format(name="Grace"), terminal.LOCATION_USAGE,
                          "Notch: Grace is at 52.52 13.4"]


@pytest.mark.parametrize(("environ", "name"), [
    ({"USER": "ada"}, "Ada"),
    ({"USER": "root", "LOGNAME": "root"}, terminal.DEFAULT_NAME),
    ({"LOGNAME": "grace"}, "Grace"),
    ({"USER": "ci-runner42"}, terminal.DEFAULT_NAME),
    ({}, terminal.DEFAULT_NAME),
    ({"SANDBOX_NAME": "Ada Lovelace", "USER": "root"}, "Ada Lovelace"),
])
def test_the_terminal_person_is_named_from_the_environment(
    environ: dict[str, str], name: str
) -> None:
    assert terminal.sandbox_name(environ) == name


@pytest.mark.parametrize(("line", "parsed"), [
    ("/location 52.52 13.40", (52.52, 13.4)), ("/location -33.87, 151.21", (-33.87, 151.21)),
    ("/location", False), ("/location 52.52", False), ("/location north 13", False),
    ("/location 91 0", False), ("/location 0 181", False), ("hello", None),
    ("/locations 1 2", None),
])
def test_location_lines(line: str, parsed: object) -> None:
    assert terminal.parse_location(line) == parsed
