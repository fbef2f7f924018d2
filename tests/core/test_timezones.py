"""Time-zone answers without place data: IANA names, UTC offsets, "what time is it for you?"."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.timezones import (
    MAX_OFFSET_MINUTES,
    MIN_OFFSET_MINUTES,
    ZoneAnswer,
    ZoneError,
    ZoneErrorReason,
    ZoneSource,
    format_offset,
    infer_offset_candidates,
    parse_iana_zone,
    parse_utc_offset,
    zone_for_offset,
    zone_from_iana,
    zone_from_local_time,
    zone_from_offset,
)
from tests.support.words import EN

JANUARY = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
JULY = datetime(2026, 7, 15, 12, 0, tzinfo=UTC)


def offset_at(zone: str, now: datetime) -> int:
    delta = now.astimezone(ZoneInfo(zone)).utcoffset()
    assert delta is not None
    return int(delta.total_seconds() // 60)


# --------------------------------------------------------------------------- IANA names


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("  EUROPE/BERLIN. ", "Europe/Berlin"),
        ("America/New York", "America/New_York"),
        ("america / new_york", "America/New_York"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("Pacific/Kiritimati", "Pacific/Kiritimati"),
        ("EST", "America/New_York"),
        ("pst", "America/Los_Angeles"),
        ("UTC", "Etc/UTC"),
    ],
)
def test_parse_iana_zone(text: str, zone: str) -> None:
    assert parse_iana_zone(text) == zone


@pytest.mark.parametrize("text", ["Berlin", "Europe/Atlantis", "Japan", "Factory", "", "+2"])
def test_parse_iana_zone_rejects(text: str) -> None:
    assert parse_iana_zone(text) is None


def test_zone_from_iana_reports_dst() -> None:
    berlin = zone_from_iana("europe/berlin", JANUARY)
    assert berlin == ZoneAnswer("Europe/Berlin", ZoneSource.IANA, 60, follows_dst=True)
    assert not berlin.from_offset
    assert not berlin.is_fixed_offset
    kolkata = zone_from_iana("Asia/Kolkata", JANUARY)
    assert kolkata is not None
    assert (kolkata.utc_offset_minutes, kolkata.follows_dst) == (330, False)


# --------------------------------------------------------------------------- offsets


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("+2", 120),
        ("UTC-5", -300),
        ("GMT+5:30", 330),
        ("+05:30", 330),
        ("utc +14", 840),
        ("-11", -660),
        ("+0530", 330),
        ("UTC+5.5", 330),
        ("+5h45", 345),
        ("\u22123:30", -210),  # a real minus sign
        ("utc 3", 180),
        ("GMT", 0),
        ("+0", 0),
        ("-12", -720),
    ],
)
def test_parse_utc_offset(text: str, minutes: int) -> None:
    assert parse_utc_offset(text) == minutes


@pytest.mark.parametrize("text", ["5", "Berlin", "15:40", "", "+", "utc plus two"])
def test_parse_utc_offset_ignores_non_offsets(text: str) -> None:
    assert parse_utc_offset(text) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("+15", ZoneErrorReason.OFFSET_OUT_OF_RANGE),
        ("-13", ZoneErrorReason.OFFSET_OUT_OF_RANGE),
        ("UTC+14:15", ZoneErrorReason.OFFSET_OUT_OF_RANGE),
        ("+5:10", ZoneErrorReason.OFFSET_NOT_QUARTER_HOUR),
        ("+5:75", ZoneErrorReason.OFFSET_NOT_QUARTER_HOUR),
    ],
)
def test_parse_utc_offset_errors(text: str, reason: ZoneErrorReason) -> None:
    result = parse_utc_offset(text)
    assert isinstance(result, ZoneError)
    assert result.reason is reason


def test_whole_hours_map_to_inverted_etc_zones() -> None:
    assert zone_for_offset(120, JANUARY) == "Etc/GMT-2"
    assert zone_for_offset(-300, JANUARY) == "Etc/GMT+5"
    assert zone_for_offset(840, JANUARY) == "Etc/GMT-14"
    assert zone_for_offset(-720, JANUARY) == "Etc/GMT+12"
    assert zone_for_offset(0, JANUARY) == "Etc/UTC"


@pytest.mark.parametrize(
    ("minutes", "zone", "now"),
    [
        (330, "Asia/Kolkata", JANUARY),
        (345, "Asia/Kathmandu", JANUARY),
        (570, "Australia/Darwin", JULY),
        (-210, "America/St_Johns", JANUARY),
        (-150, "America/St_Johns", JULY),
        (210, "Asia/Tehran", JANUARY),
        (270, "Asia/Kabul", JULY),
        (390, "Asia/Yangon", JANUARY),
        (525, "Australia/Eucla", JULY),
        (765, "Pacific/Chatham", JULY),  # NZ winter
        (825, "Pacific/Chatham", JANUARY),  # NZ summer
        (-570, "Pacific/Marquesas", JANUARY),
        (630, "Australia/Lord_Howe", JULY),  # Lord Howe standard time
        (630, "Australia/Adelaide", JANUARY),  # Adelaide daylight time
    ],
)
def test_fractional_offsets_get_a_zone_at_that_offset_now(
    minutes: int, zone: str, now: datetime
) -> None:
    assert zone_for_offset(minutes, now) == zone
    assert offset_at(zone, now) == minutes


def test_offsets_nobody_is_at_right_now() -> None:
    assert zone_for_offset(-210, JULY) is None  # St John's is at -2:30 in summer
    assert zone_for_offset(765, JANUARY) is None  # Chatham is at +13:45 in summer
    assert zone_for_offset(315, JANUARY) is None
    result = zone_from_offset("-3:30", JULY)
    assert result == ZoneError(ZoneErrorReason.NO_ZONE_AT_OFFSET, "-3:30", -210)


def test_zone_from_offset_is_flagged_fixed() -> None:
    answer = zone_from_offset("UTC+2", JANUARY)
    assert isinstance(answer, ZoneAnswer)
    assert answer.zone == "Etc/GMT-2"
    assert answer.source is ZoneSource.OFFSET
    assert answer.is_fixed_offset
    assert answer.utc_offset_minutes == 120
    newfoundland = zone_from_offset("-3:30", JANUARY)
    assert isinstance(newfoundland, ZoneAnswer)
    assert newfoundland.from_offset and newfoundland.follows_dst
    assert not newfoundland.is_fixed_offset


ALL_OFFSETS = st.integers(MIN_OFFSET_MINUTES // 15, MAX_OFFSET_MINUTES // 15).map(lambda q: q * 15)
NOWS = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)


@settings(max_examples=300, deadline=None)
@given(ALL_OFFSETS, NOWS)
def test_offset_round_trip(minutes: int, now: datetime) -> None:
    """Every zone chosen for an offset is at that offset at ``now``; whole hours always map."""
    zone = zone_for_offset(minutes, now)
    if minutes % 60 == 0:
        assert zone is not None
    if zone is not None:
        assert offset_at(zone, now) == minutes
        text = format_offset(minutes)
        assert parse_utc_offset(text) == minutes
        answer = zone_from_offset(text, now)
        assert isinstance(answer, ZoneAnswer)
        assert answer.utc_offset_minutes == minutes


@given(st.integers(-14 * 4, 14 * 4).map(lambda q: q * 15))
def test_format_and_parse_offset_round_trip(minutes: int) -> None:
    parsed = parse_utc_offset(format_offset(minutes))
    if MIN_OFFSET_MINUTES <= minutes <= MAX_OFFSET_MINUTES:
        assert parsed == minutes
    else:
        assert isinstance(parsed, ZoneError)
        assert parsed.reason is ZoneErrorReason.OFFSET_OUT_OF_RANGE


# --------------------------------------------------------------------------- local time now


def test_infer_offset_simple_and_rounded() -> None:
    now = datetime(2026, 1, 1, 13, 47, 30, tzinfo=UTC)
    assert infer_offset_candidates(now, time(14, 47)) == [60]
    assert infer_offset_candidates(now, time(14, 50)) == [60]  # a few minutes' slack
    assert infer_offset_candidates(now, time(19, 17)) == [330]
    assert infer_offset_candidates(now, time(8, 47)) == [-300]


def test_infer_offset_across_the_date_line() -> None:
    # "00:10" when UTC is 23:55 means +0:15, not -23:45.
    assert infer_offset_candidates(datetime(2026, 1, 1, 23, 55, tzinfo=UTC), time(0, 10)) == [15]
    # "23:50" when UTC is 00:05 means -0:15.
    assert infer_offset_candidates(datetime(2026, 1, 2, 0, 5, tzinfo=UTC), time(23, 50)) == [-15]
    # Kiritimati at +14: UTC 10:00 → 00:00 local.
    assert 840 in infer_offset_candidates(datetime(2026, 1, 1, 10, 0, tzinfo=UTC), time(0, 0))


def test_date_line_ambiguity_is_reported() -> None:
    now = datetime(2026, 1, 1, 13, 47, tzinfo=UTC)
    # 02:47 is UTC-11 (Pago Pago, yesterday) or UTC+13 (Tonga, tomorrow).
    assert infer_offset_candidates(now, time(2, 47)) == [-660, 780]
    answer = zone_from_local_time(now, "2:47", EN)
    assert isinstance(answer, ZoneAnswer)
    assert answer.zone == "Etc/GMT+11"
    assert answer.alternative == "Etc/GMT-13"
    assert answer.source is ZoneSource.LOCAL_TIME and answer.is_fixed_offset


def test_zone_from_local_time() -> None:
    now = datetime(2026, 1, 1, 13, 47, tzinfo=UTC)
    kolkata = zone_from_local_time(now, "19:17", EN)
    assert isinstance(kolkata, ZoneAnswer)
    assert (kolkata.zone, kolkata.source, kolkata.alternative) == (
        "Asia/Kolkata",
        ZoneSource.LOCAL_TIME,
        None,
    )
    pm = zone_from_local_time(now, "2:47 pm", EN)
    assert isinstance(pm, ZoneAnswer) and pm.zone == "Etc/GMT-1"
    needs_minutes = ZoneError(ZoneErrorReason.TIME_NEEDS_MINUTES, "3pm")
    assert zone_from_local_time(now, "3pm", EN) == needs_minutes
    assert zone_from_local_time(now, "Berlin", EN) is None
    off = zone_from_local_time(datetime(2026, 1, 1, 23, 55, tzinfo=UTC), "00:10", EN)
    assert off == ZoneError(ZoneErrorReason.NO_ZONE_AT_OFFSET, "00:10", 15)


@settings(max_examples=300, deadline=None)
@given(ALL_OFFSETS, NOWS, st.integers(-6, 6))
def test_local_time_round_trip(minutes: int, now: datetime, slack: int) -> None:
    """A user at offset M who reads their clock a few minutes off gets M back (or its date-line
    twin, reported as the alternative)."""
    local = (now + timedelta(minutes=minutes + slack)).time().replace(second=0, microsecond=0)
    now = now.replace(second=0, microsecond=0)
    candidates = infer_offset_candidates(now, local)
    assert minutes in candidates
    for candidate in candidates:
        assert (candidate - minutes) % 1440 == 0
