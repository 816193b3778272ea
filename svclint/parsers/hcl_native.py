"""Hand-written parser for Terraform's native syntax (`.tf`, `.tfvars`), without lark.

python-hcl2's LALR grammar (`svclint.parsers.terraform`) stays the specification: for every
file it accepts, `parse` builds the same `hcl_syntax` objects, quirks included. Those quirks
come from its lexer and post-lexer and are mirrored here on purpose:

- a newline (or comment) is a token, allowed only where the grammar names it; `/* */` too;
- the last newline before a binary operator or `?` is glued to it, so `a\\n+ b` is `a + b`;
- a binary operation swallows the newlines after it, which stretch its span to the next line;
- `-12` is one number token where an expression starts, but `-1` is minus and `1`;
- comments after `(` in calls, inside indexes, after operators and in `for` are dropped.

Whatever this parser does not handle exactly like lark raises `Unsupported`, and the caller
falls back to the lark path, which then gives the tree or the diagnostic it always gave.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from svclint.model import Comment, Location, mark_standalone
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


class Unsupported(Exception):
    """Input this parser does not mirror exactly; the lark path must decide."""


# One token of code: optional blanks, then a newline/comment (1), name (2), unsigned number
# (3), punctuation (4) or lark's `\"...\"` template string (5). Longer operators come first.
_TOKEN = re.compile(
    r"[ \t\r]*(?:"
    r"(\n[ \t]*|#[^\n]*\n|//[^\n]*\n|/\*[\s\S]*?\*/)"
    r"|([a-zA-Z_][a-zA-Z0-9_-]*)"
    r"|([0-9]+(?:\.[0-9]+(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+)?)"
    r"|(\.\.\.|\.\*|\[\*\]|::|==|!=|<=|>=|&&|\|\||=>|[-+*/%<>!?:=(){}\[\],.~\"])"
    r'|(\\"(?:[^"\\]|\\\\.)*\\")'
    r")"
)
_match = _TOKEN.match
_KINDS = ("", "nl", "name", "num", "", "ts")
NL, NAME, NUM, EOF = "nl", "name", "num", "eof"

# lark's number terminals, tried where an expression starts: FLOAT first, as its lexer does.
_FLOAT = re.compile(
    r"(?:(?:(?:\-[0-9])+|(?:\-[0-9])?(?:[0-9])+)\.(?:[0-9])+(?:(?:e|E)(?:(?:\+|\-))?(?:[0-9])+)?"
    r"|(?:(?:\-[0-9])+|(?:\-[0-9])?(?:[0-9])+)(?:e|E)(?:(?:\+|\-))?(?:[0-9])+)"
)
_INT = re.compile(r"(?:\-[0-9])?(?:[0-9])+")
_DIGITS = re.compile(r"[0-9]+")
_HEREDOC = re.compile(r"<<(?P<m>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*(?P=m)\r?\n")
_HEREDOC_TRIM = re.compile(r"<<-(?P<m>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*(?P=m)\r?\n")

# Inside quotes, lark's terminals in its own priority order: escaped `$${...}` (1) and
# `%%{...}` (2), literal characters (3), `${` (4), `%{` (5), the closing quote (6).
_STRING = re.compile(
    r"(\$\$\{[^}]*\})|(%%\{[^}]*\})"
    r'|((?:(?!\$\$\{)(?!\$\{)(?!%%\{)(?!%\{)[^"\\]|\\.|(?:\$(?!\$?\{))|(?:%(?!%?\{)))+)'
    r'|(\$\{)|(%\{)|(")'
)
_ESCAPES = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}

_PRECEDENCE = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}
# Operators the post-lexer glues a preceding newline to (python-hcl2's OPERATOR_TYPES).
_GLUED = frozenset(("==", "!=", "<", ">", "<=", ">=", "*", "/", "%", "&&", "||", "+", "?"))
_OPERATORS = frozenset((*_PRECEDENCE, "?"))
_LITERALS: dict[str, bool | None] = {"true": True, "false": False, "null": None}
# Words lark's lexer turns into keyword tokens where its state allows one: an object key that
# is one must be followed by `=` or `:`, and after two newlines none of them is a name.
_KEYWORDS = frozenset(("in", "for", "if", "for_each", "else", "endif", "endfor"))
_RESERVED = frozenset((*_KEYWORDS, *_LITERALS))
_STEP_STARTS = frozenset((".", "[", ".*", "[*]"))

# Estimated depth of lark's tree builder (it gives up above 400, and recursion limits can bite
# earlier); past this, the lark path decides. Real files stay far below it.
_MAX_DEPTH = 150

_Token = tuple[str, int, int]


def parse(path: str, text: str) -> ConfigFile:
    """Parse one file exactly as `svclint.parsers.terraform.parse` would; raise `Unsupported`
    when only the lark path can say what happens (errors, unusual syntax, deep nesting)."""
    parser = _Parser(path, text + "\n")
    try:
        body = parser.file()
    except RecursionError as exc:
        raise Unsupported("nesting too deep") from exc
    return ConfigFile(path, body, mark_standalone(parser.comments, text))


class _Parser:
    """Recursive descent over tokens scanned on demand: what a character means depends on where
    it is (inside quotes, where a heredoc or negative number may start), as in lark's
    contextual lexer. `kind/start/end` is the current token; `prev_end` ends the last one taken."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.comments: list[Comment] = []
        # offset where each line starts
        self.lines = list(accumulate(map((1).__add__, map(len, text.split("\n"))), initial=0))
        self.ahead: list[_Token] = []  # tokens scanned past the current one
        self.glued = (-1, -1, -1)  # operator start, newline start and end of the last glued operator
        self.high = 0  # deepest estimated depth seen in the subtree being measured
        self.run = (-1, 0)  # where the last run of newlines ended, and how many there were
        self.prev_end = 0
        self.kind, self.start, self.end = self.scan(0)

    # -- tokens ------------------------------------------------------------------------

    def scan(self, pos: int) -> _Token:
        match = _match(self.text, pos)
        if match is None:
            if pos >= len(self.text):
                return EOF, pos, pos
            raise Unsupported(f"unexpected character at {pos}")
        group = match.lastindex or 0
        kind = match.group(4) if group == 4 else _KINDS[group]
        return kind, match.start(group), match.end()

    def advance(self) -> None:
        """Take the current token. `scan`, inlined: this runs once per token."""
        end = self.prev_end = self.end
        if self.ahead:
            self.kind, self.start, self.end = self.ahead.pop(0)
            return
        match = _match(self.text, end)
        if match is None:
            self.kind, self.start, self.end = self.scan(end)
            return
        group = match.lastindex or 0
        self.kind = match.group(4) if group == 4 else _KINDS[group]
        self.start = match.start(group)
        self.end = match.end()

    def resync(self, pos: int) -> None:
        """Take everything up to `pos` as consumed (a string, heredoc or re-read number)."""
        self.prev_end = pos
        self.ahead.clear()
        self.kind, self.start, self.end = self.scan(pos)

    def peek(self) -> _Token:
        if not self.ahead:
            self.ahead.append(self.scan(self.end))
        return self.ahead[0]

    def expect(self, kind: str) -> None:
        if self.kind != kind:
            raise Unsupported(f"expected {kind!r} at {self.start}")
        self.advance()

    def word(self) -> str:
        return self.text[self.start : self.end]

    def name(self) -> str:
        if self.kind != NAME:
            raise Unsupported(f"expected a name at {self.start}")
        word = self.word()
        self.advance()
        return word

    def glue(self) -> None:
        """The current newline and the operator after it become one token, as the post-lexer
        makes them; the newline is then no longer a newline anywhere."""
        nl_start, nl_end = self.start, self.end
        self.kind, self.start, self.end = self.ahead.pop(0)
        self.glued = (self.start, nl_start, nl_end)

    # -- positions and comments ---------------------------------------------------------

    def loc(self, start: int, end: int) -> Location:
        lines = self.lines
        line = bisect_right(lines, start)
        first = lines[line - 1]
        if line == len(lines) or end < lines[line]:  # most spans stay on one line
            return Location(self.path, line, start - first + 1, line, end - first + 1)
        end_line = bisect_right(lines, end)
        return Location(self.path, line, start - first + 1, end_line, end - lines[end_line - 1] + 1)

    def comment_at(self, raw: str, pos: int) -> Comment | None:
        """The comment in a newline token's text, placed at `pos` (lark's token position)."""
        if raw[0] == "\n":
            return None
        body = raw[2:-2] if raw.startswith("/*") else raw.rstrip("\n").lstrip("#/")
        i = bisect_right(self.lines, pos) - 1
        return Comment(i + 1, pos - self.lines[i] + 1, body.strip())

    def newlines(self, into: list[Comment] | None, glue: bool = False) -> None:
        """Skip newline tokens; their comments go to `into`, or are dropped as lark drops them.
        With `glue`, stop at a newline the post-lexer glues to the operator after it."""
        count = 0
        while self.kind == NL:
            if glue and self.peek()[0] in _GLUED:
                self.glue()
                return
            if into is not None and self.text[self.start] != "\n":
                comment = self.comment_at(self.word(), self.start)
                if comment is not None:
                    into.append(comment)
            self.advance()
            count += 1
        if count:
            self.run = (self.start, count)

    def keyword_here(self, words: frozenset[str]) -> bool:
        """Whether lark reads the current name as one of its keyword tokens where an identifier
        is wanted. After two or more newlines its lexer is in a state that accepts every
        keyword (the post-lexer holds one newline back), so `in`, `for`, `if`... stop being names."""
        return self.word() in words and self.run[0] == self.start and self.run[1] >= 2

    def own(self, mark: int, comments: list[Comment]) -> None:
        """lark's builder takes a node's own comments before its children's."""
        if comments:
            self.comments[mark:mark] = comments

    def deeper(self, depth: int) -> None:
        if depth > self.high:
            self.high = depth
            if depth > _MAX_DEPTH:
                raise Unsupported("nesting too deep")

    # -- body ---------------------------------------------------------------------------

    def file(self) -> Body:
        body = self.body(0)
        if self.kind != EOF:
            raise Unsupported(f"unexpected token at {self.start}")
        return body

    def body(self, depth: int) -> Body:
        body = Body()
        while True:
            if self.kind == NL:
                self.newlines(self.comments)
                continue
            if self.kind != NAME:
                return body
            start = self.start
            name = self.name()
            if self.kind == "=":
                self.advance()
                expr = self.expr(depth)
                body.attributes[name] = Attribute(name, expr, self.loc(start, self.prev_end))
            else:
                body.blocks.append(self.block(name, start, depth))

    def block(self, kind: str, start: int, depth: int) -> Block:
        self.deeper(depth + 1)
        labels: list[str] = []
        while self.kind in (NAME, '"'):
            if self.kind == NAME:
                labels.append(self.name())
            else:
                parts = self.string_parts(depth)
                labels.append("".join(p for p in parts if isinstance(p, str)))
        self.newlines(self.comments)
        if self.kind != "{":
            raise Unsupported(f"expected '{{' at {self.start}")
        header = self.loc(start, self.end)
        self.advance()
        body = self.body(depth + 1)
        if self.kind != "}":
            raise Unsupported(f"expected '}}' at {self.start}")
        end_line = bisect_right(self.lines, self.start)
        self.advance()
        return Block(kind, tuple(labels), body, header, end_line)

    # -- expressions --------------------------------------------------------------------

    def expr(self, depth: int) -> Expr:
        """`cond ? a : b`, or a binary expression."""
        self.deeper(depth)
        mark = len(self.comments)
        start = self.start
        cond = self.binary(0, depth + 1)
        if self.kind != "?":
            return cond
        own: list[Comment] = []
        if self.glued[0] == self.start:
            comment = self.comment_at(self.text[self.glued[1] : self.glued[2]], self.start)
            if comment is not None:
                own.append(comment)
        self.advance()
        self.newlines(own)
        then = self.expr(depth + 1)
        self.newlines(own)
        if self.kind != ":":
            raise Unsupported(f"expected ':' at {self.start}")
        self.advance()
        self.newlines(own)
        other = self.expr(depth + 1)
        self.own(mark, own)
        return Conditional(cond, then, other, self.loc(start, self.prev_end))

    def operator(self) -> str | None:
        """The binary operator or `?` after an operand, gluing one newline before it."""
        kind = self.kind
        if kind in _OPERATORS:
            if (kind == "-" and self.number_follows()) or (kind == "<" and self.heredoc_follows()):
                # lark's lexer reads `a -12` as `a` and the number -12, `a <<EOF` as a heredoc
                raise Unsupported(f"ambiguous {kind!r} after an operand at {self.start}")
            return kind
        if kind == NL and self.peek()[0] in _GLUED:
            self.glue()
            return self.kind
        return None

    def binary(self, min_prec: int, depth: int) -> Expr:
        """Precedence climbing over lark's left-associative operator ladder."""
        outer, self.high = self.high, depth
        mark = len(self.comments)
        start = self.start
        left = self.unary(depth)
        op = self.operator()
        last = 99
        chain = 0
        while op is not None:
            prec = _PRECEDENCE.get(op, 0)
            if prec < min_prec or prec == 0:
                break
            if prec > last:  # only after swallowed newlines: lark cannot climb back up
                raise Unsupported(f"operator after a line break at {self.start}")
            if self.glued[0] == self.start:  # lark keeps a glued comment in the operator
                op = (self.text[self.glued[1] : self.glued[2]] + op).strip()
            self.advance()
            self.newlines(None)  # lark drops comments after an operator
            right = self.binary(prec + 1, depth + 1)
            own = self.trailing_newlines()
            left = BinaryOp(op, left, right, self.loc(start, self.prev_end))
            if own:
                self.own(mark, own)
            last = prec
            chain += 1
            op = self.operator()
        if chain:
            self.deeper(self.high + chain)
        if outer > self.high:
            self.high = outer
        return left

    def trailing_newlines(self) -> list[Comment] | None:
        """A finished binary operation takes the newlines after it (lark shifts them), except one
        the post-lexer glues to a following operator."""
        if self.kind != NL:
            return None
        own: list[Comment] = []
        self.newlines(own, glue=True)
        return own

    def unary(self, depth: int) -> Expr:
        kind = self.kind
        if (kind == "-" and not self.number_follows()) or kind == "!":
            start = self.start
            self.advance()
            operand = self.postfix(depth + 1)
            return UnaryOp(kind, operand, self.loc(start, self.prev_end))
        return self.postfix(depth)

    def number_follows(self) -> bool:
        """Whether lark's number terminals match here (`-12`, `-1.5`, but not `-1`)."""
        return _FLOAT.match(self.text, self.start) is not None or _INT.match(self.text, self.start) is not None

    def heredoc_follows(self) -> bool:
        return (
            _HEREDOC.match(self.text, self.start) is not None or _HEREDOC_TRIM.match(self.text, self.start) is not None
        )

    def postfix(self, depth: int) -> Expr:
        """A term and its `.name`, `.0`, `[i]`, `.*` and `[*]` steps."""
        start = self.start
        base = self.primary(depth)
        if self.kind not in _STEP_STARTS:
            return base
        steps: list[str | int | Expr] = []
        while True:
            kind = self.kind
            if kind == ".":
                self.advance()
                if self.kind == NAME:
                    steps.append(self.name())
                elif self.kind == NUM:
                    digits = _DIGITS.match(self.text, self.start)
                    assert digits is not None
                    steps.append(int(digits.group()))
                    self.resync(digits.end())
                else:
                    raise Unsupported(f"unexpected token after '.' at {self.start}")
            elif kind == "[":
                self.advance()
                self.newlines(None)
                index = self.expr(depth + 2)
                self.newlines(None)
                self.expect("]")
                if isinstance(index, Lit) and isinstance(index.value, int) and not isinstance(index.value, bool):
                    steps.append(index.value)
                else:
                    steps.append(index)
            elif kind in (".*", "[*]"):
                self.advance()
                steps.append("*")
            else:
                break
        # each step nests the base two levels deeper in lark's tree; `binary` restores `high`
        self.deeper(self.high + 2 * len(steps))
        loc = self.loc(start, self.prev_end)
        if isinstance(base, Traversal):
            return Traversal(base.root, base.steps + tuple(steps), loc)
        if isinstance(base, Postfix):
            return Postfix(base.base, base.steps + tuple(steps), loc)
        return Postfix(base, tuple(steps), loc)

    def primary(self, depth: int) -> Expr:
        kind = self.kind
        start = self.start
        if kind == NAME:
            word = self.word()
            if word in _KEYWORDS and self.keyword_here(_KEYWORDS):
                raise Unsupported(f"keyword {word!r} where an expression starts at {start}")
            self.advance()
            if word in _LITERALS:
                return Lit(_LITERALS[word], self.loc(start, self.prev_end))
            if self.kind == "(" or self.kind == "::":
                return self.call(word, start, depth)
            return Traversal(word, (), self.loc(start, self.prev_end))
        if kind == NUM or kind == "-":
            return self.number()
        if kind == '"':
            return self.string(depth)
        if kind == "(":
            mark = len(self.comments)
            own: list[Comment] = []
            self.advance()
            self.newlines(own)
            inner = self.expr(depth + 2)
            self.newlines(own)
            self.expect(")")
            self.own(mark, own)
            return inner
        if kind == "[":
            return self.tuple_or_for(depth)
        if kind == "{":
            return self.object_or_for(depth)
        if kind == "<":
            return self.heredoc()
        if kind == "ts":
            self.advance()
            return Opaque("template string", (), self.loc(start, self.prev_end))
        raise Unsupported(f"unexpected token at {start}")

    def number(self) -> Expr:
        """A number; at a `-`, lark's own number terminals decide whether one starts there."""
        start = self.start
        value: int | float
        if self.kind == NUM:
            word = self.word()
            value = float(word) if "." in word or "e" in word or "E" in word else int(word)
            self.advance()
        else:
            match = _FLOAT.match(self.text, start) or _INT.match(self.text, start)
            if match is None:
                raise Unsupported(f"unexpected '-' at {start}")
            try:
                value = float(match.group()) if match.re is _FLOAT else int(match.group())
            except ValueError as exc:  # lark's FLOAT also matches "-1-2.5"
                raise Unsupported(f"bad number at {start}") from exc
            self.resync(match.end())
        return Lit(value, self.loc(start, self.prev_end))

    def call(self, name: str, start: int, depth: int) -> Expr:
        if self.kind == "::":  # provider::namespace::function
            self.advance()
            name = f"{name}::{self.name()}"
            self.expect("::")
            name = f"{name}::{self.name()}"
        self.expect("(")
        self.newlines(None)  # lark drops comments right after `(`
        args: list[Expr] = []
        expand = False
        if self.kind != ")":
            mark = len(self.comments)
            own: list[Comment] = []
            while True:
                args.append(self.expr(depth + 2))
                if self.kind == "...":
                    self.advance()
                    expand = True
                    self.newlines(own)
                    break
                if self.kind == ",":
                    self.advance()
                    self.newlines(own)
                    if self.kind == ")":
                        break
                    continue
                if self.kind != NL:
                    break
                self.newlines(own)
                if self.kind != ",":
                    break
                self.advance()  # `a \n , b`: an argument must follow
                self.newlines(own)
            self.own(mark, own)
        self.expect(")")
        return Call(name, tuple(args), self.loc(start, self.prev_end), expand)

    def tuple_or_for(self, depth: int) -> Expr:
        start = self.start
        mark = len(self.comments)
        own: list[Comment] = []
        self.advance()
        self.newlines(own)
        if self.kind == NAME and self.word() == "for":
            return self.for_expr(start, "]", depth)
        items: list[Expr] = []
        while self.kind != "]":
            items.append(self.expr(depth + 2))
            self.newlines(own)
            if self.kind == ",":
                self.advance()
                self.newlines(own)
            elif self.kind != "]":
                raise Unsupported(f"expected ',' or ']' at {self.start}")
        self.advance()
        self.own(mark, own)
        return TupleExpr(tuple(items), self.loc(start, self.prev_end))

    def object_or_for(self, depth: int) -> Expr:
        start = self.start
        mark = len(self.comments)
        own: list[Comment] = []
        self.advance()
        self.newlines(own)
        if self.kind == NAME and self.word() == "for" and self.peek()[0] not in ("=", ":"):
            return self.for_expr(start, "}", depth)
        items: list[ObjectItem] = []
        while self.kind != "}":
            items.append(self.object_item(depth))
            self.newlines(own)
            if self.kind == ",":
                self.advance()
                self.newlines(own)
        self.advance()
        self.own(mark, own)
        return ObjectExpr(tuple(items), self.loc(start, self.prev_end))

    def object_item(self, depth: int) -> ObjectItem:
        start = self.start
        key: Expr
        if self.kind == NAME and self.word() in _KEYWORDS:
            word = self.word()
            self.advance()
            key = Lit(word, self.loc(start, self.prev_end))
            if self.kind not in ("=", ":"):
                raise Unsupported(f"keyword as a key at {start}")
        else:
            key = self.expr(depth + 2)
            if isinstance(key, Traversal) and not key.steps:
                key = Lit(key.root, key.loc)  # bare `name = ...` keys are literal names
        if self.kind not in ("=", ":"):
            raise Unsupported(f"expected '=' or ':' at {self.start}")
        self.advance()
        value = self.expr(depth + 2)
        return ObjectItem(key, value, self.loc(start, self.prev_end))

    def for_expr(self, start: int, close: str, depth: int) -> Expr:
        """`[for ... : v if c]` / `{for ... : k => v... if c}`: opaque, keeping the collection,
        key, value and condition. lark drops every comment inside."""
        self.advance()  # for
        self.newlines(None)
        if self.kind == NAME and self.keyword_here(_RESERVED):
            raise Unsupported(f"keyword as a variable at {self.start}")
        self.name()
        if self.kind == ",":
            self.advance()
            self.name()
        self.newlines(None)
        if self.kind != NAME or self.word() != "in":
            raise Unsupported(f"expected 'in' at {self.start}")
        self.advance()
        self.newlines(None)
        inner = [self.expr(depth + 2)]
        self.newlines(None)
        self.expect(":")
        self.newlines(None)
        inner.append(self.expr(depth + 2))
        if close == "}":
            self.expect("=>")
            self.newlines(None)
            inner.append(self.expr(depth + 2))
            self.newlines(None)
            if self.kind == "...":
                self.advance()
        self.newlines(None)
        if self.kind == NAME and self.word() == "if":
            self.advance()
            self.newlines(None)
            inner.append(self.expr(depth + 2))
            self.newlines(None)
        self.expect(close)
        return Opaque("for expression", tuple(inner), self.loc(start, self.prev_end))

    def heredoc(self) -> Expr:
        start = self.start
        match = _HEREDOC.match(self.text, start) or _HEREDOC_TRIM.match(self.text, start)
        if match is None:
            raise Unsupported(f"unexpected '<' at {start}")
        raw = match.group()
        lines = raw[raw.index("\n") + 1 :].split("\n")
        content = lines[:-2]
        if raw.startswith("<<-"):
            cut = min((len(x) - len(x.lstrip()) for x in content if x.strip()), default=0)
            content = [x[cut:] for x in content]
        text = "\n".join(x.rstrip("\r") for x in content) + ("\n" if content else "")
        # The token swallows the newline after the closing marker; the span ends on the marker.
        span = self.loc(start, match.end())
        loc = Location(self.path, span.line, span.column, span.end_line - 1, len(lines[-2]) + 1)
        self.resync(match.end())
        if "${" in text or "%{" in text:
            return Opaque("heredoc template", (), loc)
        return Lit(text, loc)

    # -- strings ------------------------------------------------------------------------

    def string(self, depth: int) -> Expr:
        start = self.start
        parts = self.string_parts(depth)
        loc = self.loc(start, self.prev_end)
        if any(isinstance(p, Opaque) for p in parts):
            return Opaque("template directive", tuple(p for p in parts if not isinstance(p, str)), loc)
        if not parts:
            return Lit("", loc)
        if len(parts) == 1 and isinstance(parts[0], str):
            return Lit(parts[0], loc)
        return Template(tuple(parts), loc)

    def string_parts(self, depth: int) -> list[str | Expr]:
        """The parts of a quoted string (current token: its opening quote); adjacent text merged."""
        text = self.text
        parts: list[str | Expr] = []
        pos = self.end
        while True:
            match = _STRING.match(text, pos)
            if match is None:
                raise Unsupported(f"unterminated string at {self.start}")
            group = match.lastindex
            piece: str | Expr
            if group == 6:
                self.resync(match.end())
                return parts
            if group == 3:
                piece = _unescape(match.group(3))
                pos = match.end()
            elif group == 1 or group == 2:
                piece = match.group()[1:]
                pos = match.end()
            else:
                self.resync(match.end())
                piece = self.expr(depth + 2) if group == 4 else self.directive(match.start(), depth + 2)
                if self.kind != "}":
                    raise Unsupported(f"expected '}}' at {self.start}")
                pos = self.end
            if isinstance(piece, str) and parts and isinstance(parts[-1], str):
                parts[-1] += piece
            else:
                parts.append(piece)

    def directive(self, start: int, depth: int) -> Expr:
        """`%{ if c }`, `%{ else }`, `%{ endif }`, `%{ for k, v in c }`, `%{ endfor }`."""
        if self.kind == "~":
            self.advance()
        keyword = self.name()
        inner: tuple[Expr, ...] = ()
        if keyword == "if":
            inner = (self.expr(depth),)
        elif keyword == "for":
            self.name()
            if self.kind == ",":
                self.advance()
                self.name()
            if self.name() != "in":
                raise Unsupported(f"expected 'in' at {self.start}")
            inner = (self.expr(depth),)
        elif keyword not in ("else", "endif", "endfor"):
            raise Unsupported(f"unknown directive at {start}")
        if self.kind == "~":
            self.advance()
        return Opaque("template directive", inner, self.loc(start, self.end))


def _unescape(text: str) -> str:
    """The lark builder's unescaping: simple escapes and \\u/\\U codes; others kept as written."""
    if "\\" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            point = int(code[1:], 16)
            if point > 0x10FFFF:
                raise Unsupported("escape out of range")  # the lark path fails on it
            return chr(point)
        return _SIMPLE_ESCAPES.get(code, "\\" + code)

    return _ESCAPES.sub(replace, text)
