"""The shape every handler module exports (kept apart so topic modules can import it freely)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes

Handlers = Sequence[tuple[int, BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]]
