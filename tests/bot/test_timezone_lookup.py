"""Data-backed time-zone answers: cities, countries, shared locations, and the resolver order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.timezone_lookup import resolve_timezone, zone_for_city, zone_for_location
from core.timezones import ZoneAnswer, ZoneChoice, ZoneError, ZoneErrorReason, ZoneSource

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Munich", "Europe/Berlin"),
        ("München", "Europe/Berlin"),
        ("munchen", "Europe/Berlin"),
        ("ZÜRICH", "Europe/Zurich"),
        ("sao paulo", "America/Sao_Paulo"),
        ("London", "Europe/London"),  # the most populous London, not Ontario's
        ("London, Canada", "America/Toronto"),
        ("Portland, Maine", "America/New_York"),
        ("Portland, OR", "America/Los_Angeles"),
        ("Paris, TX", "America/Chicago"),
        ("New York", "America/New_York"),  # IANA component; geonames lacks the city
        ("NYC", "America/New_York"),
        ("San Francisco", "America/Los_Angeles"),  # alias: missing from the data
        ("Bombay", "Asia/Kolkata"),  # alternate name
        ("Kolkata", "Asia/Kolkata"),
        ("St. John's, Canada", "America/St_Johns"),  # alone: Newfoundland, Antigua or Florida
        ("Saint Petersburg", "Europe/Moscow"),
        ("St Petersburg", "Europe/Moscow"),
        ("Kiritimati", "Pacific/Kiritimati"),
        ("Pago Pago", "Pacific/Pago_Pago"),
        ("Tokyo", "Asia/Tokyo"),
        # "City Country" / "City State" without a comma narrows as "City, Country" does.
        ("berlin germany", "Europe/Berlin"),
        ("Paris France", "Europe/Paris"),
        ("paris tx", "America/Chicago"),
        ("London Canada", "America/Toronto"),
        ("portland oregon", "America/Los_Angeles"),
        ("Portland Maine", "America/New_York"),
        ("rio de janeiro brazil", "America/Sao_Paulo"),
        ("san jose costa rica", "America/Costa_Rica"),
        ("new york usa", "America/New_York"),
    ],
)
def test_city_names(text: str, zone: str) -> None:
    answer = zone_for_city(text, NOW)
    assert isinstance(answer, ZoneAnswer)
    assert answer.zone == zone
    assert answer.source is ZoneSource.CITY
    assert answer.label


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("Portland", [("America/Los_Angeles", "Portland, Oregon"),
                      ("America/New_York", "Portland, Maine")]),
        ("springfield", [("America/Chicago", "Springfield, Missouri"),
                         ("America/New_York", "Springfield, Massachusetts"),
                         ("America/Los_Angeles", "Springfield, Oregon")]),
        ("Birmingham", [("Europe/London", "Birmingham, United Kingdom"),
                        ("America/Chicago", "Birmingham, Alabama")]),
    ],
)
def test_a_name_places_share_on_different_clocks_asks_which(
    text: str, options: list[tuple[str, str]]
) -> None:
    answer = zone_for_city(text, NOW)
    assert isinstance(answer, ZoneChoice) and answer.text == text
    assert [(o.zone, o.label) for o in answer.options] == options
    assert all(o.source is ZoneSource.CITY for o in answer.options)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("London", "Europe/London"),  # London, Ontario is too small beside it to ask
        ("Paris", "Europe/Paris"),
        ("Saint Petersburg", "Europe/Moscow"),
        ("Springfield, Illinois", "America/Chicago"),  # named: nothing to ask
        ("portland maine", "America/New_York"),
    ],
)
def test_a_dominant_or_qualified_name_is_not_asked_about(text: str, zone: str) -> None:
    answer = zone_for_city(text, NOW)
    assert isinstance(answer, ZoneAnswer) and answer.zone == zone


@pytest.mark.parametrize(
    ("text", "zone"),
    [("Germany", "Europe/Berlin"), ("India", "Asia/Kolkata"), ("UK", "Europe/London")],
)
def test_single_clock_countries(text: str, zone: str) -> None:
    answer = zone_for_city(text, NOW)
    assert isinstance(answer, ZoneAnswer)
    assert (answer.zone, answer.source) == (zone, ZoneSource.COUNTRY)


@pytest.mark.parametrize("text", ["USA", "Russia", "Spain", "Kiribati", "Australia"])
def test_multi_clock_countries_ask_for_a_city(text: str) -> None:
    assert zone_for_city(text, NOW) == ZoneError(ZoneErrorReason.AMBIGUOUS_PLACE, text)


@pytest.mark.parametrize("text", ["Xyzzyville", "", "   ", "the moon"])
def test_unknown_places(text: str) -> None:
    assert zone_for_city(text, NOW) is None


@pytest.mark.parametrize(
    ("text", "zone", "source"),
    [
        ("Europe/Berlin", "Europe/Berlin", ZoneSource.IANA),
        ("europe/berlin", "Europe/Berlin", ZoneSource.IANA),
        ("+2", "Etc/GMT-2", ZoneSource.OFFSET),
        ("UTC-5", "Etc/GMT+5", ZoneSource.OFFSET),
        ("+5:30", "Asia/Kolkata", ZoneSource.OFFSET),
        ("utc +14", "Etc/GMT-14", ZoneSource.OFFSET),
        ("-11", "Etc/GMT+11", ZoneSource.OFFSET),
        ("17:30", "Asia/Kolkata", ZoneSource.LOCAL_TIME),  # 12:00 UTC + 5:30
        ("Berlin", "Europe/Berlin", ZoneSource.CITY),
        ("Germany", "Europe/Berlin", ZoneSource.COUNTRY),
    ],
)
def test_resolve_timezone_tries_each_kind(text: str, zone: str, source: ZoneSource) -> None:
    answer = resolve_timezone(text, NOW)
    assert isinstance(answer, ZoneAnswer)
    assert (answer.zone, answer.source) == (zone, source)


def test_resolve_timezone_errors_and_nothing() -> None:
    assert resolve_timezone("+15", NOW) == ZoneError(
        ZoneErrorReason.OFFSET_OUT_OF_RANGE, "+15", 900
    )
    assert resolve_timezone("3pm", NOW) == ZoneError(ZoneErrorReason.TIME_NEEDS_MINUTES, "3pm")
    assert resolve_timezone("Xyzzyville", NOW) is None
    assert resolve_timezone("x" * 500, NOW) is None
    assert resolve_timezone("", NOW) is None


@pytest.mark.parametrize(
    ("lat", "lon", "zone"),
    [
        (52.52, 13.40, "Europe/Berlin"),
        (40.71, -74.01, "America/New_York"),
        (22.57, 88.36, "Asia/Kolkata"),
        (1.87, -157.40, "Pacific/Kiritimati"),
        (-14.28, -170.70, "Pacific/Pago_Pago"),
        (0.0, -30.0, "Etc/GMT+2"),  # open Atlantic: nautical zone
    ],
)
def test_zone_for_location(lat: float, lon: float, zone: str) -> None:
    answer = zone_for_location(lat, lon, NOW)
    assert isinstance(answer, ZoneAnswer)
    assert (answer.zone, answer.source) == (zone, ZoneSource.LOCATION)


def test_zone_for_location_out_of_range() -> None:
    result = zone_for_location(91.0, 0.0, NOW)
    assert isinstance(result, ZoneError)
    assert result.reason is ZoneErrorReason.LOCATION_OUT_OF_RANGE
