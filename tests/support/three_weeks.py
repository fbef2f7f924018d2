"""Three weeks with one user, end to end: onboarding through the real conversation, then 21 days
of done (with efforts), failed (each reason, with and without "how much"), skipped, missed and
paused days. Every message the user receives and every stored row is checked, and every amount is
the calibrator's for the history stored so far. Then a fourth week: a typed confidence, a
mistaken tap undone, a snooze and a typed reason on one day, and a silent week after it, which
pauses on the person's behalf.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.texts import checkin as t
from bot.texts import efficacy
from bot.texts import settings as settings_texts
from bot.texts.format import format_day
from core.calibration import next_challenge
from core.clock import day_close_instant
from sandbox.emulator import EmulatedUser
from storage.challenges import core_goal, history
from storage.goals import active_goal
from storage.models import User
from storage.scheduling import reschedule
from tests.support.daily import challenges, services_of, stop_background_tick, utc
from tests.support.journeys import onboard
from tests.support.notch import Notch

FIRST = date(2026, 6, 2)
ZONE = "Europe/Berlin"  # UTC+2 all June: 07:30 local is 05:30 UTC

# day offset -> what the user does with that day's challenge
PLAN: dict[int, tuple[str, ...]] = {
    0: ("done", "3"), 1: ("done", "2"), 2: ("done", "3", "reflect"),
    3: ("fail", "too_hard", "8"), 4: ("done", "4"), 5: ("fail", "no_time", "skip"),
    6: ("typed", "done", "3"), 7: ("skip",), 8: ("missed",),
    9: ("late_didnt", "unwell", "skip", "done", "3"),
    10: ("paused",), 11: ("paused",), 12: ("paused",),
    13: ("done", "2"), 14: ("fail", "unwell", "0"), 15: ("fail", "other", "skip"),
    16: ("done", "5"), 17: ("typed", "no", "too_hard", "5"), 18: ("typed", "skip"),
    19: ("done", "1"), 20: ("done", "3"),
}
REASON_LABEL = t.REASON_BUTTONS


async def _expected_amount(notch: Notch, user_id: int, day: date) -> float:
    async with services_of(notch).session() as session:
        goal = await active_goal(session, user_id)
        assert goal is not None and goal.id is not None
        attempts = await history(session, goal.id, before=day)
        return next_challenge(core_goal(goal), attempts, day).amount


async def _fail(notch: Notch, ada: EmulatedUser, message_is_new: bool, reason: str,
                how_much: str) -> str:
    question = await ada.next_message() if message_is_new else ada.last_with_button("Too hard")
    assert question is not None
    await ada.press(REASON_LABEL[reason], question)
    await notch.emulator.settle()
    assert question.text == t.REASON_LOGGED.format(reason=t.REASON_WORDS[reason])
    assert (await ada.next_message()).text == t.ACHIEVED_QUESTION.format(unit="minutes")
    await ada.send_text(how_much)
    answer = await ada.next_message()
    assert answer.text is not None and answer.text.startswith(t.FAILED_NEXT[reason])
    # A second failure in a row (after at least one success) replays the mastery log.
    attempts = [r.status for r in await challenges(notch) if r.status in ("done", "failed")]
    if "done" in attempts and attempts[-2:] == ["failed", "failed"]:
        replay = await ada.next_message()
        assert replay.text is not None
        assert replay.text.startswith(efficacy.REPLAY_INTRO["two_failures"])
    return answer.text


async def three_weeks(notch: Notch) -> None:
    """The journey itself (tests/bot/test_daily_journey.py runs it; the pseudo-locale run too)."""
    stop_background_tick(notch)
    ada = notch.user()
    await onboard(notch, ada, behaviour="running", baseline="10", time="7:30", zone=ZONE,
                  first="tomorrow")
    async with services_of(notch).session() as session:
        from storage.users import get_user_by_telegram_id

        user = await get_user_by_telegram_id(session, ada.id)
        assert user is not None and user.id is not None
        user_id = user.id
        # Started on the test's clock (a Monday): the weekly review comes on Mondays.
        assert user.created_at == notch.clock.now
    assert user.next_send_at == utc(2026, 6, 2, 5, 30)

    promised: dict[date, float] = {}  # "Tomorrow: N" said after a failure
    missed_amount = 0.0
    for offset in range(21):
        day = FIRST + timedelta(days=offset)
        send = utc(day.year, day.month, day.day, 5, 30)
        action = PLAN[offset]
        if offset == 10:  # /pause until the 13th (through storage: F owns /pause)
            async with services_of(notch).session() as session:
                row = await session.get(User, user_id)
                assert row is not None
                row.status, row.paused_until = "paused", FIRST + timedelta(days=13)
                await reschedule(session, row, notch.clock.now)
                await session.commit()
        expected = await _expected_amount(notch, user_id, day)
        report = await notch.tick(send)
        if action[0] == "paused":
            assert report.sent == 0
            await ada.expect_no_message(within=0.05)
            await notch.tick(send + timedelta(hours=3))
            await notch.tick(utc(day.year, day.month, day.day, 23, 0) + timedelta(hours=3))
            continue
        assert report.sent == 1, (offset, report)
        if offset == 13:
            assert report.resumed == 1  # the pause ended today: resumed, then planned and sent
        if offset == 9:
            late = await ada.next_message()
            assert late.text == t.LATE_QUESTION.format(amount=f"{missed_amount:.0f} minutes")
        daily = await ada.next_message()
        if day.weekday() == 0:  # the weekly review follows the Monday challenge
            assert report.reviews == 1, (offset, report)
            review = await ada.next_message()
            assert review.text is not None and review.text.startswith("Your week")
        else:
            assert report.reviews == 0, (offset, report)
        rows = await challenges(notch, user_id)
        today = rows[-1]
        assert today.local_date == day and today.amount == expected
        assert today.close_at == day_close_instant(day, ZONE)
        assert daily.text == t.daily(
            f"{expected:.0f} minutes",
            t.plan_reason(today.plan_reason_key, today.plan_facts, "minutes"))
        if day in promised:
            assert promised[day] == today.amount, "tomorrow's amount was not what we said"
        previous = [r for r in rows[:-1] if r.status in ("done", "failed")]
        if previous and previous[-1].status == "failed" and previous[-1].failure_reason in (
                None, "too_hard"):
            assert today.amount <= previous[-1].amount  # never raised right after too_hard
        notch.clock.now = send + timedelta(hours=1)
        kind = action[0]
        if kind == "late_didnt":
            await ada.press(t.LATE_DIDNT_BUTTON, late)
            await notch.emulator.settle()
            await _fail(notch, ada, False, action[1], action[2])
            kind, action = "done", action[3:]
        if kind == "done":
            await ada.press(t.DONE_BUTTON, daily)
            await notch.emulator.settle()
            assert daily.text == t.EFFORT_QUESTION.format(amount=f"{expected:.0f} minutes")
            await ada.press(t.EFFORT_BUTTONS[int(action[1])], daily)
            await notch.emulator.settle()
            assert daily.text is not None and daily.text.startswith(
                f"Registered: {expected:.0f} minutes on {format_day(day)}.")
            assert daily.text.endswith("you started at 10 minutes.")
            assert (await ada.next_message()).text == t.REFLECTION_INVITE
            if "reflect" in action:
                await ada.send_text("Ran with a friend")
                assert (await ada.next_message()).text == t.REFLECTION_KEPT
        elif kind == "fail":
            await ada.press(t.FAIL_BUTTON, daily)
            await notch.emulator.settle()
            said = await _fail(notch, ada, False, action[1], action[2])
            tomorrow = day + timedelta(days=1)
            if PLAN.get(offset + 1, ("",))[0] != "paused":
                promised[tomorrow] = await _expected_amount(notch, user_id, tomorrow)
                assert f"Tomorrow: {promised[tomorrow]:.0f} minutes" in said
        elif kind == "typed":
            await ada.send_text(action[1])
            if action[1] == "done":
                question = await ada.next_message()
                await ada.press(t.EFFORT_BUTTONS[int(action[2])], question)
                await notch.emulator.settle()
                assert (await ada.next_message()).text == t.REFLECTION_INVITE
            elif action[1] == "no":
                await _fail(notch, ada, True, action[2], action[3])
            else:
                assert (await ada.next_message()).text == t.SKIPPED
        elif kind == "skip":
            await ada.press(t.SKIP_BUTTON, daily)
            await notch.emulator.settle()
            assert daily.text == t.SKIPPED
        # Three hours after sending: a reminder only if still unanswered.
        report = await notch.tick(send + timedelta(hours=3))
        if kind == "missed":
            assert report.followups == 1
            assert (await ada.next_message()).text == t.FOLLOWUP.format(
                amount=f"{expected:.0f} minutes")
            missed_amount = expected
        else:
            assert report.followups == 0
        # The day closes at 04:00 local (02:00 UTC next morning).
        report = await notch.tick(send + timedelta(hours=20, minutes=30))
        assert report.closed == (1 if kind == "missed" else 0)
        await ada.expect_no_message(within=0.05)

    rows = await challenges(notch, user_id)
    by_day = {(r.local_date - FIRST).days: r for r in rows}
    assert sorted(by_day) == [d for d in range(21) if PLAN[d][0] != "paused"]
    summary = {d: (r.status, r.effort, r.failure_reason, r.achieved) for d, r in by_day.items()}
    assert summary == {
        0: ("done", 3, None, None), 1: ("done", 2, None, None), 2: ("done", 3, None, None),
        3: ("failed", None, "too_hard", 8), 4: ("done", 4, None, None),
        5: ("failed", None, "no_time", None), 6: ("done", 3, None, None),
        7: ("skipped", None, None, None), 8: ("failed", None, "unwell", None),
        9: ("done", 3, None, None), 13: ("done", 2, None, None),
        14: ("failed", None, "unwell", 0), 15: ("failed", None, "other", None),
        16: ("done", 5, None, None), 17: ("failed", None, "too_hard", 5),
        18: ("skipped", None, None, None), 19: ("done", 1, None, None),
        20: ("done", 3, None, None),
    }
    assert by_day[2].reflection == "Ran with a friend"
    assert all(r.sent_at is not None for r in rows)
    # The last registration names the evidence: 10 successes in all.
    last = [m for m in ada.messages if (m.text or "").startswith("Registered")][-1]
    assert last.text is not None and "10th in all" in last.text

    await _fourth_week(notch, ada, user_id)


async def _fourth_week(notch: Notch, ada: EmulatedUser, user_id: int) -> None:
    day = FIRST + timedelta(days=21)
    send = utc(day.year, day.month, day.day, 5, 30)
    assert (await notch.tick(send)).sent == 1
    await ada.next_message()  # the daily message
    notch.clock.now = send + timedelta(minutes=30)  # 08:00 in Berlin
    await ada.send_text("70")  # the rating the daily message invites, typed
    shown = await ada.next_message()
    assert efficacy.CONFIDENCE_KEPT.format(value="70 %") in (shown.text or "")
    assert (await challenges(notch, user_id))[-1].confidence == 70
    await ada.press(t.FAIL_BUTTON, shown)  # a mistaken tap, undone at once
    await notch.emulator.settle()
    await ada.press(t.UNDO_BUTTON, shown)
    await notch.emulator.settle()
    today = (await challenges(notch, user_id))[-1]
    assert (today.status, today.failure_reason) == ("sent", None)
    await ada.press(t.LATER_BUTTON)  # snoozed for an hour (on the message that has the buttons)
    await notch.emulator.settle()
    await ada.press("In 1 hour (09:00)")
    await notch.emulator.settle()
    assert (await notch.tick(send + timedelta(minutes=89))).snoozed == 0
    assert (await notch.tick(send + timedelta(minutes=90))).snoozed == 1
    back = await ada.next_message()
    assert (back.text or "").startswith(t.SNOOZE_RETURN)
    notch.clock.now = send + timedelta(minutes=100)
    await ada.send_text("no")  # not today, typed; then the reason, typed too
    assert (await ada.next_message()).buttons[:len(t.REASON_BUTTONS)] == list(
        t.REASON_BUTTONS.values())
    await ada.send_text("it was too hard")
    await notch.emulator.settle()
    assert t.REASON_LOGGED.format(reason=t.REASON_WORDS["too_hard"]) in [
        m.text for m in ada.messages]
    await ada.send_text("skip")  # "how much did you do?"
    await notch.emulator.settle()
    today = (await challenges(notch, user_id))[-1]
    assert (today.status, today.failure_reason, today.confidence) == ("failed", "too_hard", 70)

    # Then silence: seven days of challenge, reminder and close with no answer, and on the
    # eighth Notch pauses on the person's behalf, once, instead of writing again.
    read = len(ada.messages)
    for offset in range(22, 31):
        day = FIRST + timedelta(days=offset)
        send = utc(day.year, day.month, day.day, 5, 30)
        for later in (timedelta(0), timedelta(hours=3), timedelta(hours=20, minutes=30)):
            await notch.tick(send + later)
    await notch.emulator.settle()
    said = [m.text for m in ada.messages[read:]]
    assert said.count(settings_texts.SILENCE_PAUSED) == 1
    assert said[-1] == settings_texts.SILENCE_PAUSED
    async with services_of(notch).session() as session:
        user = await session.get(User, user_id)
        assert user is not None and (user.status, user.next_send_at) == ("paused", None)
