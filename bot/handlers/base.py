"""What every handler module shares (kept apart so topic modules can import it freely): the shape
`handlers()` returns, and the facts a message handler starts from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import Message, Update
from telegram import User as TelegramUser
from telegram.ext import BaseHandler, ContextTypes

from bot.services import Services, services
from storage.db import Session

Handlers = Sequence[tuple[int, BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]]


@dataclass(frozen=True)
class Speaker:
    """Who wrote which message, and when by the bot's clock (injected, so tests can move it)."""

    message: Message
    sender: TelegramUser
    services: Services
    now: datetime

    def session(self) -> Session:
        return self.services.session()


def speaker(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Speaker | None:
    """The message's speaker, or None for an update without a message or a sender."""
    message, sender = update.effective_message, update.effective_user
    if message is None or sender is None:
        return None
    found = services(context)
    return Speaker(message, sender, found, found.clock())
