"""Onboarding end to end: every question, its valid answers and its specific re-prompts."""

from __future__ import annotations

from datetime import time

from sqlmodel import select

from bot import texts
from bot.texts import onboarding as t
from sandbox.emulator import EmulatedUser
from sandbox.emulator.state import SentMessage
from storage.db import create_engine, make_session_factory
from storage.models import Conversation, Goal, User
from tests.support.journeys import lead, onboard, read_until
from tests.support.notch import Notch


async def _rows(notch: Notch) -> tuple[list[User], list[Goal], list[Conversation]]:
    engine = create_engine(notch.database_url)
    try:
        async with make_session_factory(engine)() as session:
            users = list((await session.exec(select(User))).all())
            goals = list((await session.exec(select(Goal))).all())
            conversations = list((await session.exec(select(Conversation))).all())
    finally:
        await engine.dispose()
    return users, goals, conversations


async def test_onboarding_with_buttons_creates_goal_and_schedules_tomorrow(notch: Notch) -> None:
    ada = notch.user()
    read = await onboard(notch, ada)
    assert read[-1].text == t.DONE_TOMORROW.format(time="07:30")
    users, goals, conversations = await _rows(notch)
    assert [(g.behaviour, g.unit, g.step, g.baseline, g.target, g.active) for g in goals] == [
        ("running", "minutes", 1, 10, None, True)]
    (user,) = users
    assert (user.timezone, user.send_time, user.status) == ("Europe/Berlin", time(7, 30), "active")
    # 2026-06-01 06:00 UTC is 08:00 in Berlin: the first challenge is tomorrow 07:30 CEST.
    assert user.next_send_at is not None and user.next_send_at.isoformat() == (
        "2026-06-02T05:30:00+00:00")
    assert conversations == []


async def _say(user: EmulatedUser, text: str) -> SentMessage:
    await user.send_text(text)
    return await user.next_message()


async def _tap(user: EmulatedUser, label: str) -> SentMessage:
    await (await user.press(label)).answered()
    return await user.next_message()


async def _to_question(user: EmulatedUser) -> SentMessage:
    """/start from a new user: greeting, the method, then the first question."""
    await user.send_text("/start")
    return await read_until(user, t.ASK_BEHAVIOUR)


async def test_something_else_with_typed_answers_and_every_reprompt(notch: Notch) -> None:
    ada = notch.user()
    first = await _to_question(ada)
    assert t.OTHER_LABEL in first.buttons and "Running" in first.buttons
    assert (await _tap(ada, t.OTHER_LABEL)).text == t.ASK_NAME
    assert (await _say(ada, "x" * 41)).text == t.NAME_TOO_LONG.format(
        limit=f"{t_limit('name')} characters")
    assert (await _say(ada, "1234")).text == t.NAME_NO_LETTERS
    unit_question = await _say(ada, "  Spanish   vocabulary ")
    assert unit_question.text == t.ask_unit("Spanish vocabulary")
    assert unit_question.buttons == list(t.UNIT_CHOICES)
    assert (await _say(ada, "10 words")).text == t.UNIT_BAD.format(
        limit=f"{t_limit('unit')} characters")
    step_question = await _say(ada, "Words")
    assert step_question.text == t.ask_step("words")
    assert (await _say(ada, "none")).text == t.AMOUNT_NOT_A_NUMBER.format(
        text="none", example="1")
    assert (await _say(ada, "0")).text == t.AMOUNT_NOT_POSITIVE
    baseline = await _say(ada, "5")
    assert baseline.text == t.ask_baseline("Spanish vocabulary", "words", "50 words")
    assert (await _say(ada, "12")).text == t.AMOUNT_OFF_STEP.format(
        step="5 words", suggestion="10")
    target = await _say(ada, "about 20 words")
    assert target.text == t.ask_target("60 words")
    assert (await _say(ada, "15")).text == t.TARGET_NOT_ABOVE.format(baseline="20 words")
    assert (await _say(ada, "100")).text == t.ASK_TIME
    _, goals, conversations = await _rows(notch)
    assert goals == []  # nothing is created before the user confirms
    (conversation,) = conversations
    assert (conversation.topic, conversation.step) == ("onboarding", "time")
    assert conversation.data == {"behaviour": "Spanish vocabulary", "unit": "words", "step": 5,
                                 "example": 50, "baseline": 20, "target": 100}


async def test_amounts_in_another_unit_are_refused_and_thousands_read_by_the_step(
    notch: Notch,
) -> None:
    ada = notch.user()
    await _to_question(ada)
    await _tap(ada, t.OTHER_LABEL)
    await _say(ada, "Spanish vocabulary")
    assert (await _say(ada, "Words")).text == t.ask_step("words")
    # The step question knows the unit: "10 pages" is not a step in words.
    assert (await _say(ada, "10 pages")).text == t.AMOUNT_WRONG_UNIT.format(
        unit="words", example="1")
    assert (await _say(ada, "50")).text == t.ask_baseline("Spanish vocabulary", "words",
                                                          "500 words")
    # Step 50 is whole: "1.000" is one thousand, not 1 (which would be off the step).
    assert (await _say(ada, "1.000")).text == t.ask_target("3,000 words")


async def test_a_goal_in_minutes_refuses_amounts_in_other_units(notch: Notch) -> None:
    bob = notch.user()
    await _to_question(bob)
    assert (await _tap(bob, "Running")).text == t.ask_baseline("running", "minutes", "10 minutes")
    for answer in ("10 kg", "10 km", "5 apples"):
        assert (await _say(bob, answer)).text == t.AMOUNT_WRONG_UNIT.format(
            unit="minutes", example="10 minutes"), answer
    assert (await _say(bob, "10 min")).text == t.ask_target("30 minutes")


def t_limit(kind: str) -> int:
    from bot.onboarding_steps import MAX_NAME, MAX_UNIT

    return MAX_NAME if kind == "name" else MAX_UNIT


async def test_amount_answers_parse_forgivingly_and_reprompt_specifically(notch: Notch) -> None:
    ada = notch.user()
    await _to_question(ada)
    ask = await _tap(ada, "Running")
    assert ask.text == t.ask_baseline("running", "minutes", "10 minutes")
    assert "honest" in ask.text.casefold()
    example = "10 minutes"
    expected = {
        "": None,  # an empty message never arrives: skip
        "lots": t.AMOUNT_NOT_A_NUMBER.format(text="lots", example=example),
        "0": t.AMOUNT_NOT_POSITIVE,
        "10-15": t.AMOUNT_RANGE,
        "12.5": t.AMOUNT_OFF_STEP.format(step="1 minute", suggestion="12"),
        "10 pages": t.AMOUNT_WRONG_UNIT.format(unit="minutes", example=example),
        "200000": t.AMOUNT_TOO_LARGE.format(maximum="100,000 minutes"),
    }
    for answer, reprompt in expected.items():
        if reprompt is not None:
            assert (await _say(ada, answer)).text == reprompt, answer
    assert (await _say(ada, "about 10 min")).text == t.ask_target("30 minutes")
    ask_time = await _tap(ada, t.SKIP_BUTTON)
    assert ask_time.text == t.ASK_TIME
    for answer, reprompt in {
        "banana": t.TIME_NOT_A_TIME.format(text="banana"),
        "25:00": t.TIME_HOUR.format(text="25:00"),
        "7:75": t.TIME_MINUTE,
        "2:30": t.TIME_AT_NIGHT.format(time="02:30"),
        "midnight": t.TIME_AT_NIGHT.format(time="00:00"),
    }.items():
        assert (await _say(ada, answer)).text == reprompt, answer
    assert (await _say(ada, "7.30 pm")).text == t.ASK_ZONE
    _, _, (conversation,) = await _rows(notch)
    assert conversation.data["baseline"] == 10 and conversation.data["target"] is None
    assert conversation.data["time"] == "19:30"


async def _at_zone_question(notch: Notch, user: EmulatedUser) -> None:
    await _to_question(user)
    await _tap(user, "Writing")
    assert (await _say(user, "1,000 words")).text == t.ask_target("3,000 words")
    await _say(user, "2000")
    assert (await _say(user, "07:30")).text == t.ASK_ZONE


async def test_an_ambiguous_city_is_asked_about_with_buttons(notch: Notch) -> None:
    ada = notch.user()
    await _at_zone_question(notch, ada)
    which = await _say(ada, "Portland")
    assert which.text == t.ZONE_WHICH.format(text="Portland")
    assert which.buttons == ["Portland, Oregon (UTC-7)", "Portland, Maine (UTC-4)"]
    _, _, conversations = await _rows(notch)
    assert conversations[0].step == "zone" and "zone" not in conversations[0].data
    summary = await _tap(ada, "Portland, Maine (UTC-4)")
    assert summary.text is not None and "America/New_York (UTC-4, " in summary.text
    _, _, conversations = await _rows(notch)
    assert conversations[0].data["zone"] == "America/New_York"
    # A pick from a question no longer open is refused, not applied.
    await (await ada.press("Portland, Oregon (UTC-7)", message=which)).answered()
    assert (await ada.next_message()).text == texts.BUTTON_STALE
    _, _, conversations = await _rows(notch)
    assert conversations[0].data["zone"] == "America/New_York"


async def test_time_zone_answers_of_every_kind(notch: Notch) -> None:
    ada = notch.user()
    await _at_zone_question(notch, ada)
    for answer, reprompt in {
        "Xyzzyville": t.ZONE_NOT_FOUND.format(text="Xyzzyville"),
        "UTC+15": t.ZONE_OFFSET_RANGE.format(text="UTC+15"),
        "+5:20": t.ZONE_OFFSET_QUARTER.format(text="+5:20"),
        "15": t.ZONE_NEEDS_MINUTES,
        "USA": t.ZONE_AMBIGUOUS.format(text="USA"),
    }.items():
        assert (await _say(ada, answer)).text == reprompt, answer
    await ada.send_location(95.0, 0.0)
    assert (await ada.next_message()).text == t.ZONE_BAD_LOCATION
    # A shared location (Berlin's coordinates) answers the question.
    await ada.send_location(52.52, 13.40)
    summary = await ada.next_message()
    assert summary.text is not None and "Europe/Berlin (UTC+2, where it is 08:00 now)" in (
        summary.text)
    assert "- target: 2,000 words" in summary.text
    assert summary.buttons == [t.CONFIRM_BUTTON, *(label for _, label in t.CHANGE_BUTTONS)]
    # Change the zone to an offset: it is accepted with a daylight-saving warning.
    assert (await _tap(ada, "Change time zone")).text == t.ASK_ZONE
    assert (await _say(ada, "UTC-5")).text == t.FIXED_OFFSET.format(offset="UTC-5")
    summary = await ada.next_message()
    # Shown as the offset, never as "Etc/GMT+5" (whose sign is reversed).
    assert summary.text is not None and "UTC-5 (fixed, where it is 01:00 now)" in summary.text
    assert "Etc/" not in summary.text
    # "What time is it for you now?" at 06:00 UTC: 11:30 means UTC+5:30, a fixed offset too.
    await _tap(ada, "Change time zone")
    assert (await _say(ada, "11:30")).text == t.FIXED_OFFSET.format(offset="UTC+5:30")
    await ada.next_message()
    # A city follows daylight saving: no warning, straight to the summary.
    await _tap(ada, "Change time zone")
    summary = await _say(ada, "New York")
    assert summary.text is not None and summary.text.startswith(lead(t.SUMMARY))
    assert "America/New_York (UTC-4, where it is 02:00 now)" in summary.text


async def test_change_buttons_return_to_the_summary_and_old_buttons_are_refused(
    notch: Notch,
) -> None:
    ada = notch.user()
    await _at_zone_question(notch, ada)
    await _say(ada, "Berlin")
    assert (await _tap(ada, "Change time")).text == t.ASK_TIME
    summary = await _say(ada, "19")
    assert summary.text is not None and "every day at 19:00" in summary.text
    # Changing the activity asks its amounts again (they were in the old unit).
    await _tap(ada, "Change activity")
    assert (await _tap(ada, "Push-ups")).text == t.ask_baseline("push-ups", "reps", "10 reps")
    await _say(ada, "8")
    summary = await _tap(ada, t.SKIP_BUTTON)
    assert summary.text is not None and "Push-ups, counted in reps" in summary.text
    # A button from an earlier question is out of date: nothing changes, the question repeats.
    old = ada.messages[0:]
    writing_question = next(m for m in old if "Writing" in m.buttons)
    await (await ada.press("Writing", message=writing_question)).answered()
    assert (await ada.next_message()).text == texts.BUTTON_OUT_OF_DATE
    assert (await ada.next_message()).text == summary.text
    _, goals, (conversation,) = await _rows(notch)
    assert goals == [] and conversation.data["behaviour"] == "push-ups"


async def test_stickers_photos_and_long_text_get_the_current_question(notch: Notch) -> None:
    ada = notch.user()
    await _to_question(ada)
    await _tap(ada, "Reading")
    await ada.send_sticker()
    reply = await ada.next_message()
    assert reply.text == f"{t.NOT_TEXT}\n{t.ask_baseline('reading', 'pages', '10 pages')}"
    await ada.send_photo()
    assert (await ada.next_message()).text == reply.text
    await ada.send_voice()
    assert (await ada.next_message()).text == reply.text
    await ada.send_text("I read a lot. " * 100)
    assert (await ada.next_message()).text == t.long_text("one number, like 10 pages")
    await ada.expect_no_message(within=0.2)
    _, _, (conversation,) = await _rows(notch)
    assert conversation.step == "baseline" and "baseline" not in conversation.data


async def test_cancel_leaves_onboarding_and_start_begins_again(notch: Notch) -> None:
    ada = notch.user()
    await _to_question(ada)
    await _tap(ada, "Meditation")
    assert (await _say(ada, "/cancel")).text == t.CANCELLED
    assert (await _rows(notch))[2] == []
    assert (await _say(ada, "5")).text == texts.UNKNOWN_TEXT_NEW  # no question is open any more
    assert (await _say(ada, "/cancel")).text == texts.NOTHING_TO_CANCEL
    await _to_question(ada)


async def test_start_in_the_middle_repeats_the_open_question(notch: Notch) -> None:
    ada = notch.user()
    await _to_question(ada)
    await _tap(ada, "Walking")
    await _say(ada, "20")
    assert (await _say(ada, "/start")).text == t.RESUMING
    assert (await ada.next_message()).text == t.ask_target("60 minutes")
