"""The celebration: a 🎉 on the user's typed "done" and on their "what made it work?" reply,
only while the setting is on."""

from __future__ import annotations

from bot.handlers.celebration import REACTION
from bot.texts import checkin as tc
from bot.texts import settings as t
from sandbox.emulator import EmulatedUser
from tests.support.journeys import onboard, read_until
from tests.support.notch import Notch

PARTY = [{"type": "emoji", "emoji": REACTION.value}]


async def _done_and_reflect(notch: Notch, user: EmulatedUser) -> tuple[int, int]:
    """Type done for the first challenge, rate the effort, answer the reflection; the ids of
    the two typed messages."""
    done = await user.send_text("did it")
    question = (await read_until(user, "Done: ")).text or ""
    assert question.startswith("Done: ") and question.endswith("How hard did it feel?")
    await (await user.press(tc.EFFORT_BUTTONS[4])).answered()
    await read_until(user, tc.REFLECTION_INVITE)
    words = await user.send_text("went before breakfast")
    assert (await user.next_message()).text == tc.REFLECTION_KEPT
    await notch.emulator.settle()
    return int(done["message_id"]), int(words["message_id"])


async def test_typed_success_and_reflection_get_a_reaction(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada, first="now")
    await read_until(ada, "Today's challenge")
    done_id, words_id = await _done_and_reflect(notch, ada)
    assert ada.reactions_on(done_id) == PARTY
    assert ada.reactions_on(words_id) == PARTY


async def test_no_reaction_when_celebration_is_off(notch: Notch) -> None:
    bob = notch.user(2002, "Bob")
    await onboard(notch, bob, first="now")
    await read_until(bob, "Today's challenge")
    await bob.send_text("/settings")
    menu = await read_until(bob, "What would you like")
    await (await bob.press(t.CELEBRATE_TURN_OFF_BUTTON, message=menu)).answered()
    assert (await bob.next_message()).text == t.CELEBRATE_NOW_OFF
    done_id, words_id = await _done_and_reflect(notch, bob)
    assert bob.reactions_on(done_id) == []
    assert bob.reactions_on(words_id) == []


async def test_other_words_get_no_reaction(notch: Notch) -> None:
    ada = notch.user()
    await onboard(notch, ada, first="now")
    await read_until(ada, "Today's challenge")
    failed = await ada.send_text("not today")
    await read_until(ada, "Logged as not done")
    await notch.emulator.settle()
    assert ada.reactions_on(int(failed["message_id"])) == []
