"""The user's data rights: export everything stored about them, re-import it, delete it.

Which rows belong to a user is read from the schema, not listed by hand: a table is the user's
when a foreign key leads from it to ``users`` (directly or through goals, challenges, …). So a
table added later is exported and deleted without touching this module, and ``delete_user``
needs only ``DELETE FROM users`` — ON DELETE CASCADE removes the rest on both backends (SQLite
needs ``foreign_keys=ON``, which storage.db sets on every connection). ``group_notices`` holds
group chats, not people, and is no user's; ``calibration_priors`` holds aggregates only, and
``delete_user`` drops those the user's answers went into (storage.priors.forget_user).

The caller owns the transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any, Final

from sqlalchemy import Column, Date, DateTime, Table, Time, delete, func, insert, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.models  # noqa: F401  (registers every table on the metadata)
from core.calibration import LEGACY_REASON
from core.clock import as_utc
from storage.inbox import forget_chat
from storage.priors import forget_user

__all__ = [
    "CSV_COLUMNS",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "ExportError",
    "challenges_csv",
    "delete_user",
    "export_user",
    "import_user",
    "user_tables",
]

EXPORT_FORMAT: Final = "notch-export"
EXPORT_VERSION: Final = 1
USERS: Final = "users"

CSV_COLUMNS: Final = (
    "local_date", "behaviour", "unit", "amount", "status", "effort", "failure_reason",
    "achieved", "confidence", "reflection", "p_success", "sent_at", "answered_at",
)
# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ValueError):
    """An export that cannot be imported (wrong format, or rows pointing at missing rows)."""


def user_tables() -> list[Table]:
    """Every table holding a user's rows, parents before children (``users`` first)."""
    owned: dict[str, Table] = {}
    for table in SQLModel.metadata.sorted_tables:
        if table.name == USERS or any(
            fk.column.table.name in owned for fk in table.foreign_keys
        ):
            owned[table.name] = table
    return list(owned.values())


def _owner_filter(table: Table, user_id: int, owned: Mapping[str, Table]) -> ColumnElement[bool]:
    """``WHERE`` selecting the user's rows of ``table``: directly by a key to users, else through
    the first parent that is the user's."""
    if table.name == USERS:
        return table.c.id == user_id
    for fk in table.foreign_keys:
        if fk.column.table.name == USERS:
            return fk.parent == user_id
    for fk in table.foreign_keys:
        parent = owned.get(fk.column.table.name)
        if parent is not None:
            keys = select(fk.column).where(_owner_filter(parent, user_id, owned))
            return fk.parent.in_(keys)
    raise AssertionError(f"{table.name} is not a user's table")  # user_tables() excludes it


def _key(table: Table) -> str:
    return "user" if table.name == USERS else table.name


def _kind(column: Column[Any]) -> type | None:
    impl = getattr(column.type, "impl", column.type)  # SQLModel's UTCDateTime decorates DateTime
    for sa_type, kind in ((DateTime, datetime), (Date, date), (Time, time)):
        if isinstance(impl, sa_type):
            return kind
    return None


def _dump(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def _load(column: Column[Any], value: Any) -> Any:
    kind = _kind(column)
    if value is None or kind is None:
        return value
    if not isinstance(value, str):
        raise ExportError(f"{column.table.name}.{column.name}: expected an ISO-8601 string")
    try:
        if kind is datetime:
            return as_utc(datetime.fromisoformat(value), f"{column.table.name}.{column.name}")
        return kind.fromisoformat(value)  # type: ignore[attr-defined]
    except ValueError as exc:
        raise ExportError(f"{column.table.name}.{column.name}: {exc}") from None


async def export_user(session: AsyncSession, user_id: int) -> dict[str, Any]:
    """Every row of the user, JSON-serialisable (instants ISO-8601 UTC, dates ISO); ``{}`` for
    an unknown user. Keys: ``user`` (one object) and one list per other table, rows by key."""
    tables = user_tables()
    owned = {table.name: table for table in tables}
    export: dict[str, Any] = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION}
    for table in tables:
        statement = (
            select(table)
            .where(_owner_filter(table, user_id, owned))
            .order_by(*table.primary_key.columns)
        )
        rows = [
            {name: _dump(value) for name, value in row.items()}
            for row in (await session.exec(statement)).mappings()  # type: ignore[call-overload]
        ]
        if table.name == USERS:
            if not rows:
                return {}
            export["user"] = rows[0]
        else:
            export[table.name] = rows
    return export


def _generated_key(table: Table) -> Column[Any] | None:
    """The integer key the database assigns (not a foreign key, such as conversations.user_id)."""
    columns = list(table.primary_key.columns)
    if len(columns) == 1 and not columns[0].foreign_keys and columns[0].autoincrement in (
        True, "auto"
    ):
        return columns[0]
    return None


async def import_user(
    session: AsyncSession,
    export: Mapping[str, Any],
    *,
    telegram_user_id: int | None = None,
    chat_id: int | None = None,
) -> int:
    """Re-create an exported user's rows with fresh keys; returns the new user's id.

    Keys the database assigns are new and every reference is mapped to them, so the rows
    import beside other users. ``telegram_user_id``/``chat_id`` replace the exported ones (the
    Telegram id is unique: importing next to the original needs another).
    """
    if export.get("format") != EXPORT_FORMAT or export.get("version") != EXPORT_VERSION:
        raise ExportError(f"not a {EXPORT_FORMAT} version {EXPORT_VERSION} document")
    new_keys: dict[str, dict[Any, Any]] = {}  # "table.column" -> {old: new}
    new_user_id: int | None = None
    for table in user_tables():
        raw = export.get(_key(table))
        rows: list[Mapping[str, Any]] = list(raw or []) if table.name != USERS else []
        if table.name == USERS:
            if not isinstance(raw, Mapping):
                raise ExportError("the export holds no user")
            overrides = {"telegram_user_id": telegram_user_id, "chat_id": chat_id}
            rows = [{**raw, **{k: v for k, v in overrides.items() if v is not None}}]
        rows = [_upgrade_row(table.name, row) for row in rows]
        generated = _generated_key(table)
        for row in rows:
            values: dict[str, Any] = {}
            for column in table.columns:
                if column.name not in row:
                    continue  # an older export: the column's default applies
                value = _load(column, row[column.name])
                for fk in column.foreign_keys:
                    if value is not None:
                        mapping = new_keys.get(f"{fk.column.table.name}.{fk.column.name}", {})
                        if value not in mapping:
                            raise ExportError(
                                f"{table.name}.{column.name} = {value!r} points at no exported row"
                            )
                        value = mapping[value]
                values[column.name] = value
            old_key = values.pop(generated.name, None) if generated is not None else None
            statement = insert(table).values(**values)
            if generated is not None:
                new_key = (
                    await session.exec(statement.returning(generated))
                ).scalar_one()
                new_keys.setdefault(f"{table.name}.{generated.name}", {})[old_key] = new_key
                if table.name == USERS:
                    new_user_id = int(new_key)
            else:
                await session.exec(statement)
    assert new_user_id is not None  # the users table has a generated key
    return new_user_id


async def delete_user(session: AsyncSession, user_id: int) -> int:
    """Remove the user and every row of theirs; returns how many rows went (0: none existed).

    One ``DELETE`` on ``users``; the foreign keys' ON DELETE CASCADE remove the rest, in the same
    statement, so a half-deleted user cannot exist. A second call finds nothing and returns 0.
    The person's finished updates in the inbox (their messages as Telegram sent them) go too.
    First the calibration fits the user's answers went into are dropped and a refit is due
    (storage.priors.forget_user), in the same transaction: nothing of them stays in aggregates.
    """
    tables = user_tables()
    owned = {table.name: table for table in tables}
    total = 0
    for table in tables:
        count = select(func.count()).select_from(table).where(
            _owner_filter(table, user_id, owned)
        )
        total += int((await session.exec(count)).scalar_one())  # type: ignore[call-overload]
    await forget_user(session, user_id)
    users = owned[USERS]
    chat_id = (await session.exec(  # type: ignore[call-overload]
        select(users.c.chat_id).where(users.c.id == user_id))).first()
    if chat_id is not None:  # the person's messages waiting in the update inbox go too
        await forget_chat(session, int(chat_id[0]))
    result = await session.exec(delete(users).where(users.c.id == user_id))
    if not result.rowcount:
        return 0
    await session.flush()
    return total


def _upgrade_row(table: str, row: Mapping[str, Any]) -> Mapping[str, Any]:
    """A row as exported before migration 0005: its English reason kept verbatim ("legacy")."""
    if table != "challenges" or "plan_reason" not in row or "plan_reason_key" in row:
        return row
    return {**row, "plan_reason_key": LEGACY_REASON, "plan_facts": {"text": row["plan_reason"]}}


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # shown as text, never run as a formula
    return "" if value is None else value


def challenges_csv(export: Mapping[str, Any]) -> str:
    """The export's challenges as CSV (one row per day, oldest first), for a spreadsheet."""
    goals = {goal["id"]: goal for goal in export.get("goals", [])}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    challenges = sorted(
        export.get("challenges", []), key=lambda c: (c["local_date"], c["goal_id"])
    )
    for challenge in challenges:
        goal = goals.get(challenge["goal_id"], {})
        merged = {**challenge, "behaviour": goal.get("behaviour"), "unit": goal.get("unit")}
        writer.writerow([_cell(merged.get(name)) for name in CSV_COLUMNS])
    return buffer.getvalue()
