"""Type expressions: built-ins, arrays, nullables, unions of literals, object and tuple types, type access."""

from __future__ import annotations

import pytest

from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.syntax.parser import parse


def typ(src: str) -> A.TypeExpr:
    tree, problems = parse(f"type t = {src}\n", "t.bicep")
    assert problems == [], problems
    (st,) = tree.statements
    assert isinstance(st, A.TypeDecl)
    return st.type


@pytest.mark.parametrize("name", ["string", "int", "bool", "object", "array", "any", "myUserType"])
def test_named_types(name: str) -> None:
    t = typ(name)
    assert isinstance(t, A.TypeRef) and t.name == name


def test_array_and_nullable() -> None:
    t = typ("string[]")
    assert isinstance(t, A.ArrayType) and t.item.name == "string"
    t = typ("string[]?")
    assert isinstance(t, A.NullableType) and isinstance(t.inner, A.ArrayType)
    t = typ("int?[]")
    assert isinstance(t, A.ArrayType) and isinstance(t.item, A.NullableType)


def test_union_of_literals() -> None:
    t = typ("'a' | 'b' | 1 | -1 | true | null")
    assert isinstance(t, A.UnionType)
    kinds = [type(m).__name__ for m in t.members]
    assert kinds == ["StringLit", "StringLit", "IntLit", "Unary", "BoolLit", "NullLit"]
    assert [m.value for m in t.members[:3]] == ["a", "b", 1]


def test_union_one_member_per_line_with_leading_bar() -> None:
    t = typ("\n  | 'Standard_LRS'\n  | 'Standard_GRS'\n  | { cpu: '1', memory: '2Gi' }")
    assert isinstance(t, A.UnionType) and len(t.members) == 3
    assert isinstance(t.members[2], A.ObjectType)


def test_parenthesized_union_array() -> None:
    t = typ("('a' | 'b')[]")
    assert isinstance(t, A.ArrayType) and isinstance(t.item, A.UnionType)


def test_object_type_with_decorators_optional_and_additional_properties() -> None:
    src = """{
  @description('Required. The name.')
  @minLength(1)
  name: string

  size?: int
  'quoted-key': bool
  nested: {
    inner: string[]
  }?
  @description('Anything else.')
  *: string
}"""
    t = typ(src)
    assert isinstance(t, A.ObjectType)
    assert [(p.name, p.optional) for p in t.properties] == [
        ("name", False), ("size", True), ("quoted-key", False), ("nested", False), ("*", False)
    ]  # fmt: skip
    assert [d.name for d in t.properties[0].decorators] == ["description", "minLength"]
    assert isinstance(t.properties[3].type, A.NullableType)
    assert t.additional is t.properties[4] and t.additional.decorators[0].name == "description"


def test_sealed_and_discriminated_object_types() -> None:
    tree, problems = parse(
        "@sealed()\ntype a = { x: string }\n@discriminator('kind')\ntype u = aType | bType\n", "t.bicep"
    )
    assert problems == []
    a, u = tree.statements
    assert a.decorators[0].name == "sealed" and u.decorators[0].args[0].value == "kind"
    assert [m.name for m in u.type.members] == ["aType", "bType"]


def test_tuple_type() -> None:
    t = typ("[\n  @description('first')\n  string\n  int\n]")
    assert isinstance(t, A.TupleType)
    assert [i.type.name for i in t.items] == ["string", "int"]
    assert t.items[0].decorators[0].name == "description"
    assert [i.type.name for i in typ("[string, int]").items] == ["string", "int"]


def test_type_access_forms() -> None:
    t = typ("sys.string")
    assert isinstance(t, A.TypePropertyAccess) and t.base.name == "sys" and t.name == "string"
    t = typ("myObj.prop.inner")
    assert isinstance(t, A.TypePropertyAccess) and t.name == "inner" and t.base.name == "prop"
    assert isinstance(typ("myArr[*]"), A.TypeItemsAccess)
    t = typ("myTuple[1]")
    assert isinstance(t, A.TypeIndexAccess) and t.index == 1
    assert isinstance(typ("myObj.*"), A.TypeAdditionalPropertiesAccess)


def test_parameterized_resource_input_types() -> None:
    t = typ("resourceInput<'Microsoft.Storage/storageAccounts@2023-01-01'>.properties.networkAcls?")
    assert isinstance(t, A.NullableType)
    access = t.inner
    assert isinstance(access, A.TypePropertyAccess) and access.name == "networkAcls"
    param = access.base.base
    assert isinstance(param, A.ParameterizedType) and param.name == "resourceInput"
    assert param.args[0].value == "Microsoft.Storage/storageAccounts@2023-01-01"


def test_param_and_output_types_use_the_same_grammar() -> None:
    tree, problems = parse(
        "param p 'a' | 'b' = 'a'\n"
        "param q { a: int }[]?\n"
        "output o resourceOutput<'Microsoft.Web/sites@2023-01-01'>.properties = site.properties\n",
        "t.bicep",
    )
    assert problems == []
    p, q, o = tree.statements
    assert isinstance(p.type, A.UnionType) and p.default.value == "a"
    assert isinstance(q.type, A.NullableType) and isinstance(q.type.inner.item, A.ObjectType)
    assert isinstance(o.type, A.TypePropertyAccess)


def test_type_positions() -> None:
    tree, _ = parse("type t = {\n  a: 'x' | 'y'\n}\n", "t.bicep")
    prop = tree.statements[0].type.properties[0]
    assert (prop.line, prop.col) == (2, 3)
    union = prop.type
    assert (union.line, union.col, union.end_line, union.end_col) == (2, 6, 2, 15)
    assert (union.members[1].line, union.members[1].col) == (2, 12)
