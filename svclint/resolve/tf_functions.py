"""Terraform built-in functions that svclint evaluates when their arguments are known.

Two kinds: *scalar* functions work on plain values and need every argument fully known;
*structural* functions work on `Node`s so a map with some unknown entries can still be
merged or looked up. Anything not listed evaluates to an unknown.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from svclint.durations import format_timestamp, parse_duration, parse_timestamp
from svclint.model import Location, Node, Unknown


class FunctionError(Exception):
    """A call that Terraform itself would reject (bad argument types or values)."""


def to_node(value: Any, loc: Location) -> Node:
    """Wrap plain data (as returned by a scalar function) into a Node tree at `loc`."""
    if isinstance(value, Node):
        return value
    if isinstance(value, dict):
        return Node({str(k): to_node(v, loc) for k, v in value.items()}, loc)
    if isinstance(value, (list, tuple)):
        return Node([to_node(v, loc) for v in value], loc)
    return Node(value, loc)


def _tostring(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None or isinstance(value, (dict, list)):
        raise FunctionError("value is not a string")
    return str(value)


def _format(fmt: str, *args: Any) -> str:
    out: list[str] = []
    index = 0
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        if fmt[i + 1 : i + 2] == "%":
            out.append("%")
            i += 2
            continue
        j = i + 1
        while j < len(fmt) and not fmt[j].isalpha():
            j += 1
        if index >= len(args):
            raise FunctionError("not enough arguments for format")
        verb = fmt[j : j + 1]
        value = args[index]
        out.append(json.dumps(value) if verb == "q" else _tostring(value))
        index += 1
        i = j + 1
    return "".join(out)


def _timeadd(timestamp: str, duration: str) -> str:
    base = parse_timestamp(timestamp)
    delta = parse_duration(duration)
    if base is None or delta is None:
        raise FunctionError("invalid timestamp or duration")
    return format_timestamp(base + delta)


def _distinct(items: list[Any]) -> list[Any]:
    """First occurrences, in order; JSON text makes lists and maps hashable."""
    return [json.loads(text) for text in dict.fromkeys(json.dumps(i, sort_keys=True) for i in items)]


def _join(sep: str, *lists: list[Any]) -> str:
    return sep.join(_tostring(v) for items in lists for v in items)


SCALAR: dict[str, Callable[..., Any]] = {
    "lower": lambda s: _tostring(s).lower(),
    "upper": lambda s: _tostring(s).upper(),
    "title": lambda s: _tostring(s).title(),
    "trimspace": lambda s: _tostring(s).strip(),
    "trim": lambda s, chars: _tostring(s).strip(chars),
    "trimprefix": lambda s, p: s[len(p) :] if s.startswith(p) else s,
    "trimsuffix": lambda s, p: s[: -len(p)] if p and s.endswith(p) else s,
    "replace": lambda s, old, new: _tostring(s).replace(old, new),
    "format": _format,
    "join": _join,
    "split": lambda sep, s: _tostring(s).split(sep),
    "tostring": _tostring,
    "tonumber": lambda v: float(v) if "." in str(v) else int(v),
    "tobool": lambda v: v if isinstance(v, bool) else {"true": True, "false": False}[v],
    "startswith": lambda s, p: _tostring(s).startswith(p),
    "endswith": lambda s, p: _tostring(s).endswith(p),
    "strcontains": lambda s, p: p in _tostring(s),
    "contains": lambda items, v: v in items,
    "jsonencode": lambda v: json.dumps(v, separators=(",", ":")),
    "jsondecode": lambda s: json.loads(s),
    "base64encode": lambda s: base64.b64encode(_tostring(s).encode()).decode(),
    "base64decode": lambda s: base64.b64decode(s).decode(),
    "timeadd": _timeadd,
    "abs": abs,
    "max": max,
    "min": min,
    "distinct": _distinct,
    "range": lambda *a: list(range(*(int(x) for x in a))),
}


def _merge(args: list[Node], loc: Location) -> Node:
    merged: dict[str, Node] = {}
    for arg in args:
        if arg.value is None:
            continue
        if not isinstance(arg.value, dict):
            raise FunctionError("merge arguments must be maps")
        merged.update(arg.value)
    return Node(merged, loc)


def _concat(args: list[Node], loc: Location) -> Node:
    items: list[Node] = []
    for arg in args:
        if not isinstance(arg.value, list):
            raise FunctionError("concat arguments must be lists")
        items.extend(arg.value)
    return Node(items, loc)


def _lookup(args: list[Node], loc: Location) -> Node:
    mapping, key = args[0], args[1]
    if not isinstance(mapping.value, dict) or not isinstance(key.value, str):
        raise FunctionError("lookup needs a map and a string key")
    if key.value in mapping.value:
        return mapping.value[key.value]
    if len(args) > 2:
        return args[2]
    raise FunctionError(f"key {key.value!r} not in map")


def _element(args: list[Node], loc: Location) -> Node:
    items, index = args
    if not isinstance(items.value, list) or not isinstance(index.value, int) or not items.value:
        raise FunctionError("element needs a non-empty list and an index")
    return items.value[index.value % len(items.value)]


def _one(args: list[Node], loc: Location) -> Node:
    (items,) = args
    if not isinstance(items.value, list) or len(items.value) > 1:
        raise FunctionError("one needs a list of at most one element")
    return items.value[0] if items.value else Node(None, loc)


def _length(args: list[Node], loc: Location) -> Node:
    (value,) = args
    if isinstance(value.value, (list, dict, str)):
        return Node(len(value.value), loc)
    raise FunctionError("length needs a collection or string")


def _keys(args: list[Node], loc: Location) -> Node:
    (value,) = args
    if not isinstance(value.value, dict):
        raise FunctionError("keys needs a map")
    return Node([Node(k, loc) for k in sorted(value.value)], loc)


def _values(args: list[Node], loc: Location) -> Node:
    (value,) = args
    if not isinstance(value.value, dict):
        raise FunctionError("values needs a map")
    return Node([value.value[k] for k in sorted(value.value)], loc)


def _flatten(args: list[Node], loc: Location) -> Node:
    (value,) = args
    out: list[Node] = []
    stack = list(reversed(value.value)) if isinstance(value.value, list) else []
    while stack:
        item = stack.pop()
        if isinstance(item.value, Unknown):
            raise FunctionError("unknown element")
        if isinstance(item.value, list):
            stack.extend(reversed(item.value))
        else:
            out.append(item)
    return Node(out, loc)


def _identity(args: list[Node], loc: Location) -> Node:
    return args[0]


STRUCTURAL: dict[str, Callable[[list[Node], Location], Node]] = {
    "merge": _merge,
    "concat": _concat,
    "lookup": _lookup,
    "element": _element,
    "one": _one,
    "length": _length,
    "keys": _keys,
    "values": _values,
    "flatten": _flatten,
    "tolist": _identity,
    "toset": _identity,
    "tomap": _identity,
    "sensitive": _identity,
    "nonsensitive": _identity,
}
"""Functions that accept partly-unknown collections; they raise FunctionError on bad input."""
