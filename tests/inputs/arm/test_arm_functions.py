"""The function library, family by family (values checked against Azure's documented examples)."""

from __future__ import annotations

import pytest

from linter.inputs.arm import hashing
from linter.model import Unknown


@pytest.mark.parametrize(("text", "expected"), [
    ("[array('a')]", ["a"]),
    ("[concat(createArray(1), createArray(2, 3))]", [1, 2, 3]),
    ("[contains(createArray('a', 'b'), 'b')]", True),
    ("[contains('OneTwo', 'Two')]", True),
    ("[contains(createObject('Key', 1), 'key')]", True),
    ("[empty(createArray())]", True),
    ("[first(createArray(4, 5))]", 4),
    ("[last('abc')]", "c"),
    ("[indexOf(createArray('a', 'b'), 'b')]", 1),
    ("[lastIndexOf('abcabc', 'B')]", 4),
    ("[intersection(createArray(1, 2, 3), createArray(2, 3, 4))]", [2, 3]),
    ("[union(createArray(1, 2), createArray(2, 3))]", [1, 2, 3]),
    ("[length(createObject('a', 1, 'b', 2))]", 2),
    ("[max(createArray(1, 7, 3))]", 7),
    ("[min(4, 2)]", 2),
    ("[range(2, 3)]", [2, 3, 4]),
    ("[skip('abcdef', 4)]", "ef"),
    ("[take(createArray(1, 2, 3), 2)]", [1, 2]),
    ("[flatten(createArray(createArray(1), createArray(2)))]", [1, 2]),
])
def test_array_functions(text, expected, arm):
    assert arm.evaluate(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("[coalesce(null(), 'b')]", "b"),
    ("[equals(createArray(1, 'a'), createArray(1, 'a'))]", True),
    ("[equals('A', 'a')]", False),
    ("[greater(10, 5)]", True),
    ("[greaterOrEquals('b', 'a')]", True),
    ("[less(1, 1)]", False),
    ("[lessOrEquals(1, 1)]", True),
    ("[and(true(), false())]", False),
    ("[or(false(), true())]", True),
    ("[not(false())]", True),
    ("[bool('true')]", True),
    ("[if(equals(1, 1), 'yes', 'no')]", "yes"),
    ("[add(1, 2)]", 3),
    ("[sub(1, 2)]", -1),
    ("[mul(3, 4)]", 12),
    ("[div(-7, 2)]", -3),
    ("[mod(-7, 2)]", -1),
    ("[int('42')]", 42),
    ("[float('1.5')]", 1.5),
])
def test_comparison_logical_numeric(text, expected, arm):
    assert arm.evaluate(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("[base64('one, two, three')]", "b25lLCB0d28sIHRocmVl"),
    ("[base64ToString('b25lLCB0d28sIHRocmVl')]", "one, two, three"),
    ("[base64ToJson('eyJhIjoxfQ==')]", {"a": 1}),
    ("[dataUri('Hello')]", "data:text/plain;charset=utf8;base64,SGVsbG8="),
    ("[dataUriToString('data:;base64,SGVsbG8sIFdvcmxkIQ==')]", "Hello, World!"),
    ("[endsWith('abcdef', 'DEF')]", True),
    ("[startsWith('abcdef', 'AB')]", True),
    ("[format('{0}-{1:D3}', 'vm', 7)]", "vm-007"),
    ("[format('{{{0}}}', 'x')]", "{x}"),
    ("[join(createArray('a', 'b'), ',')]", "a,b"),
    ("[padLeft('123', 5, '0')]", "00123"),
    ("[replace('1-2-3', '-', '')]", "123"),
    ("[split('a,b;c', createArray(',', ';'))]", ["a", "b", "c"]),
    ("[string(createObject('a', true()))]", '{"a":true}'),
    ("[string(true())]", "True"),
    ("[substring('hello', 1, 3)]", "ell"),
    ("[toLower('AbC')]", "abc"),
    ("[toUpper('abc')]", "ABC"),
    ("[trim('  x ')]", "x"),
    ("[uri('http://contoso.org/firstpath', 'myscript.sh')]", "http://contoso.org/myscript.sh"),
    ("[uriComponent('http://contoso.com/resources/nested/azuredeploy.json')]",
     "http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json"),
    ("[uriComponentToString('http%3A%2F%2Fcontoso.com')]", "http://contoso.com"),
])
def test_string_functions(text, expected, arm):
    assert arm.evaluate(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("[createObject('a', 1)]", {"a": 1}),
    ("[items(createObject('b', 2, 'a', 1))]", [{"key": "a", "value": 1}, {"key": "b", "value": 2}]),
    ("[json('{\"a\": [1]}')]", {"a": [1]}),
    ("[json('null')]", None),
    ("[union(createObject('a', createObject('x', 1)), createObject('a', createObject('y', 2)))]",
     {"a": {"x": 1, "y": 2}}),
    ("[shallowMerge(createArray(createObject('a', 1), createObject('a', 2, 'b', 3)))]", {"a": 2, "b": 3}),
    ("[tryGet(createObject('a', 1), 'b')]", None),
    ("[tryGet(createObject('a', createArray(5)), 'a', 0)]", 5),
    ("[objectKeys(createObject('a', 1))]", ["a"]),
])
def test_object_functions(text, expected, arm):
    assert arm.evaluate(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("[map(range(0, 3), lambda('i', mul(lambdaVariables('i'), 2)))]", [0, 2, 4]),
    ("[filter(createArray(1, 2, 3), lambda('x', greater(lambdaVariables('x'), 1)))]", [2, 3]),
    ("[reduce(createArray(1, 2, 3), 0, lambda('acc', 'x', add(lambdaVariables('acc'), lambdaVariables('x'))))]", 6),
    ("[sort(createArray(3, 1, 2), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))]", [1, 2, 3]),
    ("[toObject(createArray('a', 'b'), lambda('x', lambdaVariables('x')), lambda('x', 1))]", {"a": 1, "b": 1}),
    ("[groupBy(createArray('ab', 'ac', 'b'), lambda('x', substring(lambdaVariables('x'), 0, 1)))]",
     {"a": ["ab", "ac"], "b": ["b"]}),
    ("[mapValues(createObject('a', 1), lambda('v', add(lambdaVariables('v'), 1)))]", {"a": 2}),
])
def test_lambda_functions(text, expected, arm):
    assert arm.evaluate(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("[dateTimeAdd('2020-04-07 14:53:14Z', 'P3Y')]", "2023-04-07T14:53:14Z"),
    ("[dateTimeAdd('2020-04-07 14:53:14Z', '-PT9H')]", "2020-04-07T05:53:14Z"),
    ("[dateTimeToEpoch('2023-02-01T00:00:00Z')]", 1675209600),
    ("[dateTimeFromEpoch(1683040573)]", "2023-05-02T15:16:13Z"),
])
def test_date_functions(text, expected, arm):
    assert arm.evaluate(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("[parseCidr('10.144.0.0/20').broadcast]", "10.144.15.255"),
    ("[parseCidr('10.144.0.0/20').firstUsable]", "10.144.0.1"),
    ("[cidrSubnet('10.144.0.0/20', 24, 2)]", "10.144.2.0/24"),
    ("[cidrHost('10.144.3.0/24', 0)]", "10.144.3.1"),
])
def test_cidr_functions(text, expected, arm):
    assert arm.evaluate(text) == expected


def test_deployment_functions_read_parameters_variables_and_copy_index(arm):
    template = {"parameters": {"p": {"type": "string", "defaultValue": "[variables('v')]"}},
                "variables": {"v": "[toUpper('x')]"}}
    assert arm.evaluate("[parameters('P')]", template) == "X"
    assert arm.evaluate("[variables('v')]", template) == "X"


def test_scope_functions_from_configured_deployment(arm):
    context = {"subscription": "sub-1", "resource_group": "rg-1", "location": "eastus2"}
    assert arm.evaluate("[resourceGroup().location]", **context) == "eastus2"
    assert arm.evaluate("[resourceGroup().id]", **context) == "/subscriptions/sub-1/resourceGroups/rg-1"
    assert arm.evaluate("[subscription().subscriptionId]", **context) == "sub-1"
    assert arm.evaluate("[deployment().name]") == "t"


def test_resource_id_functions(arm):
    context = {"subscription": "s", "resource_group": "g"}
    assert arm.evaluate("[resourceId('Microsoft.Storage/storageAccounts', 'st')]", **context) == \
        "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/st"
    assert arm.evaluate("[resourceId('other', 'Microsoft.Web/sites/slots', 'app', 'stage')]", **context) == \
        "/subscriptions/s/resourceGroups/other/providers/Microsoft.Web/sites/app/slots/stage"
    assert arm.evaluate("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'r')]", **context) == \
        "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/r"
    assert arm.evaluate("[tenantResourceId('Microsoft.Management/managementGroups', 'mg')]") == \
        "/providers/Microsoft.Management/managementGroups/mg"
    assert arm.evaluate("[managementGroupResourceId('mg', 'Microsoft.Authorization/policyDefinitions', 'p')]") == \
        "/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policyDefinitions/p"
    assert arm.evaluate("[extensionResourceId('/subscriptions/s/resourceGroups/g/providers/A.B/c/d', "
                    "'Microsoft.Authorization/locks', 'l')]") == \
        "/subscriptions/s/resourceGroups/g/providers/A.B/c/d/providers/Microsoft.Authorization/locks/l"


@pytest.mark.parametrize(("args", "expected"), [
    # outputs that independent public implementations report for Azure's uniqueString()
    (["test"], "rbgf3xv4ufgzg"),
    (["hello", "world"], "a7wkljktk6wne"),
    (["abc"], "cgtzqvhu4i23s"),
    (["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-rg"], "bmg7c6xu4tw46"),
    (["foo", "bar", "baz"], "xzi4ioaxtmth4"),
])
def test_unique_string_matches_azure(args, expected, arm):
    quoted = ", ".join(f"'{a}'" for a in args)
    assert arm.evaluate(f"[uniqueString({quoted})]") == expected


def test_guid_is_a_version_5_uuid_of_the_joined_arguments(arm):
    value = arm.evaluate("[guid('a', 'b')]")
    assert value == hashing.guid("a-b")
    assert value[14] == "5" and len(value) == 36
    assert arm.evaluate("[guid('a', 'b')]") == value  # deterministic


def test_hashes_of_unknown_or_placeholder_inputs_are_unknown(arm):
    assert isinstance(arm.evaluate("[uniqueString(resourceGroup().id)]"), Unknown)
    value = arm.evaluate("[guid(resourceId('Microsoft.Storage/storageAccounts', 'st'))]")
    assert isinstance(value, Unknown) and "subscription" in value.reason
    assert isinstance(arm.evaluate("[uniqueString(utcNow())]"), Unknown)


def test_and_or_with_several_unknowns_still_decide_on_a_known_part():
    from linter.inputs.arm.evaluator import Env, evaluate
    from linter.inputs.arm.expressions import parse_template_string
    from linter.model import Unknown

    class Run:
        def parameter(self, name, env):
            return Unknown(f"parameter {name} has no value")

        def variable(self, name, env):
            return Unknown(name)

        def user_function(self, name):
            return None

        def report(self, message):
            pass

    def value(text):
        return evaluate(parse_template_string(text), Env(Run()))

    assert value("[and(parameters('a'), parameters('b'), false())]") is False
    assert value("[or(parameters('a'), parameters('b'), true())]") is True
    both = value("[and(parameters('a'), parameters('b'))]")
    assert isinstance(both, Unknown) and "parameter a" in both.reason
    assert isinstance(value("[equals(createArray(parameters('a'), parameters('b')), createArray(1, 2))]"), Unknown)
