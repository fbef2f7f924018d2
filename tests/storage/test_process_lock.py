"""One Notch process per SQLite file: the lock is exclusive, released with its holder, and
absent on PostgreSQL. (A second `notch run` as a process: tests/bot/test_cli_serve.py.)"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from storage.process_lock import DatabaseInUse, hold_database


def test_a_second_holder_of_one_sqlite_file_is_refused_with_the_clear_line(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'notch.db'}"
    with hold_database(url), pytest.raises(DatabaseInUse) as caught, hold_database(url):
        pass
    assert str(caught.value) == (
        f"{tmp_path / 'var' / 'notch.db'} is already used by another Notch process; SQLite"
        " serves one process — set DATABASE_URL to PostgreSQL to run several"
    )
    with hold_database(url):  # released on exit: the next holder gets it
        pass


def test_the_lock_dies_with_its_process_however_it_ends(tmp_path: Path) -> None:
    """flock belongs to the open file: a process killed with SIGKILL leaves no stale lock."""
    url = f"sqlite:///{tmp_path / 'notch.db'}"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from storage.process_lock import hold_database
            with hold_database({url!r}):
                print("held", flush=True)
                time.sleep(60)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(DatabaseInUse), hold_database(url):
            pass
    finally:
        holder.kill()
        holder.wait()
    with hold_database(url):
        pass


def test_other_sqlite_files_and_postgresql_are_not_locked(tmp_path: Path) -> None:
    with hold_database(f"sqlite:///{tmp_path / 'a.db'}"), hold_database(
        f"sqlite:///{tmp_path / 'b.db'}"
    ):
        pass
    postgres = "postgresql://postgres@127.0.0.1:5432/test"
    with hold_database(postgres) as first, hold_database(postgres) as second:
        assert first.database is None and second.database is None
    with hold_database("sqlite:///:memory:"), hold_database("sqlite:///:memory:"):
        pass
