"""Handlers, one module per conversation topic; `register` wires them in.

Each module's `handlers()` returns `(Group, handler)` pairs (the groups: `base.Group`). Commands
and buttons each have exactly one handler. Every private non-command message goes to
`typed.on_message`, which routes it once (`core.router`) to the topic it answers. Every handler
is final: once it has run, no later group sees the update.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop

from bot.context import NotchContext
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
    settings,
    snooze,
    start,
    today,
    typed,
)

Callback = Callable[[Update, NotchContext], Coroutine[Any, Any, Any]]
MODULES = (start, onboarding, settings, pause, help_menu, today, evidence, progress, data_rights,
           checkin, snooze, ladder, membership, typed, fallback)


def _final(callback: Callback) -> Callback:
    """An update is answered once: after its handler, no later group may answer it too. (It is
    answered in the writer's language: the inbox set it before handing the update over.)"""

    @functools.wraps(callback)
    async def answer_once(update: Update, context: NotchContext) -> Any:
        await callback(update, context)
        raise ApplicationHandlerStop

    return answer_once


def register(application: Application) -> None:  # type: ignore[type-arg]
    for module in MODULES:
        for group, handler in module.handlers():
            handler.callback = _final(handler.callback)
            application.add_handler(handler, group=group)
