"""/privacy, /export and /delete end to end: every row out, back in to the same numbers; one
user removed and nobody else; a second press or a stale confirmation harms nothing."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import col, select

from bot import texts
from bot.texts import data_rights as t
from bot.texts import onboarding as to
from core.evidence import progress_summary
from sandbox.emulator import EmulatedUser
from sandbox.emulator.methods import message_dict
from sandbox.emulator.state import SentMessage
from storage.challenges import evidence_entries
from storage.data_rights import CSV_COLUMNS, export_user, import_user, user_tables
from storage.db import create_engine, make_session_factory
from storage.models import User
from tests.support.history import LAST_DAY, generate_year, insert_history
from tests.support.journeys import lead, onboard, read_until
from tests.support.notch import Notch

ADA, BOB = 1001, 2002
ASK = lead(t.DELETE_ASK)


async def _document(user: EmulatedUser) -> SentMessage:
    """The next document (skipping what onboarding left unread)."""
    for _ in range(6):
        message = await user.next_message()
        if message.kind == "document":
            return message
    raise AssertionError("no document")


async def _counts(notch: Notch) -> dict[int, dict[str, int]]:
    """Rows per user table for each Telegram id still stored (through the export's own filter)."""
    engine = create_engine(notch.database_url)
    try:
        async with make_session_factory(engine)() as session:
            users = (await session.exec(select(User))).all()
            out: dict[int, dict[str, int]] = {}
            for user in users:
                assert user.id is not None
                export = await export_user(session, user.id)
                out[user.telegram_user_id] = {key: len(rows) for key, rows in export.items()
                                              if isinstance(rows, list)}
            totals = {table.name: int((await session.exec(
                select(func.count()).select_from(table))).one())
                for table in user_tables()}
            out[0] = totals
    finally:
        await engine.dispose()
    return out


async def press_data(notch: Notch, user: EmulatedUser, message: SentMessage, data: str) -> None:
    """Press a button that is no longer shown (an old client, a double tap): the same
    callback_query Telegram would deliver, and wait for its answer."""
    state = notch.emulator.state
    query = state.new_callback_query(user.chat_id, message.message_id, data)
    state.push_update("callback_query", {
        "id": query.id, "from": user.user, "chat_instance": "1",
        "message": message_dict(state, state.chats[user.chat_id], message), "data": data})
    await query.answer


def _data(message: SentMessage, label: str) -> str:
    button = message.inline_button(label)
    assert button is not None
    return str(button["callback_data"])


async def _two_users(notch: Notch) -> tuple[EmulatedUser, EmulatedUser]:
    ada, bob = notch.user(ADA, "Ada"), notch.user(BOB, "Bob")
    await onboard(notch, ada)
    await onboard(notch, bob, behaviour="push-ups", baseline="8")
    await insert_history(notch, generate_year(days=60), ladders=3, telegram_id=ADA)
    await insert_history(notch, generate_year(seed=9, days=40), ladders=2, telegram_id=BOB)
    return ada, bob


async def test_privacy_says_what_is_stored_and_why(notch: Notch) -> None:
    ada = notch.user()
    await ada.send_text("/privacy")
    reply = await ada.next_message()
    assert reply.text == t.PRIVACY
    for word in ("/export", "/delete", "time zone", "challenge"):
        assert word in t.PRIVACY


async def test_export_and_delete_with_nothing_stored(notch: Notch) -> None:
    ada = notch.user()
    await ada.send_text("/export")
    assert (await ada.next_message()).text == t.EXPORT_NOTHING
    await ada.send_text("/delete")
    assert (await ada.next_message()).text == t.DELETE_NOTHING


async def test_export_holds_every_row_and_reimports_to_the_same_numbers(notch: Notch) -> None:
    ada, _ = await _two_users(notch)
    await ada.send_text("/export")
    as_json = await _document(ada)
    as_csv = await ada.next_message()
    assert as_json.kind == as_csv.kind == "document"
    assert as_json.file_name == "notch-export-2026-06-01.json"
    assert as_csv.file_name == "notch-challenges-2026-06-01.csv"
    assert as_json.file_bytes is not None and as_csv.file_bytes is not None
    export = json.loads(as_json.file_bytes)
    counts = await _counts(notch)
    assert {k: len(v) for k, v in export.items() if isinstance(v, list)} == counts[ADA]
    assert counts[ADA]["challenges"] == 60 and counts[ADA]["ladder_ratings"] == 3
    # Every row in the database is Ada's or Bob's: the export left none of hers out.
    assert counts[0] == {"users": 2} | {name: counts[ADA][name] + counts[BOB][name]
                                        for name in counts[ADA]}
    assert export["user"]["telegram_user_id"] == ADA
    rows = 1 + sum(counts[ADA].values())
    assert as_json.caption == t.export_json_caption(rows, 1 + len(counts[ADA]))
    table = list(csv.reader(io.StringIO(as_csv.file_bytes.decode("utf-8"))))
    assert tuple(table[0]) == CSV_COLUMNS and len(table) == 61
    assert as_csv.caption == t.export_csv_caption(60)
    assert as_csv.caption.endswith("spreadsheet: 60 days.")
    # Back in beside the original: the same days, the same numbers.
    engine = create_engine(notch.database_url)
    try:
        async with make_session_factory(engine)() as session:
            copy_id = await import_user(session, export, telegram_user_id=9999, chat_id=9999)
            await session.commit()
            original = (await session.exec(
                select(User).where(col(User.telegram_user_id) == ADA))).one()
            assert original.id is not None
            goals = {}
            for user_id in (original.id, copy_id):
                again = await export_user(session, user_id)
                goal = next(g for g in again["goals"] if g["active"])
                goals[user_id] = (await evidence_entries(session, goal["id"]), goal["baseline"])
    finally:
        await engine.dispose()
    (mine, baseline), (theirs, baseline_copy) = goals[original.id], goals[copy_id]
    assert mine == theirs and baseline == baseline_copy and len(mine) == 60
    week = LAST_DAY - timedelta(days=6)
    assert progress_summary(mine, baseline=baseline, since=week, today=LAST_DAY) == \
        progress_summary(theirs, baseline=baseline, since=week, today=LAST_DAY)


async def test_delete_asks_removes_only_that_user_and_a_second_press_is_harmless(
        notch: Notch) -> None:
    ada, _ = await _two_users(notch)
    before = await _counts(notch)
    # "No" keeps everything.
    await ada.send_text("/delete")
    ask = first = await read_until(ada, ASK)
    first_confirm = _data(first, t.DELETE_CONFIRM_BUTTON)
    assert ask.text == t.DELETE_ASK.format(days="60 days")
    assert ask.buttons == [t.DELETE_CONFIRM_BUTTON, t.DELETE_KEEP_BUTTON]
    confirm = _data(ask, t.DELETE_CONFIRM_BUTTON)
    assert len(confirm.encode()) <= 64 and len(_data(ask, t.DELETE_KEEP_BUTTON).encode()) <= 64
    await (await ada.press(t.DELETE_KEEP_BUTTON, message=ask)).answered()
    await notch.emulator.settle()
    assert ask.text == t.DELETE_KEPT and ask.buttons == []
    assert await _counts(notch) == before
    # "Yes" deletes Ada and nothing of Bob.
    await ada.send_text("/delete")
    ask = await read_until(ada, ASK)
    _data_of_confirm = _data(ask, t.DELETE_CONFIRM_BUTTON)
    await (await ada.press(t.DELETE_CONFIRM_BUTTON, message=ask)).answered()
    await notch.emulator.settle()
    rows = 1 + sum(before[ADA].values())
    assert ask.text == t.DELETED.format(rows=f"{rows} rows")
    after = await _counts(notch)
    assert ADA not in after and after[BOB] == before[BOB]
    assert after[0] == {name: before[0][name] - before[ADA].get(name, 0)
                        for name in before[0] if name != "users"} | {"users": 1}
    # A second press of that confirmation, and the one on the kept question: nothing happens.
    for message, data in ((ask, _data_of_confirm), (first, first_confirm)):
        await press_data(notch, ada, message, data)
        assert (await ada.next_message()).text == t.DELETE_ALREADY
    assert await _counts(notch) == after
    await ada.send_text("/delete")
    assert (await ada.next_message()).text == t.DELETE_NOTHING
    # Ada is new now: plain text gets the newcomer's answer, /start begins onboarding.
    await ada.send_text("hello")
    assert (await ada.next_message()).text == texts.UNKNOWN_TEXT_NEW
    await ada.send_text("/start")
    await read_until(ada, lead(to.ASK_BEHAVIOUR))
    assert await _counts(notch) == after | {ADA: {"goals": 0, "challenges": 0,
                                                  "conversations": 1, "ladder_ratings": 0},
                                            0: after[0] | {"users": 2, "conversations": 1}}


async def test_a_stale_confirmation_deletes_nothing(notch: Notch) -> None:
    ada, _ = await _two_users(notch)
    before = await _counts(notch)
    await ada.send_text("/delete")
    ask = await read_until(ada, ASK)
    # Pressed long after it was asked: out of date, nothing deleted, the question stays.
    notch.clock.advance(minutes=11)
    await (await ada.press(t.DELETE_CONFIRM_BUTTON, message=ask)).answered()
    assert (await ada.next_message()).text == t.DELETE_STALE
    assert await _counts(notch) == before
    assert ask.text == t.DELETE_ASK.format(days="60 days")
    # Deleted through a fresh question, set up again: the old button names the old user row,
    # so it cannot delete the new one (even if SQLite hands out the same id again).
    old_confirm = _data(ask, t.DELETE_CONFIRM_BUTTON)
    await ada.send_text("/delete")
    fresh = await read_until(ada, ASK)
    await (await ada.press(t.DELETE_CONFIRM_BUTTON, message=fresh)).answered()
    await notch.emulator.settle()
    assert fresh.text is not None and fresh.text.startswith(t.DELETED.split("{")[0])
    await onboard(notch, ada)
    again = await _counts(notch)
    assert again[ADA]["goals"] == 1
    await press_data(notch, ada, ask, old_confirm)
    assert (await read_until(ada, t.DELETE_STALE)).text == t.DELETE_STALE
    assert await _counts(notch) == again
