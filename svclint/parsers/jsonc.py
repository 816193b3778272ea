"""JSON with comments (ARM templates as people write them), with a position on every value.

Accepted beyond strict JSON: `//` and `/* */` comments wherever whitespace may go, trailing
commas in objects and arrays, raw control characters (newlines, tabs) inside strings, a UTF-8
BOM, and CRLF, LF or lone CR line endings. Duplicate keys: the last one wins, as in `json`.

Positions: every `Node.loc` is 1-based with `end_column` exclusive. An object *member*'s value
Node spans the whole member, from the opening quote of its key to the end of its value, so a
finding on `"clientSecret": "..."` points at the key's line. Array elements and the root span
just their value. `Node.text` is always empty.

The parser is a single compiled-regex tokenizer driven by an explicit stack, and line/column
numbers come from a table of line starts. It would take any depth, but what reads its result
recurses (`Node.plain`, the ARM resolver), so nesting deeper than MAX_DEPTH is a syntax error.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from typing import Any

from svclint.model import Comment, InputSyntaxError, Location, Node

__all__ = ["JsoncError", "loads"]


class JsoncError(InputSyntaxError):
    """A JSON syntax error at a 1-based line and column."""


# One match per token, leading whitespace included. Group numbers are the token kinds.
_TOKEN = re.compile(
    r"""[ \t\n\r]*(?:
      "([^"\\]*(?:\\.[^"\\]*)*)"(?:[ \t\n\r]*(:))?           # 1 string, 2 colon right after it
    | ([{}\[\],:])                                            # 3 punctuation
    | (-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)(?![\w.+-])  # 4 number
    | (true|false|null)(?![A-Za-z0-9_])                       # 5 literal
    | (//[^\n\r]*|/\*.*?\*/)                                  # 6 comment
    | ([^ \t\n\r])                                            # 7 anything else: an error
    | (\Z)                                                    # 8 end of input
    )""",
    re.VERBOSE | re.DOTALL,
)
_STRING, _COLON, _PUNCT, _NUMBER, _LITERAL, _COMMENT = range(1, 7)
_STRAY, _END = 7, 8
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}
MAX_DEPTH = 256
"""Deepest nesting of objects and arrays accepted; real templates stay under 30."""
_NEWLINE = re.compile(r"\r\n?|\n")
_DECODER = json.JSONDecoder(strict=False)

# Parser states: what the next token may be.
_VALUE, _KEY, _AFTER_KEY, _AFTER_VALUE, _DONE = range(5)


class _Lines:
    """Turns string offsets into 1-based (line, column) pairs."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def loads(text: str, path: str) -> tuple[Node, list[Comment]]:
    """Parse JSONC `text` (read from `path`) into a Node tree and its comments."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return _Parser(text, path).run()


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.lines = _Lines(text)

    def error(self, message: str, offset: int) -> JsoncError:
        return JsoncError(message, *self.lines.at(offset))

    def loc(self, start: int, end: int) -> Location:
        # `_Lines.at` inlined: this runs once per value and dominates the profile.
        starts = self.lines.starts
        line = bisect_right(starts, start)
        end_line = bisect_right(starts, end)
        return Location(self.path, line, start - starts[line - 1] + 1, end_line, end - starts[end_line - 1] + 1)

    def run(self) -> tuple[Node, list[Comment]]:
        comments: list[Comment] = []
        # Each open container: (its dict or list, its start offset, parent key, parent key offset).
        stack: list[tuple[Any, int, str | None, int]] = []
        container: Any = None
        key: str | None = None
        key_start = 0
        state = _VALUE
        root: Node | None = None
        for m in _TOKEN.finditer(self.text):
            kind = m.lastindex or _END  # every alternative has a group
            if kind == _END:
                break
            if kind == _COLON:  # the colon group closes last, but this is a string token
                kind = _STRING
            start = m.start(kind) - 1 if kind == _STRING else m.start(kind)
            if kind == _COMMENT:
                comments.append(self.comment(m.group(kind), start))
                continue
            if state == _DONE and kind != _STRAY:
                raise self.error("unexpected content after the top-level value", start)
            node: Node | None = None
            if kind == _STRING:
                raw = m.group(1)
                value = self.decode_string(raw, start) if "\\" in raw else raw
                if state == _KEY:
                    key, key_start = value, start
                    state = _VALUE if m.group(_COLON) else _AFTER_KEY
                    continue
                node = self.scalar(value, start, m.end(1) + 1, key, key_start, state, container)
                if m.group(_COLON):
                    raise self.error(self.expected_separator(container), m.start(_COLON))
            elif kind == _PUNCT:
                char = m.group(kind)
                if char == ",":
                    if state != _AFTER_VALUE:
                        raise self.error("unexpected ','", start)
                    state = _KEY if isinstance(container, dict) else _VALUE
                    continue
                if char == ":":
                    if state != _AFTER_KEY:
                        raise self.error("unexpected ':'", start)
                    state = _VALUE
                    continue
                if char in "{[":
                    if state != _VALUE:
                        raise self.error(self.unexpected(state, container, repr(char)), start)
                    if len(stack) >= MAX_DEPTH:
                        raise self.error(f"nesting too deep (limit {MAX_DEPTH})", start)
                    stack.append((container, start, key, key_start))
                    if char == "{":
                        container, state = {}, _KEY
                    else:
                        container, state = [], _VALUE
                    continue
                # A closing bracket: allowed after a value, or right after an opening or a comma.
                closes_dict = char == "}"
                if (
                    container is None
                    or isinstance(container, dict) != closes_dict
                    or not (state == _AFTER_VALUE or state == (_KEY if closes_dict else _VALUE))
                ):
                    raise self.error(self.unexpected(state, container, repr(char)), start)
                done = container
                container, open_start, key, key_start = stack.pop()
                member = isinstance(container, dict)
                node = Node(done, self.loc(key_start if member else open_start, m.end()))
            elif kind == _NUMBER:
                raw = m.group(kind)
                number: int | float = float(raw) if raw.strip("-0123456789") else int(raw)
                node = self.scalar(number, start, m.end(), key, key_start, state, container)
            elif kind == _LITERAL:
                value = _LITERALS[m.group(kind)]
                node = self.scalar(value, start, m.end(), key, key_start, state, container)
            else:
                raise self.bad_character(start)
            # A complete value: attach it to its container (or make it the root).
            if isinstance(container, dict):
                container[key] = node
            elif isinstance(container, list):
                container.append(node)
            else:
                root = node
                state = _DONE
                continue
            state = _AFTER_VALUE
        if root is None:
            raise self.error("unexpected end of input", len(self.text))
        return root, comments

    def scalar(
        self,
        value: Any,
        start: int,
        end: int,
        key: str | None,
        key_start: int,
        state: int,
        container: Any,
    ) -> Node:
        if state != _VALUE:
            raise self.error(self.unexpected(state, container, "value"), start)
        return Node(value, self.loc(key_start if isinstance(container, dict) else start, end))

    def decode_string(self, raw: str, start: int) -> str:
        try:
            value: str = _DECODER.raw_decode(self.text, start)[0]
        except json.JSONDecodeError as exc:
            raise self.error(exc.msg.lower(), exc.pos) from None
        return value

    def comment(self, raw: str, start: int) -> Comment:
        body = raw[2:-2] if raw.startswith("/*") else raw[2:]
        return Comment(*self.lines.at(start), body.strip())

    @staticmethod
    def expected_separator(container: Any) -> str:
        if isinstance(container, dict):
            return "expected ',' or '}' after object member"
        if isinstance(container, list):
            return "expected ',' or ']' after array element"
        return "unexpected content after the top-level value"

    def unexpected(self, state: int, container: Any, what: str) -> str:
        if state == _AFTER_VALUE:
            return self.expected_separator(container)
        if state == _KEY:
            return f"expected a string key or '}}', found {what}"
        if state == _AFTER_KEY:
            return f"expected ':' after object key, found {what}"
        return f"expected a value, found {what}"

    def bad_character(self, start: int) -> JsoncError:
        text = self.text
        for opener, what in (('"', "string"), ("/*", "comment")):
            if text.startswith(opener, start):
                line, column = self.lines.at(start)
                return self.error(f"unterminated {what} starting at {line}:{column}", start)
        word = re.match(r"[\w.+-]+", text[start : start + 40])
        found = word.group() if word else text[start]
        return self.error(f"unexpected {found!r}", start)
