"""Every catalogue is complete and safe to render: each message translated, with the source's
placeholders and every plural form the language has (checked here, not left to review)."""

from __future__ import annotations

import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, available_locales

TRANSLATED = [code for code in available_locales() if code != "en"]
ROOT = Path(__file__).resolve().parents[2]


def _catalog(code: str) -> Catalog:
    with (LOCALES_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=code)


def _template() -> Catalog:
    with (LOCALES_DIR / "messages.pot").open("rb") as source:
        return read_po(source)


def _fields(text: str) -> set[str]:
    """The `str.format` fields a sentence fills ("{amount}", "{n}")."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _ids(message: Message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_five_languages_are_offered() -> None:
    assert set(available_locales()) >= {"en", "es", "ru", "pt_BR", "de"}


def test_the_template_holds_every_sentence_in_the_code(tmp_path: Path) -> None:
    """`make i18n` was run after the last change to a sentence: extracting again finds exactly
    the template's messages."""
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         *_KEYWORDS, "--no-location", "--sort-output", "-o", str(fresh), "."],
        cwd=ROOT, capture_output=True, check=True)
    with fresh.open("rb") as source:
        extracted = read_po(source)
    assert {m.id for m in extracted if m.id} == {m.id for m in _template() if m.id}


_KEYWORDS = ["-k", "N_", "-k", "ngettext:1,2", "-k", "pgettext:1c,2", "-k", "plural:2,3"]


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_and_current(code: str) -> None:
    catalog, template = _catalog(code), _template()
    wanted = {(m.context, m.id if not isinstance(m.id, tuple) else m.id[0])
              for m in template if m.id}
    have = {(m.context, m.id if not isinstance(m.id, tuple) else m.id[0]): m
            for m in catalog if m.id}
    assert sorted(str(k) for k in wanted - have.keys()) == [], "run make i18n"
    untranslated = [_ids(m)[0] for key, m in have.items()
                    if key in wanted and (m.fuzzy or not all(_strings(m)))]
    assert untranslated == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_placeholders_and_plural_forms_match_the_source(code: str) -> None:
    catalog = _catalog(code)
    forms = catalog.num_plurals
    problems = []
    for message in catalog:
        if not message.id or not all(_strings(message)):
            continue
        ids, strings = _ids(message), _strings(message)
        if isinstance(message.id, tuple) and len(strings) != forms:
            problems.append((ids[0], f"{len(strings)} plural forms, the language has {forms}"))
        source = set().union(*(_fields(text) for text in ids))
        for text in strings:
            try:
                fields = _fields(text)
            except ValueError as exc:  # an unbalanced brace would break .format()
                problems.append((ids[0], str(exc)))
                continue
            if fields != source:
                problems.append((ids[0], f"fields {sorted(fields)} != {sorted(source)}"))
            if text.count("\n") != ids[0].count("\n"):
                problems.append((ids[0], "line breaks differ"))
    assert problems == []


COMMAND = re.compile(r"(?<![\w./])/[a-z]+\b")  # "/today", not the "/pm" of "a. m./p. m."


@pytest.mark.parametrize("code", TRANSLATED)
def test_commands_and_slash_commands_are_kept(code: str) -> None:
    """"/today" stays "/today" in every language: Telegram matches commands literally."""
    problems = []
    for message in _catalog(code):
        if not message.id:
            continue
        commands = set(COMMAND.findall(" ".join(_ids(message))))
        for text in _strings(message):
            if text and set(COMMAND.findall(text)) != commands:
                problems.append((_ids(message)[0], text))
    assert problems == []
