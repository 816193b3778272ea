from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import pytest

from svclint.arm_expr import (
    Access,
    ArmExpressionError,
    Call,
    Constant,
    EvalContext,
    evaluate,
    evaluate_node,
    evaluate_refs,
    evaluate_value,
    is_expression,
    parse_expression,
)
from svclint.arm_functions import RefUnknown, call
from svclint.engine.conditions import Context
from svclint.engine.conditions import evaluate as holds
from svclint.engine.graph import Graph
from svclint.model import PLACEHOLDER, Location, Node, Ref, Resource, Unknown
from svclint.parsers.jsonc import loads

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"


def run(text: str, ctx: EvalContext | None = None) -> Any:
    return evaluate(parse_expression(text), ctx or EvalContext())


def refs_of(text: str, ctx: EvalContext | None = None) -> tuple[Ref, ...]:
    return evaluate_refs(parse_expression(text), ctx or EvalContext())[1]


# --- syntax ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[concat('a')]", True),
        ("[[concat('a')]", False),
        ("[]", True),
        ("[", False),
        ("plain", False),
        ("[a] b", False),
        ("", False),
    ],
)
def test_is_expression(text: str, expected: bool) -> None:
    assert is_expression(text) is expected


def test_parse_tree() -> None:
    expr = parse_expression("[f(1, 'it''s', -2, 1.5, true).b['c'][0]]")
    call_ = Call("f", (Constant(1), Constant("it's"), Constant(-2), Constant(1.5), Constant(True)))
    assert expr == Access(Access(Access(call_, Constant("b")), Constant("c")), Constant(0))
    assert str(expr) == "f(1, 'it''s', -2, 1.5, true).b.c[0]"


def test_parse_without_brackets_and_with_whitespace() -> None:
    assert parse_expression(" concat( 'a' ,\n 'b' ) ") == Call("concat", (Constant("a"), Constant("b")))


def test_parse_namespaced_user_function() -> None:
    expr = parse_expression("[__bicep.fn(1).x]")
    assert expr == Access(Call("__bicep.fn", (Constant(1),)), Constant("x"))


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("[]", "empty expression", 1),
        ("[concat(]", "expected a value, found end of expression", 8),
        ("['abc]", "unterminated string", 1),
        ("[a.b]", "expected '(' after function name 'a'", 1),
        ("[f(1))]", "unexpected ')' after the expression", 5),
        ("[f(1,)]", "expected a value, found ')'", 5),
        ("[f(1 2)]", "expected ')' to close the arguments of f(), found '2'", 5),
        ("[f()[0]", "expected ']' to close the index, found end of expression", 6),
        ("[f().]", "expected a property name after '.'", 5),
        ("[f(1)[0}]", "unexpected character '}'", 7),
        ("[f(1) + 2]", "unexpected character '+'", 6),
    ],
)
def test_parse_errors(text: str, message: str, offset: int) -> None:
    with pytest.raises(ArmExpressionError) as info:
        parse_expression(text)
    assert (info.value.message, info.value.offset) == (message, offset)
    assert str(info.value) == f"{message} at offset {offset}"


def test_nesting_too_deep_is_a_clean_error() -> None:
    with pytest.raises(ArmExpressionError, match="nested too deep"):
        parse_expression("[" + "f(" * 500 + ")" * 500 + "]")


# --- evaluation -----------------------------------------------------------------------------


CTX = EvalContext(
    parameters={"Name": "web", "tags": {"Env": "prod"}, "list": [1, 2, 3], "missing": None},
    variables={
        "suffix": "[concat(parameters('name'), '-', 'x')]",
        "nested": {"inner": "[variables('SUFFIX')]", "escaped": "[[literal]"},
        "a": "[variables('b')]",
        "b": "[variables('a')]",
    },
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[concat('a', 'b', 'c')]", "abc"),
        ("[concat(createArray(1), createArray(2, 3))]", [1, 2, 3]),
        ("[format('{0}-{1:D}-{0}', 'a', 7)]", "a-7-a"),
        ("[format('{{0}} {0,3}|{0,-3}|', 'x')]", "{0}   x|x  |"),
        ("[string(true())]", "True"),
        ("[string(createObject('a', 1))]", '{"a":1}'),
        ("[int('42')]", 42),
        ("[bool('TRUE')]", True),
        ("[toLower('AbC')]", "abc"),
        ("[toUpper('AbC')]", "ABC"),
        ("[trim('  x ')]", "x"),
        ("[replace('a.net b.net', '.net', '.com')]", "a.com b.com"),
        ("[split('a,b;c', createArray(',', ';'))]", ["a", "b", "c"]),
        ("[join(split('a/b', '/'), '-')]", "a-b"),
        ("[substring('Contoso.com web', 12, 3)]", "web"),
        ("[startsWith('ABCdef', 'abc')]", True),
        ("[endsWith('abcDEF', 'def')]", True),
        ("[contains('abc', 'B')]", False),
        ("[contains(createObject('Key', 1), 'key')]", True),
        ("[contains(createArray(1, 2), 2)]", True),
        ("[empty('')]", True),
        ("[empty(createObject())]", True),
        ("[length(parameters('list'))]", 3),
        ("[first(parameters('list'))]", 1),
        ("[last('abc')]", "c"),
        ("[take(parameters('list'), 2)]", [1, 2]),
        ("[skip('abcd', 2)]", "cd"),
        ("[union(createObject('a', 1, 'b', 2), createObject('b', 3))]", {"a": 1, "b": 3}),
        ("[union(createArray(1, 2), createArray(2, 3))]", [1, 2, 3]),
        ("[intersection(createArray(1, 2, 3), createArray(3, 2))]", [2, 3]),
        ("[intersection(createObject('a', 1, 'b', 2), createObject('a', 1))]", {"a": 1}),
        ("[array('x')]", ["x"]),
        ("[json('{\"a\": [1, null]}').a]", [1, None]),
        ("[json('null')]", None),
        ("[if(equals(parameters('name'), 'web'), 'yes', 'no')]", "yes"),
        ("[not(or(false(), and(true(), false())))]", True),
        ("[less(1, 2)]", True),
        ("[greaterOrEquals('b', 'a')]", True),
        ("[coalesce(null(), parameters('missing'), 'x')]", "x"),
        ("[add(div(-7, 2), mod(-7, 2))]", -4),
        ("[max(parameters('list'))]", 3),
        ("[range(1, 3)]", [1, 2, 3]),
        ("[indexOf('abcABC', 'BC')]", 1),
        ("[lastIndexOf(createArray(1, 2, 1), 1)]", 2),
        ("[padLeft('7', 3, '0')]", "007"),
        (
            "[items(createObject('b', 2, 'a', 1))]",
            [{"key": "a", "value": 1}, {"key": "b", "value": 2}],
        ),
        ("[tryGet(parameters('tags'), 'env')]", "prod"),
        ("[tryGet(parameters('tags'), 'nope', 'x')]", None),
        (
            "[shallowMerge(createArray(createObject('a', 1), createObject('b', 2)))]",
            {"a": 1, "b": 2},
        ),
        ("[flatten(createArray(createArray(1), createArray(2)))]", [1, 2]),
        ("[base64ToString(base64('hé'))]", "hé"),
        ("[uriComponent('a b/c')]", "a%20b%2Fc"),
        ("[uri('https://x/a/', 'b')]", "https://x/a/b"),
    ],
)
def test_functions(text: str, expected: Any) -> None:
    assert run(text, CTX) == expected


def test_case_insensitive_names_functions_and_properties() -> None:
    assert run("[Concat(PARAMETERS('name'), variables('Suffix'))]", CTX) == "webweb-x"
    assert run("[resourceid('Microsoft.Web/sites', 'x')]", CTX).endswith("/sites/x")
    assert run("[parameters('tags').ENV]", CTX) == "prod"
    assert run("[parameters('tags')['env']]", CTX) == "prod"


def test_property_and_index_access_errors_are_unknown() -> None:
    assert run("[parameters('tags').nope]", CTX) == Unknown("property 'nope' not found")
    assert run("[parameters('list')[5]]", CTX) == Unknown("index out of range")
    assert run("[parameters('list')[-1]]", CTX) == 3


def test_variables_lazy_nested_escaped_and_cyclic() -> None:
    assert run("[variables('nested')]", CTX) == {"inner": "web-x", "escaped": "[literal]"}
    assert run("[variables('a')]", CTX) == Unknown("cyclic variable 'a'")
    assert run("[variables('nope')]", CTX) == Unknown("variable 'nope' is not defined")


def test_variable_copy_loops() -> None:
    ctx = EvalContext(variables={"copy": [{"name": "disks", "count": 3, "input": {"lun": "[copyIndex('disks', 1)]"}}]})
    assert run("[variables('Disks')]", ctx) == [{"lun": 1}, {"lun": 2}, {"lun": 3}]


def test_copy_index() -> None:
    ctx = EvalContext(copy_index={None: 2, "vms": 5})
    assert run("[copyIndex()]", ctx) == 2
    assert run("[copyIndex(1)]", ctx) == 3
    assert run("[copyIndex('VMs', 10)]", ctx) == 15
    assert run("[copyIndex()]") == Unknown("copyIndex() outside its copy loop")


def test_unknown_parameter_propagates() -> None:
    assert run("[toLower(parameters('nope'))]") == Unknown("parameter 'nope' is not defined")
    assert run("[equals(createArray(parameters('nope')), createArray(1))]") == Unknown(
        "parameter 'nope' is not defined"
    )


def test_functions_that_still_know_the_answer() -> None:
    unknown = "parameters('nope')"
    assert run(f"[length(createArray({unknown}, 1))]") == 2
    assert run(f"[empty(createArray({unknown}))]") is False
    assert run(f"[coalesce('a', {unknown})]") == "a"
    assert isinstance(run(f"[coalesce(null(), {unknown}, 'a')]"), Unknown)
    assert run(f"[and(false(), {unknown})]") is False
    assert run(f"[or({unknown}, true())]") is True
    assert isinstance(run(f"[and(true(), {unknown})]"), Unknown)
    assert run(f"[if(true(), 'a', {unknown})]") == "a"
    assert isinstance(run(f"[if({unknown}, 'a', 'b')]"), Unknown)
    assert run(f"[createObject('k', {unknown})]") == {"k": Unknown("parameter 'nope' is not defined")}


def test_concat_and_format_keep_known_text_around_unknowns() -> None:
    value = run("[concat('pre-', parameters('nope'), '-post')]")
    assert value == Unknown("parameter 'nope' is not defined", f"pre-{PLACEHOLDER}-post")
    value = run("[format('{0}/{1}', concat('a', parameters('nope')), 'tail')]")
    assert value.partial == f"a{PLACEHOLDER}/tail"
    assert run("[toLower(concat('A', parameters('nope')))]").partial is None


def test_resource_ids_with_unknown_names_keep_partial_text() -> None:
    value = run("[resourceId('Microsoft.Web/sites', parameters('site'))]")
    assert value == Unknown(
        "parameter 'site' is not defined",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
        f"/providers/Microsoft.Web/sites/{PLACEHOLDER}",
    )
    assert run("[resourceId(parameters('type'), 'x')]") == Unknown("parameter 'type' is not defined")


def test_unsupported_and_invalid_calls_are_unknown() -> None:
    assert run("[frobnicate(1)]") == Unknown("unsupported function 'frobnicate'")
    assert run("[substring('abc', 5)]") == Unknown("invalid call to substring(): index out of range")
    assert isinstance(run("[toLower(1, 2)]"), Unknown)
    assert isinstance(run("[div(1, 0)]"), Unknown)
    assert isinstance(run("[json('{bad')]"), Unknown)
    assert isinstance(run("[range(0, 100000000)]"), Unknown)
    assert call("nope", []) == Unknown("unsupported function 'nope'")


def test_deterministic_unique_string_and_guid() -> None:
    first = run("[uniqueString('a', 'b')]")
    assert re.fullmatch(r"[a-z2-7]{13}", first)
    assert first == run("[uniqueString('a', 'b')]") != run("[uniqueString('a', 'c')]")
    guid = run("[guid('x', 'y')]")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", guid)
    assert guid == run("[guid('x', 'y')]") != run("[guid('x', 'z')]")
    assert run("[newGuid()]") == Unknown("newGuid() is random")


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        ("P90D", "2024-04-30T10:00:00Z"),
        ("PT1H", "2024-01-31T11:00:00Z"),
        ("P1Y2M", "2025-03-31T10:00:00Z"),
        ("P1M", "2024-02-29T10:00:00Z"),
        ("-P1DT30M", "2024-01-30T09:30:00Z"),
        ("P1W", "2024-02-07T10:00:00Z"),
    ],
)
def test_date_time_add(duration: str, expected: str) -> None:
    assert run(f"[dateTimeAdd('2024-01-31T10:00:00Z', '{duration}')]") == expected


def test_date_time_add_format_and_bad_duration() -> None:
    assert run("[dateTimeAdd('2024-01-31 10:00:00Z', 'P1D', 'yyyy-MM-dd')]") == "2024-02-01"
    assert isinstance(run("[dateTimeAdd('2024-01-31T10:00:00Z', 'P')]"), Unknown)
    assert isinstance(run("[dateTimeAdd('2024-01-31T10:00:00Z', '1D')]"), Unknown)


def test_utc_now_needs_a_clock() -> None:
    assert run("[utcNow()]") == Unknown("utcNow() is known only at deploy time")
    ctx = EvalContext(now=datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc))
    assert run("[utcNow()]", ctx) == "20240506T070809Z"
    assert run("[utcNow('u')]", ctx) == "2024-05-06 07:08:09Z"
    assert run("[dateTimeAdd(utcNow(), 'P1D', 'yyyy-MM-dd')]", ctx) == "2024-05-07"


def test_lambdas() -> None:
    assert run("[map(range(0, 3), lambda('x', mul(lambdaVariables('x'), 2)))]") == [0, 2, 4]
    assert run("[filter(range(0, 5), lambda('x', greater(lambdaVariables('x'), 2)))]") == [3, 4]
    two = "lambda('a', 'b', {}(lambdaVariables('a'), lambdaVariables('b')))"
    assert run(f"[reduce(range(1, 4), 0, {two.format('add')})]") == 10
    assert run(f"[sort(createArray(3, 1, 2), {two.format('less')})]") == [1, 2, 3]
    assert run("[toObject(createArray('a', 'b'), lambda('x', toUpper(lambdaVariables('x'))))]") == {
        "A": "a",
        "B": "b",
    }
    assert isinstance(run("[map(parameters('nope'), lambda('x', 1))]"), Unknown)
    assert isinstance(run("[lambda('x', 1)]"), Unknown)


# --- resource IDs and role GUIDs ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[resourceId('Microsoft.Web/sites', 'app')]",
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Web/sites/app",
        ),
        (
            "[resourceId('rg1', 'Microsoft.Sql/servers/databases', 'srv', 'db')]",
            "/subscriptions/{subscriptionId}/resourceGroups/rg1/providers/Microsoft.Sql/servers/srv/databases/db",
        ),
        (
            "[resourceId('sub1', 'rg1', 'Microsoft.Sql/servers/databases', 'srv/db')]",
            "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Sql/servers/srv/databases/db",
        ),
        (
            f"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{OWNER}')]",
            f"/subscriptions/{{subscriptionId}}/providers/Microsoft.Authorization/roleDefinitions/{OWNER}",
        ),
        (
            f"[tenantResourceId('Microsoft.Authorization/roleDefinitions', '{OWNER}')]",
            f"/providers/Microsoft.Authorization/roleDefinitions/{OWNER}",
        ),
        (
            "[managementGroupResourceId('Microsoft.Authorization/policyDefinitions', 'p')]",
            "/providers/Microsoft.Management/managementGroups/{managementGroupName}"
            "/providers/Microsoft.Authorization/policyDefinitions/p",
        ),
        (
            "[extensionResourceId('/subscriptions/s/resourceGroups/r', 'Microsoft.Authorization/locks', 'l')]",
            "/subscriptions/s/resourceGroups/r/providers/Microsoft.Authorization/locks/l",
        ),
    ],
)
def test_resource_ids(text: str, expected: str) -> None:
    assert run(text) == expected


def test_resource_id_with_wrong_name_count_is_unknown() -> None:
    assert isinstance(run("[resourceId('Microsoft.Sql/servers/databases', 'srv')]"), Unknown)


@pytest.mark.parametrize(
    "text",
    [
        f"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{CONTRIBUTOR.upper()}')]",
        f"[resourceId('Microsoft.Authorization/roleDefinitions', '{CONTRIBUTOR}')]",
        f"[tenantResourceId('Microsoft.Authorization/roleDefinitions', '{CONTRIBUTOR}')]",
        "[concat('/subscriptions/', subscription().subscriptionId, "
        f"'/providers/Microsoft.Authorization/roleDefinitions/', '{CONTRIBUTOR}')]",
        "[format('/subscriptions/{0}/providers/Microsoft.Authorization/roleDefinitions/{1}', "
        f"subscription().subscriptionId, '{CONTRIBUTOR}')]",
        "[variables('roles').Contributor]",
    ],
)
def test_role_definition_guids_compare_by_trailing_guid(text: str) -> None:
    """What the expressions give is what the rules' `trailing_guid` transform reads a role from."""
    ctx = EvalContext(
        variables={
            "roles": {
                "Contributor": f"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{CONTRIBUTOR}')]"
            }
        }
    )
    loc = Location("t.json", 1, 1, 1, 2)
    body = Node({"roleDefinitionId": Node(run(text, ctx), loc)}, loc)
    assignment = Resource("arm", "Microsoft.Authorization/roleAssignments", "ra", body, loc)
    condition = {"path": "roleDefinitionId", "equals": CONTRIBUTOR, "transform": ["trailing_guid"]}
    engine = Context(Graph([assignment]), {}, {}, datetime(2026, 6, 1, tzinfo=timezone.utc))
    assert holds(condition, assignment, engine).truth is True


# --- references -----------------------------------------------------------------------------

SITE = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Web/sites/app"


def test_reference_full_gives_identity_path() -> None:
    text = "[reference(resourceId('Microsoft.Web/sites', 'app'), '2023-01-01', 'Full').identity.principalId]"
    value = run(text)
    assert isinstance(value, RefUnknown)
    assert value.ref == Ref(SITE, "identity.principalId")
    assert refs_of(text) == (Ref(SITE, "identity.principalId"),)


def test_reference_without_full_reads_properties() -> None:
    assert refs_of("[reference(resourceId('Microsoft.Web/sites', 'app')).outputs.x.value]") == (
        Ref(SITE, "properties.outputs.x.value"),
    )
    assert refs_of("[reference('uami', '2023-01-31').principalId]") == (Ref("uami", "properties.principalId"),)


def test_symbolic_reference_and_unknown_target() -> None:
    assert refs_of("[reference('mySite', '2022-03-01', 'full').identity]") == (Ref("mySite", "identity"),)
    assert refs_of("[reference(resourceId('Microsoft.Web/sites', parameters('n'))).id]") == (
        Ref("resourceId('Microsoft.Web/sites', parameters('n'))", "properties.id"),
    )


def test_list_functions() -> None:
    text = "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'sa'), '2023-01-01').keys[0].value]"
    value = run(text)
    assert isinstance(value, RefUnknown)
    assert value.ref.attribute == "listKeys().keys[0].value"
    assert value.ref.address.endswith("/Microsoft.Storage/storageAccounts/sa")


def test_scope_functions() -> None:
    value = run("[subscription().id]")
    assert isinstance(value, RefUnknown)
    assert value.ref == Ref("@subscription", "id")
    assert refs_of("[resourceGroup().location]") == (Ref("@resourceGroup", "location"),)
    assert refs_of("[tenant().tenantId]") == (Ref("@tenant", "tenantId"),)
    assert refs_of("[deployment().name]") == (Ref("@deployment", "name"),)
    assert refs_of("[environment().authentication.loginEndpoint]") == (
        Ref("@environment", "authentication.loginEndpoint"),
    )
    assert refs_of("[managementGroup()]") == (Ref("@managementGroup"),)


def test_refs_used_inside_functions_are_collected_once() -> None:
    ctx = EvalContext()
    text = "[concat(subscription().subscriptionId, '/', reference('a').b, reference('a').b)]"
    value, refs = evaluate_refs(parse_expression(text), ctx)
    assert isinstance(value, Unknown)
    assert refs == (Ref("@subscription", "subscriptionId"), Ref("a", "properties.b"))
    assert ctx.refs == list(refs)


def test_refs_of_if_branches() -> None:
    text = "[if({}, reference('a').x, reference('b').y)]"
    assert refs_of(text.format("true()")) == (Ref("a", "properties.x"),)
    assert refs_of(text.format("false()")) == (Ref("b", "properties.y"),)
    assert set(refs_of(text.format("parameters('c')"))) == {
        Ref("a", "properties.x"),
        Ref("b", "properties.y"),
    }


def test_refs_through_variables_every_time() -> None:
    ctx = EvalContext(
        variables={
            "uami": "[reference('id1')]",
            "name": "[concat('x', reference('id2').name)]",
        }
    )
    for _ in range(2):
        assert refs_of("[variables('uami').principalId]", ctx) == (Ref("id1", "properties.principalId"),)
        assert refs_of("[variables('name')]", ctx) == (Ref("id2", "properties.name"),)


# --- whole values and templates -------------------------------------------------------------


def test_evaluate_value_walks_structures() -> None:
    body = {
        "name": "[parameters('name')]",
        "list": ["[[not an expression]", "[concat('a', 'b')]", 3],
        "principal": "[reference('id').principalId]",
        "bad": "[concat(]",
    }
    ctx = EvalContext(parameters={"name": "n"})
    value = evaluate_value(body, ctx)
    assert value["name"] == "n"
    assert value["list"] == ["[not an expression]", "ab", 3]
    assert value["principal"].ref == Ref("id", "properties.principalId")
    assert value["bad"] == Unknown("invalid expression: expected a value, found end of expression at offset 8")
    assert ctx.refs == [Ref("id", "properties.principalId")]
    assert [e.message for e in ctx.errors] == ["expected a value, found end of expression"]


def test_evaluate_node_keeps_locations_refs_and_text() -> None:
    text = '{\n  "a": "[createObject(\'k\', reference(\'x\').id)]",\n  "b": "[[lit]",\n  "c": 1\n}'
    root, _ = loads(text, "t.json")
    node = evaluate_node(root, EvalContext())
    a = node.value["a"]
    assert (a.loc.line, a.loc.column) == (2, 3)
    assert a.text == "[createObject('k', reference('x').id)]"
    assert a.refs == (Ref("x", "properties.id"),)
    assert a.value["k"].loc == a.loc
    assert a.value["k"].value.ref == Ref("x", "properties.id")
    assert node.value["b"].value == "[lit]"
    assert node.value["c"].value == 1
    assert node.all_refs() == (Ref("x", "properties.id"),)


def test_from_template_defaults_values_and_user_functions() -> None:
    template = {
        "parameters": {
            "prefix": {"type": "string", "defaultValue": "dev"},
            "name": {"type": "string", "defaultValue": "[concat(parameters('prefix'), '-app')]"},
            "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
            "secret": {"type": "securestring"},
        },
        "variables": {"full": "[__bicep.greet(parameters('name'))]"},
        "functions": [
            {
                "namespace": "__bicep",
                "members": {
                    "greet": {
                        "parameters": [{"name": "who", "type": "string"}],
                        "output": {
                            "type": "string",
                            "value": "[format('hi {0}', parameters('who'))]",
                        },
                    }
                },
            }
        ],
    }
    ctx = EvalContext.from_template(template, {"Prefix": "prod"})
    assert run("[parameters('name')]", ctx) == "prod-app"
    assert run("[variables('full')]", ctx) == "hi prod-app"
    assert run("[parameters('secret')]", ctx) == Unknown("parameter 'secret' has no value")
    assert refs_of("[parameters('location')]", ctx) == (Ref("@resourceGroup", "location"),)
    assert isinstance(run("[__bicep.nope()]", ctx), Unknown)
