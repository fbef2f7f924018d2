"""What the live benchmarks share: seeded people, the bot as real processes, throwaway schemas."""

from __future__ import annotations

import asyncio
import secrets
import signal
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url

from bench.claims import _admin
from storage.db import create_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import Goal, User

ROOT = Path(__file__).resolve().parents[1]


def zone_around_noon(now: datetime) -> str:
    """An Etc/GMT zone whose local hour is near noon now, so every seeded day is sendable."""
    offset = max(-12, min(14, 12 - now.hour))
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


async def seed(url: str, users: int, first: int, now: datetime) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        zone = zone_around_noon(now)
        sessions = make_session_factory(engine)
        async with sessions() as session:
            rows = [User(telegram_user_id=first + i, chat_id=first + i, first_name=f"P{i}",
                         timezone=zone, send_time=(now - timedelta(minutes=1)).astimezone(
                             ZoneInfo(zone)).time().replace(second=0, microsecond=0),
                         next_send_at=now, next_review_at=now + timedelta(days=30))
                    for i in range(users)]
            session.add_all(rows)
            await session.flush()
            session.add_all([Goal(user_id=row.id or 0, behaviour="push-ups", unit="push-ups",
                                  step=1, baseline=10) for row in rows])
            await session.commit()
    finally:
        await engine.dispose()


class Bots:
    """The bot processes: started, killed and started again."""

    def __init__(self, env: dict[str, str], count: int, log_dir: Path) -> None:
        self.env, self.count, self.log_dir = env, count, log_dir
        self.processes: list[asyncio.subprocess.Process | None] = [None] * count

    async def start(self, index: int) -> None:
        args = [sys.executable, "-m", "bot.cli", "run"] + (["--worker"] if index else [])
        with (self.log_dir / f"bot{index}.log").open("ab") as log:
            self.processes[index] = await asyncio.create_subprocess_exec(
                *args, cwd=ROOT, env=self.env, stdout=log, stderr=log)

    async def start_all(self) -> None:
        for index in range(self.count):
            await self.start(index)

    async def stop(self, index: int, how: signal.Signals) -> None:
        process = self.processes[index]
        if process is None:
            return
        if process.returncode is None:
            process.send_signal(how)
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()

    async def stop_all(self) -> None:
        for index in range(self.count):
            await self.stop(index, signal.SIGTERM)


async def postgres_database(base: str) -> tuple[str, str]:
    """A throwaway role and schema, the role's search_path on it: the URL the bots use."""
    name = f"notch_crash_{secrets.token_hex(4)}"
    await _admin(base, f'CREATE ROLE "{name}" LOGIN', f'CREATE SCHEMA "{name}" AUTHORIZATION '
                 f'"{name}"', f'ALTER ROLE "{name}" SET search_path = "{name}"')
    url = make_url(base).set(username=name, password=None).render_as_string(hide_password=False)
    return name, url


async def drop_postgres(base: str, name: str) -> None:
    await _admin(base, f'DROP SCHEMA IF EXISTS "{name}" CASCADE', f'DROP ROLE IF EXISTS "{name}"')


