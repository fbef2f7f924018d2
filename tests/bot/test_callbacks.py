"""Callback data: every prefix packs and parses back, keeps the wire format of buttons already
sent, refuses garbage, and never exceeds Telegram's 64 bytes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import callbacks as cb

WIRE: list[tuple[str, cb.CallbackData]] = [
    ("done:42", cb.ChallengeAnswer("done", 42)),
    ("fail:42", cb.ChallengeAnswer("fail", 42)),
    ("skip:7", cb.ChallengeAnswer("skip", 7)),
    ("eff:42:3", cb.Effort(42, 3)),
    ("why:42:too_hard", cb.Reason(42, "too_hard")),
    ("undo:42", cb.Undo(42)),
    ("later:42", cb.Snooze(42)),
    ("later:42:eve", cb.Snooze(42, "eve")),
    ("later:" + "9" * 18 + ":back", cb.Snooze(10**18 - 1, "back")),
    ("late:42:failed", cb.Late(42, "failed")),
    ("conf:42:70", cb.Confidence(42, 70)),
    ("ob:behaviour:pushups", cb.Onboarding("behaviour", "pushups")),
    ("ob:step:2", cb.Onboarding("step", "2")),
    ("menu:restart_yes", cb.Menu("restart_yes")),
    ("set:time", cb.Setting("time")),
    ("set:cel:off", cb.Setting("cel", "off")),
    ("set:rday:3", cb.Setting("rday", "3")),
    ("lad:12:2.5:01-3-:2:4", cb.Ladder(12, 2.5, "01-3-", 2, 4)),
    ("lad:12:30:-----:0:0", cb.Ladder(12, 30.0, "-----", 0, 0)),
    ("del:5:18c2f1a9b00.18c2f1aa000", cb.DeleteAnswer("del", 5, "18c2f1a9b00.18c2f1aa000")),
    ("dkeep:5:1.2", cb.DeleteAnswer("dkeep", 5, "1.2")),
    ("tz:America/New_York", cb.ZonePick("America/New_York")),
    ("tz:America/Argentina/Cordoba", cb.ZonePick("America/Argentina/Cordoba")),
    ("tz:Etc/GMT-2", cb.ZonePick("Etc/GMT-2")),
]


@pytest.mark.parametrize(("data", "typed"), WIRE, ids=[w[0] for w in WIRE])
def test_the_wire_format_of_sent_buttons_is_kept(data: str, typed: cb.CallbackData) -> None:
    assert cb.parse(data) == typed
    assert typed.pack() == data


@pytest.mark.parametrize("garbage", [
    "", "done", "done:", "done:x", "done:42:extra", "eff:42:6", "eff:42", "why:42:TOO HARD",
    "late:42:skipped", "menu:nowhere", "lad:-", "lad:1:2:3", "nope:1", ":", "done:" + "9" * 19,
    "conf:1:1000", "del:5:zz.1", "tz:", "tz:New York", "tz:/etc", "later:42:2h", "later:42:",
])
def test_garbage_parses_as_nothing(garbage: str) -> None:
    assert cb.parse(garbage) is None


def test_every_prefix_is_registered_once() -> None:
    assert set(cb.REGISTRY) == {"done", "fail", "skip", "eff", "why", "undo", "late", "conf",
                                "later", "ob", "menu", "set", "lad", "del", "dkeep", "tz"}
    with pytest.raises(ValueError, match="registered twice"):
        @dataclass(frozen=True)
        class Again(cb.CallbackData):
            PREFIXES = ("done",)


def test_pack_refuses_what_would_not_parse_back_or_exceed_64_bytes() -> None:
    with pytest.raises(ValueError, match="parse back"):
        cb.Reason(1, "too hard").pack()  # a space is not in the format
    with pytest.raises(ValueError, match="parse back"):
        cb.ChallengeAnswer("eff", 1).pack()  # not one of this class's verbs
    for longest in (cb.Ladder(10**18 - 1, 123456789.123456, "01234", 4, 5),
                    cb.DeleteAnswer("dkeep", 10**18 - 1, "f" * 16 + "." + "f" * 12),
                    cb.Onboarding("a" * 16, "b" * 24)):
        assert len(longest.pack().encode()) <= cb.MAX_BYTES


def test_pack_refuses_data_over_64_bytes() -> None:
    @dataclass(frozen=True)
    class Note(cb.CallbackData):
        PREFIXES = ("test_note",)
        text: str = cb.part(r"[a-z]{1,80}")
        verb: str = "test_note"

    try:
        assert Note("a" * 54).pack() == "test_note:" + "a" * 54  # exactly 64 bytes
        with pytest.raises(ValueError, match="64 bytes"):
            Note("a" * 55).pack()
    finally:
        del cb.REGISTRY["test_note"]


@given(st.text(max_size=70))
def test_any_string_parses_to_nothing_or_to_what_packs_back(data: str) -> None:
    typed = cb.parse(data)
    if typed is not None:
        assert cb.parse(typed.pack()) == typed
