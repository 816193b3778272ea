"""Tests for the Bicep tokenizer/parser: AST shape, node positions and error reporting."""

from __future__ import annotations

import random
import sys
import textwrap
import time

import pytest

from svclint.parsers import bicep_syntax  # its TestDecl would look like a test class here
from svclint.parsers.bicep_syntax import (
    MAX_DEPTH,
    ArrayLit,
    ArrayType,
    Assert,
    BicepFile,
    BicepSyntaxError,
    Binary,
    BoolLit,
    Call,
    Expr,
    Extension,
    ExtensionConfig,
    ForExpr,
    FuncDecl,
    Identifier,
    IfExpr,
    Import,
    IndexAccess,
    IntLit,
    Lambda,
    LiteralType,
    Metadata,
    Module,
    NonNull,
    NullableType,
    NullLit,
    ObjectLit,
    ObjectProperty,
    ObjectType,
    Output,
    Param,
    ParamAssign,
    Parenthesized,
    PropertyAccess,
    Resource,
    ResourceAccess,
    ResourceType,
    Spread,
    Statement,
    StringLit,
    TargetScope,
    Ternary,
    TupleType,
    TypeArgs,
    TypeDecl,
    TypeIndex,
    TypeProperty,
    TypeRef,
    Unary,
    UnionType,
    Using,
    Var,
    parse,
)


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def parse_bicep(text: str) -> BicepFile:
    return parse(src(text), "main.bicep")


def only(text: str) -> Statement:
    statements = parse_bicep(text).statements
    assert len(statements) == 1
    return statements[0]


def value_of(text: str) -> Expr:
    """The value of `var x = <text>`."""
    statement = only(f"var x = {text}\n")
    assert isinstance(statement, Var)
    return statement.value


def span(node: Statement | Expr | ObjectProperty) -> tuple[int, int, int, int]:
    return node.line, node.column, node.end_line, node.end_column


def error_of(text: str, path: str = "main.bicep") -> BicepSyntaxError:
    with pytest.raises(BicepSyntaxError) as info:
        parse(text, path)
    return info.value


# -- declarations -------------------------------------------------------------------------------


def test_resource_with_decorators_positions_and_properties() -> None:
    file = parse_bicep(
        """
        // leading comment
        @description('The vault')
        @sys.batchSize(2)
        resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {
          name: 'kv-${suffix}'
          location: location
          properties: {
            tenantId: subscription().tenantId, enableRbacAuthorization: true
          }
        }
        """
    )
    (resource,) = file.statements
    assert isinstance(resource, Resource)
    assert resource.name == "kv"
    assert resource.type_string.value == "Microsoft.KeyVault/vaults@2023-07-01"
    assert not resource.existing
    assert span(resource) == (4, 1, 10, 2)
    assert [(d.name, d.namespace) for d in resource.decorators] == [
        ("description", None),
        ("batchSize", "sys"),
    ]
    assert (resource.decorators[0].line, resource.decorators[0].column) == (2, 1)
    assert resource.decorator("description") is resource.decorators[0]
    body = resource.value
    assert isinstance(body, ObjectLit)
    assert [p.key for p in body.properties] == ["name", "location", "properties"]
    name = body.properties[0]
    assert span(name) == (5, 3, 5, 23)
    assert isinstance(name.value, StringLit)
    assert name.value.value is None
    assert name.value.parts[0] == "kv-"
    assert isinstance(name.value.parts[1], Identifier)
    assert (name.value.parts[1].line, name.value.parts[1].column) == (5, 15)
    props = body.get("properties")
    assert isinstance(props, ObjectLit)
    tenant = props.get("tenantId")
    assert isinstance(tenant, PropertyAccess)
    assert isinstance(tenant.obj, Call)
    assert tenant.obj.name == "subscription"
    assert props.get("enableRbacAuthorization") == BoolLit(8, 65, 8, 69, True)
    assert file.comments[0].text == "// leading comment"
    assert (file.comments[0].line, file.comments[0].column) == (1, 1)


def test_existing_resource_and_nested_child_resources() -> None:
    statement = only(
        """
        resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' existing = {
          name: 'vnet'
          resource subnet 'subnets' existing = {
            name: 'default'
          }
          @batchSize(1)
          resource peer 'virtualNetworkPeerings' = [for p in peers: {
            name: p.name
          }]
          resource: 'a property named resource'
        }
        """
    )
    assert isinstance(statement, Resource)
    assert statement.existing
    body = statement.value
    assert isinstance(body, ObjectLit)
    subnet, peer = body.resources
    assert (subnet.name, subnet.existing, subnet.line, subnet.column) == ("subnet", True, 3, 3)
    assert peer.decorators[0].name == "batchSize"
    assert isinstance(peer.value, ForExpr)
    assert [p.key for p in body.properties] == ["name", "resource"]


def test_resource_loops_and_conditions() -> None:
    file = parse_bicep(
        """
        resource a 'T@1' = if (deploy && !empty(name)) {
          name: name
        }
        resource b 'T@1' =
          if (deploy) {
            name: 'b'
          }
        resource c 'T@1' = [for (item, i) in items: if (item.enabled) {
          name: '${item.name}-${i}'
        }]
        module m './m.bicep' = [
          for x in range(0, 3): {
            name: 'm${x}'
            params: {}
          }
        ]
        """
    )
    a, b, c, m = file.statements
    assert isinstance(a, Resource) and isinstance(a.value, IfExpr)
    assert isinstance(a.value.condition, Binary)
    assert a.value.condition.op == "&&"
    assert isinstance(a.value.condition.right, Unary)
    assert isinstance(b, Resource) and isinstance(b.value, IfExpr)
    assert (b.value.line, b.value.column) == (5, 3)
    assert isinstance(c, Resource) and isinstance(c.value, ForExpr)
    assert (c.value.item, c.value.index) == ("item", "i")
    assert isinstance(c.value.body, IfExpr)
    assert isinstance(m, Module)
    assert m.path_string.value == "./m.bicep"
    assert isinstance(m.value, ForExpr)
    assert isinstance(m.value.iterable, Call)
    assert span(m.value) == (11, 24, 16, 2)


def test_params_vars_outputs_and_types() -> None:
    file = parse_bicep(
        """
        @secure()
        param password string
        param tags object = {}
        param sku 'Basic' | 'Standard' = 'Basic'
        param names string[]?
        param vm resource 'Microsoft.Compute/virtualMachines@2024-03-01'
        param site resourceInput<'Microsoft.Web/sites@2024-04-01'>.properties
        var count int = 3
        var plain = true
        output id string = kv.id
        output res resource = kv
        output maybe int? = null
        """
    )
    password, tags, sku, names, vm, site, count, plain, out_id, out_res, maybe = file.statements
    assert isinstance(password, Param)
    assert password.decorator("secure") is not None
    assert password.type == TypeRef(2, 16, 2, 22, "string")
    assert password.default is None
    assert isinstance(tags, Param) and isinstance(tags.default, ObjectLit)
    assert isinstance(sku, Param) and isinstance(sku.type, UnionType)
    literals = [m.value for m in sku.type.members if isinstance(m, LiteralType)]
    assert [m.value for m in literals if isinstance(m, StringLit)] == [
        "Basic",
        "Standard",
    ]
    assert isinstance(names, Param) and isinstance(names.type, NullableType)
    assert isinstance(names.type.inner, ArrayType)
    assert isinstance(vm, Param) and isinstance(vm.type, ResourceType)
    assert vm.type.type_string is not None
    assert vm.type.type_string.value == "Microsoft.Compute/virtualMachines@2024-03-01"
    assert isinstance(site, Param) and isinstance(site.type, TypeProperty)
    assert isinstance(site.type.base, TypeArgs)
    assert isinstance(count, Var) and count.type == TypeRef(8, 11, 8, 14, "int")
    assert isinstance(plain, Var) and plain.type is None
    assert isinstance(out_id, Output) and isinstance(out_id.value, PropertyAccess)
    assert isinstance(out_res, Output) and out_res.type == ResourceType(11, 12, 11, 20, None)
    assert isinstance(maybe, Output) and isinstance(maybe.value, NullLit)


def test_type_declarations() -> None:
    file = parse_bicep(
        """
        @export()
        @discriminator('kind')
        type shape = circle | square
        type config = {
          @description('''
            Name of the thing.
            ''')
          name: string
          'quoted-key': int?
          *: string
        }
        type pair = [
          @minLength(1)
          string, int
        ]
        type level = ('low' | 'high')[]
        type item = other.config.name
        type first = pair[0]
        type element = names[*]
        type unionLines =
          | 'a'
          | 'b'
        """
    )
    shape, config, pair, level, item, first, element, union_lines = file.statements
    assert isinstance(shape, TypeDecl) and [d.name for d in shape.decorators] == [
        "export",
        "discriminator",
    ]
    assert isinstance(config, TypeDecl) and isinstance(config.value, ObjectType)
    members = config.value.members
    assert [m.key for m in members] == ["name", "quoted-key", None]
    description = members[0].decorators[0].args[0]
    assert isinstance(description, StringLit)
    assert description.value == "    Name of the thing.\n    "
    assert isinstance(pair, TypeDecl) and isinstance(pair.value, TupleType)
    assert [i.decorators[0].name for i in pair.value.items[:1]] == ["minLength"]
    assert len(pair.value.items) == 2
    assert isinstance(level, TypeDecl) and isinstance(level.value, ArrayType)
    assert isinstance(item, TypeDecl) and isinstance(item.value, TypeProperty)
    assert item.value.name == "name"
    assert isinstance(first, TypeDecl) and isinstance(first.value, TypeIndex)
    assert isinstance(first.value.index, IntLit)
    assert isinstance(element, TypeDecl) and isinstance(element.value, TypeIndex)
    assert element.value.index is None
    assert isinstance(union_lines, TypeDecl) and isinstance(union_lines.value, UnionType)
    assert len(union_lines.value.members) == 2


def test_functions_metadata_target_scope_assert_and_test() -> None:
    file = parse_bicep(
        """
        targetScope = 'subscription'
        metadata owner = { team: 'x' }
        @export()
        func prefixed(name string, n int) string => '${name}-${n}'
        assert ok = length(names) > 0
        test t 'main.bicep' = {
          params: {}
        }
        """
    )
    scope, meta, func, check, test = file.statements
    assert isinstance(scope, TargetScope) and scope.value == StringLit(1, 15, 1, 29, "subscription", ("subscription",))
    assert isinstance(meta, Metadata) and meta.name == "owner"
    assert isinstance(func, FuncDecl)
    assert [(p.name, p.type) for p in func.params] == [
        ("name", TypeRef(4, 20, 4, 26, "string")),
        ("n", TypeRef(4, 30, 4, 33, "int")),
    ]
    assert func.return_type == TypeRef(4, 35, 4, 41, "string")
    assert isinstance(func.body, StringLit) and func.body.is_interpolated
    assert isinstance(check, Assert) and isinstance(check.value, Binary)
    assert isinstance(test, bicep_syntax.TestDecl) and test.path_string.value == "main.bicep"


def test_imports_and_extensions() -> None:
    file = parse_bicep(
        """
        import { a, b as c, 'd.e' as f } from 'types.bicep'
        import {
          g
          h
        } from 'more.bicep'
        import * as ns from 'br/public:avm/types:0.1.0'
        import 'az@1.0.0' as legacy
        extension microsoftGraphV1
        extension 'br:mcr.microsoft.com/bicep/extensions/kubernetes:1.0.0' with {
          namespace: 'default'
        } as k8s
        provider 'br/public:az@1.0.0'
        """
    )
    symbols, multi, wildcard, legacy, graph, k8s, provider = file.statements
    assert isinstance(symbols, Import)
    assert [(s.name, s.alias) for s in symbols.symbols] == [
        ("a", None),
        ("b", "c"),
        ("d.e", "f"),
    ]
    assert symbols.path.value == "types.bicep"
    assert isinstance(multi, Import) and [s.name for s in multi.symbols] == ["g", "h"]
    assert isinstance(wildcard, Import) and wildcard.wildcard_alias == "ns"
    assert isinstance(legacy, Extension)
    assert (legacy.keyword, legacy.alias) == ("import", "legacy")
    assert isinstance(graph, Extension) and graph.spec == Identifier(8, 11, 8, 27, "microsoftGraphV1")
    assert isinstance(k8s, Extension) and k8s.alias == "k8s"
    assert k8s.config is not None and k8s.config.get("namespace") is not None
    assert isinstance(provider, Extension) and provider.keyword == "provider"


def test_bicepparam_files() -> None:
    file = parse(
        src(
            """
            using './main.bicep'
            param name = 'app'
            param sizes = [
              1
              2
            ]
            var suffix = 'x'
            param combined = '${name}-${suffix}'
            """
        ),
        "main.bicepparam",
    )
    using, name, sizes, _, combined = file.statements
    assert isinstance(using, Using) and using.path is not None
    assert using.path.value == "./main.bicep"
    assert isinstance(name, ParamAssign) and name.value == StringLit(2, 14, 2, 19, "app", ("app",))
    assert isinstance(sizes, ParamAssign) and isinstance(sizes.value, ArrayLit)
    assert isinstance(combined, ParamAssign) and isinstance(combined.value, StringLit)
    none = parse("using none\nextensionConfig k8s with { ns: 'a' }\n", "x.bicepparam")
    first, config = none.statements
    assert isinstance(first, Using) and first.path is None
    assert isinstance(config, ExtensionConfig) and config.alias == "k8s"
    with_config = parse("using 'main.bicep' with { mode: 'stack' }\n", "x.bicepparam")
    (statement,) = with_config.statements
    assert isinstance(statement, Using) and statement.config is not None


# -- expressions --------------------------------------------------------------------------------


def test_string_escapes_and_multiline_strings() -> None:
    value = value_of(r"'it\'s \\ \n\r\t \$x \${y} \u{1F600}'")
    assert isinstance(value, StringLit)
    assert value.value == "it's \\ \n\r\t $x ${y} \U0001f600"
    multi = value_of("'''\n  no ${interpolation} or \\n escapes\n'''")
    assert isinstance(multi, StringLit)
    assert multi.value == "  no ${interpolation} or \\n escapes\n"
    assert multi.end_line == 3
    interpolated = value_of("$$'''\nhi $${name} ${literal}\n'''")
    assert isinstance(interpolated, StringLit)
    assert interpolated.parts[0] == "hi "
    assert isinstance(interpolated.parts[1], Identifier)
    assert interpolated.parts[2] == " ${literal}\n"
    nested = value_of("'a${f({ b: 'c${d}' })}e'")
    assert isinstance(nested, StringLit)
    assert isinstance(nested.parts[1], Call)
    assert nested.parts[2] == "e"
    assert value_of("''") == StringLit(1, 9, 1, 11, "", ())


def test_objects_and_arrays_mix_commas_and_newlines() -> None:
    value = value_of("{ a: 1, b: 2\n  c: 3, 'd-e': [1, 2\n 3, ...more]\n  ...extra\n  '${k}': null,\n}")
    assert isinstance(value, ObjectLit)
    keys = [item.key for item in value.items if isinstance(item, ObjectProperty)]
    assert keys[:4] == ["a", "b", "c", "d-e"]
    assert isinstance(keys[4], StringLit)
    array = value.get("d-e")
    assert isinstance(array, ArrayLit) and len(array.items) == 4
    assert isinstance(array.items[3], Spread)
    assert isinstance(value.items[4], Spread)
    assert value_of("[]") == ArrayLit(1, 9, 1, 11, ())


def test_keywords_are_contextual() -> None:
    value = value_of("{ resource: 1, param: 2, if: 3, for: 4, type: param.output }")
    assert isinstance(value, ObjectLit)
    assert [p.key for p in value.properties] == ["resource", "param", "if", "for", "type"]
    statement = only("param resource string\n")
    assert isinstance(statement, Param) and statement.name == "resource"


def test_member_access_calls_and_postfix_operators() -> None:
    value = value_of("a.?b[?0][^1].c!::child.listKeys().keys[0]")
    assert isinstance(value, PropertyAccess) is False
    assert isinstance(value, IndexAccess)
    keys = value.obj
    assert isinstance(keys, PropertyAccess) and keys.name == "keys"
    call = keys.obj
    assert isinstance(call, Call) and call.name == "listKeys" and call.args == ()
    child = call.target
    assert isinstance(child, ResourceAccess) and child.name == "child"
    assert isinstance(child.obj, NonNull)
    inner = child.obj.expr
    assert isinstance(inner, PropertyAccess) and not inner.safe
    from_end = inner.obj
    assert isinstance(from_end, IndexAccess) and from_end.from_end and not from_end.safe
    safe_index = from_end.obj
    assert isinstance(safe_index, IndexAccess) and safe_index.safe
    safe_prop = safe_index.obj
    assert isinstance(safe_prop, PropertyAccess) and safe_prop.safe and safe_prop.name == "b"
    namespaced = value_of("az.resourceId('T', sys.concat('a', 'b'))")
    assert isinstance(namespaced, Call)
    assert (namespaced.namespace, namespaced.name) == ("az", "resourceId")
    assert isinstance(namespaced.args[1], Call) and namespaced.args[1].namespace == "sys"


def test_operator_precedence_and_associativity() -> None:
    value = value_of("a ?? b || c && d == e + f * -g % h")
    assert isinstance(value, Binary) and value.op == "??"
    assert isinstance(value.right, Binary) and value.right.op == "||"
    and_ = value.right.right
    assert isinstance(and_, Binary) and and_.op == "&&"
    equals = and_.right
    assert isinstance(equals, Binary) and equals.op == "=="
    plus = equals.right
    assert isinstance(plus, Binary) and plus.op == "+"
    modulo = plus.right
    assert isinstance(modulo, Binary) and modulo.op == "%"
    assert isinstance(modulo.left, Binary) and modulo.left.op == "*"
    assert isinstance(modulo.left.right, Unary)
    minus = value_of("1 - 2 - 3")
    assert isinstance(minus, Binary) and isinstance(minus.left, Binary)
    compare = value_of("a =~ 'x' != !b")
    assert isinstance(compare, Binary) and compare.op == "!="
    assert isinstance(compare.left, Binary) and compare.left.op == "=~"


def test_ternaries_and_operators_across_lines() -> None:
    value = value_of("cond\n  ? 'a'\n  : other\n    ? 1\n    : 2")
    assert isinstance(value, Ternary)
    assert isinstance(value.if_false, Ternary)
    assert span(value) == (1, 9, 5, 8)
    wrapped = value_of("(a\n  && b\n  || c)")
    assert isinstance(wrapped, Parenthesized)
    assert isinstance(wrapped.expr, Binary) and wrapped.expr.op == "||"
    trailing = value_of("a &&\n  b")
    assert isinstance(trailing, Binary)
    call = value_of("concat(\n  'a',\n  'b'\n)")
    assert isinstance(call, Call) and len(call.args) == 2
    # in an array a new line separates items, so `-1` is an item of its own
    array = value_of("[\n  a\n  -1\n]")
    assert isinstance(array, ArrayLit) and len(array.items) == 2


def test_lambdas_and_for_expressions() -> None:
    single = value_of("map(items, x => x.name)")
    assert isinstance(single, Call)
    lam = single.args[1]
    assert isinstance(lam, Lambda) and lam.params == ("x",)
    assert (lam.line, lam.column) == (1, 20)
    pair = value_of("reduce(xs, 0, (acc, x) =>\n  acc + x)")
    assert isinstance(pair, Call)
    reducer = pair.args[2]
    assert isinstance(reducer, Lambda) and reducer.params == ("acc", "x")
    assert isinstance(value_of("() => 1"), Lambda)
    loop = value_of("[for (x, i) in xs: {\n  idx: i\n}]")
    assert isinstance(loop, ForExpr) and (loop.item, loop.index) == ("x", "i")
    assert isinstance(loop.body, ObjectLit)
    multiline = value_of("[\n  for x in xs: x\n]")
    assert isinstance(multiline, ForExpr) and isinstance(multiline.body, Identifier)


def test_literals() -> None:
    assert value_of("42") == IntLit(1, 9, 1, 11, 42)
    assert value_of("null") == NullLit(1, 9, 1, 13)
    assert value_of("false") == BoolLit(1, 9, 1, 14, False)
    negative = value_of("-5")
    assert isinstance(negative, Unary) and negative.operand == IntLit(1, 10, 1, 11, 5)


def test_comments_anywhere_and_pragmas() -> None:
    file = parse_bicep(
        """
        #disable-next-line no-unused-params BCP081 // why
        @description('x') /* between */
        // svclint:ignore SVC001
        param p string = concat( /* inside */ 'a', // trailing
          'b')
        var v = {
          /* multi
             line */ a: 1 // end
        }
        """
    )
    assert [type(s) for s in file.statements] == [Param, Var]
    texts = [c.text for c in file.comments]
    assert texts[0] == "#disable-next-line no-unused-params BCP081"
    assert texts[1] == "// why"
    assert "// svclint:ignore SVC001" in texts
    multi = next(c for c in file.comments if c.text.startswith("/* multi"))
    assert (multi.line, multi.column, multi.end_line, multi.end_column) == (7, 3, 8, 13)
    assert texts[-1] == "// end"


def test_crlf_and_bom() -> None:
    file = parse("\ufeffparam a string\r\nvar b = '''\r\nx\r\n'''\r\nvar c = a\r\n", "m.bicep")
    a, b, c = file.statements
    assert span(a) == (1, 1, 1, 15)
    assert isinstance(b, Var) and b.value == StringLit(2, 9, 4, 4, "x\n", ("x\n",))
    assert span(c) == (5, 1, 5, 10)


# -- errors ------------------------------------------------------------------------------------


def test_error_reports_line_column_and_expectation() -> None:
    error = error_of("var a = [\n  1\n  2\n")
    assert (error.line, error.column) == (4, 1)
    assert error.message == "expected ']' to close '[' at 1:9, found end of file"
    assert str(error) == "4:1: expected ']' to close '[' at 1:9, found end of file"
    call = error_of("var a = f(1, 2\nvar b = 1\n")
    assert (call.line, call.column) == (2, 1)
    assert call.message == "expected ',' or ')' to close '(' at 1:10, found 'var'"
    missing = error_of("param p string = \n")
    assert (missing.line, missing.column, missing.message) == (
        1,
        18,
        "expected expression, found end of line",
    )
    assert error_of("var a = { b: 1 c: 2 }").message.startswith("expected ',' or new line")
    assert error_of("resource r 'T@1' = 'x'\n").message == ("expected '{', 'if' or '[for', found string")
    assert error_of("banana x = 1").message == "expected declaration, found 'banana'"
    assert error_of("param x = 1").message == "expected type, found '='"
    assert error_of("var x = 1 var y = 2").message.startswith("expected new line")


def test_unterminated_tokens_are_reported_at_their_start() -> None:
    string = error_of("var a = 1\nvar b = 'abc\nvar c = 2\n")
    assert (string.line, string.column, string.message) == (2, 9, "unterminated string")
    hole = error_of("var b = 'a${x\n'")
    assert (hole.line, hole.column, hole.message) == (1, 9, "unterminated string")
    comment = error_of("var a = 1 /* open\n\n")
    assert (comment.line, comment.column) == (1, 11)
    assert comment.message == "unterminated comment '/*'"
    multi = error_of("var a = [\n  '''\n  text\n")
    assert (multi.line, multi.column, multi.message) == (2, 3, "unterminated multi-line string")
    escape = error_of(r"var a = 'C:\dir'")
    assert (escape.line, escape.column) == (1, 12)
    assert escape.message.startswith("unrecognized escape sequence '\\\\d'")
    assert error_of('var a = "x"').message == "strings use single quotes, not '\"'"


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    for opener in ("[", "(", "{a:", "!(", "x ? y : (", "'${"):
        text = "var a = " + opener * 2000
        start = time.monotonic()
        error = error_of(text)
        assert time.monotonic() - start < 5
        assert error.message in (f"nesting too deep (limit {MAX_DEPTH})", "unterminated string")
    deep_type = error_of("type t = " + "{a: " * 2000)
    assert deep_type.message == f"nesting too deep (limit {MAX_DEPTH})"
    ok = value_of("[" * 100 + "]" * 100)
    assert isinstance(ok, ArrayLit)


def test_garbage_input_never_hangs_or_crashes() -> None:
    alphabet = [
        "param",
        "var",
        "resource",
        "x",
        "'s'",
        "'${",
        "}",
        "{",
        "[",
        "]",
        "(",
        ")",
        "\n",
        ":",
        ",",
        "=",
        "?",
        "!",
        "@d()",
        "for",
        "in",
        "if",
        "=>",
        "'''",
        "/*",
        "//",
        "|",
        ".",
        "...",
        "1",
    ]
    rng = random.Random(1234)
    for _ in range(2000):
        text = " ".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        try:
            parse(text, "fuzz.bicep")
        except BicepSyntaxError as error:
            assert error.line >= 1 and error.column >= 1


def test_pragmas_only_count_at_line_start() -> None:
    file = parse_bicep(
        """
        #disable-diagnostics BCP081 no-unused-vars
        var a = 1
          #restore-diagnostics BCP081
        """
    )
    assert [c.text for c in file.comments] == [
        "#disable-diagnostics BCP081 no-unused-vars",
        "#restore-diagnostics BCP081",
    ]
    assert (file.comments[1].line, file.comments[1].column) == (3, 3)
    error = error_of("var a = 1 #disable-next-line BCP081\n")
    assert (error.line, error.column, error.message) == (1, 11, "unexpected character '#'")


def test_lenient_forms_that_compile_elsewhere_keep_their_meaning() -> None:
    # a decorator on the same line as its declaration, a trailing comma in a call
    file = parse_bicep("@secure() param p string\nvar v = concat('a',\n  'b',\n)\n")
    param, var = file.statements
    assert isinstance(param, Param) and param.decorators[0].name == "secure"
    assert isinstance(var, Var) and isinstance(var.value, Call) and len(var.value.args) == 2
    types = parse_bicep("type a = other.*\ntype b = resourceInput<'T@1'>.properties.tags\n")
    first, second = types.statements
    assert isinstance(first, TypeDecl) and isinstance(first.value, TypeProperty)
    assert first.value.name == "*"
    assert isinstance(second, TypeDecl) and isinstance(second.value, TypeProperty)


def test_bicepparam_extends_and_statement_set() -> None:
    file = parse("using none\nextends 'base.bicepparam'\n", "p.bicepparam")
    extends = file.statements[1]
    assert isinstance(extends, bicep_syntax.Extends) and extends.path.value == "base.bicepparam"
    wrong = error_of("resource r 'T@1' = {}\n", "p.bicepparam")
    assert wrong.message == "expected declaration, found 'resource'"


def test_bad_unicode_escape_and_recursion_limit_restored() -> None:
    limit = sys.getrecursionlimit()
    error = error_of("var a = 'x\\u{110000}'")
    assert (error.line, error.column) == (1, 11)
    parse_bicep("var a = " + "[" * 300 + "]" * 300 + "\n")
    assert sys.getrecursionlimit() == limit
