"""Patterns that can backtrack catastrophically are refused; ordinary ones pass."""

from __future__ import annotations

import pytest

from svclint.engine.regex_guard import check, unsafe_in


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a*)*", r"(\w+\s?)*$", "((a+))+", "(a|aa)*$", "(x|x)+"])
def test_refused(pattern: str) -> None:
    assert check(pattern)


@pytest.mark.parametrize(
    "pattern",
    [r"(\.\d+)*", "(foo|bar)*", "(a|ab)*", r"(\d|x)*", "a{1,5}(b{2,3})+", "(?i)client_?secret", "[", ""],
)
def test_allowed(pattern: str) -> None:
    assert check(pattern) is None  # `[` is invalid: re.compile reports that, not the guard


def test_unsafe_in_nested_option_values() -> None:
    assert unsafe_in({"names": ["Reader", "(a+)+"]}) == (
        "unsafe regular expression '(a+)+': nested unbounded quantifiers such as (a+)+ can take "
        "exponential time; quantify only once"
    )
    assert unsafe_in({"days": 90, "roles": ["Owner"]}) is None
