"""Handlers, one module per conversation topic; `register` wires them in.

Each module's `handlers()` returns `(group, handler)` pairs. PTB tries groups in ascending order
and, within a group, the first matching handler. A topic's text handler checks the user's open
conversation row; if the message is not for it, it returns and the next group gets a turn; if it
handled it, it raises `ApplicationHandlerStop`. Groups: 0 onboarding and commands (/start, the
menu and /cancel are `start`'s; /pause, /resume, /stop are `pause`'s), 1 settings,
2 check-in answers and ladder buttons, 3 typed outcomes and effort, 8 doubt in words, 9 the
fallback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CommandHandler, ContextTypes

from bot.handlers import (
    checkin,
    data_rights,
    evidence,
    fallback,
    help_menu,
    ladder,
    membership,
    onboarding,
    pause,
    progress,
    reflection,
    settings,
    start,
    today,
)

Callback = Callable[[Update, Any], Coroutine[Any, Any, Any]]


def _final(callback: Callback) -> Callback:
    """A command is answered once: after its handler, no later group may answer it too."""

    @functools.wraps(callback)
    async def answer_once(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        await callback(update, context)
        raise ApplicationHandlerStop

    return answer_once


def register(application: Application) -> None:  # type: ignore[type-arg]
    # `pause` before `settings`: its `set:pause` button must come before settings' `^set:`.
    for module in (start, onboarding, pause, settings, help_menu, today, evidence, progress,
                   data_rights, checkin, ladder, reflection, membership, fallback):
        for group, handler in module.handlers():
            if isinstance(handler, CommandHandler):
                handler.callback = _final(handler.callback)
            application.add_handler(handler, group=group)
