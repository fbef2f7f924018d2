"""The parse_mode parsers on their own: entities and offsets as Telegram reports them."""

from __future__ import annotations

import pytest

from sandbox.emulator.errors import ApiError
from sandbox.emulator.formatting import parse, utf16_len


def test_offsets_are_utf16_units_after_an_emoji() -> None:
    text, entities = parse("🔥 <b>14 min</b>", "HTML")
    assert text == "🔥 14 min"
    assert entities == [{"type": "bold", "offset": 3, "length": 6}]
    assert utf16_len("🔥") == 2


def test_surrounding_whitespace_is_trimmed_and_entities_shift() -> None:
    text, entities = parse("\n  <i>hi</i>  ", "HTML")
    assert (text, entities) == ("hi", [{"type": "italic", "offset": 0, "length": 2}])


def test_html_nesting_numeric_entities_and_languages() -> None:
    text, entities = parse(
        '<b>a<i>b</i></b>&#33;&#x3F; <pre><code class="language-python">x</code></pre> '
        '<tg-spoiler>s</tg-spoiler> <blockquote expandable>q</blockquote>', "HTML")
    assert text == "ab!? x s q"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 1, "length": 1},
        {"type": "pre", "offset": 5, "length": 1, "language": "python"},
        {"type": "spoiler", "offset": 7, "length": 1},
        {"type": "expandable_blockquote", "offset": 9, "length": 1},
    ]


def test_html_unknown_named_entity_stays_literal() -> None:
    assert parse("fish &chips; &amp; more", "HTML")[0] == "fish &chips; & more"


@pytest.mark.parametrize(("text", "detail"), [
    ("<br>", 'Unsupported start tag "br" at byte offset 0'),
    ("é<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ('<a href="x>y', "Unclosed start tag at byte offset 0"),
])
def test_html_errors_use_telegrams_wording(text: str, detail: str) -> None:
    with pytest.raises(ApiError) as error:
        parse(text, "HTML")
    assert error.value.description == f"Bad Request: can't parse entities: {detail}"


def test_markdown_v2_entities() -> None:
    text, entities = parse(r"*b* _i_ __u__ ~s~ ||p|| `c\`` [l](https://a.b)", "MarkdownV2")
    assert text == "b i u s p c` l"
    assert [e["type"] for e in entities] == ["bold", "italic", "underline", "strikethrough",
                                            "spoiler", "code", "text_link"]


def test_markdown_v2_code_needs_no_escaping_of_other_reserved_characters() -> None:
    assert parse("`1.5 - 2!`", "MarkdownV2")[0] == "1.5 - 2!"


def test_markdown_v2_pre_with_language_and_blockquote() -> None:
    text, entities = parse("```python\nprint(1)\n```\n>quoted line", "MarkdownV2")
    assert text == "print(1)\n\nquoted line"
    assert entities[0] == {"type": "pre", "offset": 0, "length": 9, "language": "python"}


@pytest.mark.parametrize(("text", "detail"), [
    ("Done.", "Character '.' is reserved and must be escaped with the preceding '\\'"),
    ("a *b", "Can't find end of Bold entity at byte offset 2"),
    ("__u", "Can't find end of Underline entity at byte offset 0"),
    ("`code", "Can't find end of Code entity at byte offset 0"),
])
def test_markdown_v2_errors_use_telegrams_wording(text: str, detail: str) -> None:
    with pytest.raises(ApiError) as error:
        parse(text, "MarkdownV2")
    assert error.value.description == f"Bad Request: can't parse entities: {detail}"


def test_legacy_markdown_allows_unescaped_punctuation() -> None:
    text, entities = parse(r"*Done.* 1-2 \_x [go](https://a.b)", "Markdown")
    assert text == "Done. 1-2 _x go"
    assert [e["type"] for e in entities] == ["bold", "text_link"]


def test_parse_mode_is_case_insensitive() -> None:
    assert parse("<b>x</b>", "html") == parse("<b>x</b>", "HTML")
