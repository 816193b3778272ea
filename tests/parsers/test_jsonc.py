from __future__ import annotations

import json
import time

import pytest

from svclint.model import Comment, Node
from svclint.parsers.jsonc import MAX_DEPTH, JsoncError, loads


def span(node: Node) -> tuple[int, int, int, int]:
    loc = node.loc
    return loc.line, loc.column, loc.end_line, loc.end_column


def parse(text: str) -> Node:
    return loads(text, "t.json")[0]


def error(text: str) -> JsoncError:
    with pytest.raises(JsoncError) as info:
        loads(text, "t.json")
    return info.value


DOC = """{
  "a": 1,
  "b": [true, null],
  "c": {"d": "x"}
}"""


def test_values_and_types() -> None:
    root = parse('{"i": -12, "f": 1.5e3, "z": 0, "s": "x", "t": true, "n": null, "l": [], "o": {}}')
    assert root.plain() == {
        "i": -12,
        "f": 1500.0,
        "z": 0,
        "s": "x",
        "t": True,
        "n": None,
        "l": [],
        "o": {},
    }
    assert type(root.value["i"].value) is int
    assert type(root.value["f"].value) is float
    assert all(isinstance(child, Node) and child.text == "" for child in root.value.values())


def test_positions_of_root_members_and_elements() -> None:
    root = parse(DOC)
    assert span(root) == (1, 1, 5, 2)
    assert root.loc.path == "t.json"
    # Members span from the key's opening quote to the end of the value.
    assert span(root.value["a"]) == (2, 3, 2, 9)
    assert span(root.value["b"]) == (3, 3, 3, 20)
    assert span(root.value["c"]) == (4, 3, 4, 18)
    assert span(root.value["c"].value["d"]) == (4, 9, 4, 17)
    # Array elements span just their value.
    true, null = root.value["b"].value
    assert span(true) == (3, 9, 3, 13)
    assert span(null) == (3, 15, 3, 19)


def test_member_span_covers_multiline_value_and_spaced_colon() -> None:
    root = parse('{\n  "k" /* c */ :\n    [\n      1\n    ]\n}')
    assert span(root.value["k"]) == (2, 3, 5, 6)
    assert span(root.value["k"].value[0]) == (4, 7, 4, 8)


def test_scalar_root_position() -> None:
    assert span(parse("  42 ")) == (1, 3, 1, 5)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings(newline: str) -> None:
    root = parse(newline.join(["{ // one", '  "a": 1,', "", '  "b": "x"', "}"]))
    assert span(root.value["b"]) == (4, 3, 4, 11)
    assert span(root) == (1, 1, 5, 2)


def test_bom_is_skipped_and_columns_start_after_it() -> None:
    root = parse('\ufeff{"a": 1}')
    assert root.plain() == {"a": 1}
    assert span(root) == (1, 1, 1, 9)
    assert span(root.value["a"]) == (1, 2, 1, 8)


def test_comments_anywhere_and_returned() -> None:
    text = '// head\n{ /* a */ "a" /* b */ : /* c */ 1 /* d */ , // e\n "b": [ /**/ 2 // f\n ] }'
    root, comments = loads(text, "t.json")
    assert root.plain() == {"a": 1, "b": [2]}
    assert comments == [
        Comment(1, 1, "head"),
        Comment(2, 3, "a"),
        Comment(2, 15, "b"),
        Comment(2, 25, "c"),
        Comment(2, 35, "d"),
        Comment(2, 45, "e"),
        Comment(3, 9, ""),
        Comment(3, 16, "f"),
    ]


def test_multiline_block_comment_and_comment_like_text_in_strings() -> None:
    root, comments = loads('/* line one\n   line two */ {"u": "http://x/*y*/"}', "t.json")
    assert root.plain() == {"u": "http://x/*y*/"}
    assert comments == [Comment(1, 1, "line one\n   line two")]
    assert span(root.value["u"]) == (2, 17, 2, 37)


def test_trailing_commas() -> None:
    assert parse('{"a": [1, 2,], "b": {"c": 3,},}').plain() == {"a": [1, 2], "b": {"c": 3}}


def test_raw_control_characters_in_strings() -> None:
    root = parse('{"a": "line1\nline2\tx", "b": "esc\\n\nraw"}')
    assert root.plain() == {"a": "line1\nline2\tx", "b": "esc\n\nraw"}
    assert span(root.value["a"]) == (1, 2, 2, 9)
    assert span(root.value["b"]) == (2, 11, 3, 5)


def test_escapes_and_surrogate_pairs() -> None:
    text = r'"\" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00 \ud800"'
    assert parse(text).value == json.loads(text)
    assert parse(text).value.startswith('" \\ / \b')
    assert "\U0001f600" in parse(text).value


def test_duplicate_keys_last_wins() -> None:
    root = parse('{"a": 1, "b": 2, "a": 3}')
    assert root.plain() == {"a": 3, "b": 2}
    assert span(root.value["a"]) == (1, 18, 1, 24)


def test_nesting_up_to_the_limit_parses() -> None:
    depth = MAX_DEPTH
    node = parse("[" * depth + "]" * depth)
    seen = 1
    while node.value:
        node = node.value[0]
        seen += 1
    assert seen == depth
    assert span(node) == (1, depth, 1, depth + 2)


def test_deep_objects() -> None:
    depth = MAX_DEPTH
    node = parse('{"k":' * depth + "null" + "}" * depth)
    for _ in range(depth):
        node = node.value["k"]
    assert node.value is None


def test_deeper_nesting_is_a_syntax_error_not_a_recursion_error() -> None:
    depth = MAX_DEPTH + 1
    with pytest.raises(JsoncError, match=r"nesting too deep \(limit 256\)") as caught:
        parse("[" * depth + "]" * depth)
    assert (caught.value.line, caught.value.column) == (1, depth)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("", 1, 1, "unexpected end of input"),
        ("  // only a comment\n", 2, 1, "unexpected end of input"),
        ('{"a": [1, 2', 1, 12, "unexpected end of input"),
        ('{\n  "a": "abc\n', 2, 8, "unterminated string starting at 2:8"),
        ("[1] /* open", 1, 5, "unterminated comment starting at 1:5"),
        ('{"a": 1 "b": 2}', 1, 9, "expected ',' or '}' after object member"),
        ("[1 2]", 1, 4, "expected ',' or ']' after array element"),
        ('["a": 1]', 1, 5, "expected ',' or ']' after array element"),
        ('{"a": 1]', 1, 8, "expected ',' or '}' after object member"),
        ("[1}", 1, 3, "expected ',' or ']' after array element"),
        ('{"a" 1}', 1, 6, "expected ':' after object key, found value"),
        ("{1: 2}", 1, 2, "expected a string key or '}', found value"),
        ('{"a": }', 1, 7, "expected a value, found '}'"),
        ("[,]", 1, 2, "unexpected ','"),
        ("[1,,2]", 1, 4, "unexpected ','"),
        ("]", 1, 1, "expected a value, found ']'"),
        ("[1] [2]", 1, 5, "unexpected content after the top-level value"),
        ('"a" "b"', 1, 5, "unexpected content after the top-level value"),
        ("[tru]", 1, 2, "unexpected 'tru'"),
        ("[NaN]", 1, 2, "unexpected 'NaN'"),
        ("[01]", 1, 2, "unexpected '01'"),
        ("[1.]", 1, 2, "unexpected '1.'"),
        ("[-]", 1, 2, "unexpected '-'"),
        ("{'a': 1}", 1, 2, 'unexpected "\'"'),
        ('["\\q"]', 1, 3, "invalid \\escape"),
        ('["\\u12"]', 1, 4, "invalid \\uxxxx escape"),
    ],
)
def test_errors_have_positions(text: str, line: int, column: int, message: str) -> None:
    exc = error(text)
    assert (exc.line, exc.column, exc.message) == (line, column, message)
    assert str(exc) == f"{line}:{column}: {message}"


def test_error_positions_count_crlf_and_cr_lines() -> None:
    assert (error('{\r\n"a":\r\n}').line, error('{\r"a":\r}').line) == (3, 3)


def test_long_trailing_whitespace_is_fast() -> None:
    start = time.perf_counter()
    assert parse("1" + " " * 200_000).value == 1
    with pytest.raises(JsoncError):
        loads("[" + " " * 200_000, "t.json")
    assert time.perf_counter() - start < 1


def test_unterminated_string_with_long_tail_is_fast() -> None:
    start = time.perf_counter()
    exc = error('["' + "a\\\\" * 100_000)
    assert exc.message == "unterminated string starting at 1:2"
    assert time.perf_counter() - start < 1


def test_matches_json_module_on_a_generated_document() -> None:
    data = {
        "$schema": "https://schema.management.azure.com/deploymentTemplate.json#",
        "resources": [
            {"type": "Microsoft.Web/sites", "name": f"[concat('s', {i})]", "n": i, "f": i / 7} for i in range(200)
        ],
        "unicode": "é \u2028 \U0001f600",
    }
    text = json.dumps(data, indent=2)
    assert parse(text).plain() == json.loads(text)
    assert parse(json.dumps(data, ensure_ascii=False)).plain() == data
