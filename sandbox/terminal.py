"""The terminal sandbox: the local Bot API emulator, a bot served against it, and a terminal.

The terminal plays the phone. Without a token nobody can reach Telegram, yet a newcomer should
still feel the product, and the very same code paths run as with a real bot: only the base URL
differs. Which bot runs is the caller's choice (`bot.cli` hands in Notch's): the sandbox imports
nothing from `bot`, `storage` or `core`, so it stands in for Telegram and nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TextIO

from sandbox.emulator import BotApiEmulator, EmulatedUser, SentMessage

SANDBOX_TOKEN = "100000:local-sandbox-not-a-secret"
SANDBOX_FILES = Path("var/sandbox-files")
SANDBOX_USER_ID = 100001  # one fixed person, so the sandbox's history persists across runs
_BUTTON_PRESS = re.compile(r"^#(\d+)$")
_LOCATION = re.compile(r"^/location(?:\s+(.*))?$")
# Login names that are nobody's first name: the terminal's person is then called DEFAULT_NAME.
_NOT_A_NAME = frozenset({"root", "admin", "administrator", "user", "ubuntu", "vagrant", "runner"})
DEFAULT_NAME = "Friend"
_TAG = re.compile(r"<[^>]+>")

# The terminal's own words (a developer's terminal, not a Telegram chat: not for translation).
BANNER = (
    "Notch local sandbox: no Telegram token is set, so you are talking to the bot through a local "
    "stand-in for Telegram. To connect a real bot, put TELEGRAM_BOT_TOKEN=<token from @BotFather> "
    "in .env and run `make run` again."
)
USAGE = (
    "Type a message and press Enter to send it. Buttons appear as [#1 Label]: type #1 to press. "
    "Type /location 52.52 13.40 to share a location (latitude longitude). "
    "Type /quit or press Ctrl-D to leave."
)
YOUR_NAME = (
    "You are {name} here (set SANDBOX_NAME to be called something else)."
)
LOCATION_USAGE = (
    "(a location is /location <latitude> <longitude>, for example /location 52.52 13.40: "
    "latitude -90..90, longitude -180..180)"
)
NO_SUCH_BUTTON = (
    "(no button #{number} on screen: an edited message shows its buttons again, with new numbers)"
)
GOODBYE = "Sandbox closed. Your progress is saved."

ServeBot = Callable[[str, str], AbstractAsyncContextManager[object]]
"""`serve_bot(base_url, token)`: serves a bot against that Bot API endpoint until the block ends.

The bot polls `base_url` with `token` exactly as it would poll Telegram (`base_url` ends in
"/bot", the token is appended), so the sandbox needs to know nothing else about it.
"""


def sandbox_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the terminal person's "Telegram app" says they speak: $SANDBOX_LANG (or its
    alias $NOTCH_SANDBOX_LANG: "es", "pt-br"), else English. The bot picks its language from it
    as from Telegram's."""
    env = os.environ if environ is None else environ
    chosen = env.get("SANDBOX_LANG", "").strip() or env.get("NOTCH_SANDBOX_LANG", "").strip()
    return chosen or "en"


def sandbox_name(environ: Mapping[str, str] | None = None) -> str:
    """The terminal person's first name: $SANDBOX_NAME, else the login name ($USER,
    $LOGNAME, $USERNAME) capitalised when it looks like a name ("ada" -> "Ada"), else Friend."""
    env = os.environ if environ is None else environ
    chosen = env.get("SANDBOX_NAME", "").strip()
    if chosen:
        return chosen[:64]
    for key in ("USER", "LOGNAME", "USERNAME"):
        login = env.get(key, "").strip()
        if login.isalpha() and login.lower() not in _NOT_A_NAME:
            return login[:1].upper() + login[1:]
    return DEFAULT_NAME


def parse_location(line: str) -> tuple[float, float] | bool | None:
    """`/location 52.52 13.40` -> (52.52, 13.4); a /location line that is wrong -> False; any
    other line -> None (it is a message)."""
    found = _LOCATION.match(line)
    if found is None:
        return None
    parts = re.split(r"[\s,]+", (found.group(1) or "").strip())
    try:
        latitude, longitude = (float(part) for part in parts)
    except ValueError:  # not two numbers
        return False
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return False
    return latitude, longitude


class Terminal:
    """Shows what the bot sends and numbers its buttons so `#N` can press them."""

    def __init__(self, out: TextIO, files: Path) -> None:
        self._out = out
        self._files = files  # where photos and documents land, since a terminal can't show them
        # Every button ever shown keeps its number, so any message on screen can be answered.
        self.buttons: dict[int, tuple[SentMessage, int, int]] = {}
        self._next_number = 0

    def say(self, line: str) -> None:
        self._out.write(line + "\n")
        self._out.flush()

    def show(self, message: SentMessage, *, edited: bool = False) -> None:
        body = message.text if message.text is not None else message.caption or ""
        if message.parse_mode == "HTML":
            body = html.unescape(_TAG.sub("", body))
        label = "Notch (edited)" if edited else "Notch"
        if message.kind != "text":
            body = f"[{message.kind} saved as {self._save(message)}] {body}".rstrip()
        self.say(f"{label}: {body}")
        for number in [n for n, (m, _, _) in self.buttons.items() if m is message]:
            del self.buttons[number]  # an edited message's old buttons are gone from the phone
        for r, row in enumerate(message.button_texts()):
            labels = []
            for c, text in enumerate(row):
                number = self._next_number = self._next_number + 1
                self.buttons[number] = (message, r, c)
                labels.append(f"[#{number} {text}]")
            self.say("  " + " ".join(labels))

    def _save(self, message: SentMessage) -> Path:
        name = message.file_name if message.kind == "document" and message.file_name else None
        path = self._files / f"{message.message_id}-{name or message.kind + '.png'}"
        self._files.mkdir(parents=True, exist_ok=True)
        path.write_bytes(message.file_bytes or b"")
        return path


async def run_sandbox(
    serve_bot: ServeBot,
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    files: Path = SANDBOX_FILES,
    name: str | None = None,
    language: str | None = None,
) -> None:
    """Start the emulator, serve the bot against it, and let the terminal play the phone.

    ``name`` is the person's first name as the bot sees it (default: :func:`sandbox_name`);
    ``language`` the language code their Telegram app sends (default: :func:`sandbox_language`).
    """
    root = logging.getLogger()
    if root.level > logging.DEBUG:  # the terminal is the phone: only problems may interrupt it
        root.setLevel(max(root.level, logging.WARNING))
    terminal = Terminal(out, files)
    terminal.say(BANNER)
    terminal.say(USAGE)
    first_name = name or sandbox_name()
    terminal.say(YOUR_NAME.format(name=first_name))
    async with BotApiEmulator(token=SANDBOX_TOKEN) as emulator:
        user = emulator.private_chat(user_id=SANDBOX_USER_ID, first_name=first_name,
                                     language_code=language or sandbox_language())
        async with serve_bot(emulator.base_url, SANDBOX_TOKEN):
            printer = asyncio.create_task(_print_bot_messages(user, terminal))
            try:
                await _type_messages(user, terminal, _lines(stdin))
            finally:
                printer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await printer
    terminal.say(GOODBYE)


async def _print_bot_messages(user: EmulatedUser, terminal: Terminal) -> None:
    async for message, edited in user.events():
        terminal.show(message, edited=edited)


async def _type_messages(
    user: EmulatedUser, terminal: Terminal, lines: asyncio.Queue[str | None]
) -> None:
    while (line := await lines.get()) is not None:
        line = line.strip()
        if not line:
            continue
        if line in ("/quit", "/exit"):
            return
        location = parse_location(line)
        if location is False:
            terminal.say(LOCATION_USAGE)
            continue
        if isinstance(location, tuple):
            await user.send_location(*location)
            continue
        press = _BUTTON_PRESS.match(line)
        if press is None:
            await user.send_text(line)
            continue
        number = int(press.group(1))
        if number not in terminal.buttons:
            terminal.say(NO_SUCH_BUTTON.format(number=number))
            continue
        await user.press_at(*terminal.buttons[number])


def _lines(stdin: TextIO) -> asyncio.Queue[str | None]:
    """Feed stdin lines into the loop from a daemon thread (None at end of input).

    A daemon thread works for ttys, pipes and files alike, and never holds the process open at exit.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        try:
            for raw in iter(stdin.readline, ""):
                loop.call_soon_threadsafe(queue.put_nowait, raw)
            loop.call_soon_threadsafe(queue.put_nowait, None)
        except (RuntimeError, ValueError):  # the loop or stdin closed first: the sandbox has ended
            return

    threading.Thread(target=pump, name="sandbox-stdin", daemon=True).start()
    return queue
