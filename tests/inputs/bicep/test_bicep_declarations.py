"""Declarations: every statement kind, decorators, resource bodies, nested child resources, .bicepparam files."""

from __future__ import annotations

from pathlib import Path

from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.syntax.parser import parse, parse_params, parse_path
from tests.conftest import REPO

FIXTURES = REPO / "fixtures" / "bicep" / "parser"


def stmts(src: str, path: str = "t.bicep") -> list[A.Statement]:
    tree, problems = parse(src, path)
    assert problems == [], problems
    return tree.statements


def one(src: str) -> A.Statement:
    (st,) = stmts(src)
    return st


def test_target_scope_and_metadata() -> None:
    ts, md = stmts("targetScope = 'subscription'\nmetadata owner = { team: 'dr' }\n")
    assert isinstance(ts, A.TargetScope) and ts.value.value == "subscription"
    assert isinstance(md, A.Metadata) and md.name == "owner" and isinstance(md.value, A.ObjectLit)


def test_params_with_types_defaults_and_decorators() -> None:
    src = """
@description('Location of everything.')
@allowed([
  'westeurope'
  'northeurope'
])
param location string = resourceGroup().location

@secure()
param secret string

@minValue(1)
@maxValue(10)
param count int = 3

param tags object?
param names string[] = []
"""
    location, secret, count, tags, names = stmts(src)
    assert isinstance(location, A.Param) and location.name == "location"
    assert [d.name for d in location.decorators] == ["description", "allowed"]
    assert [s.value for s in location.decorators[1].args[0].items] == ["westeurope", "northeurope"]
    assert isinstance(location.type, A.TypeRef) and location.type.name == "string"
    assert isinstance(location.default, A.MemberAccess)
    assert secret.default is None and secret.decorators[0].name == "secure"
    assert count.default.value == 3
    assert isinstance(tags.type, A.NullableType) and tags.type.inner.name == "object"
    assert isinstance(names.type, A.ArrayType) and names.type.item.name == "string"


def test_namespaced_decorator() -> None:
    st = one("@sys.description('d')\nparam p string\n")
    assert (st.decorators[0].namespace, st.decorators[0].name) == ("sys", "description")


def test_resource_typed_param_and_output() -> None:
    p, o = stmts(
        "param sa resource 'Microsoft.Storage/storageAccounts@2023-01-01'\n"
        "output st resource 'Microsoft.Storage/storageAccounts@2023-01-01' = sa\n"
    )
    assert isinstance(p.type, A.ResourceType) and p.type.type_name == "Microsoft.Storage/storageAccounts@2023-01-01"
    assert isinstance(o, A.Output) and isinstance(o.type, A.ResourceType)


def test_vars_typed_and_untyped() -> None:
    a, b = stmts("var a = 1\nvar b string = 'x'\n")
    assert a.type is None and a.value.value == 1
    assert b.type.name == "string" and b.value.value == "x"


def test_resource_with_nested_child_resources_and_decorators() -> None:
    src = """
resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'st'
  location: location
  properties: {
    minimumTlsVersion: 'TLS1_2'
  }

  @description('The blob service.')
  resource blob 'blobServices' = {
    name: 'default'

    @batchSize(1)
    resource containers 'containers' = [for c in names: {
      name: c
    }]
  }
}
"""
    sa = one(src)
    assert isinstance(sa, A.Resource)
    assert sa.type_string == "Microsoft.Storage/storageAccounts@2023-01-01"
    assert not sa.existing
    body = sa.body
    assert isinstance(body, A.ObjectLit)
    assert [p.key for p in body.properties] == ["name", "location", "properties"]
    (blob,) = body.resources
    assert blob.name == "blob" and blob.type_string == "blobServices"
    assert [d.name for d in blob.decorators] == ["description"]
    assert (blob.line, blob.col) == (10, 3)
    (containers,) = blob.body.resources
    assert [d.name for d in containers.decorators] == ["batchSize"]
    assert isinstance(containers.body, A.ForExpr) and containers.body.item == "c"


def test_existing_conditional_and_looped_resources() -> None:
    src = """
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: kvName
  scope: resourceGroup(rg)
}
resource pe 'Microsoft.Network/privateEndpoints@2023-04-01' = if (deploy) {
  name: 'pe'
}
resource locks 'Microsoft.Authorization/locks@2020-05-01' = [for (l, i) in lockList: if (l.enabled) {
  name: 'lock-${i}'
  scope: kv
}]
resource child 'Microsoft.Network/virtualNetworks/subnets@2023-04-01' = {
  parent: vnet
  name: 'snet'
}
"""
    kv, pe, locks, child = stmts(src)
    assert kv.existing and isinstance(kv.body, A.ObjectLit)
    assert isinstance(pe.body, A.IfExpr) and pe.body.condition.name == "deploy"
    loop = locks.body
    assert isinstance(loop, A.ForExpr) and (loop.item, loop.index) == ("l", "i")
    assert isinstance(loop.body, A.IfExpr) and loop.condition is not None
    assert child.body.get("parent").name == "vnet"


def test_modules() -> None:
    src = """
@batchSize(2)
module net 'br/public:avm/res/network/virtual-network:0.5.0' = [for r in regions: {
  name: 'net-${r}'
  scope: resourceGroup(r)
  params: {
    location: r
  }
}]
module local './child.bicep' = if (enabled) {
  name: 'child'
}
"""
    net, local = stmts(src)
    assert isinstance(net, A.Module) and net.path.value == "br/public:avm/res/network/virtual-network:0.5.0"
    assert net.decorators[0].name == "batchSize" and isinstance(net.body, A.ForExpr)
    assert isinstance(local.body, A.IfExpr)


def test_outputs() -> None:
    a, b, c = stmts("output id string = sa.id\noutput n int = 1\noutput o object = {\n  a: 1\n}\n")
    assert isinstance(a, A.Output) and a.name == "id" and a.type.name == "string"
    assert b.value.value == 1
    assert isinstance(c.value, A.ObjectLit)


def test_functions() -> None:
    src = "@export()\nfunc join2(a string, b string?) string =>\n  '${a}-${b ?? ''}'\nfunc none() int => 1\n"
    f, g = stmts(src)
    assert isinstance(f, A.FuncDecl) and f.name == "join2"
    assert [(p.name, type(p.type).__name__) for p in f.params] == [("a", "TypeRef"), ("b", "NullableType")]
    assert f.return_type.name == "string" and isinstance(f.body, A.InterpString)
    assert f.decorators[0].name == "export"
    assert g.params == []


def test_imports_and_extensions() -> None:
    src = """
import { a, b as c } from 'types.bicep'
import {
  d
  e as f
} from 'br/public:avm/utl/types/avm-common-types:0.5.1'
import * as types from './types.bicep'
import 'az@1.0.0'
extension microsoftGraphV1
extension kubernetes with {
  namespace: 'default'
  kubeConfig: kc
} as k8s
provider 'br:example.azurecr.io/ext:1.0'
"""
    i1, i2, i3, old, ext, k8s, prov = stmts(src)
    assert [(i.name, i.alias) for i in i1.items] == [("a", None), ("b", "c")] and i1.source.value == "types.bicep"
    assert [(i.name, i.alias) for i in i2.items] == [("d", None), ("e", "f")]
    assert i3.wildcard_alias == "types" and i3.items == []
    assert isinstance(old, A.ExtensionDecl) and old.keyword == "import" and old.spec.value == "az@1.0.0"
    assert ext.keyword == "extension" and ext.spec.name == "microsoftGraphV1" and ext.config is None
    assert k8s.alias == "k8s" and isinstance(k8s.config, A.ObjectLit)
    assert prov.keyword == "provider"


def test_assert_and_test_blocks() -> None:
    a, t = stmts("assert ok = length(name) < 24\ntest t1 'main.bicep' = {\n  params: {}\n}\n")
    assert isinstance(a, A.Assert) and isinstance(a.value, A.Binary)
    assert isinstance(t, A.TestDecl) and t.path.value == "main.bicep"


def test_declaration_positions() -> None:
    tree, _ = parse("\n\n  @description('x')\n  param p string\n", "t.bicep")
    (p,) = tree.statements
    assert (p.line, p.col, p.end_line, p.end_col) == (4, 3, 4, 17)
    assert (p.decorators[0].line, p.decorators[0].col) == (3, 3)
    assert (p.type.line, p.type.col) == (4, 11)


def test_directives_are_kept_on_the_file() -> None:
    tree, problems = parse("#disable-next-line no-unused-vars\nvar x = 1\n", "t.bicep")
    assert problems == [] and tree.directives == [(1, 1, "#disable-next-line no-unused-vars")]


# ---------------------------------------------------------------- .bicepparam


def test_bicepparam_file() -> None:
    src = """using './main.bicep'

import { cfg } from 'shared.bicep'

var prefix = 'dr'

param location = 'westeurope'
param names = [
  '${prefix}-a'
]
param secret = az.getSecret('sub', 'rg', 'kv', 'name')
"""
    tree, problems = parse_params(src, "main.bicepparam")
    assert problems == []
    assert tree.kind == "bicepparam"
    using, imp, var, loc, names, secret = tree.statements
    assert isinstance(using, A.Using) and using.path.value == "./main.bicep"
    assert isinstance(imp, A.CompileTimeImport) and isinstance(var, A.Var)
    assert isinstance(loc, A.ParamAssignment) and loc.name == "location" and loc.value.value == "westeurope"
    assert isinstance(names.value, A.ArrayLit)
    assert isinstance(secret.value, A.Call) and secret.value.namespace == "az"


def test_bicepparam_detected_from_path_and_using_none_and_extends() -> None:
    tree, problems = parse("using none\nextends 'base.bicepparam'\nparam a = 1\n", "x.bicepparam")
    assert problems == [] and tree.kind == "bicepparam"
    using, ext, a = tree.statements
    assert using.path is None and isinstance(ext, A.Extends) and isinstance(a, A.ParamAssignment)


def test_using_with_config() -> None:
    tree, problems = parse_params("using 'main.bicep' with {\n  mode: 'stack'\n}\n", "p.bicepparam")
    assert problems == [] and isinstance(tree.statements[0].config, A.ObjectLit)


def test_param_forms_are_checked_against_file_kind() -> None:
    _, problems = parse("param a = 1\n", "main.bicep")
    assert len(problems) == 1 and problems[0].expected == "parameter type"
    _, problems = parse("param a string\n", "main.bicepparam")
    assert len(problems) == 1 and problems[0].expected == "'='"
    _, problems = parse("using 'main.bicep'\n", "main.bicep")
    assert len(problems) == 1


def test_parse_path_on_fixture() -> None:
    tree, problems = parse_path(FIXTURES / "dr_sample.bicep")
    assert problems == []
    names = [s.name for s in tree.statements if isinstance(s, (A.Resource, A.Module))]
    assert names == ["primary", "secondary", "replication", "failoverGroup"]
    tree, problems = parse_path(FIXTURES / "dr_sample.bicepparam")
    assert problems == [] and tree.kind == "bicepparam"


def test_parse_path_reports_unreadable_file(tmp_path: Path) -> None:
    tree, problems = parse_path(tmp_path / "missing.bicep")
    assert tree.statements == [] and len(problems) == 1
