"""The terminal sandbox, driven as a person would: a pseudo-terminal, typing, reading the screen."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pexpect
import pytest

from bot import texts
from bot.i18n import _, use_locale
from bot.texts import onboarding
from sandbox import terminal
from sandbox.terminal import SANDBOX_USER_ID


def _spawn(tmp_path: Path, *args: str, **extra_env: str) -> pexpect.spawn:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DATABASE_", "NOTCH_SANDBOX_", "SANDBOX_"))}
    env.update(TELEGRAM_BOT_TOKEN="", DATABASE_URL=f"sqlite:///{tmp_path / 'sandbox.db'}",
               USER="ada")  # the terminal's person is named after the login (issue 12 item 18)
    env.update(extra_env)
    return pexpect.spawn(
        sys.executable, ["-m", "bot.cli", "run", *args], cwd=str(tmp_path), env=env,
        encoding="utf-8", timeout=30, dimensions=(50, 400),
    )


@pytest.mark.parametrize(("args", "env", "code"), [
    (("--lang", "es"), {}, "es"),
    ((), {"NOTCH_SANDBOX_LANG": "ru"}, "ru"),
    ((), {"SANDBOX_LANG": "pt-br"}, "pt_BR"),
], ids=["--lang es", "NOTCH_SANDBOX_LANG=ru", "SANDBOX_LANG=pt-br"])
def test_the_sandbox_speaks_the_language_asked_for(tmp_path: Path, args: tuple[str, ...],
                                                  env: dict[str, str], code: str) -> None:
    child = _spawn(tmp_path, *args, **env)
    with use_locale(code):
        greeting, question = texts.greeting("Ada"), _(onboarding.ASK_BEHAVIOUR)
        running = _(onboarding.PRESETS[0].label)
    try:
        child.sendline("/start")
        child.expect_exact("Notch: " + greeting)
        child.expect_exact("Notch: " + question)
        child.expect_exact(f"[#1 {running}]")
        child.sendline("/quit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert greeting != texts.greeting("Ada") and child.exitstatus == 0


def test_sandbox_says_what_it_is_and_answers_start(tmp_path: Path) -> None:
    child = _spawn(tmp_path)
    try:
        first_line = child.readline().strip()
        assert first_line == terminal.BANNER
        assert "TELEGRAM_BOT_TOKEN" in first_line and "sandbox" in first_line
        child.sendline("/start")
        child.expect_exact("Notch: " + texts.greeting("Ada"))
        child.expect_exact("Notch: " + texts.METHOD.splitlines()[0])
        child.expect_exact("Notch: " + onboarding.ASK_BEHAVIOUR)
        child.expect_exact("[#1 Running]")
        child.sendline("#1")
        asked = onboarding.ask_baseline("running", "minutes", "10 minutes")
        child.expect_exact("Notch: " + asked[:60])
        child.sendline("/quit")
        child.expect_exact(terminal.GOODBYE)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0


def test_sandbox_keeps_state_between_runs_and_ends_on_ctrl_d(tmp_path: Path) -> None:
    for run in range(2):
        child = _spawn(tmp_path)
        try:
            child.sendline("/start")
            if run == 0:
                child.expect_exact("Notch: " + texts.greeting("Ada"))
            else:  # the second run continues the onboarding the first one began
                child.expect_exact("Notch: " + onboarding.RESUMING)
                child.expect_exact("Notch: " + onboarding.ASK_BEHAVIOUR)
            child.sendeof()
            child.expect_exact(terminal.GOODBYE)
            child.expect(pexpect.EOF)
        finally:
            child.close(force=True)
        assert child.exitstatus == 0
    with sqlite3.connect(tmp_path / "sandbox.db") as db:
        assert db.execute("SELECT telegram_user_id FROM users").fetchall() == [(SANDBOX_USER_ID,)]


def test_a_first_challenge_done_in_the_sandbox_with_numbered_buttons(tmp_path: Path) -> None:
    """The whole first day typed at a terminal: #N presses by place, so repeated labels work."""
    child = _spawn(tmp_path)
    try:
        for typed, shown in [
            ("/start", "[#1 Running]"), ("#1", "For example"), ("10", "Skip"),
            ("skip", "7:30"), ("7:30", "time zone"),
        ]:
            child.sendline(typed)
            child.expect_exact(shown)
        child.sendline("/location 52.52 13.40")  # Berlin, shared as a phone would
        child.expect_exact("Europe/Berlin")
        child.expect(r"\[#(\d+) Looks right\]")
        child.sendline("#" + child.match.group(1))
        child.expect(r"\[#(\d+) Now\]")
        child.sendline("#" + child.match.group(1))
        # The ladder's rows repeat their labels (0 … 100); each button still has its own number.
        # Each level is its amount on a row of its own, then the six ratings.
        child.expect(r"\[#(\d+) 100\]\r\n  \[#\d+ [^\]]+\]\r\n  \[#(\d+) 0\]")
        first_row_100, second_row_0 = child.match.group(1), child.match.group(2)
        assert int(second_row_0) == int(first_row_100) + 2
        child.expect(r"\[#(\d+) ✅ Done\]")
        done = child.match.group(1)
        child.sendline("#" + done)
        child.expect(r"How hard did it feel\?\r\n  \[#(\d+) 1 very easy\]")
        child.sendline("#" + str(int(child.match.group(1)) + 2))  # 3 just right
        child.expect_exact("Registered: 10 minutes")
        child.sendline("#" + done)  # a button that the edit took away
        child.expect_exact(terminal.NO_SUCH_BUTTON.format(number=done))
        child.sendline("/progress")  # a terminal can't show a photo: it is saved, and named
        child.expect(r"\[photo saved as (\S+\.png)\]")
        chart = tmp_path / child.match.group(1)
        child.sendline("/quit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert chart.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    with sqlite3.connect(tmp_path / "sandbox.db") as db:
        assert db.execute("SELECT amount, status, effort FROM challenges").fetchall() == [
            (10.0, "done", 3)
        ]
