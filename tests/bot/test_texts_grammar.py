"""Counts and their nouns agree (issue 12 item 10): "1 day", "steps of 1 minute", "How many
push-ups", "you started at 10 minutes", "Logged: too hard." — every count goes through
bot/texts/format.py (plural, format_amount), never "{count} days" in a template."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from datetime import date

import pytest

import bot.texts
from bot.texts import checkin, data_rights, efficacy, onboarding
from bot.texts.format import format_amount, singular

# A bare placeholder followed by {unit} or by a word ending in -s (a plural noun), e.g.
# "{days} days", "{step} {unit}". Verbs after a placeholder ("{amount} is") are fine.
_BARE_COUNT = re.compile(r"\{(\w+)(?::[^}]*)?\}\s+(\{unit\}|[a-z-]+[^s\W]s\b)")
_VERBS = frozenset({"is", "was", "has", "keeps", "eases", "goes", "comes", "does", "says", "this"})


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)


def _templates() -> Iterator[tuple[str, str, str]]:
    modules = [bot.texts] + [importlib.import_module(f"bot.texts.{m.name}")
                             for m in pkgutil.iter_modules(bot.texts.__path__)]
    for module in modules:
        for name, value in vars(module).items():
            if name.isupper():
                for text in _strings(value):
                    yield module.__name__, name, text


def test_no_template_pairs_a_bare_count_with_a_plural_noun() -> None:
    found = [(module, name, m.group(0)) for module, name, text in _templates()
             for m in _BARE_COUNT.finditer(text) if m.group(2) not in _VERBS]
    assert found == []


def test_the_scan_sees_the_templates_and_would_catch_the_old_ones() -> None:
    assert sum(1 for _ in _templates()) > 100
    for old in ("{days} days of challenges", "in steps of {step} {unit}.", "{count} successes"):
        assert _BARE_COUNT.search(old)


@pytest.mark.parametrize(("count", "unit", "expected"), [
    (1, "minutes", "1 minute"), (2, "minutes", "2 minutes"), (1, "push-ups", "1 push-up"),
    (1, "reps", "1 rep"), (1, "words", "1 word"), (1, "pages", "1 page"), (1, "km", "1 km"),
    (1.5, "km", "1.5 km"), (1, "pages of notes", "1 page of notes"),
    (1, "Spanish words", "1 Spanish word"), (1, "stories", "1 story"), (1, "glass", "1 glass"),
    (1, "sketches", "1 sketch"), (0, "minutes", "0 minutes"), (1050, "words", "1,050 words"),
])
def test_an_amount_takes_the_form_its_count_needs(count: float, unit: str, expected: str) -> None:
    assert format_amount(count, unit) == expected


def test_singular_leaves_words_it_does_not_know_as_plural_alone() -> None:
    assert singular("km") == "km" and singular("series") == "series"


def test_the_sentences_the_issue_quoted() -> None:
    assert data_rights.DELETE_ASK.format(days="1 day").startswith(
        "This deletes everything I store about you: your goal, 1 day of challenges")
    assert onboarding.ask_baseline("push-ups", "reps", "10 reps").startswith(
        "How many reps of push-ups can you comfortably do today")
    assert checkin.REASON_LOGGED.format(
        reason=checkin.REASON_WORDS[checkin.FailureReason.TOO_HARD]) == "Logged: too hard."
    assert checkin.registered("11 minutes", date(2026, 6, 2), 1, 1, "10 minutes").endswith(
        "you started at 10 minutes.")
    assert efficacy.review_successes(3, 5) == "3 successes this week, 5 in all."
    assert checkin.plan_reason("after_gap", {"amount": 9.0, "last": 10.0, "days": 1},
                               "minutes") == "After 1 day away, 9 minutes eases you back in."
    assert "After 5 days away" in checkin.plan_reason(
        "after_gap", {"amount": 9.0, "last": 10.0, "days": 5}, "minutes")
    assert format_amount(1, "minutes") == "1 minute"
