"""Native Terraform (`.tf`, `.tfvars`) front end on python-hcl2's lark grammar.

python-hcl2 8.x drops positions when it builds dicts, so we parse to the lark tree
(`propagate_positions=True`) and build `hcl_syntax` objects from it in one walk.
The LALR tables are cached in a user cache directory: the package directory may be
read-only, and rebuilding the tables costs ~1.7 s per process.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from svclint.model import Comment, Diagnostic, Location, mark_standalone
from svclint.parsers.hcl_syntax import (
    Attribute,
    BinaryOp,
    Block,
    Body,
    Call,
    Conditional,
    ConfigFile,
    Expr,
    Lit,
    ObjectExpr,
    ObjectItem,
    Opaque,
    Postfix,
    Template,
    Traversal,
    TupleExpr,
    UnaryOp,
)

_ESCAPES = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


class _Nesting(Exception):
    """Raised when a tree is too deep to convert recursively."""


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    import hcl2
    from hcl2.postlexer import PostLexer
    from lark import Lark

    from svclint.cache import user_cache_dir

    grammar = Path(hcl2.__file__).with_name("hcl2.lark")
    version = getattr(hcl2, "__version__", "0")
    cache_file = user_cache_dir() / f"hcl2-{version}.lark"
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache: str | bool = str(cache_file)
    except OSError:
        cache = False
    return Lark(
        grammar.read_text(encoding="utf-8"),
        parser="lalr",
        cache=cache,
        propagate_positions=True,
        postlex=PostLexer(),
    )


def parse(path: str, text: str) -> ConfigFile:
    """Parse one file; a syntax error becomes a diagnostic and an empty body."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

    try:
        tree = _parser().parse(text + "\n")
    except UnexpectedCharacters as exc:
        pos = exc.pos_in_stream or 0
        char = text[pos] if pos < len(text) else "end of file"
        message = _unterminated(text, exc.line, exc.column) or f"unexpected character {char!r}"
        return _failed(path, exc.line, exc.column, message)
    except UnexpectedEOF:
        line = text.count("\n") + 1
        return _failed(path, line, 1, "unexpected end of file")
    except UnexpectedInput as exc:
        return _failed(path, exc.line, exc.column, _unterminated(text, exc.line, exc.column) or _token_message(exc))
    except RecursionError:
        return _failed(path, 1, 1, "nesting too deep to parse")
    builder = _Builder(path)
    try:
        body = builder.body(tree.children[0], 0)
    except (_Nesting, RecursionError):
        return _failed(path, 1, 1, "nesting too deep to parse")
    return ConfigFile(path, body, mark_standalone(builder.comments, text))


_QUOTE = re.compile(r"\\.")  # escaped characters, so that only real quotes are counted
_HEREDOC = re.compile(r"<<-?([A-Za-z_][\w-]*)\n")


def _unterminated(text: str, line: int, column: int) -> str | None:
    """Name what was left open when the error sits on an opening quote, comment or heredoc:
    lark only says which token it did not expect, often one swallowing the rest of the file."""
    starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
    if not 0 < line <= len(starts):
        return None
    rest = text[starts[line - 1] + column - 1 :]
    before = text[starts[line - 1] : starts[line - 1] + column - 1]
    if _QUOTE.sub("", before + rest.split("\n", 1)[0]).count('"') % 2:
        return "unterminated string"
    if rest.startswith("/*") and "*/" not in rest:
        return "unterminated comment"
    heredoc = _HEREDOC.match(rest)
    if heredoc and heredoc.group(1) not in (x.strip() for x in rest.split("\n")[1:]):
        return f"unterminated heredoc (no closing {heredoc.group(1)})"
    return None


def _token_message(exc: Any) -> str:
    token = getattr(exc, "token", None)
    if token is None:
        return "syntax error"
    if token.type == "$END":
        return "unexpected end of file"
    shown = str(token).strip() or "end of line"
    expected = sorted(_TERMINALS.get(name, "") for name in getattr(exc, "expected", ()) or ())
    expected = [e for e in expected if e]
    if len(expected) > 3 or not expected:
        hint = "" if not expected else "; expected an expression"
    else:
        hint = f"; expected {' or '.join(expected)}"
    return f"unexpected {shown[:40]!r}{hint}"


_TERMINALS = {
    "RBRACE": "'}'",
    "LBRACE": "'{'",
    "RSQB": "']'",
    "RPAR": "')'",
    "EQ": "'='",
    "COLON": "':'",
    "COMMA": "','",
    "NAME": "a name",
    "DBLQUOTE": "a string",
    "NL_OR_COMMENT": "a new line",
    "INT_LITERAL": "a number",
}


def _failed(path: str, line: int, column: int, message: str) -> ConfigFile:
    line, column = max(line, 1), max(column, 1)
    diag = Diagnostic(path, line, column, f"parse error: {message}")
    return ConfigFile(path, Body(), diagnostics=[diag])


_MAX_DEPTH = 400


class _Builder:
    """Walks the lark tree once, building syntax objects and collecting comments."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.comments: list[Comment] = []

    def loc(self, node: Any) -> Location:
        meta = node if not hasattr(node, "meta") else node.meta
        return Location(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def body(self, tree: Any, depth: int) -> Body:
        body = Body()
        for child in tree.children:
            kind = child.data
            if kind == "attribute":
                attr = self.attribute(child, depth)
                body.attributes[attr.name] = attr
            elif kind == "block":
                body.blocks.append(self.block(child, depth))
            else:
                self.collect_comments(child)
        return body

    def attribute(self, tree: Any, depth: int) -> Attribute:
        name_node, _eq, value = tree.children
        return Attribute(_name(name_node), self.expr(value, depth), self.loc(tree))

    def block(self, tree: Any, depth: int) -> Block:
        if depth > _MAX_DEPTH:
            raise _Nesting
        children = tree.children
        labels: list[str] = []
        header_end = None
        inner = None
        for child in children[1:]:
            if _is_token(child):
                if child.type == "LBRACE":
                    header_end = child
                continue
            if child.data == "body":
                inner = self.body(child, depth + 1)
            elif child.data == "string":
                labels.append("".join(p for p in self.string_parts(child, depth) if isinstance(p, str)))
            elif child.data in ("identifier", "keyword", "literal_value"):
                labels.append(_name(child))
            else:
                self.collect_comments(child)
        start = tree.meta
        end = header_end if header_end is not None else start
        loc = Location(self.path, start.line, start.column, end.end_line, end.end_column)
        return Block(_name(children[0]), tuple(labels), inner or Body(), loc, start.end_line)

    def collect_comments(self, tree: Any) -> None:
        for token in tree.scan_values(_is_token):
            self._comments_in(token)

    def _comments_in(self, token: Any) -> None:
        text = str(token)
        if "#" not in text and "//" not in text and "/*" not in text:
            return
        line, col = token.line, token.column
        for match in re.finditer(r"(#|//)[^\n]*|/\*.*?\*/", text, re.DOTALL):
            before = text[: match.start()]
            nl = before.count("\n")
            c_line = line + nl
            c_col = (col + len(before)) if nl == 0 else len(before) - before.rfind("\n")
            raw = match.group(0)
            body = raw[2:-2] if raw.startswith("/*") else raw.lstrip("#/")
            self.comments.append(Comment(c_line, c_col, body.strip()))

    # -- expressions -------------------------------------------------------------------

    def expr(self, tree: Any, depth: int) -> Expr:
        if depth > _MAX_DEPTH:
            raise _Nesting
        depth += 1
        kind = tree.data
        loc = self.loc(tree)
        if kind == "expr_term":
            return self.term(tree, depth)
        if kind == "conditional":
            parts = [c for c in tree.children if not _is_token(c) and c.data != "new_line_or_comment"]
            self._comments_of(tree)
            cond, then, other = (self.expr(p, depth) for p in parts)
            return Conditional(cond, then, other, loc)
        if kind == "binary_op":
            self._comments_of(tree)
            left, term = (c for c in tree.children if not _is_token(c) and c.data != "new_line_or_comment")
            op_node, right = (c for c in term.children if not _is_token(c) and c.data != "new_line_or_comment")
            op = str(op_node.children[0]).strip()
            return BinaryOp(op, self.expr(left, depth), self.expr(right, depth), loc)
        if kind == "unary_op":
            op, operand = tree.children
            return UnaryOp(str(op).strip(), self.expr(operand, depth), loc)
        return self.term(tree, depth)

    def _comments_of(self, tree: Any) -> None:
        for child in tree.children:
            if _is_token(child):
                self._comments_in(child)
            elif child.data == "new_line_or_comment":
                self.collect_comments(child)

    def term(self, tree: Any, depth: int) -> Expr:
        kind = tree.data
        loc = self.loc(tree)
        if kind == "expr_term":
            inner = [c for c in tree.children if not _is_token(c) and c.data != "new_line_or_comment"]
            self._comments_of(tree)
            return self.expr(inner[0], depth)
        handler = _TERMS.get(kind)
        if handler is None:
            return Opaque(kind, (), loc)
        return handler(self, tree, loc, depth)

    def identifier(self, tree: Any, loc: Location, depth: int) -> Expr:
        return Traversal(_name(tree), (), loc)

    def literal(self, tree: Any, loc: Location, depth: int) -> Expr:
        word = str(tree.children[0])
        return Lit({"true": True, "false": False}.get(word), loc)

    def int_lit(self, tree: Any, loc: Location, depth: int) -> Expr:
        return Lit(int(str(tree.children[0])), loc)

    def float_lit(self, tree: Any, loc: Location, depth: int) -> Expr:
        return Lit(float(str(tree.children[0])), loc)

    def string(self, tree: Any, loc: Location, depth: int) -> Expr:
        parts = self.string_parts(tree, depth)
        if any(isinstance(p, Opaque) for p in parts):
            return Opaque("template directive", tuple(p for p in parts if not isinstance(p, str)), loc)
        if all(isinstance(p, str) for p in parts):
            return Lit("".join(str(p) for p in parts), loc)
        return Template(tuple(parts), loc)

    def string_parts(self, tree: Any, depth: int) -> list[str | Expr]:
        parts: list[str | Expr] = []
        for part in tree.children:
            if _is_token(part):
                continue
            (piece,) = part.children
            if _is_token(piece):
                text = str(piece)
                if piece.type == "ESCAPED_INTERPOLATION" or piece.type == "ESCAPED_DIRECTIVE":
                    parts.append(text[1:])
                else:
                    parts.append(_unescape(text))
            elif piece.data == "interpolation":
                parts.append(self.expr(piece.children[1], depth))
            else:
                inner = tuple(
                    self.expr(c, depth) for c in piece.children if not _is_token(c) and c.data != "identifier"
                )
                parts.append(Opaque("template directive", inner, self.loc(piece)))
        merged: list[str | Expr] = []
        for p in parts:
            if isinstance(p, str) and merged and isinstance(merged[-1], str):
                merged[-1] = merged[-1] + p
            else:
                merged.append(p)
        return merged

    def heredoc(self, tree: Any, loc: Location, depth: int) -> Expr:
        raw = str(tree.children[0])
        first_nl = raw.index("\n")
        lines = raw[first_nl + 1 :].split("\n")
        content_lines = lines[:-2] if len(lines) >= 2 else []
        if tree.data == "heredoc_template_trim":
            indents = [len(x) - len(x.lstrip()) for x in content_lines if x.strip()]
            cut = min(indents, default=0)
            content_lines = [x[cut:] for x in content_lines]
        text = "\n".join(x.rstrip("\r") for x in content_lines) + ("\n" if content_lines else "")
        # The token swallows the newline after the closing marker; end the span on the marker.
        marker = lines[-2] if len(lines) >= 2 else ""
        loc = Location(loc.path, loc.line, loc.column, loc.end_line - 1, len(marker) + 1)
        if "${" in text or "%{" in text:
            return Opaque("heredoc template", (), loc)
        return Lit(text, loc)

    def tuple_(self, tree: Any, loc: Location, depth: int) -> Expr:
        self._comments_of(tree)
        items = tuple(self.expr(c, depth) for c in _exprs(tree))
        return TupleExpr(items, loc)

    def object_(self, tree: Any, loc: Location, depth: int) -> Expr:
        self._comments_of(tree)
        items = []
        for elem in _exprs(tree):
            key_node, _sep, value = elem.children
            key_inner = key_node.children[0]
            if key_inner.data == "keyword":
                key: Expr = Lit(_name(key_inner), self.loc(key_node))
            else:
                key = self.expr(key_inner, depth)
                if isinstance(key, Traversal) and not key.steps:
                    key = Lit(key.root, key.loc)  # bare `name = ...` keys are literal names
            items.append(ObjectItem(key, self.expr(value, depth), self.loc(elem)))
        return ObjectExpr(tuple(items), loc)

    def function_call(self, tree: Any, loc: Location, depth: int) -> Expr:
        names = [_name(c) for c in tree.children if not _is_token(c) and c.data == "identifier"]
        args: list[Expr] = []
        expand = False
        for child in tree.children:
            if not _is_token(child) and child.data == "arguments":
                self._comments_of(child)
                args = [self.expr(c, depth) for c in _exprs(child)]
                expand = any(_is_token(c) and c.type == "ELLIPSIS" for c in child.children)
        return Call("::".join(names), tuple(args), loc, expand)

    def postfix(self, tree: Any, loc: Location, depth: int) -> Expr:
        base_node, step_node = tree.children
        base = self.expr(base_node, depth)
        steps = self.steps(step_node, depth)
        if isinstance(base, Traversal):
            return Traversal(base.root, base.steps + steps, loc)
        if isinstance(base, Postfix):
            return Postfix(base.base, base.steps + steps, loc)
        return Postfix(base, steps, loc)

    def steps(self, node: Any, depth: int) -> tuple[str | int | Expr, ...]:
        kind = node.data
        if kind == "get_attr":
            return (_name(node.children[1]),)
        if kind == "short_index":
            return (int(str(node.children[1])),)
        if kind == "braces_index":
            (index,) = _exprs(node)
            expr = self.expr(index, depth)
            # `x[0]` is a plain step; `x["k"]` stays an expression so it is never mistaken
            # for the attribute access `x.k`.
            if isinstance(expr, Lit) and isinstance(expr.value, int) and not isinstance(expr.value, bool):
                return (expr.value,)
            return (expr,)
        # attr_splat / full_splat: "*" then the steps that follow it
        out: list[str | int | Expr] = ["*"]
        for child in node.children[1:]:
            out.extend(self.steps(child, depth))
        return tuple(out)

    def for_expr(self, tree: Any, loc: Location, depth: int) -> Expr:
        inner: list[Expr] = []
        for child in _exprs(tree):
            if child.data in ("for_intro", "for_cond"):
                inner.extend(self.expr(c, depth) for c in _exprs(child) if c.data != "identifier")
            else:
                inner.append(self.expr(child, depth))
        return Opaque("for expression", tuple(inner), loc)

    def template_string(self, tree: Any, loc: Location, depth: int) -> Expr:
        return Opaque("template string", (), loc)


_TERMS: dict[str, Any] = {
    "identifier": _Builder.identifier,
    "literal_value": _Builder.literal,
    "int_lit": _Builder.int_lit,
    "float_lit": _Builder.float_lit,
    "string": _Builder.string,
    "heredoc_template": _Builder.heredoc,
    "heredoc_template_trim": _Builder.heredoc,
    "tuple": _Builder.tuple_,
    "object": _Builder.object_,
    "function_call": _Builder.function_call,
    "get_attr_expr_term": _Builder.postfix,
    "index_expr_term": _Builder.postfix,
    "attr_splat_expr_term": _Builder.postfix,
    "full_splat_expr_term": _Builder.postfix,
    "for_tuple_expr": _Builder.for_expr,
    "for_object_expr": _Builder.for_expr,
    "template_string": _Builder.template_string,
    "conditional": lambda b, t, loc, d: b.expr(t, d),
    "binary_op": lambda b, t, loc, d: b.expr(t, d),
    "unary_op": lambda b, t, loc, d: b.expr(t, d),
}


def _is_token(value: Any) -> bool:
    return not hasattr(value, "data")


def _exprs(tree: Any) -> list[Any]:
    return [c for c in tree.children if not _is_token(c) and c.data != "new_line_or_comment"]


def _name(node: Any) -> str:
    return str(node.children[0]) if hasattr(node, "children") else str(node)


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, "\\" + code)

    return _ESCAPES.sub(replace, text)
