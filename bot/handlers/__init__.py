"""Handlers, one module per conversation topic; `register` wires them in.

Each module's `handlers()` returns `(group, handler)` pairs. PTB tries groups in ascending order
and, within a group, the first matching handler. A topic's text handler checks the user's open
conversation row; if the message is not for it, it returns and the next group gets a turn; if it
handled it, it raises `ApplicationHandlerStop`. Groups: 0 onboarding and commands, 1 settings,
2 check-in answers, 3 typed outcomes, 9 the fallback.
"""

from __future__ import annotations

from telegram.ext import Application

from bot.handlers import checkin, fallback, help_menu, membership, onboarding, settings, today


def register(application: Application) -> None:  # type: ignore[type-arg]
    for module in (onboarding, settings, help_menu, today, checkin, membership, fallback):
        for group, handler in module.handlers():
            application.add_handler(handler, group=group)
