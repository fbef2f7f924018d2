"""What handlers need besides the update: settings, the database and the clock.

Kept in `bot_data` under one key so every handler reaches it the same way, and so tests can
swap the clock for a fixed one without patching.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext
from telegram.request import BaseRequest

from bot.settings import Settings
from storage.db import Engine, Session, SessionFactory

if TYPE_CHECKING:
    from bot.inbox import Inbox
    from bot.lanes import BroadcastLane

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    clock: Clock
    engine: Engine | None = None
    sessions: SessionFactory | None = None
    broadcast: BroadcastLane | None = None  # the shared budget of scheduled sends (bot/lanes.py)
    inbox: Inbox | None = None  # set by build_application (bot.inbox: updates in, stored first)
    # Seconds from start to the first tick: soon, so a restarted process catches up at once
    # (tests that drive the tick themselves push it back to the full interval).
    first_tick: float = 2.0
    transports: tuple[BaseRequest, ...] = ()  # the bot's HTTP sessions (bot.app closes them)
    # Set when the process begins to stop (SIGTERM): the fan-out sends nothing new, finishes
    # and marks what is in flight, and hands its unsent claims back at once.
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def session(self) -> Session:
        if self.sessions is None:
            raise RuntimeError("the database is not open yet (post_init has not run)")
        return self.sessions()


_KEY = "services"


def attach(bot_data: dict[Any, Any], services: Services) -> None:
    bot_data[_KEY] = services


def of_application(application: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    """The services of a built application (outside any handler: start-up, stop, the tick)."""
    found = application.bot_data[_KEY]
    assert isinstance(found, Services)
    return found


def services(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    found = context.bot_data[_KEY]
    assert isinstance(found, Services)
    return found
