"""Export every row of a user, re-import it into the same numbers, delete it and nothing else."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from core.efficacy import LadderRating
from core.evidence import Entry, progress_summary
from storage.conversations import set_conversation
from storage.data_rights import (
    CSV_COLUMNS,
    challenges_csv,
    delete_user,
    export_user,
    import_user,
    user_tables,
)
from storage.efficacy import save_ladder_rating
from storage.goals import create_goal
from storage.models import Challenge, GroupNotice
from storage.users import upsert_telegram_user

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
STATUSES = ("done", "done", "failed", "missed", "done", "skipped", "done", "sent")


async def _make_user(session: AsyncSession, telegram_id: int, days: int) -> int:
    """A user with two goals, ``days`` challenges on the active one, a conversation, ratings."""
    user = await upsert_telegram_user(session, telegram_user_id=telegram_id, chat_id=telegram_id,
                                      first_name=f"U{telegram_id}", language_code="en", now=T0)
    assert user.id is not None
    user.review_weekday, user.celebrate = 2, False
    user.next_review_at = T0 + timedelta(days=3)
    await create_goal(session, user_id=user.id, behaviour="writing", unit="words", step=50,
                      baseline=300, target=None)
    goal = await create_goal(session, user_id=user.id, behaviour="running", unit="min", step=1,
                             baseline=10, target=30)
    assert goal.id is not None
    last: Challenge | None = None
    for i in range(days):
        status = STATUSES[i % len(STATUSES)]
        last = Challenge(
            goal_id=goal.id, local_date=date(2026, 3, 1) + timedelta(days=i), amount=10 + i,
            p_success=0.8, status=status, due_at=T0 + timedelta(days=i),
            sent_at=T0 + timedelta(days=i, minutes=1),
            answered_at=T0 + timedelta(days=i, hours=3) if status != "sent" else None,
            effort=3 if status == "done" else None,
            failure_reason="too_hard" if status == "failed" else None,
            confidence=40 + 10 * (i % 5) if status in ("done", "failed") else None,
            reflection="=HYPERLINK(\"x\")" if i == 1 else ("went early" if i == 0 else None),
        )
        session.add(last)
    await session.flush()
    assert last is not None
    await set_conversation(session, user.id, topic="checkin", step="effort",
                           data={"asked": [1, 2]}, challenge_id=last.id)
    for week in range(2):
        await save_ladder_rating(
            session, user_id=user.id, goal_id=goal.id,
            rating=LadderRating(levels=(10, 13, 17, 23, 30),
                                ratings=(100, 80, 40 + 20 * week, 20, 0)),
            rated_at=T0 + timedelta(weeks=week),
        )
    return user.id


async def _counts(session: AsyncSession, user_id: int) -> dict[str, int]:
    export = await export_user(session, user_id)
    return {table.name: (1 if table.name == "users" else len(export[table.name]))
            for table in user_tables()} if export else {}


async def _total_rows(session: AsyncSession) -> dict[str, int]:
    totals = {}
    for table in SQLModel.metadata.sorted_tables:
        result = await session.exec(select(func.count()).select_from(table))  # type: ignore[call-overload]
        totals[table.name] = int(result.scalar_one())
    return totals


def _numbers(export: dict[str, Any]) -> dict[str, Any]:
    """What a person sees, independent of database keys."""
    (goal,) = [g for g in export["goals"] if g["active"]]
    entries = [
        Entry(day=date.fromisoformat(c["local_date"]), amount=c["amount"], status=c["status"],
              effort=c["effort"], confidence=c["confidence"], reflection=c["reflection"])
        for c in export["challenges"] if c["status"] in ("done", "failed", "skipped", "missed")
    ]
    summary = progress_summary(entries, baseline=goal["baseline"], since=date(2026, 3, 2),
                               today=date(2026, 3, 8))
    user = {k: v for k, v in export["user"].items() if k not in ("id",)}
    strip = {"id", "goal_id", "user_id", "challenge_id"}
    rows = {name: [{k: v for k, v in row.items() if k not in strip} for row in export[name]]
            for name in ("goals", "challenges", "conversations", "ladder_ratings")}
    return {"summary": summary, "user": user, **rows}


async def test_user_tables_follow_foreign_keys_and_all_cascade() -> None:
    names = [table.name for table in user_tables()]
    assert names[0] == "users"
    assert {"goals", "challenges", "conversations", "ladder_ratings"} <= set(names)
    # Every table is someone's except the group chats and the calibration aggregates (which
    # /delete clears through storage.priors.forget_user); a new table must choose consciously.
    assert {t.name for t in SQLModel.metadata.sorted_tables} - set(names) == {
        GroupNotice.__tablename__, "calibration_priors", "calibration_schedule",
        # the inbox is keyed by chat, not user (/delete clears it through
        # storage.inbox.forget_chat); the send lanes are the bot's own pacing
        "update_inbox", "send_lanes",
    }
    for table in user_tables():
        for fk in table.foreign_keys:
            assert fk.ondelete == "CASCADE", f"{table.name}.{fk.parent.name} would block delete"


async def test_export_holds_every_row_of_the_user_and_no_one_elses(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        ada = await _make_user(session, 1, days=20)
        bo = await _make_user(session, 2, days=5)
        session.add(GroupNotice(chat_id=-100))
        await session.commit()
    async with session_factory() as session:
        export = await export_user(session, ada)
        totals = await _total_rows(session)
        bo_counts = await _counts(session, bo)
    text = json.dumps(export)  # serialisable as it is
    assert json.loads(text) == export
    counts = await _counts_from(export)
    assert counts == {"users": 1, "goals": 2, "challenges": 20, "conversations": 1,
                      "ladder_ratings": 2}
    # Together the two exports account for every user row in the database.
    assert {name: counts[name] + bo_counts[name] for name in counts} == {
        name: totals[name] for name in counts
    }
    assert export["user"]["id"] == ada and export["user"]["celebrate"] is False
    assert export["user"]["next_review_at"] == "2026-03-04T08:00:00+00:00"
    assert export["user"]["send_time"] == "08:00:00"
    first = export["challenges"][0]
    assert (first["local_date"], first["due_at"]) == ("2026-03-01", "2026-03-01T08:00:00+00:00")
    assert export["conversations"][0]["data"] == {"asked": [1, 2]}
    assert export["ladder_ratings"][1]["ratings"] == [100, 80, 60, 20, 0]
    goal_ids = {g["id"] for g in export["goals"]}
    assert all(c["goal_id"] in goal_ids for c in export["challenges"])


async def _counts_from(export: dict[str, Any]) -> dict[str, int]:
    return {table.name: (1 if table.name == "users" else len(export[table.name]))
            for table in user_tables()}


async def test_unknown_user_exports_nothing(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        assert await export_user(session, 12345) == {}


async def test_export_reimports_into_the_same_numbers(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        ada = await _make_user(session, 1, days=30)
        await _make_user(session, 2, days=3)  # someone else's keys are interleaved
        await session.commit()
    async with session_factory() as session:
        before = await export_user(session, ada)
        assert await delete_user(session, ada) > 0
        await session.commit()
    document = json.loads(json.dumps(before))  # exactly what the user downloads
    async with session_factory() as session:
        new_id = await import_user(session, document)
        await session.commit()
    async with session_factory() as session:
        after = await export_user(session, new_id)
    assert new_id != ada
    assert _numbers(after) == _numbers(before)
    assert _numbers(after)["summary"].successes_total == 15
    # References point at the new rows, not at the old keys.
    new_goals = {g["id"] for g in after["goals"]}
    assert {c["goal_id"] for c in after["challenges"]} <= new_goals
    assert after["conversations"][0]["challenge_id"] in {c["id"] for c in after["challenges"]}


async def test_an_export_from_before_0005_keeps_its_reason_sentences(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        ada = await _make_user(session, 1, days=3)
        await session.commit()
        export = await export_user(session, ada)
    for row in export["challenges"]:  # what the export held when reasons were sentences
        del row["plan_reason_key"], row["plan_facts"]
        row["plan_reason"] = "We start at 10 minutes, the level you said is comfortable today."
    async with session_factory() as session:
        copy = await import_user(session, export, telegram_user_id=99, chat_id=99)
        await session.commit()
        again = await export_user(session, copy)
    assert {(c["plan_reason_key"], c["plan_facts"]["text"]) for c in again["challenges"]} == {
        ("legacy", "We start at 10 minutes, the level you said is comfortable today.")}


async def test_import_beside_the_original_with_another_telegram_id(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        ada = await _make_user(session, 1, days=8)
        await session.commit()
        export = await export_user(session, ada)
        copy = await import_user(session, export, telegram_user_id=99, chat_id=99)
        await session.commit()
        again = await export_user(session, copy)
    assert again["user"]["telegram_user_id"] == 99
    assert _numbers({**again, "user": {**again["user"], "telegram_user_id": 1, "chat_id": 1}}) \
        == _numbers(export)


async def test_delete_removes_every_row_of_the_user_and_nothing_else(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        ada = await _make_user(session, 1, days=12)
        bo = await _make_user(session, 2, days=7)
        session.add(GroupNotice(chat_id=-100))
        await session.commit()
    async with session_factory() as session:
        totals_before = await _total_rows(session)
        ada_counts = await _counts(session, ada)
        bo_export = await export_user(session, bo)
        removed = await delete_user(session, ada)
        await session.commit()
    assert removed == sum(ada_counts.values()) == 1 + 2 + 12 + 1 + 2
    async with session_factory() as session:
        totals_after = await _total_rows(session)
        assert await export_user(session, ada) == {}
        assert await export_user(session, bo) == bo_export  # untouched, row for row
        # A second press, or a stale confirmation: nothing of anyone's goes.
        assert await delete_user(session, ada) == 0
        await session.commit()
        assert await _total_rows(session) == totals_after
    assert {name: totals_before[name] - totals_after[name] for name in totals_before} == {
        **{name: ada_counts.get(name, 0) for name in totals_before}
    }
    assert totals_after["group_notices"] == 1


def test_challenges_csv_is_one_row_a_day_and_safe_in_a_spreadsheet() -> None:
    export = {
        "goals": [{"id": 1, "behaviour": "running", "unit": "min"}],
        "challenges": [
            {"id": 2, "goal_id": 1, "local_date": "2026-03-02", "amount": 11.0, "status": "done",
             "effort": 4, "failure_reason": None, "achieved": None, "confidence": 40,
             "reflection": "=cmd|' /C calc'!A0", "p_success": 0.8,
             "sent_at": "2026-03-02T08:00:00+00:00", "answered_at": None},
            {"id": 1, "goal_id": 1, "local_date": "2026-03-01", "amount": 10.0,
             "status": "failed", "effort": None, "failure_reason": "too_hard", "achieved": 7.0,
             "confidence": None, "reflection": "a, \"quoted\"\nline", "p_success": 0.9,
             "sent_at": None, "answered_at": None},
        ],
    }
    rows = list(csv.DictReader(io.StringIO(challenges_csv(export))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [r["local_date"] for r in rows] == ["2026-03-01", "2026-03-02"]
    assert rows[0]["reflection"] == "a, \"quoted\"\nline"
    assert (rows[0]["behaviour"], rows[0]["achieved"], rows[0]["confidence"]) == (
        "running", "7.0", "")
    assert rows[1]["reflection"] == "'=cmd|' /C calc'!A0"
    assert challenges_csv({}) == ",".join(CSV_COLUMNS) + "\n"


async def test_csv_of_a_real_export(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        ada = await _make_user(session, 1, days=9)
        export = await export_user(session, ada)
    rows = list(csv.DictReader(io.StringIO(challenges_csv(export))))
    assert len(rows) == 9 and rows[1]["reflection"].startswith("'=")
    assert [r["status"] for r in rows] == [*STATUSES, STATUSES[0]]
