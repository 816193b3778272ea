"""`.tf.json` files read into the same syntax as `.tf`."""

from __future__ import annotations

from svclint.parsers.hcl_syntax import Lit, ObjectExpr, Template
from svclint.parsers.terraform_json import parse

SOURCE = """{
  "resource": {
    "azurerm_linux_web_app": {
      "web": {
        "name": "app-${var.env}",
        "app_settings": {"A": "b"}
      }
    }
  },
  "provider": {"azurerm": [{"use_oidc": true}]},
  "terraform": {"backend": {"azurerm": {"key": "x"}}},
  "variable": {"env": {"default": "prod"}}
}
"""


def test_blocks_and_templates() -> None:
    parsed = parse("main.tf.json", SOURCE)
    assert parsed.diagnostics == []
    kinds = [(b.type, b.labels) for b in parsed.body.blocks]
    assert kinds == [
        ("resource", ("azurerm_linux_web_app", "web")),
        ("provider", ("azurerm",)),
        ("terraform", ()),
        ("variable", ("env",)),
    ]
    web = parsed.body.blocks[0]
    assert web.loc.line == 4
    name = web.body.attributes["name"]
    assert isinstance(name.expr, Template) and name.expr.loc.line == 5
    assert isinstance(web.body.attributes["app_settings"].expr, ObjectExpr)
    (backend,) = parsed.body.blocks[2].body.blocks
    assert (backend.type, backend.labels) == ("backend", ("azurerm",))
    assert parsed.body.blocks[1].body.attributes["use_oidc"].expr == Lit(
        True, parsed.body.blocks[1].body.attributes["use_oidc"].expr.loc
    )


def test_invalid_json_is_a_positioned_diagnostic() -> None:
    parsed = parse("bad.tf.json", '{"resource": {\n  "a": [1 2]\n}}')
    (diag,) = parsed.diagnostics
    assert (diag.line, diag.path) == (2, "bad.tf.json")
    assert diag.message.startswith("parse error: ")
