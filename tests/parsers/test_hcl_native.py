"""The hand-written HCL parser builds what the lark path builds, or hands the file back to it.

`svclint.parsers.terraform` (python-hcl2's grammar) is the specification: each case here is
parsed by both and must be equal, so the expectations are lark's, quirks included.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svclint.model import Diagnostic
from svclint.parsers import hcl_native, parse_terraform, terraform
from svclint.parsers.hcl_syntax import (
    BinaryOp,
    Call,
    Conditional,
    ConfigFile,
    Expr,
    Lit,
    Opaque,
    Postfix,
    Template,
    Traversal,
    UnaryOp,
)
from svclint.source import decode

ROOT = Path(__file__).resolve().parents[2]
HCL_FILES = sorted(
    p for top in ("fixtures", "tests") for p in (ROOT / top).rglob("*") if p.name.endswith((".tf", ".tfvars"))
)


def same(text: str) -> ConfigFile:
    """Both parsers accept `text` and agree; the native result is returned for further checks."""
    expected = terraform.parse("t.tf", text)
    assert expected.diagnostics == []
    got = hcl_native.parse("t.tf", text)
    assert got == expected
    return got


def attr(text: str, name: str = "x") -> Expr:
    return same(text).body.attributes[name].expr


def value(text: str) -> object:
    expr = attr(text)
    assert isinstance(expr, Lit)
    return expr.value


def falls_back(text: str) -> ConfigFile:
    """The native parser declines and the wiring gives exactly lark's result."""
    with pytest.raises(hcl_native.Unsupported):
        hcl_native.parse("t.tf", text)
    result = parse_terraform("t.tf", text)
    assert result == terraform.parse("t.tf", text)
    return result


@pytest.mark.parametrize("path", HCL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_repository_file_parses_as_lark_parses_it(path: Path) -> None:
    text = decode(path.read_bytes(), str(path))
    assert not isinstance(text, Diagnostic)
    expected = terraform.parse(str(path), text)
    if expected.diagnostics:
        with pytest.raises(hcl_native.Unsupported):
            hcl_native.parse(str(path), text)
    else:
        assert hcl_native.parse(str(path), text) == expected


def test_the_wiring_tries_the_native_parser_first(monkeypatch: pytest.MonkeyPatch) -> None:
    text = 'resource "a" "b" {\n  x = 1\n}\n'
    expected = terraform.parse("t.tf", text)
    monkeypatch.setattr(terraform, "parse", lambda path, text: pytest.fail("the lark path was used"))
    assert parse_terraform("t.tf", text) == expected


# -- operators -----------------------------------------------------------------------------


def test_precedence_climbs_the_same_ladder() -> None:
    expr = attr("x = a || b && c == d < e + f * g\n")
    assert isinstance(expr, BinaryOp) and expr.op == "||"
    assert isinstance(expr.right, BinaryOp) and expr.right.op == "&&"
    same("x = a - b - c / d % e\ny = !a == -b\nz = a != b <= c >= d > e\n")
    same("x = (a + b) * c\ny = -(a)\nz = !f(x)[0].y\n")


def test_negative_numbers_follow_the_lexer() -> None:
    assert value("x = -55\n") == -55
    assert isinstance(attr("x = -5\n"), UnaryOp)  # lark's INT needs two characters after "-"
    assert value("x = -5.5\n") == -5.5
    same("x = 1 - 5\ny = a - -55\nz = [1e3, 2E-2, 1.5e+3, 007, -1.0e5, 10]\n")


def test_newlines_around_operators() -> None:
    same("x = a\n+ b\n")  # the post-lexer glues the newline to `+`
    same("x = a +\n  b\n")
    same("x = (\n  a ||\n  b\n)\n")
    same("x = a + b # trailing\n\ny = 2\n")  # the operation swallows both newlines
    same("x = a + b\n\n- c\n")  # ... and then the operator goes on
    falls_back("x = a + b\n\n* c\n")  # but lark cannot climb to a higher precedence there
    glued = attr("x = a # why\n  > b\n")  # the comment ends up in the operator, as lark has it
    assert isinstance(glued, BinaryOp) and glued.op == "# why\n>"
    falls_back("x = a -55\n")  # lark reads `-55` as a number there: an error
    falls_back("x = a\n\n+ b\n")


def test_conditionals() -> None:
    expr = attr("x = a ? b : c ? d : e\n")
    assert isinstance(expr, Conditional) and isinstance(expr.other, Conditional)
    same("x = (\n  a\n  ? b # yes\n  : c\n)\n")
    same("x = a == 1 ? [\n  1,\n] : []\n")


# -- terms ---------------------------------------------------------------------------------


def test_splats_indexes_and_attributes() -> None:
    splat = attr("x = a[*].b\n")
    assert isinstance(splat, Traversal) and (splat.root, splat.steps) == ("a", ("*", "b"))
    same('x = a.*.b\ny = a.0.1\nz = a[0]["k"][var.i].true\n')
    same("x = a [0] . b\ny = a[\n  0\n]\n")


def test_chains_on_calls_and_parentheses() -> None:
    expr = attr("x = f(a)[0].id\n")
    assert isinstance(expr, Postfix) and isinstance(expr.base, Call) and expr.steps == (0, "id")
    same("x = (a.b).c\ny = (f(x)).y[*].z\nz = [1, 2][0]\n")
    same('x = provider::azurerm::parse_resource_id("x").name\n')


def test_calls() -> None:
    expr = attr("x = f(a, b...)\n")
    assert isinstance(expr, Call) and expr.expand_last
    same("x = f()\ny = f(\n)\nz = f(\n  a, # one\n  b,\n)\nw = f(a\n  , b)\n")
    falls_back("x = f(a\n,)\n")


def test_for_expressions() -> None:
    expr = attr("x = [for s in var.subnets : s.id if s.enabled]\n")
    assert isinstance(expr, Opaque) and expr.what == "for expression" and len(expr.inner) == 3
    same("x = {for k, v in var.m : k => v...}\ny = {\n  for k, v in m :\n  k => v\n  if v != null\n}\n")
    same("x = [\n  for x in y : x\n]\ny = { for = 1 }\nz = { in = 1, if = 2 }\n")


def test_collections() -> None:
    same('x = [1, "a", true, null]\ny = [\n  1,\n  2,\n]\nz = {a = 1 b = 2}\nw = {"k": v, (k) = 1}\n')
    same("x = {\n  a = 1,\n  b = {\n    c = [\n      {},\n    ]\n  }\n}\n")
    same("x = []\ny = {}\nz = [\n]\n")


# -- strings -------------------------------------------------------------------------------


def test_templates_and_directives() -> None:
    expr = attr('x = "app-${var.env}-${local.n}"\n')
    assert isinstance(expr, Template) and expr.parts[0] == "app-"
    directive = attr('x = "%{ if var.on }yes%{ else }no%{ endif }"\n')
    assert isinstance(directive, Opaque) and directive.what == "template directive"
    same('x = "%{~ for k, v in var.m ~}${k}=${v}%{ endfor }"\ny = "${ a ? "x" : "y" }"\n')
    same('x = "${"${a}"}"\ny = "${[for x in y : x]}"\nz = "${a +\n b}"\n')


def test_escapes() -> None:
    assert value('x = "$${x}%%{y}\\u0041\\n\\t\\"\\\\"\n') == '${x}%{y}A\n\t"\\'
    same('x = "\\q\\U0001F600"\ny = "a$b%c$$d"\nz = "é ü"\n')
    same('x = "line\nbreak"\n')  # lark lets a quoted string run over a newline


def test_heredocs() -> None:
    assert value("x = <<EOF\nhello\n  world\nEOF\n") == "hello\n  world\n"
    assert value("x = <<-EOT\n    a\n      b\n    EOT\n") == "a\n  b\n"
    templated = attr("x = <<EOF\nhi ${var.name}\nEOF\n")
    assert isinstance(templated, Opaque) and templated.what == "heredoc template"
    same("x = <<E\nE\ny = f(<<EOF\na\nEOF\n)\nz = <<EOF\r\nw\r\nEOF\r\n")
    falls_back("x = <<EOF\nnever closed\n")


# -- comments, blocks, files ---------------------------------------------------------------


def test_comments() -> None:
    parsed = same(
        "# standalone\nx = 1 # trailing\n// slashes\n/* block\n   comment */\n"
        "y = [\n  1, # in a tuple\n  2\n]\nz = f( # dropped by lark\n  a, # kept\n)\n"
    )
    texts = [(c.text, c.standalone) for c in parsed.comments]
    assert ("standalone", True) in texts and ("trailing", False) in texts
    assert "dropped by lark" not in [t for t, _ in texts]
    same("x = a ? b # q\n: c\ny = (a # inner\n)\nz = [a + b # both\n, c # order\n]\n")


def test_blocks() -> None:
    parsed = same('resource "azurerm_x" "y" {\n  a = 1\n  nested {\n    b = 2\n  }\n}\nlocals { c = 3 }\n')
    block = parsed.body.blocks[0]
    assert (block.type, block.labels, block.end_line) == ("resource", ("azurerm_x", "y"), 6)
    same('dynamic setting {\n  content {}\n}\nin {}\na { b = 1 c = 2 }\nd "${x}-y"\n{\n}\n')
    same("x = 1 y = 2\nz = [\n] w {}\n")


def test_files_and_line_endings() -> None:
    assert same("") == ConfigFile("t.tf", same("").body)
    same("# only a comment")
    same("\n\n\n")
    same('resource "a" "b" {\r\n  x = "y" # c\r\n}\r\n')
    same("x = 1 # no final newline")


def test_what_lark_rejects_keeps_its_message() -> None:
    for text in [
        'x = "unterminated\n',
        "x = /* open\n",
        "x =\n1\n",
        "\ufeffx = 1\n",  # a BOM reaching the parser: lark's error stands
        "é = 1\n",  # lark's names are ASCII
        "x = [a,\n\nfor_each]\n",  # after two newlines lark's lexer reads keywords
        'resource "a" "b" {\n  x = 1\n',
    ]:
        result = falls_back(text)
        assert result.diagnostics and result.diagnostics[0].message.startswith("parse error: ")


def test_deep_nesting_falls_back_without_recursion_error() -> None:
    falls_back("a = " + "[" * 3000 + "]" * 3000 + "\n")
    falls_back("a = " + "(" * 3000 + "1" + ")" * 3000 + "\n")
    falls_back("a = x" + " + x" * 500 + "\n")  # left-nested: lark's builder goes too deep
    falls_back("a = x" + ".y" * 300 + "\n")
    falls_back("a " * 3 + "{\n" * 500 + "}\n" * 500)
    same("a = " + "[" * 20 + "]" * 20 + "\nb = x" + " + x" * 40 + "\nc = x" + ".y" * 30 + "\n")


# -- property: native output is always lark's ---------------------------------------------

HCL_PIECES = [
    *"{}[]()=,.:?!*-+/%<>\n ",
    '"s"', '"a${b}c"', '"%{ if a }x%{ endif }"', "<<EOF\nx\nEOF\n", "a", "b.c", "f", "for", "in", "if",
    "true", "null", "1", "-55", "-5", "1.5", "...", "=>", "&&", "||", "==", "# c\n", "/* d */", "[*]", ".*",
]  # fmt: skip


@settings(
    max_examples=int(os.environ.get("SVCLINT_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.sampled_from(["x = ", "b {\n x = ", "x = [", "x = {"]), st.lists(st.sampled_from(HCL_PIECES), max_size=20))
def test_native_result_is_lark_result_or_a_fallback(prefix: str, pieces: list[str]) -> None:
    text = prefix + "".join(pieces)
    try:
        got = hcl_native.parse("t.tf", text)
    except hcl_native.Unsupported:
        return
    assert got == terraform.parse("t.tf", text)
