"""Refuse regular expressions that can backtrack catastrophically, before any input meets them.

Rule and config regexes run against values from repositories svclint has never seen, and
Python's `re` backtracks: `(a+)+$` takes exponential time on `aaaa...b`. Timing matches out
needs signals or threads per match; a static check at load time is cheaper and predictable.
It rejects the two shapes behind nearly all catastrophic patterns:

- an unbounded quantifier over a body made only of quantified items, one of them unbounded:
  `(a+)+`, `(\\w*\\s?)*` (but not `(\\.\\d+)*`, whose `.` separates the iterations);
- an unbounded quantifier over alternatives that can match the same text: `(a|aa)*`, `(x|x)+`.

It is a heuristic: it refuses the shapes seen in practice, not every slow pattern.
"""

from __future__ import annotations

import re
import sys
from typing import Any

if sys.version_info >= (3, 11):
    from re import _parser as sre_parse
else:  # pragma: no cover - Python 3.10
    import sre_parse

_C = sre_parse  # opcodes (MAX_REPEAT, BRANCH, ...) are re-exported by the parser module
_REPEATS = (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", _C.MAX_REPEAT))
_UNBOUNDED = 10  # `{0,10}` is bounded enough; `{0,100}` nested is already too slow


def check(pattern: str) -> str | None:
    """Why `pattern` is refused, or None when it is invalid only for `re` (re.compile says
    that better) or safe."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    return _scan(list(parsed.data))


def _scan(items: list[tuple[Any, Any]]) -> str | None:
    """The first dangerous quantifier anywhere in the parsed pattern, described."""
    for op, arg in items:
        problem = None
        if op in _REPEATS:
            body = list(arg[2])
            if _unbounded(arg[1]) and _nested_unbounded(body):
                return "nested unbounded quantifiers such as (a+)+ can take exponential time; quantify only once"
            if _unbounded(arg[1]) and _overlapping_branch(body):
                return "a repeated alternation whose branches overlap, such as (a|aa)*, can take exponential time"
            problem = _scan(body)
        elif op is _C.SUBPATTERN:
            problem = _scan(list(arg[-1]))
        elif op is _C.BRANCH:
            problem = next((p for alt in arg[1] if (p := _scan(list(alt)))), None)
        if problem:
            return problem
    return None


def _unbounded(high: int) -> bool:
    return high == sre_parse.MAXREPEAT or high > _UNBOUNDED


def _unwrap(body: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """The content of `((...))`: groups around a whole body do not change what it matches."""
    while len(body) == 1 and body[0][0] is _C.SUBPATTERN:
        body = list(body[0][1][-1])
    return body


def _nested_unbounded(body: list[tuple[Any, Any]]) -> bool:
    """True when a repeated body is made only of quantified items, one of them unbounded: then
    one input splits into iterations in exponentially many ways. A mandatory item such as the
    `.` of `(\\.\\d+)*` separates the iterations and keeps the pattern linear."""
    body = _unwrap(body)
    return all(op in _REPEATS for op, _ in body) and any(_unbounded(arg[1]) for _, arg in body)


def _overlapping_branch(body: list[tuple[Any, Any]]) -> bool:
    """True when a repeated body holds an alternation that can match the same text two ways.
    `re` factors common prefixes out (`(a|aa)` becomes `a(?:|a)`), so an empty branch next to
    one starting like the body itself is the overlap, as are two branches starting alike."""
    body = _unwrap(body)
    start = _first(body)
    for op, arg in body:
        if op is not _C.BRANCH:
            continue
        alts = [list(alt) for alt in arg[1]]
        firsts = [_first(alt) for alt in alts if alt]
        empties = sum(1 for alt in alts if not alt)
        known = [f for f in firsts if f is not None]
        if empties > 1 or len(known) != len(set(known)) or (empties and start is not None and start in known):
            return True
    return False


def _first(alt: list[tuple[Any, Any]]) -> int | None:
    """The literal a branch must start with; None when it can start with several characters."""
    if alt and alt[0][0] is _C.LITERAL:
        return int(alt[0][1])
    if alt and alt[0][0] is _C.SUBPATTERN:
        return _first(list(alt[0][1][-1]))
    return None


def unsafe_in(value: Any) -> str | None:
    """The first refused pattern among the strings of a (nested) option value, described; rule
    params are often patterns, and a string that is not a pattern passes."""
    if isinstance(value, str):
        problem = check(value)
        return f"unsafe regular expression {value!r}: {problem}" if problem else None
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return next((p for item in items if (p := unsafe_in(item))), None)
