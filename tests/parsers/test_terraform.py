"""The native Terraform front end: blocks, attributes, positions, comments, parse errors."""

from __future__ import annotations

from svclint.model import Location
from svclint.parsers.hcl_syntax import (
    Call,
    Conditional,
    Lit,
    ObjectExpr,
    Opaque,
    Template,
    Traversal,
)
from svclint.parsers.terraform import parse

SOURCE = """\
# leading comment
resource "azurerm_linux_web_app" "web" { # svclint:ignore SVC001 -- reason
  name = "app-${var.env}"
  tags = {
    owner = "team"
  }
  identity {
    type = "SystemAssigned"
  }
  end  = timeadd(timestamp(), "2160h")
  pick = var.on ? 1 : 0
  ref  = data.azurerm_subscription.current.id
  doc  = <<-EOT
    hello
    EOT
}
"""


def test_blocks_and_attributes_have_exact_positions() -> None:
    parsed = parse("main.tf", SOURCE)
    assert parsed.diagnostics == []
    (block,) = parsed.body.blocks
    assert (block.type, block.labels) == ("resource", ("azurerm_linux_web_app", "web"))
    assert block.loc == Location("main.tf", 2, 1, 2, 41)
    name = block.body.attributes["name"]
    assert name.loc == Location("main.tf", 3, 3, 3, 26)
    assert name.expr.loc == Location("main.tf", 3, 10, 3, 26)
    (identity,) = block.body.blocks
    assert identity.type == "identity"
    assert identity.loc.line == 7
    assert identity.body.attributes["type"].loc == Location("main.tf", 8, 5, 8, 28)


def test_expressions_are_built_from_the_tree() -> None:
    attrs = parse("main.tf", SOURCE).body.blocks[0].body.attributes
    name = attrs["name"].expr
    assert isinstance(name, Template)
    assert name.parts[0] == "app-"
    assert isinstance(name.parts[1], Traversal) and name.parts[1].root == "var"
    assert isinstance(attrs["tags"].expr, ObjectExpr)
    assert isinstance(attrs["end"].expr, Call) and attrs["end"].expr.name == "timeadd"
    assert isinstance(attrs["pick"].expr, Conditional)
    ref = attrs["ref"].expr
    assert isinstance(ref, Traversal)
    assert (ref.root, ref.steps) == ("data", ("azurerm_subscription", "current", "id"))
    doc = attrs["doc"].expr
    assert isinstance(doc, Lit) and doc.value == "hello\n"
    assert doc.loc.end_line == 15


def test_comments_are_kept_with_positions() -> None:
    comments = parse("main.tf", SOURCE).comments
    assert [(c.line, c.text) for c in comments] == [
        (1, "leading comment"),
        (2, "svclint:ignore SVC001 -- reason"),
    ]
    assert comments[1].column == 42


def test_template_directives_and_for_expressions_are_opaque_but_keep_references() -> None:
    text = 'x = [for s in azurerm_subnet.all : s.id]\ny = "%{if var.a}b%{endif}"\n'
    attrs = parse("m.tf", text).body.attributes
    assert isinstance(attrs["x"].expr, Opaque)
    assert any(isinstance(e, Traversal) and e.root == "azurerm_subnet" for e in attrs["x"].expr.inner)
    assert isinstance(attrs["y"].expr, Opaque)


def test_escapes_are_decoded() -> None:
    attrs = parse("m.tf", 'a = "q\\"\\n\\u00e9"\nb = "$${literal}"\n').body.attributes
    assert attrs["a"].expr == Lit('q"\né', attrs["a"].expr.loc)
    assert isinstance(attrs["b"].expr, Lit) and attrs["b"].expr.value == "${literal}"


def test_syntax_error_is_one_diagnostic_with_position() -> None:
    parsed = parse("bad.tf", 'resource "a" "b" {\n  x = \n}\n')
    assert [str(d) for d in parsed.diagnostics] == ["bad.tf:2:7: parse error: unexpected '}'; expected an expression"]
    assert parsed.body.blocks == []


def test_unterminated_block_reports_end_of_file() -> None:
    (diag,) = parse("bad.tf", 'resource "a" "b" {\n  x = 1\n').diagnostics
    assert diag.message == "parse error: unexpected end of file"


def test_deep_nesting_is_a_diagnostic_not_a_crash() -> None:
    (diag,) = parse("deep.tf", "a = " + "[" * 3000 + "]" * 3000 + "\n").diagnostics
    assert (diag.line, diag.column, diag.message) == (
        1,
        1,
        "parse error: nesting too deep to parse",
    )
