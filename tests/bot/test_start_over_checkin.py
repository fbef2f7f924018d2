"""A check-in typed while "Start over" is in progress: an onboarded user restarts setup from the
/start menu while today's challenge is still open. A typed "done" answers the challenge (the
onboarding question is then asked again, nothing lost); anything else stays onboarding's."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.handlers.celebration import REACTION
from bot.texts import checkin as c
from bot.texts import onboarding as t
from core.replies import Outcome
from core.router import check_in_words
from sandbox.emulator import EmulatedUser
from sandbox.emulator.state import SentMessage
from storage.models import Conversation, Goal
from tests.support.daily import challenges, services_of
from tests.support.journeys import onboard, start_over
from tests.support.notch import Notch
from tests.support.words import EN


async def _conversation(notch: Notch) -> Conversation | None:
    async with services_of(notch).session() as session:
        return (await session.exec(select(Conversation))).first()


async def _goals(notch: Notch) -> list[tuple[str, bool]]:
    async with services_of(notch).session() as session:
        return [(g.behaviour, g.active) for g in (await session.exec(select(Goal))).all()]


async def _start_over(notch: Notch, ada: EmulatedUser) -> SentMessage:
    """Onboard with the first challenge sent now, then choose Start over; returns the daily."""
    await onboard(notch, ada, behaviour="push-ups", baseline="12", first="now")
    daily = await ada.next_message()
    assert c.DONE_BUTTON in daily.buttons
    await notch.emulator.settle()
    await start_over(ada)
    return daily


async def test_typed_done_during_start_over_answers_today_and_asks_again(notch: Notch) -> None:
    ada = notch.user()
    daily = await _start_over(notch, ada)
    sent = await ada.send_text("done")
    effort = await ada.next_message()
    [row] = await challenges(notch)
    assert effort.text == c.EFFORT_QUESTION.format(amount=f"{row.amount:.0f} reps")
    assert effort.buttons == list(c.EFFORT_BUTTONS.values())
    again = await ada.next_message()
    assert again.text == f"{t.RESUMING}\n{t.ASK_BEHAVIOUR}"
    assert again.buttons[0] == t.PRESETS[0].label  # the question's own buttons come back too
    assert ada.reactions_on(sent["message_id"]) == [{"type": "emoji", "emoji": REACTION}]
    assert (row.status, row.answered_at) == ("done", notch.clock.now)
    conversation = await _conversation(notch)
    assert conversation is not None
    assert (conversation.topic, conversation.step, conversation.data) == (
        "onboarding", "behaviour", {})
    # The daily message no longer invites an answer (issue 12: its buttons used to look live
    # after a typed answer): it says what was recorded and keeps only Undo.
    await notch.emulator.settle()
    assert daily.buttons == [c.UNDO_BUTTON]
    # Effort by button: registered, and the setup is still the open question (the optional
    # "what made it work?" is not offered: its reply would be read as the next setup answer).
    await (await ada.press(c.EFFORT_BUTTONS[2], effort)).answered()
    await notch.emulator.settle()
    assert effort.text is not None and effort.text.startswith("Registered:")
    await ada.expect_no_message(within=0.2)
    [row] = await challenges(notch)
    assert (row.status, row.effort) == ("done", 2)
    # The setup carries on where it was, and completes with the new goal.
    await ada.send_text("Juggling")
    assert (await ada.next_message()).text == t.ask_unit("Juggling")
    conversation = await _conversation(notch)
    assert conversation is not None and conversation.data == {"behaviour": "Juggling"}
    assert await _goals(notch) == [("push-ups", True)]


async def test_a_behaviour_name_typed_during_start_over_is_still_the_answer(notch: Notch) -> None:
    ada = notch.user()
    await _start_over(notch, ada)
    await ada.send_text("Juggling")
    assert (await ada.next_message()).text == t.ask_unit("Juggling")
    [row] = await challenges(notch)
    assert row.status == "sent"  # today's challenge is untouched


async def test_typed_failure_during_start_over_keeps_the_setup_open(notch: Notch) -> None:
    ada = notch.user()
    await _start_over(notch, ada)
    await (await ada.press("Running")).answered()
    asked = t.ask_baseline("running", "minutes", "10 minutes")
    assert (await ada.next_message()).text == asked
    await ada.send_text("couldn't")
    reason = await ada.next_message()
    [row] = await challenges(notch)
    assert reason.text == c.REASON_QUESTION.format(amount=f"{row.amount:.0f} reps")
    assert (await ada.next_message()).text == f"{t.RESUMING}\n{asked}"
    await (await ada.press(c.REASON_BUTTONS["too_hard"], reason)).answered()
    # No "how much did you do?" (the setup's question is open): tomorrow's note comes at once.
    note = await ada.next_message()
    assert note.text is not None and note.text.startswith(c.TOO_HARD_AT_OWN_LEVEL)  # day 1
    await notch.emulator.settle()
    assert reason.text == c.REASON_LOGGED.format(reason="too hard")
    [row] = await challenges(notch)
    assert (row.status, row.failure_reason, row.achieved) == ("failed", "too_hard", None)
    await ada.send_text("10")  # the baseline question is still the one that is open
    assert (await ada.next_message()).text == t.ask_target("30 minutes")


async def test_the_setups_own_words_stay_the_setups(notch: Notch) -> None:
    ada = notch.user()
    await _start_over(notch, ada)
    await (await ada.press("Running")).answered()
    await ada.next_message()
    await ada.send_text("10")
    assert (await ada.next_message()).text == t.ask_target("30 minutes")
    await ada.send_text("skip")  # no target, not a rest day
    assert (await ada.next_message()).text == t.ASK_TIME
    [row] = await challenges(notch)
    assert row.status == "sent"


async def test_a_first_setup_keeps_the_text_and_a_start_over_refuses_it_as_a_name(
        notch: Notch) -> None:
    ada = notch.user()
    await ada.send_text("/start")
    await ada.next_message()
    await ada.next_message()
    assert (await ada.next_message()).text == t.ASK_BEHAVIOUR
    await ada.send_text("done")  # no goal yet: a (strange) activity name, as before
    assert (await ada.next_message()).text == t.ask_unit("done")
    await ada.send_text("/cancel")
    await ada.next_message()
    # Onboarded with the first challenge tomorrow: nothing is waiting for an answer today.
    await onboard(notch, ada, first="tomorrow")
    await ada.send_text("/start")
    await ada.next_message()
    await (await ada.press(t.MENU_RESTART)).answered()
    await ada.next_message()
    await (await ada.press(t.RESTART_YES)).answered()
    assert (await ada.next_message()).text == t.ASK_BEHAVIOUR
    await ada.send_text("done")  # nothing waits, but "done" is no new activity's name either
    refused = await ada.next_message()
    assert refused.text == f"{c.NOTHING_OPEN}\n{t.ASK_BEHAVIOUR}"
    assert refused.buttons[0] == t.PRESETS[0].label
    assert await challenges(notch) == []


@pytest.mark.parametrize(("step", "text", "expected"), [
    ("behaviour", "done", Outcome.DONE),
    ("name", "Did it ✅", Outcome.DONE),
    ("baseline", "failed", Outcome.FAILED),
    ("time", "skip", Outcome.SKIPPED),
    ("target", "failed", Outcome.FAILED),
    ("behaviour", "Juggling", None),
    ("behaviour", "yes", None),  # a bare yes/no answers the setup's own question
    ("confirm", "no", None),
    ("confirm", "👍", None),
    ("target", "skip", None),  # "no target"
    ("target", "pass", None),
    ("first", "not today", None),  # "not now: tomorrow"
    ("first", "done", Outcome.DONE),
    ("zone", None, None),  # a shared location
])
def test_which_words_a_check_in_takes_during_a_setup(step: str, text: str | None,
                                                     expected: Outcome | None) -> None:
    assert check_in_words(text, EN, step=step) is expected
