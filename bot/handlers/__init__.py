"""Handlers, one module per conversation topic; `register` wires them in priority order."""

from __future__ import annotations

from telegram.ext import Application

from bot.handlers import fallback, help_menu, start


def register(application: Application) -> None:  # type: ignore[type-arg]
    for module in (start, help_menu, fallback):
        application.add_handlers(module.handlers())
