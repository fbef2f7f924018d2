"""What every handler module shares (kept apart so topic modules can import it freely): the
handler groups and the shape `handlers()` returns."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import NotchContext


class Group(IntEnum):
    """PTB offers an update to each group in ascending order, and within a group to the first
    handler that matches. Every handler stops the update once it has answered it, so a later
    group only sees what no earlier one took (docs/ARCHITECTURE.md, "The flow of a message")."""

    GUARD = -1  # group chats and edited messages: answered before any topic could read them
    COMMANDS = 0  # commands, buttons and membership changes: exactly one handler each
    TYPED = 1  # every private non-command message: routed once by core.router
    FALLBACK = 2  # what nothing took: unknown commands


Handlers = Sequence[tuple[Group, BaseHandler[Update, NotchContext, None]]]
