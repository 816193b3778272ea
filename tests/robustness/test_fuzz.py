"""Property tests for the front ends: whatever the text, they fail only through their own error
path, with a position; JSONC also reads back what `json.dumps` writes.

Inputs are drawn from each language's tokens (plus arbitrary text), which reaches far more
parser states than random characters. The default of 200 examples keeps CI fast; for a long
run set `SVCLINT_FUZZ_EXAMPLES=100000`, or use the coverage-guided `benchmarks/fuzz_atheris.py`.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svclint.parsers import bicep_syntax, jsonc, terraform

FUZZ = settings(
    max_examples=int(os.environ.get("SVCLINT_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

HCL_TOKENS = [
    *'resource "azurerm_x" "y" {}[]()=,.:?!*-+/%<>&|\\#\n\r\t ',
    "${", "%{", "}", "<<EOF\n", "<<-EOT\n", "EOF\n", "EOT", "//", "/*", "*/", "=>", "...", "&&", "||",
    "for", "in", "if", "endif", "endfor", "true", "null", "1.5e3", "0x1", "x", "var.a", "local.b[0]",
    "dynamic", "content", "each.value", "count.index", "\u00e9", "\ufeff", "\x00",
]  # fmt: skip
BICEP_TOKENS = [
    *"'{}[]()=:.?!*-+/%<>&|@,\\\n\r\t ",
    "param", "var", "resource", "module", "output", "type", "func", "import", "using", "existing",
    "'Microsoft.Web/sites@2022-01-01'", "${", "'''", "//", "/*", "*/", "??", "?.", "::", "=>", "...",
    "for", "in", "if", "true", "null", "42", "x", "string", "object", "#disable-next-line",
    "\u00e9", "\ufeff", "\x00",
]  # fmt: skip
JSON_TOKENS = [
    *'{}[],:"\\/\n\r\t ', "//", "/*", "*/", "true", "false", "null", "-0.5e-3", "12", "\\u00e9",
    '"$schema"', '"resources"', "\ufeff", "\x00",
]  # fmt: skip


def _source(tokens: list[str]) -> st.SearchStrategy[str]:
    """Text made of language tokens and arbitrary snippets, in any order."""
    piece = st.sampled_from(tokens) | st.text(max_size=4)
    return st.lists(piece, max_size=80).map("".join)


@FUZZ
@given(_source(HCL_TOKENS))
def test_hcl_front_end_never_raises(text: str) -> None:
    parsed = terraform.parse("fuzz.tf", text)
    for diag in parsed.diagnostics:
        assert diag.line >= 1 and diag.column >= 1
        assert diag.message.startswith("parse error: ") and "\n" not in diag.message


@FUZZ
@given(_source(BICEP_TOKENS))
def test_bicep_parser_raises_only_its_syntax_error(text: str) -> None:
    try:
        bicep_syntax.parse(text, "fuzz.bicep")
    except bicep_syntax.BicepSyntaxError as exc:
        assert exc.line >= 1 and exc.column >= 1 and "\n" not in exc.message


@FUZZ
@given(_source(JSON_TOKENS))
def test_jsonc_raises_only_its_syntax_error(text: str) -> None:
    try:
        jsonc.loads(text, "fuzz.json")
    except jsonc.JsoncError as exc:
        assert exc.line >= 1 and exc.column >= 1 and "\n" not in exc.message


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=30,
)


@FUZZ
@given(JSON_VALUES, st.sampled_from([None, 0, 2]), st.booleans())
def test_jsonc_reads_back_what_json_dumps_writes(value: Any, indent: int | None, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    root, comments = jsonc.loads(text, "fuzz.json")
    assert root.plain() == value and comments == []


@pytest.mark.parametrize(
    "text",
    [
        "x = <<EOF\n",  # a heredoc opened on the last line
        'x = "${',  # an interpolation cut off
        "x = [" + "(" * 300,  # deep and unterminated
    ],
)
def test_hcl_regressions(text: str) -> None:
    parsed = terraform.parse("fuzz.tf", text)
    assert [d.message.startswith("parse error: ") for d in parsed.diagnostics] == [True]
