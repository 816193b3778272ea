"""Terraform configuration syntax: blocks, attributes and expressions, each with its location.

Both front ends (native `.tf` via python-hcl2's grammar, and `.tf.json`) produce these
classes; the resolver evaluates them. Kept free of lark so cached files load without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from svclint.model import Comment, Diagnostic, Location


@dataclass(frozen=True, slots=True)
class Lit:
    value: str | int | float | bool | None
    loc: Location


@dataclass(frozen=True, slots=True)
class Template:
    """A string with `${...}` interpolations; `parts` alternate literal text and expressions."""

    parts: tuple[str | Expr, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Traversal:
    """`root.step[0].step`; steps are names, integer/expression indexes, or "*" for splats."""

    root: str
    steps: tuple[str | int | Expr, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Postfix:
    """Attribute/index steps applied to a non-name expression, e.g. `f(x)[0].id`."""

    base: Expr
    steps: tuple[str | int | Expr, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Expr, ...]
    loc: Location
    expand_last: bool = False


@dataclass(frozen=True, slots=True)
class Conditional:
    cond: Expr
    then: Expr
    other: Expr
    loc: Location


@dataclass(frozen=True, slots=True)
class TupleExpr:
    items: tuple[Expr, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class ObjectItem:
    key: Expr
    value: Expr
    key_loc: Location


@dataclass(frozen=True, slots=True)
class ObjectExpr:
    items: tuple[ObjectItem, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class BinaryOp:
    op: str
    left: Expr
    right: Expr
    loc: Location


@dataclass(frozen=True, slots=True)
class UnaryOp:
    op: str
    operand: Expr
    loc: Location


@dataclass(frozen=True, slots=True)
class Opaque:
    """An expression svclint does not evaluate (for expressions, template directives, heredocs
    with interpolation). `inner` keeps its sub-expressions so references are still seen."""

    what: str
    inner: tuple[Expr, ...]
    loc: Location


Expr = Lit | Template | Traversal | Postfix | Call | Conditional | TupleExpr | ObjectExpr | BinaryOp | UnaryOp | Opaque


@dataclass(slots=True)
class Attribute:
    name: str
    expr: Expr
    loc: Location


@dataclass(slots=True)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class Block:
    type: str
    labels: tuple[str, ...]
    body: Body
    loc: Location
    """Span of the block header (first line up to the opening brace)."""
    end_line: int = 0


@dataclass(slots=True)
class ConfigFile:
    """One parsed `.tf`/`.tf.json`/`.tfvars` file."""

    path: str
    body: Body
    comments: list[Comment] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def sub_expressions(expr: Expr) -> tuple[Expr, ...]:
    """Direct children of an expression, for walks that only need the shape (reference search)."""
    if isinstance(expr, Template):
        return tuple(p for p in expr.parts if not isinstance(p, str))
    if isinstance(expr, (Traversal, Postfix)):
        steps = tuple(s for s in expr.steps if not isinstance(s, (str, int)))
        return (expr.base, *steps) if isinstance(expr, Postfix) else steps
    if isinstance(expr, Call):
        return expr.args
    if isinstance(expr, Conditional):
        return (expr.cond, expr.then, expr.other)
    if isinstance(expr, TupleExpr):
        return expr.items
    if isinstance(expr, ObjectExpr):
        return tuple(e for item in expr.items for e in (item.key, item.value))
    if isinstance(expr, BinaryOp):
        return (expr.left, expr.right)
    if isinstance(expr, UnaryOp):
        return (expr.operand,)
    if isinstance(expr, Opaque):
        return expr.inner
    return ()
