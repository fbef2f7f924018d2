"""Check-ins typed while another question is open, beyond "Start over"'s own case
(test_start_over_checkin.py): a /settings question ("what time?", "which time zone?", "what
step?") gives way to "done" / "skip" / "❌" when today's challenge waits, then is asked again;
and a setup started over refuses a check-in word as the new activity's name when nothing waits."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.handlers.celebration import REACTION
from bot.texts import checkin as c
from bot.texts import onboarding as to
from bot.texts import settings as s
from core.replies import Outcome
from core.router import check_in_words
from sandbox.emulator import EmulatedUser
from sandbox.emulator.state import SentMessage
from storage.models import Conversation
from tests.support.daily import challenges, services_of
from tests.support.journeys import onboard, start_over
from tests.support.notch import Notch
from tests.support.words import EN


async def _conversation(notch: Notch) -> tuple[str, str, dict[str, object]] | None:
    async with services_of(notch).session() as session:
        row = (await session.exec(select(Conversation))).first()
    return None if row is None else (row.topic, row.step, dict(row.data))


async def _daily(notch: Notch, ada: EmulatedUser) -> SentMessage:
    """Onboarded (push-ups, 12) with the first challenge sent now; returns its message."""
    await onboard(notch, ada, behaviour="push-ups", baseline="12", first="now")
    daily = await ada.next_message()
    assert c.DONE_BUTTON in daily.buttons
    await notch.emulator.settle()
    return daily


async def _ask(ada: EmulatedUser, button: str) -> SentMessage:
    """/settings, then the field's button: returns the question asked."""
    await ada.send_text("/settings")
    menu = await ada.next_message()
    await (await ada.press(button, menu)).answered()
    return await ada.next_message()


# ------------------------------------------------------------------ /settings


async def test_typed_done_at_a_settings_question_answers_today_and_asks_again(
        notch: Notch) -> None:
    ada = notch.user()
    daily = await _daily(notch, ada)
    asked = await _ask(ada, s.TIME_BUTTON)
    assert asked.text == to.ASK_TIME
    sent = await ada.send_text("Done!")
    effort = await ada.next_message()
    [row] = await challenges(notch)
    assert effort.text == c.EFFORT_QUESTION.format(amount=f"{row.amount:.0f} reps")
    assert effort.buttons == list(c.EFFORT_BUTTONS.values())
    assert (await ada.next_message()).text == f"{to.RESUMING}\n{to.ASK_TIME}"
    assert ada.reactions_on(sent["message_id"]) == [{"type": "emoji", "emoji": REACTION}]
    assert (row.status, row.answered_at) == ("done", notch.clock.now)
    assert await _conversation(notch) == ("settings", "time", {})
    # Recorded once: the daily's buttons no longer invite an answer (issue 12: they used to look
    # live after a typed answer), and a second "done" is the time question's again (nothing
    # waits any more), refused as a time as before.
    await notch.emulator.settle()
    assert daily.buttons == [c.UNDO_BUTTON]
    await ada.send_text("done")
    assert (await ada.next_message()).text == to.TIME_NOT_A_TIME.format(text="done")
    # Effort by button while the settings question is open: registered, and no "what made it
    # work?" (its reply would be read as the time).
    await (await ada.press(c.EFFORT_BUTTONS[4], effort)).answered()
    await notch.emulator.settle()
    assert effort.text is not None and effort.text.startswith("Registered:")
    await ada.expect_no_message(within=0.2)
    [row] = await challenges(notch)
    assert (row.status, row.effort, row.answered_at) == ("done", 4, notch.clock.now)
    # The question is still open, and answered as before.
    await ada.send_text("18:15")
    changed = await ada.next_message()
    assert changed.text is not None and changed.text.startswith(
        s.TIME_CHANGED.split("{")[0] + "18:15")
    assert await _conversation(notch) is None


@pytest.mark.parametrize(("button", "typed", "status", "reply"), [
    (s.STEP_BUTTON, "skip", "skipped", c.SKIPPED),
    (s.ZONE_BUTTON, "\u274c", "failed", c.REASON_QUESTION),
    (s.ZONE_BUTTON, "rest day", "skipped", c.SKIPPED),
])
async def test_other_check_ins_at_settings_questions(notch: Notch, button: str, typed: str,
                                                     status: str, reply: str) -> None:
    ada = notch.user()
    await _daily(notch, ada)
    asked = await _ask(ada, button)
    step = await _conversation(notch)
    await ada.send_text(typed)
    answer = await ada.next_message()
    assert (await ada.next_message()).text == f"{to.RESUMING}\n{asked.text}"
    [row] = await challenges(notch)
    assert answer.text == reply.format(amount=f"{row.amount:.0f} reps")
    assert row.status == status
    assert await _conversation(notch) == step  # the settings question is still the open one


async def test_a_settings_question_keeps_its_text_when_nothing_waits(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada, first="tomorrow")
    assert (await _ask(ada, s.TIME_BUTTON)).text == to.ASK_TIME
    await ada.send_text("done")
    assert (await ada.next_message()).text == to.TIME_NOT_A_TIME.format(text="done")
    assert await _conversation(notch) == ("settings", "time", {})
    assert await challenges(notch) == []


async def test_a_bare_yes_stays_the_settings_questions(notch: Notch) -> None:
    ada = notch.user()
    await _daily(notch, ada)
    assert (await _ask(ada, s.TIME_BUTTON)).text == to.ASK_TIME
    await ada.send_text("yes")
    assert (await ada.next_message()).text == to.TIME_NOT_A_TIME.format(text="yes")
    [row] = await challenges(notch)
    assert row.status == "sent"


@pytest.mark.parametrize(("text", "expected"), [
    ("done", Outcome.DONE),
    ("Did it \u2705", Outcome.DONE),
    ("failed", Outcome.FAILED),
    ("skip", Outcome.SKIPPED),
    ("rest", Outcome.SKIPPED),  # a rest day, though the zone lookup would find Rasht
    ("yes", None),
    ("no", None),
    ("18:15", None),
    ("Berlin", None),
    ("2", None),
    (None, None),  # a shared location
])
def test_which_words_a_check_in_takes_during_a_settings_question(
        text: str | None, expected: Outcome | None) -> None:
    assert check_in_words(text, EN) is expected


# ------------------------------------------------------------------ a name that is a check-in


async def test_a_second_done_in_a_start_over_is_not_a_new_activity(notch: Notch) -> None:
    ada = notch.user()
    daily = await _daily(notch, ada)
    await (await ada.press(c.DONE_BUTTON, daily)).answered()
    await notch.emulator.settle()
    await (await ada.press(c.EFFORT_BUTTONS[3], daily)).answered()
    await ada.next_message()  # "what made it work?"
    await start_over(ada)
    [before] = await challenges(notch)
    await ada.send_text("done")
    refused = await ada.next_message()
    assert refused.text == f"{c.NOTHING_OPEN}\n{to.ASK_BEHAVIOUR}"
    assert refused.buttons[0] == to.PRESETS[0].label  # the question's buttons come back too
    assert await _conversation(notch) == ("onboarding", "behaviour", {})
    # "Something else", then a check-in as the name: refused the same way.
    await (await ada.press(to.OTHER_LABEL, refused)).answered()
    assert (await ada.next_message()).text == to.ASK_NAME
    await ada.send_text("\u2705")
    assert (await ada.next_message()).text == f"{c.NOTHING_OPEN}\n{to.ASK_NAME}"
    [after] = await challenges(notch)
    assert (after.status, after.effort, after.answered_at) == (
        before.status, before.effort, before.answered_at)
    # A real name is still a name.
    await ada.send_text("Juggling")
    assert (await ada.next_message()).text == to.ask_unit("Juggling")


async def test_a_bare_yes_in_a_start_over_points_at_the_waiting_challenge(notch: Notch) -> None:
    ada = notch.user()
    await _daily(notch, ada)
    await start_over(ada)
    await ada.send_text("yes")  # a setup leaves a bare yes to its own question; not a name
    [row] = await challenges(notch)
    today = c.TODAY_STATE["sent"].format(amount=f"{row.amount:.0f} reps")
    assert (await ada.next_message()).text == f"{today}\n{to.ASK_BEHAVIOUR}"
    assert row.status == "sent"
    assert await _conversation(notch) == ("onboarding", "behaviour", {})
