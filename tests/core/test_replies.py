"""Reading replies: outcomes, amounts, effort, targets, doubt."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.replies import (
    AmountError,
    AmountErrorReason,
    Outcome,
    expresses_doubt,
    normalise,
    parse_amount,
    parse_confidence,
    parse_effort,
    parse_outcome,
    parse_reason,
    parse_target,
)
from core.vocabulary import FailureReason
from tests.support.words import EN

# --------------------------------------------------------------------------- outcomes


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("done", Outcome.DONE),
        ("Done", Outcome.DONE),
        ("  DONE!!  ", Outcome.DONE),
        ("did it", Outcome.DONE),
        ("Did it.", Outcome.DONE),
        ("I did it!", Outcome.DONE),
        ("yes", Outcome.DONE),
        ("Yep", Outcome.DONE),
        ("\u2705", Outcome.DONE),
        ("\u2714\ufe0f", Outcome.DONE),
        ("\U0001f44d\U0001f3fd", Outcome.DONE),  # thumbs up, skin tone
        ("done \u2705", Outcome.DONE),
        ("done \U0001f642", Outcome.DONE),  # an unrelated emoji is tolerated
        ("failed", Outcome.FAILED),
        ("Failed...", Outcome.FAILED),
        ("couldn't", Outcome.FAILED),
        ("couldn\u2019t", Outcome.FAILED),  # typographic apostrophe
        ("couldnt", Outcome.FAILED),
        ("No", Outcome.FAILED),
        ("no.", Outcome.FAILED),
        ("Not today", Outcome.FAILED),
        ("\u274c", Outcome.FAILED),
        ("skip", Outcome.SKIPPED),
        ("Skip today", Outcome.SKIPPED),
        ("rest day", Outcome.SKIPPED),
        ("\u23ed\ufe0f", Outcome.SKIPPED),
    ],
)
def test_parse_outcome(text: str, outcome: Outcome) -> None:
    assert parse_outcome(text, EN) is outcome


@pytest.mark.parametrize(
    "text",
    ["", "   ", "maybe", "done ❌", "yes no", "\U0001f642", "I'm done with this app", "14"],
)
def test_parse_outcome_refuses_unclear(text: str) -> None:
    assert parse_outcome(text, EN) is None


@given(st.sampled_from(["done", "did it", "yes", "failed", "couldn't", "no", "skip"]), st.data())
def test_parse_outcome_case_and_space_insensitive(word: str, data: st.DataObject) -> None:
    flips = data.draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    mixed = "".join(c.upper() if f else c for c, f in zip(word, flips, strict=True))
    pad = data.draw(st.sampled_from(["", " ", "  ", "\t", "\n"]))
    tail = data.draw(st.sampled_from(["", "!", ".", "!!", "?"]))
    assert parse_outcome(pad + mixed + tail + pad, EN) is parse_outcome(word, EN)
    assert parse_outcome(word, EN) is not None


# --------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("text", "kwargs", "value"),
    [
        ("10", {}, 10.0),
        ("10 min", {"unit": "minutes"}, 10.0),
        ("about 10", {}, 10.0),
        ("12.5", {}, 12.5),
        ("12,5", {}, 12.5),
        ("~10 minutes", {"unit": "minutes"}, 10.0),
        ("10min", {"unit": "minutes"}, 10.0),
        ("1,000 words", {"unit": "words", "step": 50}, 1000.0),
        ("1 000", {}, 1000.0),
        ("ten", {}, 10.0),
        ("Twenty-five minutes", {"unit": "minutes"}, 25.0),
        ("1.5 h", {"unit": "minutes"}, 90.0),
        ("1 hour", {"unit": "minutes"}, 60.0),
        ("90 sec", {"unit": "minutes", "step": 0.5}, 1.5),
        ("10ish", {}, 10.0),
        ("around 20 or so", {}, 20.0),
        ("12 pushups", {"unit": "reps"}, 12.0),
        ("12.5", {"step": 0.5}, 12.5),
        ("0", {"allow_zero": True}, 0.0),
        ("20 pages", {"unit": "pages", "step": 1}, 20.0),
    ],
)
def test_parse_amount(text: str, kwargs: dict[str, object], value: float) -> None:
    assert parse_amount(text, EN, **kwargs) == value  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "kwargs", "reason", "suggestion"),
    [
        ("", {}, AmountErrorReason.EMPTY, None),
        ("lots", {}, AmountErrorReason.NOT_A_NUMBER, None),
        ("10 15", {}, AmountErrorReason.NOT_A_NUMBER, None),
        ("1e9", {}, AmountErrorReason.NOT_A_NUMBER, None),
        ("10-15", {}, AmountErrorReason.RANGE_GIVEN, None),
        ("10 to 15 minutes", {}, AmountErrorReason.RANGE_GIVEN, None),
        ("0", {}, AmountErrorReason.NOT_POSITIVE, None),
        ("-5", {}, AmountErrorReason.NOT_POSITIVE, None),
        ("-5", {"allow_zero": True}, AmountErrorReason.NEGATIVE, None),
        ("5000", {"maximum": 600}, AmountErrorReason.TOO_LARGE, 600.0),
        ("12.5", {"step": 1}, AmountErrorReason.OFF_STEP, 12.0),
        ("1,030 words", {"step": 50}, AmountErrorReason.OFF_STEP, 1050.0),
        ("20", {"step": 50}, AmountErrorReason.OFF_STEP, 50.0),
        ("10 pages", {"unit": "minutes"}, AmountErrorReason.WRONG_UNIT, None),
        ("10 minutes", {"unit": "words"}, AmountErrorReason.WRONG_UNIT, None),
    ],
)
def test_parse_amount_errors(
    text: str, kwargs: dict[str, object], reason: AmountErrorReason, suggestion: float | None
) -> None:
    result = parse_amount(text, EN, **kwargs)  # type: ignore[arg-type]
    assert isinstance(result, AmountError)
    assert result.reason is reason
    assert result.suggestion == suggestion
    assert result.text == text


@pytest.mark.parametrize(
    ("text", "step", "value"),
    [
        # Exactly three digits after one "." or ",": thousands when the step is whole,
        # a decimal when it is a fraction; with no step, "," groups and "." is decimal.
        ("1.000", 1, 1000.0),
        ("1,000", 1, 1000.0),
        ("1.000", 50, 1000.0),
        ("2.500 words", 50, 2500.0),
        ("2.000", 0.5, 2.0),
        ("2,000", 0.5, 2.0),
        ("1.000", None, 1.0),
        ("1,000", None, 1000.0),
        # Not three digits: always a decimal.
        ("1.5", 0.5, 1.5),
        ("1,5", 0.5, 1.5),
        ("10.25", 0.25, 10.25),
        ("10,25", 0.25, 10.25),
        # Several groups, or both marks: never ambiguous.
        ("1.000.000", 1, 1_000_000.0),
        ("1.000.000", 0.5, 1_000_000.0),
        ("1,000,000", 0.5, 1_000_000.0),
        ("1,000.5", 0.5, 1000.5),
    ],
)
def test_parse_amount_thousands_separator(text: str, step: float | None, value: float) -> None:
    assert parse_amount(text, EN, step=step) == value


@pytest.mark.parametrize(
    ("text", "unit", "accepted"),
    [
        ("10 km", "minutes", False),
        ("10 kg", "minutes", False),
        ("10 apples", "minutes", False),
        ("10 reps", "minutes", False),
        ("10 pages", "reps", False),
        ("10 km", "pages", False),
        ("10 miles", "km", False),
        ("10 minutes", "reps", False),
        ("10 min run", "minutes", True),
        ("10 today", "minutes", True),
        ("10 km", "km", True),
        ("10 kilometres", "km", True),
        ("10 push-ups", "reps", True),
        ("10 reps", "push-ups", True),
        ("10 laps", "laps", True),
        ("10 apples", "apples", True),
        ("10 chapters", "pages", True),  # no known unit: a custom name passes
    ],
)
def test_parse_amount_refuses_a_unit_that_is_not_the_goals(
    text: str, unit: str, accepted: bool
) -> None:
    result = parse_amount(text, EN, unit=unit)
    if accepted:
        assert result == 10.0
    else:
        assert isinstance(result, AmountError) and result.reason is AmountErrorReason.WRONG_UNIT


def test_parse_amount_rejects_a_bad_step() -> None:
    with pytest.raises(ValueError, match="step"):
        parse_amount("10", EN, step=0)


@given(st.integers(1, 10_000), st.sampled_from([1, 5, 50]))
def test_parse_amount_round_trips_multiples_of_step(multiple: int, step: int) -> None:
    value = multiple * step
    assert parse_amount(str(value), EN, step=step) == value
    assert parse_amount(f"{value:,}", EN, step=step) == value
    assert parse_amount(f"about {value} words", EN, step=step, unit="words") == value


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2))
def test_parse_amount_round_trips_decimals(value: Decimal) -> None:
    assert parse_amount(str(value), EN) == float(value)


@given(st.text(max_size=40))
def test_parse_amount_never_raises_and_is_positive(text: str) -> None:
    result = parse_amount(text, EN)
    assert isinstance(result, AmountError) or result > 0


# --------------------------------------------------------------------------- target, effort


def test_parse_target() -> None:
    assert parse_target("skip", EN, current=10) is None
    assert parse_target("Not sure", EN, current=10) is None
    assert parse_target("30 min", EN, current=10, unit="minutes") == 30.0
    below = parse_target("10", EN, current=10)
    assert isinstance(below, AmountError)
    assert below.reason is AmountErrorReason.NOT_ABOVE_CURRENT
    bad = parse_target("soon", EN, current=10)
    assert isinstance(bad, AmountError) and bad.reason is AmountErrorReason.NOT_A_NUMBER


@pytest.mark.parametrize(
    ("text", "effort"),
    [
        ("1", 1),
        ("5", 5),
        (" 3 ", 3),
        ("4/5", 4),
        ("2 out of 5", 2),
        ("3\ufe0f\u20e3", 3),  # keycap emoji
        ("very easy", 1),
        ("Hard", 4),
        ("maximal", 5),
        ("0", None),
        ("6", None),
        ("35", None),
        ("meh", None),
        ("just right", 3),
        ("Just right!", 3),
        ("easy", 2),
        ("max", 5),
        ("maximal effort", 5),
        ("three", 3),
        ("3 just right", 3),  # a button's label typed out
        ("5 MAXIMAL \U0001f4aa", 5),  # flexed biceps
        ("4 - hard", 4),
        ("hard \U0001f605", 4),
        ("2 hard", None),  # number and words disagree: ask rather than guess
        ("3.5", None),
        ("-3", None),
        ("\U0001f605", None),
        ("", None),
        ("right", None),
    ],
)
def test_parse_effort(text: str, effort: int | None) -> None:
    assert parse_effort(text, EN) == effort


# Words for each level as people type them (the buttons' words among them).
LEVEL_WORDS = {
    1: ["very easy", "trivial", "too easy"],
    2: ["easy", "fairly easy"],
    3: ["just right", "moderate", "ok", "fine", "three"],
    4: ["hard", "tough", "difficult", "quite hard"],
    5: ["maximal", "maximal effort", "max", "very hard", "all out"],
}
_before = st.sampled_from(["", " ", "\U0001f4aa ", "\U0001f605", '"'])
_after = st.sampled_from(["", "  ", " \U0001f4aa", "\U0001f605", "\ufe0f", "!", ".", "!!"])


def _random_case(draw: st.DrawFn, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(ch.upper() if up else ch for ch, up in zip(text, flips, strict=True))


@st.composite
def _effort_reply(draw: st.DrawFn, level: int, words_level: int | None) -> str:
    """A reply for `level`: the number, or its words (of `words_level`), or both, in any case and
    with emoji or punctuation around."""
    number = str(level) if words_level is None or draw(st.booleans()) else ""
    words = "" if words_level is None else draw(st.sampled_from(LEVEL_WORDS[words_level]))
    separator = draw(st.sampled_from([" ", " - ", ": ", "  "])) if number and words else ""
    body = _random_case(draw, f"{number}{separator}{words}")
    return f"{draw(_before)}{body}{draw(_after)}"


@given(st.data(), st.integers(1, 5), st.booleans())
def test_parse_effort_reads_any_form_of_a_level(data: st.DataObject, level: int,
                                                 with_words: bool) -> None:
    reply = data.draw(_effort_reply(level, level if with_words else None))
    assert parse_effort(reply, EN) == level


@given(st.data(), st.integers(1, 5), st.integers(1, 5))
def test_parse_effort_refuses_a_number_and_words_that_disagree(
        data: st.DataObject, number: int, named: int) -> None:
    words = data.draw(st.sampled_from(LEVEL_WORDS[named]))
    expected = number if number == named else None
    assert parse_effort(f"{number} {words}", EN) == expected


@given(st.text())
def test_parse_effort_never_raises_and_stays_on_the_scale(text: str) -> None:
    assert parse_effort(text, EN) in (None, 1, 2, 3, 4, 5)


@given(st.sampled_from([w for words in LEVEL_WORDS.values() for w in words]
                       + [str(n) for n in range(1, 6)]))
def test_an_effort_is_never_an_outcome(text: str) -> None:
    """Typed effort and typed outcomes share the check-in's group: no reply may be both."""
    assert parse_outcome(text, EN) is None


# --------------------------------------------------------------------------- doubt


@pytest.mark.parametrize(
    "text",
    [
        "I can't",
        "i cant",
        "I cannot do this",
        "That's too hard for me",
        "no way",
        "No way!!",
        "impossible",
        "I won't be able to",
        "not possible today",
        "I doubt it",
        "I can\u2019t do it",
        # issue 12, item 5: doubt in other words
        "I don't think I can do this",
        "i dont think i can",
        "I do not believe I can manage that",
        "I give up",
        "giving up.",
        "I'm going to give up",
        "I'll never manage",
        "I\u2019ll never make it",
        "I won't manage 10 minutes",
        "not sure I can",
        "Not sure if I can do 12 tomorrow",
        "unsure whether I'll manage",
        "I doubt I can",
        "dunno if I can",
        "no hope",
        "I can't do more than this tomorrow",
    ],
)
def test_expresses_doubt(text: str) -> None:
    assert expresses_doubt(text, EN)


@pytest.mark.parametrize(
    "text",
    [
        "sure",
        "done",
        "it's not too hard",
        "nothing is impossible",
        "I can't wait",
        "I can do it",
        "",
        # issue 12, item 5: near misses that are not doubt
        "I can do this",
        "I think I can",
        "not sure",  # alone it skips a question ("how much?", the target)
        "I'm not sure",
        "not sure what you mean",
        "can't wait for tomorrow",
        "I won't give up",
        "never give up",
        "I'm not going to give up",
        "don't give up on me",
        "I don't doubt I can",
        "no doubt I can",
        "I'll never forget this",
        "I never miss a day",
        "I think I'll manage",
        "I don't think so",
        "I will make it",
    ],
)
def test_expresses_no_doubt(text: str) -> None:
    assert not expresses_doubt(text, EN)


def test_normalise() -> None:
    assert normalise("  Couldn\u2019t  do   it!! ") == "couldn't do it"
    assert normalise("-5") == "-5"
    assert normalise(".5") == ".5"


# --------------------------------------------------------------------------- reason, confidence

R = FailureReason


@pytest.mark.parametrize(("text", "reason"), [
    ("too hard", R.TOO_HARD), ("Too hard 😫", R.TOO_HARD), ("it was too hard", R.TOO_HARD),
    ("this time it was too difficult", R.TOO_HARD), ("hard", R.TOO_HARD),
    ("no time", R.NO_TIME), ("No time!", R.NO_TIME), ("ran out of time", R.NO_TIME),
    ("didn't have time", R.NO_TIME), ("too busy", R.NO_TIME),
    ("not too hard, just busy", R.NO_TIME),
    ("was sick", R.UNWELL), ("I was sick", R.UNWELL), ("unwell", R.UNWELL),
    ("not feeling well", R.UNWELL), ("I feel ill", R.UNWELL), ("injured my knee", R.UNWELL),
    ("other", R.OTHER), ("Other", R.OTHER), ("something came up", R.OTHER),
    # not a reason: nothing named, two named, negated only, or a long message about else
    ("hello", None), ("done", None), ("70", None), ("", None), ("time", None),
    ("too hard and no time", None), ("not too hard", None), ("I will", None),
    ("honestly the whole week was a mess and I am not sure what to do about it all now", None),
])
def test_parse_reason(text: str, reason: FailureReason | None) -> None:
    assert parse_reason(text, EN) is reason


@pytest.mark.parametrize(("text", "value"), [
    ("70", 70), ("80%", 80), ("80 %", 80), ("about 70", 70), ("70/100", 70),
    ("70 percent", 70), ("I'm 70% sure", 70), ("100", 100), ("0%", 0), ("5%", 5), ("10", 10),
    # not a rating: a bare digit (effort, a count), above 100, decimals, amounts, words
    ("3", None), ("0", None), ("101", None), ("150%", None), ("70.5", None),
    ("12 minutes", None), ("seventy", None), ("done", None), ("", None),
])
def test_parse_confidence(text: str, value: int | None) -> None:
    assert parse_confidence(text, EN) == value
