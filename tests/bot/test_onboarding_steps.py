"""The onboarding step table: its order, its buttons, its readers and what a change forgets,
without Telegram or a database. The end-to-end journeys are test_onboarding*.py."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.onboarding_draft import SKIPPED, Draft
from bot.onboarding_steps import (
    BY_KEY,
    FIRST,
    STEPS,
    SUMMARY,
    Read,
    Reply,
    Step,
    get_step,
    hint,
    next_step,
    order,
    question,
    typed,
)
from bot.texts import onboarding as t

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
COMPLETE = Draft(behaviour="running", unit="minutes", step=1.0, example=20.0, baseline=10.0,
                 target=45.0, time="06:45", zone="Europe/Berlin")


def test_the_table_asks_what_the_dict_based_setup_asked_in_the_same_order() -> None:
    assert order() == ("behaviour", "unit", "step", "baseline", "target", "time", "zone")
    assert FIRST == "behaviour" and next_step(Draft()) == FIRST
    assert next_step(COMPLETE) == SUMMARY == "confirm"
    assert [s.key for s in STEPS if not s.in_order] == ["name", "confirm", "first"]
    assert [s.key for s in STEPS if s.finishes] == ["first"]
    assert set(BY_KEY) == set(t.HINTS)  # one hint per question


def test_a_preset_fills_the_unit_and_step_so_those_questions_are_skipped() -> None:
    draft = Draft(behaviour="running", unit="minutes", step=1.0, example=20.0)
    assert next_step(draft) == "baseline"
    assert next_step(Draft(behaviour="Juggling")) == "unit"


@pytest.mark.parametrize(("change", "label"), t.CHANGE_BUTTONS)
def test_each_change_button_forgets_its_answer_and_what_depends_on_it(change: str,
                                                                      label: str) -> None:
    forgets = get_step(change).invalidates
    assert change in forgets
    assert set(forgets) <= set(COMPLETE.to_data())
    if change in ("behaviour", "baseline"):
        assert "target" in forgets  # a target in the old units or below the new amount is void
    assert next_step(Draft(**{**vars(COMPLETE), **dict.fromkeys(forgets)})) == change


async def test_a_change_from_the_summary_asks_that_question_next() -> None:
    draft = Draft(**vars(COMPLETE))
    read = await get_step("confirm").read(typed("confirm", "baseline"), draft, NOW)
    assert read == Read() and next_step(draft) == "baseline"
    assert (draft.baseline, draft.target, draft.time) == (None, None, "06:45")


async def test_something_else_goes_to_the_name_and_a_typed_activity_is_a_name() -> None:
    other = Draft()
    assert await get_step("behaviour").read("Something else", other, NOW) == Read(goto="name")
    assert other == Draft()
    own = Draft()
    assert await get_step("behaviour").read("  cold   showers ", own, NOW) == Read()
    assert own == Draft(behaviour="cold showers") and next_step(own) == "unit"
    bad = Draft()
    assert (await get_step("behaviour").read("42", bad, NOW)).error == t.NAME_NO_LETTERS
    assert bad == Draft()


async def test_looks_right_goes_to_the_first_challenge_question_and_its_answer_finishes() -> None:
    draft = Draft(**vars(COMPLETE))
    assert await get_step("confirm").read("looks right", draft, NOW) == Read(goto="first")
    assert (await get_step("confirm").read("maybe", draft, NOW)).error == t.CONFIRM_BY_BUTTON
    assert (await get_step("first").read("later", draft, NOW)).error == t.CHOOSE_FIRST
    assert await get_step("first").read("Tomorrow", draft, NOW) == Read()
    assert draft.first == "tomorrow"


async def test_skip_at_the_target_is_no_target() -> None:
    draft = Draft(behaviour="running", unit="minutes", step=1.0, example=20.0, baseline=10.0)
    assert await get_step("target").read(typed("target", "skip"), draft, NOW) == Read()
    assert draft.target is SKIPPED and next_step(draft) == "time"


def _buttons(reply: Reply) -> list[tuple[str, str]]:
    markup = reply[1]
    if markup is None:
        return []
    return [(b.text, str(b.callback_data)) for row in markup.inline_keyboard for b in row]


@pytest.mark.parametrize("key", [s.key for s in STEPS])
async def test_every_button_reads_as_a_valid_answer_to_its_own_question(key: str) -> None:
    for label, data in _buttons(question(key, COMPLETE, NOW)):
        prefix, step_key, choice = data.split(":", 2)
        assert (prefix, step_key) == ("ob", key) and len(data.encode()) <= 64, label
        read = await get_step(key).read(typed(key, choice), Draft(**vars(COMPLETE)), NOW)
        assert read.error is None, (label, read.error)


def test_questions_and_hints_are_filled_from_the_draft() -> None:
    draft = Draft(behaviour="Spanish vocabulary", unit="words", step=5.0, example=50.0)
    asked = t.ask_baseline("Spanish vocabulary", "words", "50 words")
    assert question("baseline", draft, NOW) == (asked, None)
    assert question("target", Draft(**{**vars(draft), "baseline": 20.0}), NOW)[0] == (
        t.ask_target("60 words"))
    assert hint("target", Draft(**{**vars(draft), "baseline": 20.0})) == (
        t.HINTS["target"].format(example="60 words"))
    summary, _ = question("confirm", COMPLETE, NOW)
    assert "- target: 45 minutes" in summary and "every day at 06:45" in summary
    with pytest.raises(ValueError, match="unknown onboarding step"):
        question("mood", Draft(), NOW)


# ------------------------------------------------------------------ adding a question


@dataclass
class _DaysDraft(Draft):
    days: int | None = None  # the new question's answer: one field


async def _read_days(text: str, draft: Draft, now: datetime) -> Read:
    assert isinstance(draft, _DaysDraft)
    if not text.strip().isdigit() or not 1 <= int(text) <= 7:
        return Read("Between 1 and 7, please.")
    draft.days = int(text)
    return Read()


# The new question is one entry, placed where it is asked: after the time, before the zone.
_DAYS = Step("days", lambda draft, now: ("How many days a week?", None), _read_days,
             hint="a number of days, like {example}", invalidates=("days",))
_WITH_DAYS = (*STEPS[:7], _DAYS, *STEPS[7:])


async def test_a_new_question_is_one_entry_in_the_table() -> None:
    assert order(_WITH_DAYS) == ("behaviour", "unit", "step", "baseline", "target", "time",
                                 "days", "zone")
    draft = _DaysDraft(**{**vars(COMPLETE), "zone": None})
    assert next_step(draft, _WITH_DAYS) == "days"
    assert _DAYS.ask(draft, NOW) == ("How many days a week?", None)
    assert (await _DAYS.read("9", draft, NOW)).error == "Between 1 and 7, please."
    assert await _DAYS.read("5", draft, NOW) == Read()
    assert next_step(draft, _WITH_DAYS) == "zone"
    assert draft.to_data()["days"] == 5  # and it is kept in the conversation row


# ------------------------------------------------------------------ the diagram in docs/


def _diagram() -> list[tuple[str, str, str]]:
    """The transitions (from, to, label) of docs/ONBOARDING.md's Mermaid diagram."""
    text = (Path(__file__).parents[2] / "docs" / "ONBOARDING.md").read_text(encoding="utf-8")
    block = text.split("```mermaid", 1)[1].split("```", 1)[0]
    found = re.findall(r"^\s*(\S+) --> (\S+?)(?:: (.*))?$", block, flags=re.MULTILINE)
    return [(source, target, label) for source, target, label in found]


def test_the_diagram_has_every_step_of_the_table_and_nothing_else_inside_the_setup() -> None:
    transitions = _diagram()
    states = {s for source, target, _ in transitions for s in (source, target)}
    assert set(BY_KEY) <= states
    outside = {"[*]", "setup", "checkin", "cancelled", "now", "tomorrow"}
    assert states - outside == set(BY_KEY)
    arrows = {(source, target) for source, target, _ in transitions}
    assert all(pair in arrows for pair in itertools.pairwise(order()))  # each asked in turn
    assert (order()[-1], SUMMARY) in arrows


def test_the_diagram_has_every_change_button_going_to_its_question() -> None:
    transitions = _diagram()
    for key, label in t.CHANGE_BUTTONS:
        assert (SUMMARY, key, label) in transitions
    assert (SUMMARY, "first", t.CONFIRM_BUTTON) in transitions
    assert ("behaviour", "name", t.OTHER_LABEL) in transitions
