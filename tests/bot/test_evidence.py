"""/evidence end to end: the latest and the hardest-won successes as dated, specific lines."""

from __future__ import annotations

from datetime import date, timedelta

from bot import texts
from bot.texts import evidence as t
from tests.support.history import Day, insert_history
from tests.support.journeys import onboard, read_until
from tests.support.notch import Notch

D = date(2026, 5, 20)


async def test_evidence_needs_a_goal(notch: Notch) -> None:
    ada = notch.user()
    await ada.send_text("/evidence")
    assert (await ada.next_message()).text == texts.NEED_SETUP


async def test_an_empty_log_gets_a_kind_specific_answer(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    await ada.send_text("/evidence")
    assert (await read_until(ada, t.EMPTY[:40])).text == t.EMPTY
    assert "tap Done" in t.EMPTY and "/today" in t.EMPTY


async def test_latest_and_hardest_won_lines(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada)
    days = [
        Day(D, 10, "done", 2, None),
        Day(D + timedelta(days=1), 12, "done", 5, 40),  # max effort, a new best, doubted
        Day(D + timedelta(days=2), 12, "failed", None, 60),
        Day(D + timedelta(days=3), 11, "done", 3, None),
        Day(D + timedelta(days=4), 11, "missed", None, None),
        Day(D + timedelta(days=5), 11, "done", 4, 80),
        Day(D + timedelta(days=6), 12, "done", 3, None),
    ]
    await insert_history(notch, days)
    await ada.send_text("/evidence")
    reply = (await read_until(ada, "Your evidence")).text
    assert reply == "\n".join([
        "Your evidence for running: 5 successes in all since Wed 20 May 2026, starting from "
        "10 minutes.",
        "",
        "Latest:",
        "- Tue 26 May 2026: 12 minutes, just right",
        "- Mon 25 May 2026: 11 minutes, hard",
        "- Sat 23 May 2026: 11 minutes, just right",
        "",
        "Hardest-won:",
        "- Thu 21 May 2026: 12 minutes, maximal effort, your best so far, though you were 40 % "
        "sure — \"went before breakfast\"",
        "- Wed 20 May 2026: 10 minutes, easy",
        "",
        t.FOOTER,
    ])
