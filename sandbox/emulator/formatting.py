"""parse_mode parsing the way Telegram (tdlib) does it: the bot's markup becomes plain text plus
entities, and malformed markup fails with Telegram's "can't parse entities" wording.

Offsets in the returned entities are UTF-16 code units, as in the Bot API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.emulator.errors import ApiError, bad_request


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _entity_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


@dataclass
class _Span:
    type: str
    start: int  # index into the output characters
    end: int = -1
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Out:
    chars: list[str] = field(default_factory=list)
    spans: list[_Span] = field(default_factory=list)

    @property
    def pos(self) -> int:
        return len(self.chars)

    def close(self, span: _Span) -> None:
        span.end = self.pos
        if span.end > span.start:
            self.spans.append(span)


def finish(chars: list[str], spans: list[_Span]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace like Telegram and express entities in UTF-16 units."""
    raw = "".join(chars)
    left = len(raw) - len(raw.lstrip())
    text = raw.strip()
    entities: list[dict[str, Any]] = []
    for span in spans:
        start, end = max(span.start - left, 0), min(span.end - left, len(text))
        if end <= start:
            continue
        offset = utf16_len(text[:start])
        entity = {"type": span.type, "offset": offset, "length": utf16_len(text[start:end])}
        entity.update(span.extra)
        entities.append(entity)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return text, entities


def parse(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities for `text` sent with `parse_mode` (None = plain)."""
    mode = (parse_mode or "").lower()
    if mode == "":
        return finish(list(text), [])
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown(text)
    raise bad_request(f"unsupported parse_mode {parse_mode}")


# ---------------------------------------------------------------- HTML

_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "span": "spoiler", "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "tg-emoji": "custom_emoji", "blockquote": "blockquote",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _decode_entity(src: str, i: int) -> tuple[str, int] | None:
    """The character an `&...;` sequence at `i` stands for and the index after it, if valid."""
    end = src.find(";", i + 1, i + 12)
    if end < 0:
        return None
    name = src[i + 1 : end]
    if name.startswith("#"):
        try:
            code = int(name[2:], 16) if name[1:2] in ("x", "X") else int(name[1:])
            return chr(code), end + 1
        except (ValueError, OverflowError):
            return None
    if name in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[name], end + 1
    return None


def _byte_offset(src: str, i: int) -> int:
    return len(src[:i].encode("utf-8"))


def _name_end(src: str, i: int) -> int:
    while i < len(src) and src[i].isascii() and (src[i].isalnum() or src[i] in "-_"):
        i += 1
    return i


def _parse_attributes(src: str, i: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    """Attributes of a start tag from `i`; returns them and the index after '>'."""
    attrs: dict[str, str] = {}
    n = len(src)
    while True:
        while i < n and src[i].isspace():
            i += 1
        if i >= n:
            raise _entity_error(f"Unclosed start tag at byte offset {_byte_offset(src, begin)}")
        if src[i] == ">":
            return attrs, i + 1
        if src[i] == "/" and src[i + 1 : i + 2] == ">":
            return attrs, i + 2
        name_end = _name_end(src, i)
        name = src[i:name_end].lower()
        if not name:
            raise _entity_error(f"Empty attribute name in the tag \"{tag}\" at byte offset "
                                f"{_byte_offset(src, begin)}")
        i = name_end
        while i < n and src[i].isspace():
            i += 1
        if i < n and src[i] != "=" and name == "expandable":  # <blockquote expandable>
            attrs[name] = ""
            continue
        if i >= n or src[i] != "=":
            raise _entity_error(f"Expected equal sign in declaration of an attribute of the tag "
                                f"\"{tag}\" at byte offset {_byte_offset(src, begin)}")
        i += 1
        while i < n and src[i].isspace():
            i += 1
        if i < n and src[i] in "'\"":
            close = src.find(src[i], i + 1)
            if close < 0:
                raise _entity_error(f"Unclosed start tag at byte offset {_byte_offset(src, begin)}")
            raw, i = src[i + 1 : close], close + 1
        else:
            j = i
            while j < n and not src[j].isspace() and src[j] != ">":
                j += 1
            raw, i = src[i:j], j
        attrs[name] = _unescape(raw)


def _unescape(raw: str) -> str:
    out, i = [], 0
    while i < len(raw):
        decoded = _decode_entity(raw, i) if raw[i] == "&" else None
        if decoded:
            out.append(decoded[0])
            i = decoded[1]
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def parse_html(src: str) -> tuple[str, list[dict[str, Any]]]:
    out = _Out()
    stack: list[tuple[str, _Span]] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "&":
            decoded = _decode_entity(src, i)
            out.chars.append(decoded[0] if decoded else "&")
            i = decoded[1] if decoded else i + 1
            continue
        if c != "<":
            out.chars.append(c)
            i += 1
            continue
        begin = i
        if src[i + 1 : i + 2] != "/":
            name_end = _name_end(src, i + 1)
            tag = src[i + 1 : name_end].lower()
            if tag not in _HTML_TAGS:
                raise _entity_error(
                    f"Unsupported start tag \"{tag}\" at byte offset {_byte_offset(src, begin)}")
            attrs, i = _parse_attributes(src, name_end, tag, begin)
            kind = _HTML_TAGS[tag]
            if tag == "blockquote" and "expandable" in attrs:
                kind = "expandable_blockquote"
            stack.append((tag, _Span(kind, out.pos, extra=_html_extra(tag, attrs, src, begin))))
            continue
        name_end = _name_end(src, i + 2)
        tag = src[i + 2 : name_end].lower()
        if not stack:
            raise _entity_error(f"Unexpected end tag at byte offset {_byte_offset(src, begin)}")
        j = name_end
        while j < n and src[j].isspace():
            j += 1
        if j >= n or src[j] != ">":
            raise _entity_error(f"Unclosed end tag at byte offset {_byte_offset(src, begin)}")
        open_tag, span = stack[-1]
        if tag and tag != open_tag:
            raise _entity_error(
                f"Unmatched end tag at byte offset {_byte_offset(src, begin)}, "
                f"expected \"</{open_tag}>\", found \"</{tag}>\"")
        stack.pop()
        i = j + 1
        language = span.extra.pop("_language", None)
        if open_tag == "code" and stack and stack[-1][0] == "pre":
            if language:  # <pre><code class="language-x"> is one pre entity with a language
                stack[-1][1].extra["language"] = language
            continue
        if span.type == "text_link" and not span.extra.get("url"):
            continue
        out.close(span)
    if stack:
        raise _entity_error(f"Can't find end tag corresponding to start tag \"{stack[-1][0]}\"")
    return finish(out.chars, out.spans)


def _html_extra(tag: str, attrs: dict[str, str], src: str, begin: int) -> dict[str, Any]:
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise _entity_error(f"Tag \"span\" must have class \"tg-spoiler\" at byte offset "
                            f"{_byte_offset(src, begin)}")
    if tag == "a":
        return {"url": attrs.get("href", "")}
    if tag == "code" and attrs.get("class", "").startswith("language-"):
        return {"_language": attrs["class"][len("language-"):]}
    if tag == "tg-emoji":
        if "emoji-id" not in attrs:
            raise _entity_error(f"Tag \"tg-emoji\" must have attribute \"emoji-id\" at byte "
                                f"offset {_byte_offset(src, begin)}")
        return {"custom_emoji_id": attrs["emoji-id"]}
    return {}


# ---------------------------------------------------------------- MarkdownV2

_RESERVED_V2 = set("_*[]()~`>#+-=|{}.!")
_V2_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline", "strikethrough": "Strikethrough",
    "spoiler": "Spoiler", "code": "Code", "pre": "Pre", "text_link": "TextUrl",
}
_V2_OPEN = {"*": "bold", "_": "italic", "~": "strikethrough"}


def _v2_reserved(c: str) -> ApiError:
    return _entity_error(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")


def _v2_closes(src: str, i: int, kind: str) -> int:
    """Length of the closing marker of `kind` at `i`, or 0."""
    markers = {"bold": "*", "italic": "_", "underline": "__", "strikethrough": "~",
               "spoiler": "||", "code": "`", "pre": "```", "text_link": "]"}
    marker = markers[kind]
    if kind == "italic" and src.startswith("__", i):
        return 0
    return len(marker) if src.startswith(marker, i) else 0


def parse_markdown_v2(src: str) -> tuple[str, list[dict[str, Any]]]:
    out = _Out()
    stack: list[tuple[_Span, int]] = []  # span, byte offset of its opening marker
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        top = stack[-1][0].type if stack else None
        if c == "\\" and i + 1 < n and 0 < ord(src[i + 1]) <= 126:
            out.chars.append(src[i + 1])
            i += 2
            continue
        if top in ("code", "pre") and c != "`":
            out.chars.append(c)
            i += 1
            continue
        if c not in _RESERVED_V2:
            out.chars.append(c)
            i += 1
            continue
        if top is not None:
            closing = _v2_closes(src, i, top)
            if closing:
                span, _ = stack.pop()
                i += closing
                if top == "text_link":
                    i = _v2_link_url(src, i, span)
                    if not span.extra.get("url"):
                        continue
                out.close(span)
                continue
        i = _v2_open(src, i, out, stack)
    if stack:
        span, byte_offset = stack[-1]
        raise _entity_error(
            f"Can't find end of {_V2_NAMES[span.type]} entity at byte offset {byte_offset}")
    return finish(out.chars, out.spans)


def _v2_open(src: str, i: int, out: _Out, stack: list[tuple[_Span, int]]) -> int:
    """Open the entity whose marker starts at `i`; returns the index after the marker."""
    c, at_line_start = src[i], i == 0 or src[i - 1] == "\n"
    byte_offset = _byte_offset(src, i)
    if c == "_" and src.startswith("__", i):
        kind, width = "underline", 2
    elif c in _V2_OPEN:
        kind, width = _V2_OPEN[c], 1
    elif c == "|" and src.startswith("||", i):
        kind, width = "spoiler", 2
    elif c == "[":
        kind, width = "text_link", 1
    elif c == "`" and src.startswith("```", i):
        end_of_line = src.find("\n", i + 3)
        first_line = src[i + 3 : end_of_line] if end_of_line >= 0 else "`"
        span = _Span("pre", out.pos)
        stack.append((span, byte_offset))
        if "`" in first_line:
            return i + 3
        if first_line.strip():
            span.extra["language"] = first_line.strip()
        return end_of_line + 1
    elif c == "`":
        kind, width = "code", 1
    elif c == ">" and at_line_start:
        return i + 1  # a blockquote line marker; the quote itself carries no error risk
    else:
        raise _v2_reserved(c)
    stack.append((_Span(kind, out.pos), byte_offset))
    return i + width


def _v2_link_url(src: str, i: int, span: _Span) -> int:
    """Read `(url)` after a link's ']'; `)` and `\\` inside must be escaped."""
    if not src.startswith("(", i):
        return i
    url, j = [], i + 1
    while j < len(src) and src[j] != ")":
        if src[j] == "\\" and j + 1 < len(src):
            j += 1
        url.append(src[j])
        j += 1
    if j >= len(src):
        raise _entity_error(f"Can't find end of a URL at byte offset {_byte_offset(src, i)}")
    span.extra["url"] = "".join(url)
    return j + 1


# ---------------------------------------------------------------- legacy Markdown

_LEGACY = {"*": "bold", "_": "italic", "`": "code", "[": "text_link"}


def parse_markdown(src: str) -> tuple[str, list[dict[str, Any]]]:
    out = _Out()
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\" and i + 1 < n and src[i + 1] in "_*`[":
            out.chars.append(src[i + 1])
            i += 2
            continue
        if c not in _LEGACY:
            out.chars.append(c)
            i += 1
            continue
        begin = _byte_offset(src, i)
        if src.startswith("```", i):
            close = src.find("```", i + 3)
            if close < 0:
                raise _entity_error(
                    f"Can't find end of the entity starting at byte offset {begin}")
            span = _Span("pre", out.pos)
            out.chars.extend(src[i + 3 : close])
            out.close(span)
            i = close + 3
            continue
        marker = "]" if c == "[" else c
        close = src.find(marker, i + 1)
        if close < 0:
            raise _entity_error(f"Can't find end of the entity starting at byte offset {begin}")
        span = _Span(_LEGACY[c], out.pos)
        out.chars.extend(src[i + 1 : close])
        i = close + 1
        if c == "[":
            if src.startswith("(", i) and src.find(")", i) > 0:
                url_end = src.find(")", i)
                span.extra["url"] = src[i + 1 : url_end]
                i = url_end + 1
            else:
                continue
        out.close(span)
    return finish(out.chars, out.spans)
