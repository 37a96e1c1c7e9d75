"""Bicep expressions evaluate as the compiler's ARM expressions would (operators, strings, access, loops)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("expr", "expected"), [
    ("true && false", False), ("true || false", True), ("!true", False), ("!(1 == 2)", True),
    ("1 == 1", True), ("'a' != 'b'", True), ("'ABC' =~ 'abc'", True), ("'ABC' !~ 'abc'", False),
    ("'ABC' == 'abc'", False), ("1 < 2", True), ("2 <= 2", True), ("3 > 4", False), ("4 >= 5", False),
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("7 - 10", -3), ("7 / 2", 3), ("7 % 4", 3), ("-5", -5),
    ("null ?? 'x'", "x"), ("null ?? null ?? 3", 3), ("true ? 'yes' : 'no'", "yes"), ("false ? 1 : 2", 2),
    ("'a${1 + 1}b${'c'}'", "a2bc"), ("'{braces} ${1}'", "{braces} 1"), ("'''raw ${x}'''", "raw ${x}"),
    ("'[not an expression]'", "[not an expression]"), ("{ a: 1, 'b-c': [1, 2] }", {"a": 1, "b-c": [1, 2]}),
    ("{ a: 1 }.a", 1), ("{ a: 1 }.?b", None), ("{ a: { b: 2 } }.?a.b", 2), ("{ a: null }.?a.b", None),
    ("[1, 2, 3][1]", 2), ("[1][?5]", None), ("{ 'x-y': 3 }['x-y']", 3),
    ("{ ...{ a: 1, b: 1 }, b: 2 }", {"a": 1, "b": 2}), ("[0, ...[1, 2], 3]", [0, 1, 2, 3]),
    ("map([1, 2], x => x * 10)", [10, 20]), ("filter([1, 2, 3], x => x > 1)", [2, 3]),
    ("reduce([1, 2, 3], 0, (acc, x) => acc + x)", 6), ("toObject(['a'], k => k, k => 1)", {"a": 1}),
    ("[for x in ['a', 'b']: toUpper(x)]", ["A", "B"]), ("[for (x, i) in ['a', 'b']: '${i}${x}']", ["0a", "1b"]),
    ("[for i in range(0, 6): if (i % 2 == 0) i]", [0, 2, 4]),
    ("[for (x, i) in ['a', 'b', 'c']: if (x != 'a') '${x}${i}']", ["b1", "c2"]),
    ("[for x in [[1, 2], [3]]: [for y in x: if (y > 1) y]]", [[2], [3]]),
    ("sys.concat('a', 'b')", "ab"), ("az.resourceGroup().type", "Microsoft.Resources/resourceGroups"),
    ("any('x')", "x"), ("empty([])", True), ("last(split('a/b/c', '/'))", "c"),
])
def test_expression_values(tmp_path, expr, expected, bicep):
    assert bicep.value_of(tmp_path, expr) == expected


def test_variables_parameters_and_user_functions(tmp_path, bicep):
    prelude = """
    param count int = 2
    param names array = ['x', 'y']
    @allowed(['a', 'b'])
    param choice string = 'a'
    param optional string?
    var doubled = [for n in names: '${n}${n}']
    func greet(who string) string => 'hi ${who}'
    func twice(who string) string => '${greet(who)}/${greet(who)}'
    """
    expr = "{ c: count, d: doubled, g: twice('bob'), ch: choice, o: optional, late: later }\nvar later = 'L'"
    value = bicep.value_of(tmp_path, expr.split("\n")[0], prelude + "\nvar later = 'L'")
    assert value == {"c": 2, "d": ["xx", "yy"], "g": "hi bob/hi bob", "ch": "a", "o": None, "late": "L"}


def test_local_imports_of_variables_functions_and_types(tmp_path, bicep):
    extra = {"lib.bicep": """
        @export()
        var prefix = 'p-${suffix}'
        var suffix = 's'
        func base() string => 'p-s'
        @export()
        func tag(x string) string => '${base()}:${x}'
        @export()
        type maybe = string?
        """}
    prelude = """
    import { prefix, tag as t, maybe } from 'lib.bicep'
    import * as lib from 'lib.bicep'
    param p maybe
    """
    value = bicep.value_of(tmp_path, "{ a: prefix, b: t('x'), c: lib.prefix, d: lib.tag('y'), e: p }", prelude, extra)
    assert value == {"a": "p-s", "b": "p-s:x", "c": "p-s", "d": "p-s:y", "e": None}


def test_load_functions_read_files_inside_the_root(tmp_path, bicep):
    extra = {"data/settings.json": '{"sku": {"name": "Standard_GZRS"}, "list": [1, 2]}',
             "data/note.txt": "hello", "data/conf.yaml": "a: 1\n"}
    expr = ("{ j: loadJsonContent('data/settings.json'), p: loadJsonContent('data/settings.json', '$.sku.name'), "
            "t: loadTextContent('data/note.txt'), b: loadFileAsBase64('data/note.txt'), "
            "y: loadYamlContent('data/conf.yaml') }")
    value = bicep.value_of(tmp_path, expr, extra=extra)
    assert value == {"j": {"sku": {"name": "Standard_GZRS"}, "list": [1, 2]}, "p": "Standard_GZRS", "t": "hello",
                     "b": "aGVsbG8=", "y": {"a": 1}}


def test_load_functions_never_read_outside_the_root(tmp_path, bicep):
    outside = tmp_path / "secret.txt"
    outside.write_text("do not read", encoding="utf-8")
    root = tmp_path / "repo"
    root.mkdir()
    value = bicep.value_of(root, "loadTextContent('../secret.txt')")
    assert "outside the scanned tree" in bicep.reason(value)
    assert "does not exist" in bicep.reason(bicep.value_of(root, "loadTextContent('missing.txt')"))


@pytest.mark.parametrize(("expr", "cause"), [
    ("environment().name", "environment()"),
    ("utcNow()", "utcnow"),
    ("newGuid()", "newguid"),
    ("readEnvironmentVariable('DRLINT_TEST_NOT_SET')", "environment variable DRLINT_TEST_NOT_SET"),
    ("az.getSecret('s', 'rg', 'kv', 'name')", "secret"),
    ("externalInput('x')", "externalinput"),
    ("resourceGroup().location", "resourcegroup().location"),
    ("subscription().subscriptionId", "subscription"),
    ("missing", "'missing' is not declared"),
    ("deployer().objectId", "deployer()"),
])
def test_unknowable_values_are_unknown_with_the_cause(tmp_path, expr, cause, bicep):
    assert cause.lower() in bicep.reason(bicep.value_of(tmp_path, expr)).lower()


def test_registry_imports_are_unknown(tmp_path, bicep):
    value = bicep.value_of(tmp_path, "shared", "import { shared } from 'br/public:avm/utl/types/x:1.0.0'")
    assert "br/public:avm/utl/types/x:1.0.0" in bicep.reason(value)


def test_unknown_inside_a_function_argument_stays_unknown_and_known_branches_decide(tmp_path, bicep):
    assert bicep.reason(bicep.value_of(tmp_path, "toLower(utcNow())"))
    assert bicep.value_of(tmp_path, "false && utcNow() == 'x'") is False
    assert bicep.value_of(tmp_path, "utcNow() == '' ? 'same' : 'same'") == "same"


def test_a_file_with_a_syntax_error_is_a_located_diagnostic_and_the_rest_is_evaluated(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"main.bicep": """
        resource ok 'Microsoft.Storage/storageAccounts@2023-05-01' = {
          name: 'ok'
          location: 'eastus'
        }
        resource broken 'Microsoft.Storage/storageAccounts@2023-05-01' = {
          name: 'broken'
          location: (
        }
        """})
    assert [r.name for r in loaded.resources] == ["ok"]
    problems = [d for d in loaded.diagnostics if d.severity == "error"]
    assert problems and problems[0].position.file == "main.bicep" and problems[0].position.line in (7, 8)
    assert "syntax" in loaded.origins[0].unobserved_reason("Microsoft.Storage/storageAccounts")
    assert "main.bicep" in bicep.messages(loaded)


def test_read_environment_variable_reads_the_variable_or_its_default(tmp_path, monkeypatch, bicep):
    monkeypatch.setenv("DRLINT_TEST_REGION", "westeurope")
    monkeypatch.delenv("DRLINT_TEST_NOT_SET", raising=False)
    assert bicep.value_of(tmp_path, "readEnvironmentVariable('DRLINT_TEST_REGION', 'eastus2')") == "westeurope"
    assert bicep.value_of(tmp_path, "readEnvironmentVariable('DRLINT_TEST_NOT_SET', 'eastus2')") == "eastus2"
