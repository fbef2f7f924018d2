"""The typed draft of a setup in progress: every `conversations.data` shape onboarding has stored
reads back, writes back unchanged, and a setup stored before the Draft existed carries on."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select

from bot.onboarding_draft import SKIPPED, Draft
from bot.services import Services
from bot.texts import onboarding as t
from storage.conversations import set_conversation
from storage.models import Goal
from storage.users import get_user_by_telegram_id
from tests.support.journeys import read_until
from tests.support.notch import Notch

# Every shape the dict-based onboarding wrote, one per question reached (keys in the order
# they were added), as JSON gives them back: whole numbers may come back as ints.
_RUNNING = {"behaviour": "running", "unit": "minutes", "step": 1.0, "example": 20.0}
_OWN = {"behaviour": "Spanish vocabulary", "unit": "words", "step": 5, "example": 50}
STORED: list[dict[str, Any]] = [
    {},
    {"behaviour": "Juggling"},  # "something else", then a name: unit next
    _RUNNING,
    {**_OWN, "baseline": 20},
    {**_OWN, "baseline": 20, "target": 100},
    {**_RUNNING, "baseline": 10.0, "target": None},  # Skip: no target
    {**_RUNNING, "baseline": 10.0, "target": None, "time": "19:30"},
    {**_RUNNING, "baseline": 10.0, "target": 45.0, "time": "06:45", "zone": "Europe/Berlin"},
    {**_RUNNING, "baseline": 10.0, "target": 45.0, "time": "06:45", "zone": "UTC+05:30",
     "first": "now"},
    {"behaviour": "writing", "unit": "words", "step": 50.0, "example": 200.0, "baseline": 250.0,
     "time": "07:00", "zone": "America/New_York"},  # "Change target" on the summary
]


@pytest.mark.parametrize("data", STORED)
def test_every_stored_shape_reads_and_writes_back_unchanged(data: dict[str, Any]) -> None:
    draft = Draft.from_data(data)
    assert draft.to_data() == data
    assert Draft.from_data(json.loads(json.dumps(draft.to_data()))) == draft
    assert all(draft.has(key) for key in data)
    assert not any(draft.has(key) for key in Draft().to_data().keys() - data.keys())


def test_a_skipped_target_is_an_answer_and_a_missing_one_is_not() -> None:
    skipped = Draft.from_data({**_RUNNING, "baseline": 10.0, "target": None})
    assert skipped.target is SKIPPED and skipped.has("target") and skipped.goal_target is None
    assert skipped.to_data()["target"] is None
    missing = Draft.from_data({**_RUNNING, "baseline": 10.0})
    assert missing.target is None and not missing.has("target")
    assert "target" not in missing.to_data()
    assert Draft(target=45.0).goal_target == 45.0


def test_values_are_typed() -> None:
    draft = Draft.from_data({**_OWN, "baseline": 20, "target": 100, "first": "tomorrow"})
    assert isinstance(draft.step, float) and isinstance(draft.baseline, float)
    assert (draft.step, draft.example, draft.baseline, draft.target) == (5.0, 50.0, 20.0, 100.0)
    assert draft.first == "tomorrow"


@pytest.mark.parametrize(("key", "value"), [
    ("step", "five"), ("step", -1), ("step", 0), ("step", True), ("step", float("nan")),
    ("baseline", None), ("baseline", [10]), ("behaviour", ""), ("behaviour", 7),
    ("time", "7pm"), ("time", 730), ("zone", "  "), ("first", "later"), ("target", "lots"),
])
def test_a_value_of_the_wrong_kind_is_asked_again_not_trusted(key: str, value: object) -> None:
    draft = Draft.from_data({**_RUNNING, "baseline": 10.0, key: value})
    assert not draft.has(key)
    assert key not in draft.to_data()


def test_a_number_in_a_string_still_reads_and_unknown_keys_are_ignored() -> None:
    draft = Draft.from_data({"behaviour": "running", "step": "2.5", "mood": "great"})
    assert draft == Draft(behaviour="running", step=2.5)


def test_forget_drops_answers_so_their_questions_come_back() -> None:
    draft = Draft.from_data({**_RUNNING, "baseline": 10.0, "target": None, "time": "19:30"})
    draft.forget(("baseline", "target"))
    assert draft.to_data() == {**_RUNNING, "time": "19:30"}


# ------------------------------------------------------------------ setups stored before the Draft


async def _store(notch: Notch, step: str, data: dict[str, Any]) -> None:
    """Put Ada's open setup at `step` with `data` as the old code stored it."""
    found = notch.application.bot_data["services"]
    assert isinstance(found, Services)
    async with found.session() as session:
        user = await get_user_by_telegram_id(session, 1001)
        assert user is not None and user.id is not None
        await set_conversation(session, user.id, topic="onboarding", step=step, data=data)
        await session.commit()


@pytest.mark.parametrize("bot_database_url", ["sqlite", "postgres"], indirect=True)
async def test_a_setup_stored_by_the_old_code_carries_on_to_a_goal(notch: Notch) -> None:
    ada = notch.user()
    await ada.send_text("/start")
    await read_until(ada, t.ASK_BEHAVIOUR)
    await notch.emulator.settle()
    await _store(notch, "target", {**_OWN, "baseline": 20})
    await ada.send_text("skip")
    assert (await ada.next_message()).text == t.ASK_TIME
    await ada.send_text("7:30")
    assert (await ada.next_message()).text == t.ASK_ZONE
    await ada.send_text("Europe/Berlin")
    summary = await ada.next_message()
    assert summary.text is not None and "- target: none for now" in summary.text
    assert "Spanish vocabulary, counted in words (steps of 5)" in summary.text
    await (await ada.press(t.CONFIRM_BUTTON)).answered()
    await read_until(ada, t.ask_first("07:30"))
    await (await ada.press(t.FIRST_TOMORROW_BUTTON.format(time="07:30"))).answered()
    await read_until(ada, t.DONE_TOMORROW.format(time="07:30"))
    await notch.emulator.settle()
    found = notch.application.bot_data["services"]
    async with found.session() as session:
        (goal,) = (await session.exec(select(Goal))).all()
    assert (goal.behaviour, goal.unit, goal.step, goal.target) == (
        "Spanish vocabulary", "words", 5.0, None)


async def test_a_summary_stored_by_the_old_code_still_changes_and_confirms(notch: Notch) -> None:
    ada = notch.user()
    await ada.send_text("/start")
    await read_until(ada, t.ASK_BEHAVIOUR)
    await notch.emulator.settle()
    await _store(notch, "confirm", {**_RUNNING, "baseline": 10, "target": 45, "time": "06:45",
                                    "zone": "Europe/Berlin"})
    await ada.send_text("/start")  # picks the setup up where it stopped: the summary again
    assert (await ada.next_message()).text == t.RESUMING
    summary = await ada.next_message()
    assert summary.text is not None and "- target: 45 minutes" in summary.text
    await (await ada.press("Change amount")).answered()
    assert (await ada.next_message()).text == t.ask_baseline("running", "minutes", "20 minutes")
    await ada.send_text("15")
    assert (await ada.next_message()).text == t.ask_target("45 minutes")
