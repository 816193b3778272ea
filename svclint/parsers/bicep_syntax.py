"""A self-contained parser for Bicep (`.bicep`) and Bicep parameter (`.bicepparam`) files.

The grammar follows the reference compiler's hand-written parser (Azure/bicep,
`src/Bicep.Core/Parsing`): newlines separate statements, object properties and array items;
keywords are contextual identifiers; string interpolation makes the lexer modal. Where the
reference parser reports an error that has an unambiguous reading (a newline after a binary
operator, after `?`/`:` or `=>`, before an operator inside parentheses, a decorator on the same
line as its statement), this parser accepts it: svclint lints files that compile, so leniency
costs nothing and keeps odd formatting from hiding resources.

`parse()` returns a tree of frozen, slotted dataclasses. Every node carries its span: 1-based
`line`/`column` of its first character and `end_line`/`end_column` just past its last one.
Statements start at their keyword (decorators carry their own spans). Invalid input raises
`BicepSyntaxError` naming the line and column of the offending token.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TypeVar

from svclint.model import InputSyntaxError

__all__ = [
    "ArrayLit",
    "ArrayType",
    "Assert",
    "BicepFile",
    "BicepSyntaxError",
    "Binary",
    "BoolLit",
    "Call",
    "Comment",
    "Decorator",
    "Expr",
    "Extends",
    "Extension",
    "ExtensionConfig",
    "ForExpr",
    "FuncDecl",
    "FuncParam",
    "Identifier",
    "IfExpr",
    "Import",
    "ImportSymbol",
    "IndexAccess",
    "IntLit",
    "Lambda",
    "LiteralType",
    "Metadata",
    "Module",
    "Node",
    "NonNull",
    "NonNullableType",
    "NullLit",
    "NullableType",
    "ObjectLit",
    "ObjectProperty",
    "ObjectType",
    "ObjectTypeMember",
    "Output",
    "Param",
    "ParamAssign",
    "ParenType",
    "Parenthesized",
    "PropertyAccess",
    "Resource",
    "ResourceAccess",
    "ResourceType",
    "Spread",
    "Statement",
    "StringLit",
    "TargetScope",
    "Ternary",
    "TestDecl",
    "TupleType",
    "TupleTypeItem",
    "TypeArgs",
    "TypeDecl",
    "TypeExpr",
    "TypeIndex",
    "TypeProperty",
    "TypeRef",
    "Unary",
    "UnaryType",
    "UnionType",
    "Using",
    "Var",
    "parse",
]

MAX_DEPTH = 500
"""Deepest nesting of expressions or types accepted; deeper input is rejected, not recursed."""


class BicepSyntaxError(InputSyntaxError):
    """Invalid Bicep; `line`/`column` (1-based) point at the offending token."""


# --------------------------------------------------------------------------------------------
# Syntax tree


@dataclass(frozen=True, slots=True)
class Node:
    """Base of every node: the span it covers (1-based; `end_column` is exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Comment(Node):
    """A `//` or `/* */` comment, or a `#disable-next-line`-style pragma line."""

    text: str


@dataclass(frozen=True, slots=True)
class Expr(Node):
    """Base of expression nodes."""


@dataclass(frozen=True, slots=True)
class TypeExpr(Node):
    """Base of type-expression nodes (parameter, output, variable and `type` declarations)."""


@dataclass(frozen=True, slots=True)
class Decorator(Node):
    """`@name(args)` or `@namespace.name(args)`; `args` is empty when written without `()`."""

    name: str
    namespace: str | None
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Statement(Node):
    """Base of top-level declarations; the span starts at the keyword, after any decorators."""

    decorators: tuple[Decorator, ...]

    def decorator(self, name: str) -> Decorator | None:
        """The decorator called `name` (with or without the `sys.` namespace), if present."""
        for dec in self.decorators:
            if dec.name == name:
                return dec
        return None


# -- expressions -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Identifier(Expr):
    name: str


@dataclass(frozen=True, slots=True)
class StringLit(Expr):
    """A string. `value` is None when interpolated; `parts` alternates text and expressions
    (empty text pieces are dropped, so a plain string has `parts == (value,)` unless empty)."""

    value: str | None
    parts: tuple[str | Expr, ...]

    @property
    def is_interpolated(self) -> bool:
        return self.value is None


@dataclass(frozen=True, slots=True)
class IntLit(Expr):
    value: int


@dataclass(frozen=True, slots=True)
class BoolLit(Expr):
    value: bool


@dataclass(frozen=True, slots=True)
class NullLit(Expr):
    pass


@dataclass(frozen=True, slots=True)
class Spread(Expr):
    """`...expr` inside an object or array literal."""

    expr: Expr


@dataclass(frozen=True, slots=True)
class ObjectProperty(Node):
    """`key: value`; the span starts at the key. `key` is a StringLit only when interpolated."""

    key: str | StringLit
    value: Expr
    decorators: tuple[Decorator, ...]


@dataclass(frozen=True, slots=True)
class ObjectLit(Expr):
    """`{ ... }`; `items` keeps source order of properties, spreads and (inside resource bodies)
    nested `resource` declarations."""

    items: tuple[ObjectProperty | Spread | Resource, ...]

    @property
    def properties(self) -> tuple[ObjectProperty, ...]:
        return tuple(item for item in self.items if isinstance(item, ObjectProperty))

    @property
    def resources(self) -> tuple[Resource, ...]:
        return tuple(item for item in self.items if isinstance(item, Resource))

    def get(self, key: str) -> Expr | None:
        """The value of the last property named exactly `key` (case-sensitive), if any."""
        found: Expr | None = None
        for item in self.items:
            if isinstance(item, ObjectProperty) and item.key == key:
                found = item.value
        return found


@dataclass(frozen=True, slots=True)
class ArrayLit(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class PropertyAccess(Expr):
    """`obj.name`, or `obj.?name` when `safe`."""

    obj: Expr
    name: str
    safe: bool


@dataclass(frozen=True, slots=True)
class IndexAccess(Expr):
    """`obj[index]`, `obj[?index]` when `safe`, `obj[^index]` when `from_end`."""

    obj: Expr
    index: Expr
    safe: bool
    from_end: bool


@dataclass(frozen=True, slots=True)
class ResourceAccess(Expr):
    """`parent::child`, naming a nested resource."""

    obj: Expr
    name: str


@dataclass(frozen=True, slots=True)
class Call(Expr):
    """`name(args)`, or `target.name(args)` (namespaced like `az.resourceId`, or a method on a
    resource like `account.listKeys()`)."""

    name: str
    args: tuple[Expr, ...]
    target: Expr | None

    @property
    def namespace(self) -> str | None:
        """`az` in `az.resourceId(...)`: the target when it is a bare identifier."""
        return self.target.name if isinstance(self.target, Identifier) else None


@dataclass(frozen=True, slots=True)
class Unary(Expr):
    op: str
    operand: Expr


@dataclass(frozen=True, slots=True)
class NonNull(Expr):
    """Postfix `expr!`."""

    expr: Expr


@dataclass(frozen=True, slots=True)
class Binary(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Ternary(Expr):
    condition: Expr
    if_true: Expr
    if_false: Expr


@dataclass(frozen=True, slots=True)
class Lambda(Expr):
    params: tuple[str, ...]
    body: Expr


@dataclass(frozen=True, slots=True)
class ForExpr(Expr):
    """`[for item in iterable: body]` or `[for (item, index) in iterable: body]`."""

    item: str
    index: str | None
    iterable: Expr
    body: Expr


@dataclass(frozen=True, slots=True)
class IfExpr(Expr):
    """`if (condition) { ... }` as a resource or module body."""

    condition: Expr
    body: ObjectLit


@dataclass(frozen=True, slots=True)
class Parenthesized(Expr):
    expr: Expr


# -- types -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TypeRef(TypeExpr):
    """A named type: `string`, `object`, a user type, or a namespace in `ns.type`."""

    name: str


@dataclass(frozen=True, slots=True)
class TypeProperty(TypeExpr):
    """`base.name` (namespace member or property type); `name == '*'` for `base.*`."""

    base: TypeExpr
    name: str


@dataclass(frozen=True, slots=True)
class TypeIndex(TypeExpr):
    """`base[index]` (tuple item type), or `base[*]` (array item type) when `index` is None."""

    base: TypeExpr
    index: Expr | None


@dataclass(frozen=True, slots=True)
class TypeArgs(TypeExpr):
    """A parameterized type such as `resourceInput<'Microsoft.Web/sites@2024-04-01'>`."""

    base: TypeExpr
    args: tuple[TypeExpr, ...]


@dataclass(frozen=True, slots=True)
class ArrayType(TypeExpr):
    """`item[]`."""

    item: TypeExpr


@dataclass(frozen=True, slots=True)
class NullableType(TypeExpr):
    """`inner?`."""

    inner: TypeExpr


@dataclass(frozen=True, slots=True)
class NonNullableType(TypeExpr):
    """`inner!`."""

    inner: TypeExpr


@dataclass(frozen=True, slots=True)
class UnionType(TypeExpr):
    members: tuple[TypeExpr, ...]


@dataclass(frozen=True, slots=True)
class ParenType(TypeExpr):
    inner: TypeExpr


@dataclass(frozen=True, slots=True)
class UnaryType(TypeExpr):
    """`-1` or `!true` as a literal type."""

    op: str
    operand: TypeExpr


@dataclass(frozen=True, slots=True)
class LiteralType(TypeExpr):
    value: StringLit | IntLit | BoolLit | NullLit


@dataclass(frozen=True, slots=True)
class ObjectTypeMember(Node):
    """`key: type` inside an object type; `key` is None for the `*: type` catch-all."""

    key: str | None
    value: TypeExpr
    decorators: tuple[Decorator, ...]


@dataclass(frozen=True, slots=True)
class ObjectType(TypeExpr):
    members: tuple[ObjectTypeMember, ...]


@dataclass(frozen=True, slots=True)
class TupleTypeItem(Node):
    value: TypeExpr
    decorators: tuple[Decorator, ...]


@dataclass(frozen=True, slots=True)
class TupleType(TypeExpr):
    items: tuple[TupleTypeItem, ...]


@dataclass(frozen=True, slots=True)
class ResourceType(TypeExpr):
    """`resource 'Type@version'`; the string is omitted for a bare `output x resource = ...`."""

    type_string: StringLit | None


# -- statements --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TargetScope(Statement):
    value: Expr


@dataclass(frozen=True, slots=True)
class Metadata(Statement):
    name: str
    value: Expr


@dataclass(frozen=True, slots=True)
class Param(Statement):
    name: str
    type: TypeExpr
    default: Expr | None


@dataclass(frozen=True, slots=True)
class Var(Statement):
    name: str
    type: TypeExpr | None
    value: Expr


@dataclass(frozen=True, slots=True)
class Output(Statement):
    name: str
    type: TypeExpr
    value: Expr


@dataclass(frozen=True, slots=True)
class TypeDecl(Statement):
    name: str
    value: TypeExpr


@dataclass(frozen=True, slots=True)
class FuncParam(Node):
    name: str
    type: TypeExpr


@dataclass(frozen=True, slots=True)
class FuncDecl(Statement):
    name: str
    params: tuple[FuncParam, ...]
    return_type: TypeExpr
    body: Expr


@dataclass(frozen=True, slots=True)
class ImportSymbol(Node):
    """`name` or `name as alias` in `import {...} from`; `name` may come from a quoted string."""

    name: str
    alias: str | None


@dataclass(frozen=True, slots=True)
class Import(Statement):
    """`import {a, b as c} from 'path'` (`symbols`) or `import * as ns from 'path'`
    (`wildcard_alias`). The legacy `import 'az@1.0.0'` form is an `Extension`."""

    path: StringLit
    symbols: tuple[ImportSymbol, ...]
    wildcard_alias: str | None


@dataclass(frozen=True, slots=True)
class Extension(Statement):
    """`extension spec [with {...}] [as alias]`; `keyword` is `extension`, or `import` /
    `provider` for the older spellings of the same declaration."""

    keyword: str
    spec: Identifier | StringLit
    config: ObjectLit | None
    alias: str | None


@dataclass(frozen=True, slots=True)
class Resource(Statement):
    """`resource name 'Type@version' [existing] = value`; `value` is an ObjectLit, a ForExpr or
    an IfExpr (a ForExpr's body is an ObjectLit or an IfExpr)."""

    name: str
    type_string: StringLit
    existing: bool
    value: Expr


@dataclass(frozen=True, slots=True)
class Module(Statement):
    name: str
    path_string: StringLit
    value: Expr


@dataclass(frozen=True, slots=True)
class TestDecl(Statement):
    name: str
    path_string: StringLit
    value: Expr


@dataclass(frozen=True, slots=True)
class Assert(Statement):
    name: str
    value: Expr


@dataclass(frozen=True, slots=True)
class Using(Statement):
    """`.bicepparam`: `using 'main.bicep' [with {...}]`; `path` is None for `using none`."""

    path: StringLit | None
    config: ObjectLit | None


@dataclass(frozen=True, slots=True)
class Extends(Statement):
    path: StringLit


@dataclass(frozen=True, slots=True)
class ParamAssign(Statement):
    """`.bicepparam`: `param name = value`."""

    name: str
    value: Expr


@dataclass(frozen=True, slots=True)
class ExtensionConfig(Statement):
    """`.bicepparam`: `extensionConfig alias with {...}`."""

    alias: str
    config: ObjectLit


@dataclass(slots=True)
class BicepFile:
    path: str
    statements: list[Statement]
    comments: list[Comment]


def _fast_init(cls: type[Node]) -> None:
    """Give a node class an `__init__` that stores each field through its slot descriptor.

    A frozen dataclass's generated `__init__` assigns every field with `object.__setattr__`,
    a generic attribute lookup per field, and takes half as long again as this one. A parse
    creates about one node per two tokens, so that was a fifth of parsing. The replacement
    has the same signature (positional or keyword; no defaults, as these classes have none)
    and stores the same values: instances are identical, only made sooner."""
    names = [field.name for field in fields(cls)]
    namespace = {f"_set_{name}": getattr(cls, name).__set__ for name in names}
    stores = "".join(f"    _set_{name}(self, {name})\n" for name in names)
    exec(f"def __init__(self, {', '.join(names)}):\n{stores}", namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    type.__setattr__(cls, "__init__", init)


def _fast_init_all() -> None:
    """`_fast_init` every node class, found by its public name: `Node.__subclasses__()` would
    also list the classes that `slots=True` replaced."""
    for name in __all__:
        cls = globals().get(name)
        if isinstance(cls, type) and issubclass(cls, Node):
            _fast_init(cls)


_fast_init_all()


# --------------------------------------------------------------------------------------------
# Lexer
#
# A token is a tuple (kind, value, line, column, end_line, end_column). `kind` is the operator
# text for punctuation, or one of: "id", "int", "str" (a whole string), "str(" / ")str(" /
# ")str" (the pieces of an interpolated string around its `${...}` holes), "nl", "eof".
# `value` is the decoded text for strings and the source text otherwise. Runs of newlines and
# comment-only lines collapse into one "nl" token.

Token = tuple[str, str, int, int, int, int]

# One match per token. Each alternative starts with a literal character or a class, so the
# regex engine rejects the others at a glance, and ends in an empty marker group whose number,
# `match.lastindex`, says which matched (punctuation has none: `lastindex` is None). A run of
# newlines takes the next line's indent along; other blanks between tokens are skipped by
# `finditer`, and as `[^ \t]` at the end takes any other character, nothing else ever is.
# Order matters only between alternatives that start alike.
_TOKEN_RE = re.compile(
    r"""
      [A-Za-z_][A-Za-z0-9_]*()                                  # 1 identifier / keyword
    | \n(?:[ \t]*\n)*()[ \t]*                                   # 2 newlines, blank lines, indent
    | //[^\n]*()                                                # 3 line comment
    | '''()                                                     # 4 multi-line string opener
    | '[^'\\\n$]*'()                                            # 5 string without \ or $
    | [{}]()                                                    # 6 brace
    | [0-9]+()                                                  # 7 integer
    | /\*()                                                     # 8 block comment opener
    | \$+'''()                                                  # 9 `$'''` string opener
    | '[^'\\\n$]*(?:(?:\\.|\$(?!\{))[^'\\\n$]*)*(?:'|\$\{)()    # 10 string or its left piece
    | \#(?:disable-next-line|disable-diagnostics|restore-diagnostics)
         (?:[ \t]+(?!//)[^ \t\n]+)*()                           # 11 pragma (checked: line start)
    | \.\.\.|[=!]~|[=!<>]=|&&|\|\||\?\?|::|=>                   # punctuation, longest first
    | [()\[\],.?:;=+\-*/%!<>|^@]
    | [^ \t]()                                                  # 12 anything else
    """,
    re.VERBOSE,
)
_ID, _NEWLINES, _COMMENT, _MULTILINE, _PLAIN_STRING, _BRACE, _INT = 1, 2, 3, 4, 5, 6, 7
_BLOCK_COMMENT, _MULTILINE_DOLLARS, _STRING, _PRAGMA = 8, 9, 10, 11
# The rest of an interpolated string after a `}` closes a hole.
_STRING_TAIL_RE = re.compile(r"[^'\\\n$]*(?:(?:\\.|\$(?!\{))[^'\\\n$]*)*(?:'|\$\{)")
_ESCAPE_RE = re.compile(r"\\(?:u\{([0-9A-Fa-f]+)\}|(.))")
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", "'": "'", "$": "$"}
_multiline_tail_cache: dict[int, re.Pattern[str]] = {}


def _multiline_tail(dollars: int) -> re.Pattern[str]:
    """Scanner for an interpolating `$'''` string's next piece: up to `'''` or `${`-with-n-`$`."""
    pattern = _multiline_tail_cache.get(dollars)
    if pattern is None:
        pattern = re.compile(rf".*?(?:'''|\${{{dollars}}}\{{)", re.DOTALL)
        _multiline_tail_cache[dollars] = pattern
    return pattern


def _unescape(body: str, line: int, column: int) -> str:
    """Decode a single-line string piece starting at (line, column); reject unknown escapes."""
    if "\\" not in body:
        return body

    def replace(match: re.Match[str]) -> str:
        code, char = match.group(1), match.group(2)
        if code is not None and int(code, 16) <= 0x10FFFF:
            return chr(int(code, 16))
        if char is not None and char in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[char]
        raise BicepSyntaxError(
            f"unrecognized escape sequence {match.group(0)!r} "
            r"(use \n \r \t \\ \' \$ or \u{hex})",
            line,
            column + match.start(),
        )

    return _ESCAPE_RE.sub(replace, body)


class _Lexer:
    """Turns text into tokens and comments. Modal only inside string interpolation holes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[Token] = []
        self.comments: list[Comment] = []
        self.line = 1
        self.line_start = 0  # offset of the first character of the current line
        # Open interpolation holes and braces inside them, innermost last, as (mode, line,
        # column, dollars): mode "'" is a hole of a single-line string, "$" one of a `$'''`
        # string whose holes open with `dollars` dollars, "{" an object brace in a hole.
        # Line and column say where the string or brace opened, for error messages.
        self.holes: list[tuple[str, int, int, int]] = []

    def run(self) -> list[Token]:
        """Scan the whole text. The loop handles the frequent tokens inline, keeping the line
        and the offset just before the line's first character (`base`) in locals; any other
        token goes to `_other`, which may consume more text than its match: the scan restarts
        after it."""
        text = self.text
        tokens = self.tokens
        append = tokens.append
        comments = self.comments
        holes = self.holes
        scan = _TOKEN_RE.finditer
        pos = 0
        while True:
            line = self.line
            base = self.line_start - 1  # a column is an offset minus `base`
            for m in scan(text, pos):
                group = m.lastindex
                if group is None or group == _ID:  # punctuation or identifier
                    value = m.group()
                    col = m.start() - base
                    append((value if group is None else "id", value, line, col, line, col + len(value)))
                elif group == _NEWLINES:
                    if holes:
                        raise self._unterminated_hole()
                    start = m.start()
                    if tokens and tokens[-1][0] != "nl":
                        append(("nl", "\n", line, start - base, line + 1, 1))
                    base = m.end(_NEWLINES) - 1  # the last newline: its marker precedes the indent
                    line += 1 if base == start else text.count("\n", start, base + 1)
                elif group == _COMMENT:
                    value = m.group()
                    col = m.start() - base
                    comments.append(Comment(line, col, line, col + len(value), value))
                elif group == _PLAIN_STRING:
                    value = m.group()
                    col = m.start() - base
                    append(("str", value[1:-1], line, col, line, col + len(value)))
                elif group == _BRACE and not holes:
                    value = m.group()
                    col = m.start() - base
                    append((value, value, line, col, line, col + 1))
                elif group == _INT:
                    value = m.group()
                    col = m.start() - base
                    append(("int", value, line, col, line, col + len(value)))
                else:
                    self.line = line
                    self.line_start = base + 1
                    resume = self._other(m)
                    if resume is not None:
                        pos = resume
                        break
            else:
                break
        self.line = line
        self.line_start = base + 1
        if holes:
            raise self._unterminated_hole()
        col = len(text) - base
        append(("eof", "", line, col, line, col))
        return tokens

    def _other(self, m: re.Match[str]) -> int | None:
        """A token the main loop leaves out. Returns where scanning resumes if that is not the
        end of the match: after a string piece, a multi-line string or a block comment."""
        group = m.lastindex
        value = m.group()
        start, end = m.span()
        col = start - self.line_start + 1
        if group == _STRING:
            self._string(value, col)
        elif group == _BRACE:
            resume = self._brace_in_hole(value, end, col)
            return resume if resume != end else None
        elif group in (_MULTILINE, _MULTILINE_DOLLARS):
            return self._multiline_string(end, len(value) - 3, col)
        elif group == _BLOCK_COMMENT:
            return self._block_comment(end, col)
        elif group == _PRAGMA and not self.text[self.line_start : start].strip(" \t"):
            self.comments.append(Comment(self.line, col, self.line, col + len(value), value))
        else:
            self._unrecognized(value[0], col)
        return None

    def _unterminated_hole(self) -> BicepSyntaxError:
        """A hole's string ends at a new line or end of file: blame the innermost string."""
        _, line, column, _ = next(hole for hole in reversed(self.holes) if hole[0] != "{")
        return BicepSyntaxError("unterminated string", line, column)

    def _unrecognized(self, char: str, col: int) -> None:
        if char == "'":
            raise BicepSyntaxError("unterminated string", self.line, col)
        if char == '"':
            raise BicepSyntaxError("strings use single quotes, not '\"'", self.line, col)
        raise BicepSyntaxError(f"unexpected character {char!r}", self.line, col)

    def _string(self, value: str, col: int) -> None:
        """A single-line string, or the left piece of an interpolated one."""
        if value[-1] == "'":
            self._emit_piece("str", value, col)
        else:
            self.holes.append(("'", self.line, col, 0))
            self._emit_piece("str(", value, col)

    def _emit_piece(self, kind: str, source: str, col: int) -> None:
        """A single-line string token; `source` runs from its `'` or `}` to its `'` or `${`."""
        body = source[1:-1] if source[-1] == "'" else source[1:-2]
        line = self.line
        value = _unescape(body, line, col + 1)
        self.tokens.append((kind, value, line, col, line, col + len(source)))

    def _brace_in_hole(self, kind: str, pos: int, col: int) -> int:
        """Track `{`/`}` inside an interpolation hole; a `}` may close the hole instead."""
        line = self.line
        holes = self.holes
        if kind == "{":
            holes.append(("{", line, col, 0))
            self.tokens.append(("{", "{", line, col, line, col + 1))
            return pos
        mode, open_line, open_col, dollars = holes[-1]
        if mode == "{":
            holes.pop()
            self.tokens.append(("}", "}", line, col, line, col + 1))
            return pos
        if mode == "$":
            return self._multiline_piece(pos - 1, pos, dollars, open_line, open_col, first=False)
        m = _STRING_TAIL_RE.match(self.text, pos)
        if m is None:
            raise BicepSyntaxError("unterminated string", open_line, open_col)
        piece = "}" + m.group()
        if piece[-1] == "'":
            holes.pop()
            self._emit_piece(")str", piece, col)
        else:
            self._emit_piece(")str(", piece, col)
        return m.end()

    def _multiline_string(self, pos: int, dollars: int, col: int) -> int:
        """A `'''` string (verbatim), or a `$'''` string whose holes are `${` with n dollars."""
        start = pos - 3 - dollars
        if dollars:
            return self._multiline_piece(start, pos, dollars, self.line, col, first=True)
        close = self.text.find("'''", pos)
        if close < 0:
            raise BicepSyntaxError("unterminated multi-line string", self.line, col)
        end = self._quote_run_end(close)
        self._emit_multiline("str", start, pos, end, end - 3, col)
        return end

    def _quote_run_end(self, close: int) -> int:
        """A multi-line string ends after the whole run of quotes that starts at `close`."""
        end = close + 3
        while self.text.startswith("'", end):
            end += 1
        return end

    def _multiline_piece(
        self, start: int, pos: int, dollars: int, open_line: int, open_col: int, *, first: bool
    ) -> int:
        m = _multiline_tail(dollars).match(self.text, pos)
        if m is None:
            raise BicepSyntaxError("unterminated multi-line string", open_line, open_col)
        if m.group().endswith("'''"):
            end = self._quote_run_end(m.end() - 3)
            body_end = end - 3
            if not first:
                self.holes.pop()
            kind = "str" if first else ")str"
        else:
            end = m.end()
            body_end = end - dollars - 1
            if first:
                self.holes.append(("$", open_line, open_col, dollars))
            kind = "str(" if first else ")str("
        col = start - self.line_start + 1
        self._emit_multiline(kind, start, pos, end, body_end, col)
        return end

    def _emit_multiline(self, kind: str, start: int, body_start: int, end: int, body_end: int, col: int) -> None:
        text = self.text
        body = text[body_start:body_end]
        if kind in ("str", "str(") and body.startswith("\n"):
            body = body[1:]  # the newline right after the opening quotes is not content
        line = self.line
        newlines = text.count("\n", start, end)
        if newlines:
            self.line += newlines
            self.line_start = text.rfind("\n", start, end) + 1
        self.tokens.append((kind, body, line, col, self.line, end - self.line_start + 1))

    def _block_comment(self, pos: int, col: int) -> int:
        text = self.text
        close = text.find("*/", pos)
        if close < 0:
            raise BicepSyntaxError("unterminated comment '/*'", self.line, col)
        end = close + 2
        line = self.line
        newlines = text.count("\n", pos, end)
        if newlines:
            self.line += newlines
            self.line_start = text.rfind("\n", pos, end) + 1
        end_col = end - self.line_start + 1
        self.comments.append(Comment(line, col, self.line, end_col, text[pos - 2 : end]))
        return end


# --------------------------------------------------------------------------------------------
# Parser

_BINARY_PRECEDENCE = {
    "*": 100,
    "/": 100,
    "%": 100,
    "+": 90,
    "-": 90,
    "<": 80,
    "<=": 80,
    ">": 80,
    ">=": 80,
    "==": 70,
    "!=": 70,
    "=~": 70,
    "!~": 70,
    "&&": 50,
    "||": 40,
    "??": 30,
}
_LITERAL_WORDS = {"true", "false", "null"}
_POSTFIX = {".", "[", "!", "::"}  # token kinds that start an accessor after an operand
_CALL_OR_LAMBDA = {"(", "=>"}  # token kinds that make a name before them a call or a lambda
_CLOSERS = {"(": ")", "[": "]", "{": "}", "<": ">"}

T = TypeVar("T")
S = TypeVar("S", bound=Statement)
# Statement parsers get the keyword token (already consumed) and the decorators before it.
StatementParser = Callable[["_Parser", Token, tuple[Decorator, ...]], Statement]


def _plain_string(tok: Token) -> StringLit:
    return StringLit(tok[2], tok[3], tok[4], tok[5], tok[1], (tok[1],) if tok[1] else ())


def _describe(tok: Token) -> str:
    kind = tok[0]
    if kind == "id":
        return f"'{tok[1]}'"
    if kind == "int":
        return f"number {tok[1]}"
    if kind == "nl":
        return "end of line"
    if kind == "eof":
        return "end of file"
    if kind in ("str", "str(", ")str(", ")str"):
        return "string"
    return f"'{kind}'"


class _Parser:
    """Recursive descent over the token list; precedence climbing for binary operators."""

    def __init__(self, tokens: list[Token], params_file: bool) -> None:
        self.toks = tokens
        self.i = 0
        self.depth = 0
        # True inside (...) where newlines do not separate items, so `a\n && b` continues.
        self.in_parens = False
        self.keywords = _PARAMS_STATEMENTS if params_file else _BICEP_STATEMENTS

    # -- helpers ---------------------------------------------------------------------------

    def _error(self, message: str, tok: Token | None = None) -> BicepSyntaxError:
        tok = tok or self.toks[self.i]
        return BicepSyntaxError(message, tok[2], tok[3])

    def _expected(self, what: str) -> BicepSyntaxError:
        tok = self.toks[self.i]
        return self._error(f"expected {what}, found {_describe(tok)}", tok)

    def _expect(self, kind: str, what: str | None = None) -> Token:
        tok = self.toks[self.i]
        if tok[0] != kind:
            raise self._expected(what or f"'{kind}'")
        self.i += 1
        return tok

    def _close(self, opener: Token) -> Token:
        """Consume the bracket closing `opener`, or explain which opener is unclosed."""
        tok = self.toks[self.i]
        if tok[0] != _CLOSERS[opener[0]]:
            raise self._unclosed(opener, "")
        self.i += 1
        return tok

    def _name(self, what: str) -> Token:
        tok = self.toks[self.i]
        if tok[0] != "id":
            raise self._expected(what)
        self.i += 1
        return tok

    def _keyword(self, word: str) -> Token:
        tok = self.toks[self.i]
        if tok[0] != "id" or tok[1] != word:
            raise self._expected(f"'{word}'")
        self.i += 1
        return tok

    def _at_word(self, word: str) -> bool:
        tok = self.toks[self.i]
        return tok[0] == "id" and tok[1] == word

    def _skip_nl(self) -> None:
        if self.toks[self.i][0] == "nl":
            self.i += 1

    def _last(self) -> Token:
        return self.toks[self.i - 1]

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self._error(f"nesting too deep (limit {MAX_DEPTH})")

    def _items(self, opener: Token, item: Callable[[], T], *, lines: bool = True) -> list[T]:
        """Items of a bracketed list up to and including the closer. Items are separated by
        commas, or (if `lines`) by newlines too; a trailing comma is allowed."""
        toks = self.toks
        closer = _CLOSERS[opener[0]]
        out: list[T] = []
        if toks[self.i][0] == "nl":
            self.i += 1
        while toks[self.i][0] != closer:
            if toks[self.i][0] == "eof":
                raise self._unclosed(opener, "")
            out.append(item())
            kind = toks[self.i][0]
            if kind == ",":
                self.i += 1
                if toks[self.i][0] == "nl":
                    self.i += 1
            elif kind == "nl":
                self.i += 1
                if not lines and toks[self.i][0] != closer:
                    raise self._unclosed(opener, "',' or ")
            elif kind != closer:
                raise self._unclosed(opener, "',' or new line, or " if lines else "',' or ")
        self.i += 1
        return out

    def _unclosed(self, opener: Token, alternatives: str) -> BicepSyntaxError:
        closer = _CLOSERS[opener[0]]
        where = f"{opener[2]}:{opener[3]}"
        return self._expected(f"{alternatives}'{closer}' to close '{opener[0]}' at {where}")

    # -- statements ------------------------------------------------------------------------

    def parse_file(self) -> list[Statement]:
        toks = self.toks
        statements: list[Statement] = []
        while True:
            kind = toks[self.i][0]
            if kind == "nl":
                self.i += 1
                continue
            if kind == "eof":
                return statements
            statements.append(self._statement())
            kind = toks[self.i][0]
            if kind == "nl":
                self.i += 1
            elif kind != "eof":
                raise self._expected("new line after the declaration")

    def _decorators(self) -> tuple[Decorator, ...]:
        if self.toks[self.i][0] != "@":
            return ()
        decorators = []
        while self.toks[self.i][0] == "@":
            decorators.append(self._decorator())
            self._skip_nl()
        return tuple(decorators)

    def _decorator(self) -> Decorator:
        at = self.toks[self.i]
        self.i += 1
        name = self._name("decorator name")[1]
        namespace = None
        if self.toks[self.i][0] == ".":
            self.i += 1
            namespace, name = name, self._name("decorator name")[1]
        args: tuple[Expr, ...] = ()
        if self.toks[self.i][0] == "(":
            args = self._call_args()
        end = self._last()
        return Decorator(at[2], at[3], end[4], end[5], name, namespace, args)

    def _statement(self) -> Statement:
        decorators = self._decorators()
        tok = self.toks[self.i]
        handler = self.keywords.get(tok[1]) if tok[0] == "id" else None
        if handler is None:
            what = "declaration" if not decorators else "declaration after decorators"
            raise self._expected(what)
        self.i += 1
        return handler(self, tok, decorators)

    def _span(self, kw: Token, cls: Callable[..., S], *fields: object) -> S:
        end = self._last()
        return cls(kw[2], kw[3], end[4], end[5], *fields)

    def _assigned_value(self) -> Expr:
        self._expect("=")
        return self._expr()

    def _target_scope(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        return self._span(kw, TargetScope, decorators, self._assigned_value())

    def _metadata(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        name = self._name("metadata name")[1]
        return self._span(kw, Metadata, decorators, name, self._assigned_value())

    def _param(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        name = self._name("parameter name")[1]
        type_ = self._decl_type(allow_bare_resource=False)
        default = None
        if self.toks[self.i][0] == "=":
            default = self._assigned_value()
        return self._span(kw, Param, decorators, name, type_, default)

    def _param_assign(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        name = self._name("parameter name")[1]
        return self._span(kw, ParamAssign, decorators, name, self._assigned_value())

    def _var(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        name = self._name("variable name")[1]
        type_ = None if self.toks[self.i][0] == "=" else self._decl_type(allow_bare_resource=False)
        return self._span(kw, Var, decorators, name, type_, self._assigned_value())

    def _output(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        name = self._name("output name")[1]
        type_ = self._decl_type(allow_bare_resource=True)
        return self._span(kw, Output, decorators, name, type_, self._assigned_value())

    def _type_decl(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        name = self._name("type name")[1]
        self._expect("=")
        return self._span(kw, TypeDecl, decorators, name, self._decl_type(False))

    def _func(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        name = self._name("function name")[1]
        params = self._items(self._expect("("), self._func_param, lines=False)
        return_type = self._decl_type(allow_bare_resource=False)
        self._expect("=>")
        self._skip_nl()
        body = self._expr()
        return self._span(kw, FuncDecl, decorators, name, tuple(params), return_type, body)

    def _func_param(self) -> FuncParam:
        name = self._name("parameter name")
        type_ = self._decl_type(allow_bare_resource=False)
        return FuncParam(name[2], name[3], type_.end_line, type_.end_column, name[1], type_)

    def _resource(self, kw: Token, decorators: tuple[Decorator, ...]) -> Resource:
        name = self._name("resource name")[1]
        type_string = self._string_arg("resource type string")
        existing = self._at_word("existing")
        if existing:
            self.i += 1
        value = self._body_value(resource=True)
        return self._span(kw, Resource, decorators, name, type_string, existing, value)

    def _module(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        name = self._name("module name")[1]
        path = self._string_arg("module path string")
        return self._span(kw, Module, decorators, name, path, self._body_value(resource=False))

    def _test(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        name = self._name("test name")[1]
        path = self._string_arg("test path string")
        self._expect("=")
        opener = self._expect("{", "'{'")
        return self._span(kw, TestDecl, decorators, name, path, self._object(opener, False))

    def _assert(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        name = self._name("assertion name")[1]
        return self._span(kw, Assert, decorators, name, self._assigned_value())

    def _string_arg(self, what: str) -> StringLit:
        kind = self.toks[self.i][0]
        if kind != "str" and kind != "str(":
            raise self._expected(what)
        return self._string()

    def _body_value(self, *, resource: bool) -> Expr:
        """`= {...}`, `= if (cond) {...}` or `= [for ...: ...]` for a resource or module."""
        self._expect("=")
        toks = self.toks
        if toks[self.i][0] == "nl" and toks[self.i + 1][0] == "id" and toks[self.i + 1][1] == "if":
            self.i += 1
        tok = toks[self.i]
        self.i += 1
        if tok[0] == "{":
            return self._object(tok, resource)
        if tok[0] == "[":
            self._skip_nl()
            return self._for(tok, body_kind=resource)
        if tok[0] == "id" and tok[1] == "if":
            return self._if(tok, resource)
        self.i -= 1
        raise self._expected("'{', 'if' or '[for'")

    def _import(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        tok = self.toks[self.i]
        if tok[0] in ("str", "str("):
            return self._extension(kw, decorators)
        symbols: tuple[ImportSymbol, ...] = ()
        wildcard = None
        if tok[0] == "{":
            self.i += 1
            symbols = tuple(self._items(tok, self._import_symbol))
        elif tok[0] == "*":
            self.i += 1
            self._keyword("as")
            wildcard = self._name("namespace name")[1]
        else:
            raise self._expected("'{' or '*' after 'import'")
        self._keyword("from")
        path = self._string_arg("import path string")
        return self._span(kw, Import, decorators, path, symbols, wildcard)

    def _import_symbol(self) -> ImportSymbol:
        tok = self.toks[self.i]
        if tok[0] == "id":
            self.i += 1
            name = tok[1]
        elif tok[0] == "str":
            self.i += 1
            name = tok[1]
            if not self._at_word("as"):
                raise self._expected("'as' after a quoted import name")
        else:
            raise self._expected("name of an exported symbol")
        alias = None
        if self._at_word("as"):
            self.i += 1
            alias = self._name("alias name")[1]
        end = self._last()
        return ImportSymbol(tok[2], tok[3], end[4], end[5], name, alias)

    def _extension(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        tok = self.toks[self.i]
        spec: Identifier | StringLit
        if tok[0] == "id":
            self.i += 1
            spec = Identifier(tok[2], tok[3], tok[4], tok[5], tok[1])
        else:
            spec = self._string_arg("extension name or reference string")
        config = None
        if self._at_word("with"):
            self.i += 1
            config = self._object(self._expect("{"), False)
        alias = None
        if self._at_word("as"):
            self.i += 1
            alias = self._name("alias name")[1]
        return self._span(kw, Extension, decorators, kw[1], spec, config, alias)

    def _using(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        path = None
        if self._at_word("none"):
            self.i += 1
        else:
            path = self._string_arg("template path string or 'none'")
        config = None
        if self._at_word("with"):
            self.i += 1
            config = self._object(self._expect("{"), False)
        return self._span(kw, Using, decorators, path, config)

    def _extends(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        return self._span(kw, Extends, decorators, self._string_arg("path string"))

    def _extension_config(self, kw: Token, decorators: tuple[Decorator, ...]) -> Statement:
        alias = self._name("extension alias")[1]
        self._keyword("with")
        config = self._object(self._expect("{"), False)
        return self._span(kw, ExtensionConfig, decorators, alias, config)

    # -- expressions -----------------------------------------------------------------------

    def _expr(self, min_prec: int = 0) -> Expr:
        """Binary operators by precedence climbing; at the lowest level also `? :`."""
        self.depth += 1  # `_enter()`, inline: this is the parser's most frequent call
        if self.depth > MAX_DEPTH:
            raise self._error(f"nesting too deep (limit {MAX_DEPTH})")
        toks = self.toks
        left = self._operand()
        while True:
            kind = toks[self.i][0]
            prec = _BINARY_PRECEDENCE.get(kind)
            if prec is None:
                if kind == "nl":
                    # a new line ends the expression unless `?` or (inside parens) an operator
                    # follows it
                    after = toks[self.i + 1][0]
                    if (after == "?" and min_prec == 0) or (self.in_parens and after in _BINARY_PRECEDENCE):
                        self.i += 1
                        continue
                elif kind == "?" and min_prec == 0:
                    left = self._ternary(left)
                break
            if prec <= min_prec:
                break
            self.i += 1
            if toks[self.i][0] == "nl":
                self.i += 1
            right = self._expr(prec)
            left = Binary(left.line, left.column, right.end_line, right.end_column, kind, left, right)
        self.depth -= 1
        return left

    def _ternary(self, condition: Expr) -> Expr:
        self.i += 1  # the '?'
        self._skip_nl()
        if_true = self._expr()
        self._skip_nl()
        self._expect(":", "':' in conditional expression")
        self._skip_nl()
        if_false = self._expr()
        return Ternary(
            condition.line,
            condition.column,
            if_false.end_line,
            if_false.end_column,
            condition,
            if_true,
            if_false,
        )

    def _operand(self) -> Expr:
        """An optional prefix `!`/`-`, a primary expression and its postfix accessors.

        Most operands are a lone string or name: those are built here rather than by
        `_primary`, and `_postfix` is only called when an accessor follows; in a parser
        this size, calls are much of the cost."""
        toks = self.toks
        tok = toks[self.i]
        kind = tok[0]
        operand: Expr
        if kind == "str":
            self.i += 1
            operand = _plain_string(tok)
        elif kind == "id" and toks[self.i + 1][0] not in _CALL_OR_LAMBDA and tok[1] not in _LITERAL_WORDS:
            self.i += 1
            operand = Identifier(tok[2], tok[3], tok[4], tok[5], tok[1])
        elif kind == "{":
            self.i += 1
            operand = self._object(tok, False)
        elif kind == "!" or kind == "-":
            self.i += 1
            operand = self._postfix(self._primary())
            return Unary(tok[2], tok[3], operand.end_line, operand.end_column, kind, operand)
        else:
            operand = self._primary()
        return self._postfix(operand) if toks[self.i][0] in _POSTFIX else operand

    def _postfix(self, expr: Expr) -> Expr:
        """`expr` with the accessors that follow it: `.name`, `.name(...)`, `[...]`, `!`, `::`."""
        toks = self.toks
        while True:
            kind = toks[self.i][0]
            if kind == ".":
                expr = self._member(expr)
            elif kind == "[":
                expr = self._index(expr)
            elif kind == "!":
                self.i += 1
                end = toks[self.i - 1]
                expr = NonNull(expr.line, expr.column, end[4], end[5], expr)
            elif kind == "::":
                self.i += 1
                name = self._name("nested resource name")
                expr = ResourceAccess(expr.line, expr.column, name[4], name[5], expr, name[1])
            else:
                return expr

    def _member(self, obj: Expr) -> Expr:
        self.i += 1  # the '.'
        safe = self.toks[self.i][0] == "?"
        if safe:
            self.i += 1
        name = self._name("property or function name")
        if self.toks[self.i][0] == "(" and not safe:
            args = self._call_args()
            end = self._last()
            return Call(obj.line, obj.column, end[4], end[5], name[1], args, obj)
        return PropertyAccess(obj.line, obj.column, name[4], name[5], obj, name[1], safe)

    def _index(self, obj: Expr) -> Expr:
        opener = self.toks[self.i]
        self.i += 1
        safe = self.toks[self.i][0] == "?"
        if safe:
            self.i += 1
        from_end = self.toks[self.i][0] == "^"
        if from_end:
            self.i += 1
        saved, self.in_parens = self.in_parens, False
        index = self._expr()
        self.in_parens = saved
        end = self._close(opener)
        return IndexAccess(obj.line, obj.column, end[4], end[5], obj, index, safe, from_end)

    def _primary(self) -> Expr:
        toks = self.toks
        tok = toks[self.i]
        kind = tok[0]
        self.i += 1
        if kind == "id":
            word = tok[1]
            nxt = toks[self.i][0]
            if nxt == "(":
                args = self._call_args()
                end = self._last()
                return Call(tok[2], tok[3], end[4], end[5], word, args, None)
            if nxt == "=>":
                return self._lambda(tok, (word,))
            if word in _LITERAL_WORDS:
                return self._literal(tok)
            return Identifier(tok[2], tok[3], tok[4], tok[5], word)
        if kind == "str":
            return _plain_string(tok)
        if kind == "{":
            return self._object(tok, False)
        if kind == "[":
            return self._array_or_for(tok)
        if kind == "int":
            return IntLit(tok[2], tok[3], tok[4], tok[5], int(tok[1]))
        if kind == "str(":
            self.i -= 1
            return self._string()
        if kind == "(":
            return self._paren_or_lambda(tok)
        self.i -= 1
        raise self._expected("expression")

    def _literal(self, tok: Token) -> BoolLit | NullLit:
        if tok[1] == "null":
            return NullLit(tok[2], tok[3], tok[4], tok[5])
        return BoolLit(tok[2], tok[3], tok[4], tok[5], tok[1] == "true")

    def _string(self) -> StringLit:
        """A string token, or an interpolated string's pieces and hole expressions."""
        toks = self.toks
        first = toks[self.i]
        self.i += 1
        if first[0] == "str":
            return _plain_string(first)
        parts: list[str | Expr] = [first[1]] if first[1] else []
        saved, self.in_parens = self.in_parens, False
        while True:
            parts.append(self._expr())
            piece = toks[self.i]
            if piece[0] != ")str(" and piece[0] != ")str":
                raise self._expected("'}' to close '${' in string")
            self.i += 1
            if piece[1]:
                parts.append(piece[1])
            if piece[0] == ")str":
                break
        self.in_parens = saved
        return StringLit(first[2], first[3], piece[4], piece[5], None, tuple(parts))

    def _call_args(self) -> tuple[Expr, ...]:
        """`(a, b)`: newlines may appear anywhere between the parentheses."""
        opener = self.toks[self.i]
        self.i += 1
        saved, self.in_parens = self.in_parens, True
        args = self._items(opener, self._expr, lines=False)
        self.in_parens = saved
        return tuple(args)

    def _paren_or_lambda(self, opener: Token) -> Expr:
        saved, self.in_parens = self.in_parens, True
        items = self._items(opener, self._expr, lines=False)
        self.in_parens = saved
        if self.toks[self.i][0] == "=>":
            names = []
            for item in items:
                if not isinstance(item, Identifier):
                    raise BicepSyntaxError("expected a lambda parameter name", item.line, item.column)
                names.append(item.name)
            return self._lambda(opener, tuple(names))
        if len(items) != 1:
            raise self._error("parentheses must contain exactly one expression", opener)
        end = self._last()
        return Parenthesized(opener[2], opener[3], end[4], end[5], items[0])

    def _lambda(self, start: Token, params: tuple[str, ...]) -> Lambda:
        self.i += 1  # the '=>'
        self._skip_nl()
        body = self._expr()
        return Lambda(start[2], start[3], body.end_line, body.end_column, params, body)

    def _object(self, opener: Token, resource: bool) -> ObjectLit:
        """`{...}`; inside a resource body, `resource` declarations may appear among properties.

        Objects are most of a Bicep file, so this is `_items` unrolled, with the common item,
        an undecorated `name: value`, parsed in the loop itself; the others go to `_property`
        (or `_resource`) as before. Errors are `_items`' own."""
        saved, self.in_parens = self.in_parens, False
        self._enter()
        toks = self.toks
        other_item = self._resource_body_item if resource else self._object_item
        items: list[ObjectProperty | Spread | Resource] = []
        if toks[self.i][0] == "nl":
            self.i += 1
        while True:
            tok = toks[self.i]
            kind = tok[0]
            if kind == "}":
                break
            if (kind == "id" or kind == "str") and toks[self.i + 1][0] == ":":
                self.i += 2
                value = self._expr()
                items.append(ObjectProperty(tok[2], tok[3], value.end_line, value.end_column, tok[1], value, ()))
            elif kind == "eof":
                raise self._unclosed(opener, "")
            else:
                items.append(other_item())
            kind = toks[self.i][0]
            if kind == "nl":
                self.i += 1
            elif kind == ",":
                self.i += 1
                if toks[self.i][0] == "nl":
                    self.i += 1
            elif kind != "}":
                raise self._unclosed(opener, "',' or new line, or ")
        self.i += 1
        self.depth -= 1
        self.in_parens = saved
        return ObjectLit(opener[2], opener[3], tok[4], tok[5], tuple(items))

    def _resource_body_item(self) -> ObjectProperty | Spread | Resource:
        decorators = self._decorators()
        toks = self.toks
        if self._at_word("resource") and toks[self.i + 1][0] == "id":
            self.i += 1
            return self._resource(self._last(), decorators)
        return self._property(decorators)

    def _object_item(self) -> ObjectProperty | Spread | Resource:
        return self._property(self._decorators())

    def _property(self, decorators: tuple[Decorator, ...]) -> ObjectProperty | Spread:
        toks = self.toks
        tok = toks[self.i]
        kind = tok[0]
        key: str | StringLit
        if kind == "id" or kind == "str":
            self.i += 1
            key = tok[1]
        elif kind == "str(":
            key = self._string()
        elif kind == "..." and not decorators:
            return self._spread()
        else:
            raise self._expected("property name")
        if toks[self.i][0] != ":":
            raise self._expected("':' after property name")
        self.i += 1
        value = self._expr()
        return ObjectProperty(tok[2], tok[3], value.end_line, value.end_column, key, value, decorators)

    def _array_or_for(self, opener: Token) -> Expr:
        toks = self.toks
        after = toks[self.i + 1] if toks[self.i][0] == "nl" else toks[self.i]
        if after[0] == "id" and after[1] == "for":
            self._skip_nl()
            return self._for(opener, body_kind=None)
        saved, self.in_parens = self.in_parens, False
        items = self._items(opener, self._array_item)
        self.in_parens = saved
        end = self._last()
        return ArrayLit(opener[2], opener[3], end[4], end[5], tuple(items))

    def _array_item(self) -> Expr:
        return self._spread() if self.toks[self.i][0] == "..." else self._expr()

    def _spread(self) -> Spread:
        ellipsis = self.toks[self.i]
        self.i += 1
        expr = self._expr()
        return Spread(ellipsis[2], ellipsis[3], expr.end_line, expr.end_column, expr)

    def _for(self, opener: Token, body_kind: bool | None) -> ForExpr:
        """`[for x in xs: body]` after the `[`; `body_kind` is None for an ordinary expression
        body, else the body is `{...}` or `if (...) {...}` (True: a resource's body)."""
        saved, self.in_parens = self.in_parens, False
        self._enter()
        self._keyword("for")
        index = None
        if self.toks[self.i][0] == "(":
            paren = self._expect("(")
            item = self._name("loop item variable")[1]
            self._expect(",", "',' and index variable")
            index = self._name("loop index variable")[1]
            self._close(paren)
        else:
            item = self._name("loop item variable or '('")[1]
        self._keyword("in")
        iterable = self._expr()
        self._expect(":", "':' after the loop source")
        self._skip_nl()
        body: Expr
        if body_kind is None:
            body = self._expr()
        else:
            tok = self.toks[self.i]
            self.i += 1
            if tok[0] == "{":
                body = self._object(tok, body_kind)
            elif tok[0] == "id" and tok[1] == "if":
                body = self._if(tok, body_kind)
            else:
                self.i -= 1
                raise self._expected("'{' or 'if' as the loop body")
        self._skip_nl()
        end = self._close(opener)
        self.depth -= 1
        self.in_parens = saved
        return ForExpr(opener[2], opener[3], end[4], end[5], item, index, iterable, body)

    def _if(self, keyword: Token, resource: bool) -> IfExpr:
        opener = self._expect("(", "'(' after 'if'")
        saved, self.in_parens = self.in_parens, True
        self._skip_nl()
        condition = self._expr()
        self._skip_nl()
        self._close(opener)
        self.in_parens = saved
        body = self._object(self._expect("{", "'{' after the condition"), resource)
        return IfExpr(keyword[2], keyword[3], body.end_line, body.end_column, condition, body)

    # -- types -----------------------------------------------------------------------------

    def _decl_type(self, allow_bare_resource: bool) -> TypeExpr:
        """A declared type; `resource 'T@v'` is only valid here, not nested in other types."""
        tok = self.toks[self.i]
        if tok[0] == "id" and tok[1] == "resource" and self.toks[self.i + 1][0] != "<":
            self.i += 1
            kind = self.toks[self.i][0]
            type_string = None
            if kind == "str" or kind == "str(" or not allow_bare_resource:
                type_string = self._string_arg("resource type string")
            end = self._last()
            return ResourceType(tok[2], tok[3], end[4], end[5], type_string)
        return self._type()

    def _type(self) -> TypeExpr:
        """A type, possibly a union `a | b` (members may continue on following lines)."""
        self._enter()
        toks = self.toks
        start = toks[self.i]
        leading_pipe = start[0] == "|" or (start[0] == "nl" and toks[self.i + 1][0] == "|")
        if leading_pipe:
            self._skip_nl()
            self.i += 1
        first = self._unary_type()
        members = [first]
        while toks[self.i][0] == "|" or (toks[self.i][0] == "nl" and toks[self.i + 1][0] == "|"):
            self._skip_nl()
            self.i += 1
            members.append(self._unary_type())
        self.depth -= 1
        if len(members) == 1 and not leading_pipe:
            return first
        last = members[-1]
        return UnionType(first.line, first.column, last.end_line, last.end_column, tuple(members))

    def _unary_type(self) -> TypeExpr:
        tok = self.toks[self.i]
        result: TypeExpr
        if tok[0] == "-" or tok[0] == "!":
            self.i += 1
            operand = self._member_type()
            result = UnaryType(tok[2], tok[3], operand.end_line, operand.end_column, tok[0], operand)
        else:
            result = self._member_type()
        while True:
            kind = self.toks[self.i][0]
            if kind == "?":
                cls: type[NullableType | NonNullableType] = NullableType
            elif kind == "!":
                cls = NonNullableType
            else:
                return result
            end = self.toks[self.i]
            self.i += 1
            result = cls(result.line, result.column, end[4], end[5], result)

    def _member_type(self) -> TypeExpr:
        toks = self.toks
        result = self._primary_type()
        while True:
            tok = toks[self.i]
            if tok[0] == "[":
                self.i += 1
                kind = toks[self.i][0]
                if kind == "]":
                    end = toks[self.i]
                    self.i += 1
                    result = ArrayType(result.line, result.column, end[4], end[5], result)
                    continue
                index = None
                if kind == "*":
                    self.i += 1
                else:
                    index = self._expr()
                end = self._close(tok)
                result = TypeIndex(result.line, result.column, end[4], end[5], result, index)
            elif tok[0] == ".":
                self.i += 1
                if toks[self.i][0] == "*":
                    name = toks[self.i]
                    self.i += 1
                else:
                    name = self._name("type or property name")
                result = TypeProperty(result.line, result.column, name[4], name[5], result, name[1])
                if toks[self.i][0] == "<":
                    result = self._type_args(result)
            else:
                return result

    def _primary_type(self) -> TypeExpr:
        toks = self.toks
        tok = toks[self.i]
        kind = tok[0]
        if kind == "id":
            self.i += 1
            if tok[1] in _LITERAL_WORDS:
                return LiteralType(tok[2], tok[3], tok[4], tok[5], self._literal(tok))
            ref = TypeRef(tok[2], tok[3], tok[4], tok[5], tok[1])
            return self._type_args(ref) if toks[self.i][0] == "<" else ref
        if kind == "str" or kind == "str(":
            value = self._string()
            return LiteralType(value.line, value.column, value.end_line, value.end_column, value)
        if kind == "int":
            self.i += 1
            lit = IntLit(tok[2], tok[3], tok[4], tok[5], int(tok[1]))
            return LiteralType(tok[2], tok[3], tok[4], tok[5], lit)
        self.i += 1
        if kind == "{":
            members = self._items(tok, self._object_type_member)
            end = self._last()
            return ObjectType(tok[2], tok[3], end[4], end[5], tuple(members))
        if kind == "[":
            items = self._items(tok, self._tuple_item)
            end = self._last()
            return TupleType(tok[2], tok[3], end[4], end[5], tuple(items))
        if kind == "(":
            inner = self._type()
            end = self._close(tok)
            return ParenType(tok[2], tok[3], end[4], end[5], inner)
        self.i -= 1
        raise self._expected("type")

    def _type_args(self, base: TypeExpr) -> TypeExpr:
        opener = self.toks[self.i]
        self.i += 1
        toks = self.toks
        args: list[TypeExpr] = []
        while True:
            self._skip_nl()
            args.append(self._type())
            self._skip_nl()
            if toks[self.i][0] != ",":
                break
            self.i += 1
        tok = toks[self.i]
        if tok[0] == ">=":  # `T<'x'>= value`: split the token the lexer glued together
            toks[self.i] = ("=", "=", tok[2], tok[3] + 1, tok[4], tok[5])
            end = (">", ">", tok[2], tok[3], tok[2], tok[3] + 1)
        else:
            end = self._close(opener)
        return TypeArgs(base.line, base.column, end[4], end[5], base, tuple(args))

    def _object_type_member(self) -> ObjectTypeMember:
        decorators = self._decorators()
        tok = self.toks[self.i]
        key: str | None
        if tok[0] == "id" or tok[0] == "str":
            key = tok[1]
        elif tok[0] == "*":
            key = None
        else:
            raise self._expected("property name or '*'")
        self.i += 1
        self._expect(":", "':' after property name")
        value = self._type()
        return ObjectTypeMember(tok[2], tok[3], value.end_line, value.end_column, key, value, decorators)

    def _tuple_item(self) -> TupleTypeItem:
        decorators = self._decorators()
        value = self._type()
        return TupleTypeItem(value.line, value.column, value.end_line, value.end_column, value, decorators)


_COMMON_STATEMENTS: dict[str, StatementParser] = {
    "var": _Parser._var,
    "type": _Parser._type_decl,
    "import": _Parser._import,
    "extension": _Parser._extension,
}
_BICEP_STATEMENTS: dict[str, StatementParser] = {
    **_COMMON_STATEMENTS,
    "targetScope": _Parser._target_scope,
    "metadata": _Parser._metadata,
    "param": _Parser._param,
    "output": _Parser._output,
    "func": _Parser._func,
    "resource": _Parser._resource,
    "module": _Parser._module,
    "test": _Parser._test,
    "assert": _Parser._assert,
    "provider": _Parser._extension,
}
_PARAMS_STATEMENTS: dict[str, StatementParser] = {
    **_COMMON_STATEMENTS,
    "using": _Parser._using,
    "extends": _Parser._extends,
    "param": _Parser._param_assign,
    "extensionConfig": _Parser._extension_config,
}

# Python frames per counted nesting level, at most (type -> unary -> member -> primary -> items
# -> object type member -> type); parse() makes the interpreter allow MAX_DEPTH such levels.
_FRAMES_PER_LEVEL = 7


def parse(text: str, path: str) -> BicepFile:
    """Parse Bicep source; `path` ending in `.bicepparam` selects the parameters-file grammar."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lexer = _Lexer(text)
    tokens = lexer.run()
    parser = _Parser(tokens, path.endswith(".bicepparam"))
    needed = MAX_DEPTH * _FRAMES_PER_LEVEL + 1000  # + headroom for the caller's frames
    old_limit = sys.getrecursionlimit()
    if old_limit < needed:
        sys.setrecursionlimit(needed)
    try:
        statements = parser.parse_file()
    except RecursionError:
        tok = tokens[min(parser.i, len(tokens) - 1)]
        raise BicepSyntaxError("nesting too deep", tok[2], tok[3]) from None
    finally:
        if old_limit < needed:
            sys.setrecursionlimit(old_limit)
    return BicepFile(path, statements, lexer.comments)
