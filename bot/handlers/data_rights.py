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
import re
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.handlers.base import Handlers, Speaker, speaker
from bot.services import services
from bot.texts import data_rights as t
from core.clock import local_day
from storage.data_rights import challenges_csv, delete_user, export_user
from storage.models import User
from storage.users import get_user_by_telegram_id

log = logging.getLogger(__name__)

CONFIRM_WINDOW: Final = timedelta(minutes=10)
CALLBACK: Final = re.compile(r"^(del|dkeep):(\d{1,18}):([0-9a-f]{1,16})\.([0-9a-f]{1,12})$")


def _stamp(moment: datetime) -> str:
    return format(int(moment.timestamp() * 1000), "x")


def confirm_keyboard(user: User, asked: datetime) -> InlineKeyboardMarkup:
    """Both buttons carry user id, the row's creation instant and the time of asking."""
    token = f"{user.id}:{_stamp(user.created_at)}.{_stamp(asked)}"
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t.DELETE_CONFIRM_BUTTON, callback_data=f"del:{token}"),
        InlineKeyboardButton(t.DELETE_KEEP_BUTTON, callback_data=f"dkeep:{token}"),
    ]])


def _rows(export: dict[str, Any]) -> tuple[int, int]:
    """(rows, tables) in an export: the user row plus every listed row."""
    lists = [value for value in export.values() if isinstance(value, list)]
    return 1 + sum(len(rows) for rows in lists), 1 + len(lists)


async def privacy_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(t.PRIVACY)


async def _exported(said: Speaker) -> tuple[User, dict[str, Any]] | None:
    """The speaker's user row and everything stored about them; None if there is nothing."""
    async with said.session() as session:
        user = await get_user_by_telegram_id(session, said.sender.id)
        export = {} if user is None or user.id is None else await export_user(session, user.id)
    return None if user is None or not export else (user, export)


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    said = speaker(update, context)
    if said is None:
        return
    message, found = said.message, await _exported(said)
    if found is None:
        await message.reply_text(t.EXPORT_NOTHING)
        return
    user, export = found
    day = local_day(said.now, user.timezone).isoformat()
    rows, tables = _rows(export)
    document = json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8")
    await context.bot.send_document(
        message.chat_id, document=document, filename=t.EXPORT_JSON_NAME.format(day=day),
        caption=t.export_json_caption(rows, tables))
    await context.bot.send_document(
        message.chat_id, document=challenges_csv(export).encode("utf-8"),
        filename=t.EXPORT_CSV_NAME.format(day=day),
        caption=t.export_csv_caption(len(export.get("challenges", []))))


async def delete_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    said = speaker(update, context)
    if said is None:
        return
    found = await _exported(said)
    if found is None:
        await said.message.reply_text(t.DELETE_NOTHING)
        return
    user, export = found
    days = len(export.get("challenges", []))
    await said.message.reply_text(t.DELETE_ASK.format(days=days),
                                  reply_markup=confirm_keyboard(user, said.now))


async def _say(message: Message | None, chat_id: int, context: ContextTypes.DEFAULT_TYPE,
               text: str) -> None:
    """Replace the question (and its buttons) with the outcome, or send it if that fails."""
    if message is not None:
        try:
            await message.edit_text(text)
            return
        except BadRequest as exc:  # too old to edit, or already showing this
            log.warning("could not edit the delete question: %s; sending instead", exc)
    await context.bot.send_message(chat_id, text)


async def on_delete_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, presser = update.callback_query, update.effective_user
    if query is None or presser is None:
        return
    await query.answer()
    chat_id = update.effective_chat.id if update.effective_chat is not None else presser.id
    message = query.message if isinstance(query.message, Message) else None
    match = CALLBACK.match(query.data or "")
    if match is None:
        await _say(None, chat_id, context, t.DELETE_STALE)
        return
    verb, user_id, created, asked = match[1], int(match[2]), match[3], int(match[4], 16)
    found = services(context)
    now = found.clock()
    async with found.session() as session:
        user = await get_user_by_telegram_id(session, presser.id)
        # The outcome replaces the question; "out of date" and "already done" come as new
        # messages, so the record of what happened before stays readable.
        edit = False
        if user is None:
            reply = t.DELETE_ALREADY if verb == "del" else t.DELETE_KEPT
        elif user.id != user_id or _stamp(user.created_at) != created:
            reply = t.DELETE_STALE  # another person's button, or from before an earlier delete
        elif verb == "dkeep":
            reply, edit = t.DELETE_KEPT, True
        elif not timedelta(minutes=-1) <= now - _from_stamp(asked) <= CONFIRM_WINDOW:
            reply = t.DELETE_STALE
        else:
            rows = await delete_user(session, user_id)
            await session.commit()
            reply, edit = (t.DELETED.format(rows=rows), True) if rows else (t.DELETE_ALREADY, False)
    await _say(message if edit else None, chat_id, context, reply)


def _from_stamp(milliseconds: int) -> datetime:
    return datetime.fromtimestamp(milliseconds / 1000, tz=UTC)


def handlers() -> Handlers:
    private = filters.ChatType.PRIVATE
    return [
        (0, CommandHandler("privacy", privacy_command, filters=private)),
        (0, CommandHandler("export", export_command, filters=private)),
        (0, CommandHandler("delete", delete_command, filters=private)),
        (0, CallbackQueryHandler(on_delete_button, pattern=r"^(del|dkeep):")),
    ]
