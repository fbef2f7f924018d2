"""The daily-loop harness (tests/support/daily.py) makes users the scheduler finds due."""

from __future__ import annotations

from datetime import time

from tests.support.daily import make_user, user_row, utc
from tests.support.notch import Notch


async def test_a_user_made_here_is_due_at_the_local_send_time(notch: Notch) -> None:
    notch.clock.now = utc(2026, 6, 1, 3, 0)
    user_id = await make_user(notch, notch.user(), zone="Asia/Kolkata", at=time(7, 30))
    assert (await user_row(notch, user_id)).next_send_at == utc(2026, 6, 2, 2, 0)
