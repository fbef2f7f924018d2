"""Inbox claim benchmark: how long one claim of 64 pending updates takes as handled rows pile up.

Run: ``make bench`` (or ``.venv/bin/python bench/inbox_claim.py``; ``--handled N ...``,
``--repeat R``, ``--no-write``). PostgreSQL: ``--postgres-url``, else ``BENCH_DATABASE_URL``,
else ``TEST_DATABASE_URL``, else ``postgresql://postgres@127.0.0.1:5432/test``.

Handled updates are kept a day (Telegram may redeliver for that long), so at 100,000 people
writing a few times a day the table holds hundreds of thousands of them. For each size, a
throwaway schema at the migrations' head gets that many handled rows (2,000 chats) and 200
pending ones; `storage.inbox.claim_updates` (the workers' own call) claims 64, in a transaction
rolled back so every repeat sees the same rows. Reported: the median claim time, and the same
with migration 0009's partial indexes dropped (the schema before it: the claim as it was).
Writes its table into docs/BENCHMARKS.md between the inbox-claim markers.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._doc import markers, write_section
from bench.claims import _admin, postgres_url, safe
from storage.db import create_engine, make_session_factory
from storage.inbox import claim_updates
from storage.migrate import upgrade

PENDING = 200
CHATS = 2000
BEFORE_0009 = (
    "DROP INDEX ix_update_inbox_pending_update_id",
    "DROP INDEX ix_update_inbox_live_chat_id_update_id",
    "CREATE INDEX ix_update_inbox_status_chat_id_update_id "
    "ON update_inbox (status, chat_id, update_id)",
)


async def _claim_ms(url: str, schema: str, repeat: int) -> float:
    engine = create_engine(url, connect_args={"server_settings": {"search_path": schema}})
    sessions = make_session_factory(engine)
    times = []
    try:
        for _ in range(repeat):
            async with sessions() as session:
                start = time.perf_counter()
                claimed = await claim_updates(session, datetime.now(UTC), limit=64)
                times.append((time.perf_counter() - start) * 1000)
                assert len(claimed) == 64
                await session.rollback()
    finally:
        await engine.dispose()
    return statistics.median(times)


async def measure(url: str, handled: int, repeat: int) -> tuple[float, float]:
    """(ms with the indexes of 0009, ms with the schema before it) for `handled` kept rows."""
    schema = f"bench_claim_{secrets.token_hex(4)}"
    await _admin(url, f"CREATE SCHEMA {schema}")
    engine = create_engine(url, connect_args={"server_settings": {"search_path": schema}})
    try:
        await upgrade(engine)
        async with engine.begin() as connection:
            await connection.execute(text(
                "INSERT INTO update_inbox (update_id, chat_id, payload, status, failures,"
                " received_at, handled_at) SELECT g, g % :chats, '{}'::json, 'handled', 0,"
                " now(), now() FROM generate_series(1, CAST(:n AS bigint)) g"),
                {"n": handled, "chats": CHATS})
            await connection.execute(text(
                "INSERT INTO update_inbox (update_id, chat_id, payload, status, failures,"
                " received_at) SELECT g, :chats + g, '{}'::json, 'pending', 0, now()"
                " FROM generate_series(CAST(:a AS bigint), CAST(:b AS bigint)) g"),
                {"a": handled + 1, "b": handled + PENDING, "chats": CHATS})
            await connection.execute(text("ANALYZE update_inbox"))
        now = await _claim_ms(url, schema, repeat)
        async with engine.begin() as connection:
            for statement in BEFORE_0009:
                await connection.execute(text(statement))
            await connection.execute(text("ANALYZE update_inbox"))
        before = await _claim_ms(url, schema, repeat)
    finally:
        await engine.dispose()
        await _admin(url, f"DROP SCHEMA {schema} CASCADE")
    return now, before


def _section(rows: list[tuple[int, float, float]], url: str, repeat: int) -> str:
    start, end = markers("inbox-claim")
    lines = [
        start,
        "## The inbox's claim as handled rows pile up (`bench/inbox_claim.py`)",
        "",
        f"`.venv/bin/python bench/inbox_claim.py` — PostgreSQL at {safe(url)}; one claim of 64 "
        f"of {PENDING} pending updates (`storage.inbox.claim_updates`), median of {repeat}, "
        f"with handled rows kept from {CHATS:,} chats.",
        "",
        "| handled rows kept | claim, ms (0009's partial indexes) | claim, ms (before 0009) |",
        "|---:|---:|---:|",
        *(f"| {handled:,} | {now:.2f} | {before:.2f} |" for handled, now, before in rows),
        "",
        "Before 0009 the claim walked the primary key past every handled row to find pending ones "
        "and scanned the table for a chat's earlier live rows, so each claim grew with the rows "
        "kept for a day: at 100,000 people writing a few times a day, seconds per claim.",
        end,
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handled", type=int, nargs="+", default=[2_000, 20_000, 200_000])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    url = postgres_url(args.postgres_url)
    rows = []
    for handled in args.handled:
        now, before = asyncio.run(measure(url, handled, args.repeat))
        rows.append((handled, now, before))
        print(f"{handled:>8} handled: {now:6.2f} ms now, {before:6.2f} ms before 0009",
              flush=True)
    section = _section(rows, url, args.repeat)
    print(section)
    if not args.no_write:
        write_section("inbox-claim", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
