"""The tick end to end: local send times across zones and DST, follow-ups, day close and the
late question, catch-up after downtime, restarts mid-send, and Telegram's refusals."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from bot.daily import deliver_challenge
from bot.fanout import PLAN_AHEAD
from bot.texts import checkin as t
from storage.scheduling import claim_due_challenges
from tests.support.daily import challenges, make_user, services_of, user_row, utc
from tests.support.notch import Notch


async def _days(notch: Notch, user_id: int, expected: list[datetime]) -> None:
    """The challenge arrives exactly at each expected instant (not one tick earlier)."""
    for instant in expected:
        assert (await user_row(notch, user_id)).next_send_at == instant
        assert (await notch.tick(instant - timedelta(seconds=30))).sent == 0
        assert (await notch.tick(instant)).sent == 1


@pytest.mark.parametrize(
    ("zone", "at", "start", "expected"),
    [
        # Berlin springs forward on Sun 29 Mar 2026 (CET→CEST) and falls back on Sun 25 Oct.
        ("Europe/Berlin", time(7, 30), utc(2026, 3, 27, 12, 0),
         [utc(2026, 3, 28, 6, 30), utc(2026, 3, 29, 5, 30), utc(2026, 3, 30, 5, 30)]),
        ("Europe/Berlin", time(7, 30), utc(2026, 10, 23, 12, 0),
         [utc(2026, 10, 24, 5, 30), utc(2026, 10, 25, 6, 30), utc(2026, 10, 26, 6, 30)]),
        # New York: 8 Mar 2026 (EST→EDT), 1 Nov 2026 (EDT→EST); 02:30 does not exist on 8 Mar.
        ("America/New_York", time(2, 30), utc(2026, 3, 6, 12, 0),
         [utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7, 30), utc(2026, 3, 9, 6, 30)]),
        ("America/New_York", time(7, 0), utc(2026, 10, 30, 15, 0),
         [utc(2026, 10, 31, 11, 0), utc(2026, 11, 1, 12, 0), utc(2026, 11, 2, 12, 0)]),
        ("Asia/Kolkata", time(6, 45), utc(2026, 6, 1, 12, 0),
         [utc(2026, 6, 2, 1, 15), utc(2026, 6, 3, 1, 15)]),
        ("Pacific/Kiritimati", time(7, 0), utc(2026, 6, 1, 12, 0),
         [utc(2026, 6, 1, 17, 0), utc(2026, 6, 2, 17, 0)]),
        ("Pacific/Pago_Pago", time(21, 0), utc(2026, 6, 1, 12, 0),
         [utc(2026, 6, 2, 8, 0), utc(2026, 6, 3, 8, 0)]),
    ],
)
async def test_the_challenge_arrives_at_the_local_send_time(
    notch: Notch, zone: str, at: time, start: datetime, expected: list[datetime]
) -> None:
    notch.clock.now = start
    person = notch.user()
    user_id = await make_user(notch, person, zone=zone, at=at)
    await _days(notch, user_id, expected)
    rows = await challenges(notch, user_id)
    assert [r.sent_at for r in rows] == expected
    # Each is on its own local day, and that day closes at 04:00 local the next morning.
    from core.clock import day_close_instant, local_day

    assert [r.local_date for r in rows] == [local_day(i, zone) for i in expected]
    assert [r.close_at for r in rows] == [day_close_instant(r.local_date, zone) for r in rows]
    messages = [m for m in person.messages if (m.text or "").startswith("Today's challenge")]
    assert len(messages) == len(expected)


async def test_days_close_at_four_local_and_the_next_message_asks_about_yesterday(
    notch: Notch,
) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada, zone="Asia/Kolkata", at=time(7, 0))  # 01:30 UTC
    first_send = utc(2026, 6, 2, 1, 30)
    await notch.tick(first_send)
    await ada.next_message()
    # One follow-up three hours later, none after that.
    report = await notch.tick(first_send + timedelta(hours=3))
    assert report.followups == 1
    reminder = await ada.next_message()
    [row] = await challenges(notch, user_id)
    assert reminder.text == t.FOLLOWUP.format(amount=f"{row.amount:.0f} minutes")
    assert (await notch.tick(first_send + timedelta(hours=4))).followups == 0
    # 03:59 local next morning the day is still open; at 04:00 local (22:30 UTC) it closes.
    assert (await notch.tick(utc(2026, 6, 2, 22, 29))).closed == 0
    assert (await notch.tick(utc(2026, 6, 2, 22, 30))).closed == 1
    [row] = await challenges(notch, user_id)
    assert row.status == "missed"
    await notch.tick(first_send + timedelta(days=1))
    late = await ada.next_message()
    today = await ada.next_message()
    assert late.text == t.LATE_QUESTION.format(amount=f"{row.amount:.0f} minutes")
    assert late.buttons == [t.LATE_DID_BUTTON, t.LATE_DIDNT_BUTTON]
    assert today.text is not None and today.text.startswith("Today's challenge")
    await ada.press(t.LATE_DID_BUTTON, late)
    await notch.emulator.settle()
    assert late.text == t.EFFORT_QUESTION.format(amount=f"{row.amount:.0f} minutes")
    await ada.press(t.EFFORT_BUTTONS[3], late)
    await notch.emulator.settle()
    assert late.text is not None and late.text.startswith("Registered:")
    rows = await challenges(notch, user_id)
    assert [(r.status, r.effort) for r in rows] == [("done", 3), ("sent", None)]


async def test_no_follow_up_after_nine_in_the_evening(notch: Notch) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada, zone="Europe/Berlin", at=time(19, 0))
    await notch.tick(utc(2026, 6, 2, 17, 0))
    await ada.next_message()
    [row] = await challenges(notch, user_id)
    assert row.followup_at is None  # 22:00 local would be after 21:00
    assert (await notch.tick(utc(2026, 6, 2, 20, 0))).followups == 0
    await ada.expect_no_message(within=0.2)


@pytest.mark.parametrize(
    "bot_database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)
async def test_catch_up_after_downtime_sends_today_once_and_closes_past_days(
    notch: Notch,
) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada, zone="Europe/Berlin", at=time(7, 30))
    await notch.tick(utc(2026, 6, 2, 5, 30))
    await ada.next_message()
    # The bot is down from 06:00 UTC on the 2nd until 14:00 UTC on the 5th (16:00 local).
    report = await notch.tick(utc(2026, 6, 5, 14, 0))
    assert (report.closed, report.planned, report.sent) == (1, 1, 1)
    # The 2nd went unanswered, but it was not yesterday: no late question, no flood of old days.
    today = await ada.next_message()
    assert today.text is not None and today.text.startswith("Today's challenge")
    await ada.expect_no_message(within=0.2)
    rows = await challenges(notch, user_id)
    assert [(r.local_date, r.status) for r in rows] == [
        (date(2026, 6, 2), "missed"), (date(2026, 6, 5), "sent")]
    # Down again until 22:00 local on the 6th: that day is skipped quietly, nothing at night.
    report = await notch.tick(utc(2026, 6, 6, 20, 0))
    assert (report.sent, report.too_late) == (0, 1)
    await ada.expect_no_message(within=0.2)
    assert (await user_row(notch, user_id)).next_send_at == utc(2026, 6, 7, 5, 30)


@pytest.mark.parametrize(
    "bot_database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)
async def test_restart_between_claim_and_send_loses_nothing(notch: Notch) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada)
    due = utc(2026, 6, 2, 5, 30)
    # A worker plans and claims, then dies before sending (the claim is committed). The day is
    # planned ahead of its send time (bot.fanout.PLAN_AHEAD), but nothing goes out before it.
    report = await notch.tick(due - PLAN_AHEAD - timedelta(seconds=1))
    assert report.planned == 0
    report = await notch.tick(due - timedelta(seconds=1))
    assert (report.planned, report.sent) == (1, 0)
    services = services_of(notch)
    from bot.daily import plan_day
    from storage.goals import active_goal
    from storage.models import User

    async with services.session() as session:
        user = await session.get(User, user_id)
        assert user is not None
        goal = await active_goal(session, user_id)
        assert goal is not None
        await plan_day(session, user, goal, date(2026, 6, 2), due)
        assert len(await claim_due_challenges(session, due)) == 1
        await session.commit()
    # Restarted within the lease: nothing is sent twice while the claim may still be live…
    assert (await notch.tick(due + timedelta(seconds=30))).sent == 0
    await ada.expect_no_message(within=0.2)
    # …and once the lease ran out, the challenge goes out exactly once.
    assert (await notch.tick(due + timedelta(minutes=2, seconds=30))).sent == 1
    await ada.next_message()
    await ada.expect_no_message(within=0.2)
    [row] = await challenges(notch, user_id)
    assert row.status == "sent"


@pytest.mark.parametrize(
    "bot_database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)
async def test_restart_between_send_and_mark_sends_at_most_one_duplicate(
    notch: Notch, monkeypatch: pytest.MonkeyPatch,
) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada)
    due = utc(2026, 6, 2, 5, 30)

    class Crash(Exception):
        pass

    async def crash(*args: object, **kwargs: object) -> bool:
        raise Crash

    import bot.fanout

    monkeypatch.setattr(bot.fanout, "mark_sent_many", crash)  # dies right after sending
    report = await notch.tick(due)
    assert (report.sent, report.unsent) == (0, 1)
    monkeypatch.undo()
    first = await ada.next_message()
    [row] = await challenges(notch, user_id)
    assert row.status == "planned" and row.claimed_until is not None
    assert (await notch.tick(due + timedelta(minutes=1))).sent == 0  # lease still held
    assert (await notch.tick(due + timedelta(minutes=2, seconds=1))).sent == 1
    duplicate = await ada.next_message()
    assert duplicate.text == first.text  # the one duplicate this window can produce
    assert (await notch.tick(due + timedelta(minutes=10))).sent == 0
    await ada.expect_no_message(within=0.2)
    [row] = await challenges(notch, user_id)
    assert row.status == "sent" and row.telegram_message_id == duplicate.message_id
    daily_sends = [c for c in notch.emulator.calls_of("sendMessage")
                   if str(c.get("chat_id")) == str(ada.chat_id)]
    assert len(daily_sends) == 2


async def test_a_press_on_a_duplicate_before_it_is_marked_records_and_stops_resending(
    notch: Notch,
) -> None:
    """Answering the message sent just before a crash settles the row: no resend follows."""
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada)
    due = utc(2026, 6, 2, 5, 30)
    await notch.tick(due - timedelta(seconds=1))
    services = services_of(notch)
    async with services.session() as session:
        from bot.daily import plan_day
        from storage.goals import active_goal
        from storage.models import User

        user = await session.get(User, user_id)
        goal = await active_goal(session, user_id)
        assert user is not None and goal is not None
        row = await plan_day(session, user, goal, date(2026, 6, 2), due)
        assert await claim_due_challenges(session, due) == [row.id]
        await session.commit()
    assert row.id is not None
    assert await deliver_challenge(services, notch.application.bot, row.id, due)
    daily = await ada.next_message()
    await ada.press(t.SKIP_BUTTON, daily)
    await notch.emulator.settle()
    assert (await notch.tick(due + timedelta(minutes=5))).sent == 0
    [after] = await challenges(notch, user_id)
    assert after.status == "skipped"


async def test_a_user_who_blocked_the_bot_is_not_written_to_again(notch: Notch) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada, bo = notch.user(1001, "Ada"), notch.user(1002, "Bo")
    ada_id = await make_user(notch, ada)
    bo_id = await make_user(notch, bo)
    # Ada blocks silently (403 on the next send); Bo's my_chat_member update arrives first.
    ada._chat.blocked = True
    await bo.block()
    await notch.emulator.settle()
    bo_row = await user_row(notch, bo_id)
    assert (bo_row.status, bo_row.next_send_at) == ("blocked", None)
    report = await notch.tick(utc(2026, 6, 2, 5, 30))
    assert report.sent == 0
    ada_row = await user_row(notch, ada_id)
    assert (ada_row.status, ada_row.next_send_at) == ("blocked", None)
    calls = len(notch.emulator.calls_of("sendMessage"))
    for day in range(1, 4):
        await notch.tick(utc(2026, 6, 2, 5, 30) + timedelta(days=day))
    assert len(notch.emulator.calls_of("sendMessage")) == calls
    assert [r.status for r in await challenges(notch, ada_id)] == ["missed"]
    # Bo unblocks: active again and scheduled for the next send time.
    await bo.unblock()
    await notch.emulator.settle()
    bo_row = await user_row(notch, bo_id)
    assert bo_row.status == "active" and bo_row.next_send_at == utc(2026, 6, 6, 5, 30)


async def test_429_on_the_daily_send_is_retried_after_retry_after_and_delivered_once(
    notch: Notch,
) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada)
    due = utc(2026, 6, 2, 5, 30)
    # A scheduled send is not retried by the rate limiter (that is the reply lane's): the 429
    # pauses the broadcast lane and the row itself is postponed by exactly retry_after.
    notch.emulator.inject_fault("sendMessage", status=429, retry_after=1)
    report = await notch.tick(due)
    assert (report.sent, report.unsent) == (0, 1)
    [row] = await challenges(notch, user_id)
    assert (row.status, row.due_at, row.claimed_until) == ("planned", due + timedelta(seconds=1),
                                                           None)
    assert row.send_attempts == 1
    assert (await notch.tick(due + timedelta(seconds=1))).sent == 1
    await ada.next_message()
    await ada.expect_no_message(within=0.2)
    [row] = await challenges(notch, user_id)
    assert row.status == "sent"


async def test_server_errors_are_retried_with_back_off(notch: Notch) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada)
    due = utc(2026, 6, 2, 5, 30)
    notch.emulator.inject_fault("sendMessage", status=502, times=3)
    assert (await notch.tick(due)).sent == 0
    [row] = await challenges(notch, user_id)
    assert row.due_at == due + timedelta(seconds=30)
    assert (await notch.tick(row.due_at)).sent == 0
    [row] = await challenges(notch, user_id)
    assert row.due_at == due + timedelta(seconds=30 + 60)
    assert (await notch.tick(row.due_at)).sent == 0
    [row] = await challenges(notch, user_id)
    assert row.due_at == due + timedelta(seconds=30 + 60 + 120)
    assert (await notch.tick(row.due_at)).sent == 1
    await ada.next_message()
    await ada.expect_no_message(within=0.2)


async def test_a_bad_request_is_logged_and_not_retried(
    notch: Notch, caplog: pytest.LogCaptureFixture,
) -> None:
    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada)
    due = utc(2026, 6, 2, 5, 30)
    notch.emulator.inject_fault("sendMessage", status=400, description="Bad Request: nope")
    assert (await notch.tick(due)).sent == 0
    assert any("bad request" in r.getMessage() and r.levelname == "ERROR"
               for r in caplog.records)
    calls = len(notch.emulator.calls_of("sendMessage"))
    for minutes in (1, 5, 60, 600):
        assert (await notch.tick(due + timedelta(minutes=minutes))).sent == 0
    assert len(notch.emulator.calls_of("sendMessage")) == calls
    [row] = await challenges(notch, user_id)
    assert row.status == "planned"
    await notch.tick(row.close_at)
    [row] = await challenges(notch, user_id)
    assert row.status == "missed"


async def test_a_day_is_planned_ahead_once_yesterday_closed_and_the_announcement_holds(
    notch: Notch,
) -> None:
    """Planning ahead (bot.fanout.PLAN_AHEAD) waits for the previous day's close (04:00 local),
    so a send time just after 04:00 is planned at 04:00, not before; in between, what the bot
    announces is still the send time itself."""
    from storage.scheduling import next_challenge_at

    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada, zone="UTC", at=time(4, 2))
    send = utc(2026, 6, 2, 4, 2)
    report = await notch.tick(utc(2026, 6, 2, 3, 59))  # within PLAN_AHEAD, 1 June still open
    assert (report.planned, report.sent) == (0, 0)
    report = await notch.tick(utc(2026, 6, 2, 4, 0))  # 1 June closed: planned, not sent
    assert (report.planned, report.sent) == (1, 0)
    await ada.expect_no_message(within=0.2)
    user = await user_row(notch, user_id)
    assert user.next_send_at == utc(2026, 6, 3, 4, 2)  # moved on to the next free day
    async with services_of(notch).session() as session:
        assert await next_challenge_at(session, user, utc(2026, 6, 2, 4, 1)) == send
    [row] = await challenges(notch, user_id)
    assert (row.status, row.due_at) == ("planned", send)
    report = await notch.tick(send)
    assert (report.planned, report.sent) == (0, 1)
    await ada.next_message()


async def test_a_stopping_process_sends_nothing_new_and_hands_its_claims_back(
    notch: Notch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A graceful stop (SIGTERM) begins with `services.stopping`: challenges claimed but not yet
    sent are handed back at once (no lease to wait out), nothing is sent twice, and the next
    process sends them."""
    import bot.fanout

    notch.clock.now = utc(2026, 6, 1, 12, 0)
    ada = notch.user()
    user_id = await make_user(notch, ada, zone="UTC", at=time(7, 0))
    send = utc(2026, 6, 2, 7, 0)
    assert (await notch.tick(send - PLAN_AHEAD / 2)).planned == 1
    found = services_of(notch)
    claim = bot.fanout.claim_due_challenges

    async def claim_then_stop(*args: object, **kwargs: object) -> list[int]:
        claimed = await claim(*args, **kwargs)  # type: ignore[arg-type]
        if claimed:
            found.stopping.set()  # SIGTERM arrives between the claim and the sends
        return claimed

    monkeypatch.setattr(bot.fanout, "claim_due_challenges", claim_then_stop)
    try:
        counts = bot.fanout.FanoutCounts()
        await bot.fanout.send_due(found, notch.application.bot, send, counts, lambda: send)
        assert counts.sent == 0
        await ada.expect_no_message(within=0.2)
        [row] = await challenges(notch, user_id)
        assert (row.status, row.claimed_until) == ("planned", None)  # free for the next process
    finally:
        found.stopping.clear()
        monkeypatch.undo()
    assert (await notch.tick(send)).sent == 1  # the next process: at once, not after a lease
    await ada.next_message()
    await ada.expect_no_message(within=0.2)
