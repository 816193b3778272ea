"""The bounded YAML loader: plain data and shared aliases load, bombs and tags do not."""

from __future__ import annotations

import pytest
import yaml

from svclint import yamlsafe


def test_aliases_within_bounds_load() -> None:
    assert yamlsafe.load("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}


def test_alias_bomb_is_refused_before_construction() -> None:
    levels = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(yaml.MarkedYAMLError, match="expands to more than 200000 values"):
        yamlsafe.load("\n".join(levels))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x: " + "[" * 5000 + "]" * 5000, "nesting too deep|maximum nesting depth"),
        ("#" * (yamlsafe.MAX_BYTES + 1), "file is larger than 1 MB"),
        ("x: !!python/name:os.system\n", "could not determine a constructor"),
    ],
)
def test_refused(text: str, message: str) -> None:
    with pytest.raises(yaml.YAMLError, match=message):
        yamlsafe.load(text)
