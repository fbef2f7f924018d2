"""A week of silence pauses the person on their behalf, with one kind message (issue 12, item
16): no more challenge, reminder and "yesterday went unanswered" every day, indefinitely."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from bot.texts import settings as t
from tests.support.daily import make_user, user_row, utc
from tests.support.notch import Notch


@pytest.mark.parametrize("bot_database_url", ["sqlite", "postgres"], indirect=True)
async def test_a_silent_week_pauses_once_and_resume_brings_the_challenge_back(
    notch: Notch,
) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada)  # Berlin, 07:30; the review day is Monday
    per_day: Counter[date] = Counter()
    texts: list[str] = []
    for day in range(2, 12):  # 2 .. 11 June: every send, reminder and close, no answer
        for hour in (5.5, 8.5, 26):  # 07:30, 10:30 and 04:00 the next morning, Berlin
            await notch.tick(utc(2026, 6, day) + timedelta(hours=hour))
        await notch.emulator.settle()
        new = [m.text or "" for m in ada.messages[len(texts):]]
        per_day[date(2026, 6, day)] = len(new)
        texts += new
    # A week of messages: the challenge and its reminder, from the second day on after
    # "yesterday went unanswered" (the Monday review on 8 June); then one message, then none.
    assert [per_day[date(2026, 6, d)] for d in range(2, 12)] == [2, 3, 3, 3, 3, 3, 4, 1, 0, 0]
    assert texts.count(t.SILENCE_PAUSED) == 1 and texts[-1] == t.SILENCE_PAUSED
    user = await user_row(notch, user_id)
    assert (user.status, user.paused_until, user.next_send_at, user.next_review_at) == (
        "paused", None, None, None)
    # /resume: the next challenge is announced and comes; a new week starts, no new pause.
    await ada.send_text("/resume")
    await notch.emulator.settle()
    assert ada.messages[len(texts)].text == t.RESUMED.format(
        when=t.WHEN_TODAY.format(time="07:30"))  # it is 04:00 on 12 June in Berlin
    for day in (12, 13):
        report = await notch.tick(utc(2026, 6, day, 5, 30))
        assert (report.sent, report.silenced) == (1, 0)
    await notch.emulator.settle()
    assert [(m.text or "")[:17] for m in ada.messages[len(texts) + 1:]] == [
        "Today's challenge", "Yesterday's 10 mi", "Today's challenge"]
