"""Tests for the Bicep parser's speed-critical parts: the lexer's single-regex main loop and its
hand-offs, the node classes' replaced `__init__`, the unrolled object loop and `parse()`'s
pause of the garbage collector. Each must behave exactly as the plain code it replaced."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from svclint.parsers import bicep_syntax
from svclint.parsers.bicep_syntax import (
    BicepSyntaxError,
    Comment,
    Node,
    ObjectLit,
    ObjectProperty,
    Resource,
    StringLit,
    Var,
    parse,
)

# Every kind of token: escapes, comments after code, a blank line with blanks on it, every
# operator, an interpolated string with an object in its hole, a block comment across lines,
# a `$'''` string whose holes open with one `$`, a pragma, a verbatim multi-line string.
SAMPLE = (
    "@sys.description('a\\'b') // c\n"
    "  \n"
    "param p int = -1 % 2 ?? x!.y[?0][^1] :: z\n"
    "var s = 'k-${ {a: 'q'}.a }-$x' /* b\n*/ == $'''\n${w} ${{v}}'''\n"
    "#disable-next-line BCP1\n"
    "var t = [...u, a && b || c, d != e =~ f !~ g <= h >= i < j > k, (l) => m, n ? o : p, ''' raw ''']\n"
)


BAD_ESCAPE = r"unrecognized escape sequence '\\q' (use \n \r \t \\ \' \$ or \u{hex})"


def lex(text: str) -> tuple[list[bicep_syntax.Token], list[Comment]]:
    lexer = bicep_syntax._Lexer(text)
    return lexer.run(), lexer.comments


def error_of(text: str) -> tuple[str, int, int]:
    with pytest.raises(BicepSyntaxError) as info:
        parse(text, "m.bicep")
    return info.value.message, info.value.line, info.value.column


def test_every_token_kind_with_its_span() -> None:
    tokens, comments = lex(SAMPLE)
    assert " ".join(token[0] for token in tokens) == (
        "@ id . id ( str ) nl id id id = - int % int ?? id ! . id [ ? int ] [ ^ int ] :: id nl "
        "id id = str( { id : str } . id )str == str( id )str( { id } )str nl "
        "id id = [ ... id , id && id || id , id != id =~ id !~ id <= id >= id < id > id , "
        "( id ) => id , id ? id : id , str ] nl eof"
    )
    by_kind: dict[str, list[bicep_syntax.Token]] = {}
    for token in tokens:
        by_kind.setdefault(token[0], []).append(token)
    # a decoded escape; the end column counts the source text
    assert by_kind["str"][0] == ("str", "a'b", 1, 18, 1, 24)
    # one "nl" for a line end, the blank line and the next line's indent; at the first newline
    assert by_kind["nl"][0] == ("nl", "\n", 1, 30, 2, 1)
    assert by_kind["id"][2] == ("id", "param", 3, 1, 3, 6)
    assert by_kind["::"] == [("::", "::", 3, 38, 3, 40)]
    # the pieces of an interpolated string, and the braces inside its hole
    assert by_kind["str("][0] == ("str(", "k-", 4, 9, 4, 14)
    assert by_kind["{"][0] == ("{", "{", 4, 15, 4, 16)
    assert by_kind[")str"][0] == (")str", "-$x", 4, 26, 4, 31)
    # after a block comment across lines, columns count from the new line
    assert by_kind["=="] == [("==", "==", 5, 4, 5, 6)]
    # a `$'''` string: its first piece spans the line break after the quotes
    assert by_kind["str("][1] == ("str(", "", 5, 7, 6, 3)
    assert by_kind[")str("] == [(")str(", " ", 6, 4, 6, 8)]
    assert by_kind[")str"][1] == (")str", "", 6, 11, 6, 15)
    assert by_kind["str"][-1] == ("str", " raw ", 8, 86, 8, 97)
    assert tokens[-1] == ("eof", "", 9, 1, 9, 1)
    assert comments == [
        Comment(1, 26, 1, 30, "// c"),
        Comment(4, 32, 5, 3, "/* b\n*/"),
        Comment(7, 1, 7, 24, "#disable-next-line BCP1"),
    ]


def test_blank_lines_comment_lines_and_trailing_blanks() -> None:
    tokens, comments = lex("\n\n  a \t\n\n  // only\n\t\n  b  \t")
    assert tokens == [
        ("id", "a", 3, 3, 3, 4),
        ("nl", "\n", 3, 6, 4, 1),
        ("id", "b", 7, 3, 7, 4),
        ("eof", "", 7, 7, 7, 7),
    ]
    assert comments == [Comment(5, 3, 5, 10, "// only")]
    assert lex("") == ([("eof", "", 1, 1, 1, 1)], [])
    assert lex("// last, no newline") == ([("eof", "", 1, 20, 1, 20)], [Comment(1, 1, 1, 20, "// last, no newline")])


def test_line_endings_and_bom_give_the_same_tree() -> None:
    lf = "// c\n@description('x')\nparam p string\nvar v = '''\na\n'''\nvar w = {\n  k: 'v'\n}\n"
    expected = parse(lf, "m.bicep")
    for text in (lf.replace("\n", "\r\n"), lf.replace("\n", "\r"), "\ufeff" + lf, "\ufeff" + lf.replace("\n", "\r\n")):
        assert parse(text, "m.bicep") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("var a = 'abc", ("unterminated string", 1, 9)),
        ("var a = 'abc\nvar b = 1", ("unterminated string", 1, 9)),
        ("var a = 'x${b", ("unterminated string", 1, 9)),
        ("var a = 'x${b\n}'", ("unterminated string", 1, 9)),
        ("var a = 'x${ {b: 'y${c}-${ {d: 1}\n", ("unterminated string", 1, 18)),
        ("var a = 'x${b}y", ("unterminated string", 1, 9)),
        ("var a = '''\nabc", ("unterminated multi-line string", 1, 9)),
        ("var a = $'''\n${b}\nc", ("unterminated multi-line string", 1, 9)),
        ("var a = $$'''\n$${b", ("unterminated string", 1, 9)),
        ("var a = 1 /* x\ny", ("unterminated comment '/*'", 1, 11)),
        ("var a = 1 /*/", ("unterminated comment '/*'", 1, 11)),
        ('var a = "x"', ("strings use single quotes, not '\"'", 1, 9)),
        ("var a = 1 ~ 2", ("unexpected character '~'", 1, 11)),
        ("var a = 1 & 2", ("unexpected character '&'", 1, 11)),
        ("var a = $b", ("unexpected character '$'", 1, 9)),
        ("var a = 1 #disable-next-line x", ("unexpected character '#'", 1, 11)),
        ("#region x", ("unexpected character '#'", 1, 1)),
        ("var a = 'é\\q'", (BAD_ESCAPE, 1, 11)),
        ("var a = 'a${b}\\q'", (BAD_ESCAPE, 1, 15)),
    ],
)
def test_lexer_errors(text: str, expected: tuple[str, int, int]) -> None:
    assert error_of(text) == expected
    assert error_of("\ufeff" + text.replace("\n", "\r\n")) == expected


def test_node_classes_keep_their_dataclass_behaviour() -> None:
    """`_fast_init` replaced every node class's `__init__`: instances must be what the
    dataclass's own `__init__` would have made, and stay frozen."""
    classes = [
        cls
        for name in bicep_syntax.__all__
        if isinstance(cls := getattr(bicep_syntax, name), type) and issubclass(cls, Node)
    ]
    assert len(classes) > 50
    for cls in classes:
        names = [field.name for field in dataclasses.fields(cls)]
        assert list(inspect.signature(cls).parameters) == names
        values = [f"v{i}" for i in range(len(names))]
        made = cls(*values)
        assert made == cls(**dict(zip(names, values, strict=True)))
        reference = object.__new__(cls)
        for name, value in zip(names, values, strict=True):
            object.__setattr__(reference, name, value)
        assert made == reference and hash(made) == hash(reference) and repr(made) == repr(reference)
        with pytest.raises(dataclasses.FrozenInstanceError):
            made.line = 0  # type: ignore[misc]
        assert dataclasses.replace(made, line=7).line == 7
        with pytest.raises(TypeError):
            cls(*values[:-1])


def test_objects_mix_plain_properties_with_every_other_item() -> None:
    file = parse(
        "var o = {\n"
        "  a: 1, 'b c': x\n"
        "  @description('d')\n"
        "  d: 2\n"
        "  ...rest\n"
        "  '${k}': 3\n"
        "  e: {\n  }\n"
        "}\n"
        "resource r 'T@1' = {\n"
        "  name: 'n'\n"
        "  resource child 'C' = {\n    name: 'c'\n  }\n"
        "  properties: {}\n"
        "}\n",
        "m.bicep",
    )
    var, resource = file.statements
    assert isinstance(var, Var) and isinstance(var.value, ObjectLit)
    items = var.value.items
    assert [type(item).__name__ for item in items] == ["ObjectProperty"] * 3 + ["Spread"] + ["ObjectProperty"] * 2
    a, b, d, _, interpolated, e = items
    assert isinstance(a, ObjectProperty) and (a.key, a.line, a.column, a.end_line, a.end_column) == ("a", 2, 3, 2, 7)
    assert isinstance(b, ObjectProperty) and (b.key, b.column, b.end_column) == ("b c", 9, 17)
    assert isinstance(d, ObjectProperty) and d.decorators[0].name == "description" and d.line == 4
    assert isinstance(interpolated, ObjectProperty) and isinstance(interpolated.key, StringLit)
    assert isinstance(e, ObjectProperty) and isinstance(e.value, ObjectLit) and e.value.items == ()
    assert (var.value.end_line, var.value.end_column) == (9, 2)
    assert isinstance(resource, Resource) and isinstance(resource.value, ObjectLit)
    assert [type(item) for item in resource.value.items] == [ObjectProperty, Resource, ObjectProperty]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("var o = {\n  a: 1 b: 2\n}\n", ("expected ',' or new line, or '}' to close '{' at 1:9, found 'b'", 2, 8)),
        ("var o = {\n  a: 1\n", ("expected '}' to close '{' at 1:9, found end of file", 3, 1)),
        ("var o = {\n  a 1\n}\n", ("expected ':' after property name, found number 1", 2, 5)),
        ("var o = {\n  a:\n}\n", ("expected expression, found end of line", 2, 5)),
        ("var o = {\n  @d()\n  ...x\n}\n", ("expected property name, found '...'", 3, 3)),
        ("var o = {\n  1: 2\n}\n", ("expected property name, found number 1", 2, 3)),
    ],
)
def test_object_errors(text: str, expected: tuple[str, int, int]) -> None:
    assert error_of(text) == expected
