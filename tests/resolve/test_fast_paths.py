"""The resolution fast paths keep the behaviour of the code they replace."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from svclint.arm_expr import EvalContext, evaluate_node
from svclint.arm_functions import RefUnknown
from svclint.model import Location, Node, Ref, Unknown, UnknownCount
from svclint.parsers.jsonc import loads
from svclint.resolve import arm


@pytest.mark.parametrize("cls", [Location, Unknown, Ref, RefUnknown])
def test_hand_written_inits_take_the_dataclass_fields(cls: type) -> None:
    """A field added to one of these classes must be added to its `__init__` too."""
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    fields = dataclasses.fields(cls)
    assert [p.name for p in parameters] == [f.name for f in fields]
    for parameter, field in zip(parameters, fields, strict=True):
        expected = inspect.Parameter.empty if field.default is dataclasses.MISSING else field.default
        assert parameter.default == expected
        assert (parameter.kind == inspect.Parameter.KEYWORD_ONLY) == bool(field.kw_only)


def test_fast_inits_make_ordinary_frozen_instances() -> None:
    loc = Location(path="a.json", line=1, column=2, end_line=3, end_column=4)
    assert loc == Location("a.json", 1, 2, 3, 4)
    assert hash(loc) == hash(Location("a.json", 1, 2, 3, 4))
    assert pickle.loads(pickle.dumps(loc)) == loc
    assert dataclasses.replace(loc, line=9).line == 9
    with pytest.raises(dataclasses.FrozenInstanceError):
        loc.line = 5  # type: ignore[misc]
    ref = RefUnknown("why", ref=Ref("a"))
    assert (ref.reason, ref.partial, ref.ref) == ("why", None, Ref("a", ""))
    assert Unknown("r", "p").partial == "p"
    assert UnknownCount("r") == UnknownCount("r", None)
    assert pickle.loads(pickle.dumps(ref)) == ref


def test_scalar_all_refs_dedupes_like_containers() -> None:
    loc = Location("x", 1, 1, 1, 1)
    assert Node("v", loc, (Ref("a"), Ref("a"), Ref("b"))).all_refs() == (Ref("a"), Ref("b"))
    assert Node("v", loc).all_refs() == ()


def test_get_matches_keys_without_case_and_returns_the_first_match() -> None:
    root, _ = loads('{"Type": 1, "TYPE": 2, "K": 3}', "t.json")
    assert arm._get(root, "type") is root.value["Type"]
    assert arm._get(root, "K") is root.value["K"]
    assert arm._get(root, "missing") is None
    kelvin, _ = loads('{"\\u212a": 1}', "t.json")  # the Kelvin sign casefolds to "k"
    assert arm._get(kelvin, "k") is kelvin.value["\u212a"]


def test_memoised_expressions_give_fresh_nodes_and_record_refs_each_time() -> None:
    root, _ = loads("[\"[reference('a').id]\", \"[reference('a').id]\"]", "t.json")
    ctx = EvalContext()
    first, second = evaluate_node(root, ctx).value
    assert first is not second
    assert first.refs == second.refs == (Ref("a", "properties.id"),)
    assert ctx.refs == [Ref("a", "properties.id")] * 2


def test_syntax_errors_are_recorded_every_time() -> None:
    root, _ = loads('["[concat(]", "[concat(]"]', "t.json")
    ctx = EvalContext()
    evaluate_node(root, ctx)
    assert len(ctx.errors) == 2
