"""/export, /delete and /privacy: the user's data rights.

/delete asks first, with buttons whose callback data names this user row (id and creation
instant) and when the question was asked. A press is acted on only if it is the presser's own
row, the same row (not one re-created after an earlier delete), and the question is recent, so a
stale or forwarded button deletes nothing. The delete itself is one statement (ON DELETE CASCADE
removes the rest); a second press finds nothing and says so.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import callbacks as cb
from bot.context import NotchContext
from bot.handlers.base import Group, Handlers
from bot.i18n import _
from bot.texts import data_rights as t
from core.clock import local_day
from storage.data_rights import challenges_csv, delete_user, export_user
from storage.models import User
from storage.users import get_user_by_telegram_id

log = logging.getLogger(__name__)

CONFIRM_WINDOW: Final = timedelta(minutes=10)


def _stamp(moment: datetime) -> str:
    return format(int(moment.timestamp() * 1000), "x")


def confirm_keyboard(user: User, asked: datetime) -> InlineKeyboardMarkup:
    """Both buttons carry user id, the row's creation instant and the time of asking."""
    assert user.id is not None
    token = f"{_stamp(user.created_at)}.{_stamp(asked)}"
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(_(t.DELETE_CONFIRM_BUTTON),
                             callback_data=cb.DeleteAnswer("del", user.id, token).pack()),
        InlineKeyboardButton(_(t.DELETE_KEEP_BUTTON),
                             callback_data=cb.DeleteAnswer("dkeep", user.id, token).pack()),
    ]])


def _rows(export: dict[str, Any]) -> tuple[int, int]:
    """(rows, tables) in an export: the user row plus every listed row."""
    lists = [value for value in export.values() if isinstance(value, list)]
    return 1 + sum(len(rows) for rows in lists), 1 + len(lists)


async def privacy_command(update: Update, context: NotchContext) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(_(t.PRIVACY))


async def _exported(update: Update, context: NotchContext
                    ) -> tuple[User, dict[str, Any]] | None:
    """The writer's user row and everything stored about them; None if there is nothing."""
    if update.effective_user is None:
        return None
    async with context.db() as session:
        user = await get_user_by_telegram_id(session, update.effective_user.id)
        export = {} if user is None or user.id is None else await export_user(session, user.id)
    return None if user is None or not export else (user, export)


async def export_command(update: Update, context: NotchContext) -> None:
    message, found = update.effective_message, await _exported(update, context)
    if message is None:
        return
    if found is None:
        await message.reply_text(_(t.EXPORT_NOTHING))
        return
    user, export = found
    day = local_day(context.now, user.timezone).isoformat()
    rows, tables = _rows(export)
    document = json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8")
    await context.bot.send_document(
        message.chat_id, document=document, filename=_(t.EXPORT_JSON_NAME).format(day=day),
        caption=t.export_json_caption(rows, tables))
    await context.bot.send_document(
        message.chat_id, document=challenges_csv(export).encode("utf-8"),
        filename=_(t.EXPORT_CSV_NAME).format(day=day),
        caption=t.export_csv_caption(len(export.get("challenges", []))))


async def delete_command(update: Update, context: NotchContext) -> None:
    found = await _exported(update, context)
    if found is None:
        await context.bot.send_message(context.chat, _(t.DELETE_NOTHING))
        return
    user, export = found
    days = len(export.get("challenges", []))
    await context.bot.send_message(context.chat, t.delete_ask(days),
                                   reply_markup=confirm_keyboard(user, context.now))


async def on_delete_button(update: Update, context: NotchContext) -> None:
    presser, (pressed, message) = update.effective_user, await context.press(update)
    if presser is None:
        return
    if not isinstance(pressed, cb.DeleteAnswer):
        await context.edit_or_send(None, _(t.DELETE_STALE))
        return
    verb, user_id = pressed.verb, pressed.user_id
    created, _dot, asked_hex = pressed.token.partition(".")
    asked, now = int(asked_hex, 16), context.now
    async with context.db() as session:
        user = await get_user_by_telegram_id(session, presser.id)
        # The outcome replaces the question; "out of date" and "already done" come as new
        # messages, so the record of what happened before stays readable.
        edit = False
        if user is None:
            reply = _(t.DELETE_ALREADY) if verb == "del" else _(t.DELETE_KEPT)
        elif user.id != user_id or _stamp(user.created_at) != created:
            reply = _(t.DELETE_STALE)  # another person's button, or from before an earlier delete
        elif verb == "dkeep":
            reply, edit = _(t.DELETE_KEPT), True
        elif not timedelta(minutes=-1) <= now - _from_stamp(asked) <= CONFIRM_WINDOW:
            reply = _(t.DELETE_STALE)
        else:
            rows = await delete_user(session, user_id)
            reply, edit = (t.deleted(rows), True) if rows else (_(t.DELETE_ALREADY), False)
    await context.edit_or_send(message if edit else None, reply)


def _from_stamp(milliseconds: int) -> datetime:
    return datetime.fromtimestamp(milliseconds / 1000, tz=UTC)


def handlers() -> Handlers:
    private = filters.ChatType.PRIVATE
    return [
        (Group.COMMANDS, CommandHandler("privacy", privacy_command, filters=private)),
        (Group.COMMANDS, CommandHandler("export", export_command, filters=private)),
        (Group.COMMANDS, CommandHandler("delete", delete_command, filters=private)),
        (Group.COMMANDS, CallbackQueryHandler(on_delete_button, pattern=r"^(del|dkeep):")),
    ]
