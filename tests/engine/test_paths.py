"""Paths: the fast walk over plain maps finds exactly what the general, step-by-step walk finds."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from svclint.engine.paths import Match, _walk_on, select
from svclint.model import Location, Node, Unknown

LOC = Location("m.tf", 1, 1, 1, 2)
KEYS = ["a", "A", "b", "ab", "aB", "0", ""]
SEGMENTS = [*KEYS, "*", "1"]

scalars = st.one_of(
    st.none(),
    st.integers(0, 3),
    st.sampled_from(["x", ""]),
    st.builds(Unknown, st.just("var.x")),
).map(lambda value: Node(value, LOC))
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(lambda items: Node(items, LOC)),
        st.dictionaries(st.sampled_from(KEYS), children, max_size=4).map(lambda items: Node(items, LOC)),
    ),
    max_leaves=12,
)
paths = st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=4).map(".".join)


def _seen(matches: list[Match]) -> list[tuple[Any, ...]]:
    """Matches by node identity: two equal values at different places are different matches."""
    return [(id(m.node), m.path, m.key, m.beyond) for m in matches]


@settings(max_examples=500, deadline=None)
@given(trees, paths)
def test_select_finds_what_the_general_walk_finds(root: Node, path: str) -> None:
    assert _seen(select(root, path)) == _seen(_walk_on(root, path.split("."), 0))


def test_select_fast_path_keeps_concrete_paths_and_keys() -> None:
    leaf = Node("v", LOC)
    body = Node({"properties": Node({"siteConfig": Node({"x": leaf}, LOC)}, LOC)}, LOC)
    assert select(body, "properties.siteConfig.x") == [Match(leaf, "properties.siteConfig.x", "x")]
    assert select(body, "properties.siteconfig.x") == [Match(leaf, "properties.siteConfig.x", "x")]
    assert select(body, "properties.missing.x") == []


def test_select_leaves_leading_empty_segments_out_of_concrete_paths() -> None:
    leaf = Node("v", LOC)
    body = Node({"": Node({"a": leaf}, LOC)}, LOC)
    assert select(body, ".a") == _walk_on(body, ["", "a"], 0) == [Match(leaf, "a", "a")]
