"""What a live audit asks Azure for, derived from the active rules (no network)."""

from __future__ import annotations

from pathlib import Path

from linter.inputs.live.plan import kql_string, plan_audit, pushdown
from linter.rules import builtin_pack_dir, load_rules


def pack(*ids: str):
    """Built-in rules (those named, when given: the tests do not depend on what else the pack holds)."""
    rules, problems = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    assert not problems
    return [r for r in rules if not ids or r.id in ids]


FIRST_PACK = ("DR101", "DR104", "DR105", "DR106", "DR113", "DR201", "DR202", "DR301", "DR302", "DR401", "DR402")


def user_rule(tmp_path: Path, select: str, condition: str = "field: name\n  exists: true", scope: str = "resource",
              name: str = "r.yaml"):
    text = (f"id: ACME{len(list(tmp_path.iterdir())):03d}\nname: acme\ntitle: t\nseverity: warning\nscope: {scope}\n"
            f"select:\n{select}\ncondition:\n  {condition}\nmessage: m\ndocs: {{what: w, why: y, fix: f}}\n")
    (tmp_path / name).write_text(text)
    rules, problems = load_rules([tmp_path / name], builtin=False, validate_schema=False)
    assert not problems, problems
    return rules[0]


def test_builtin_rules_are_one_resources_query_and_connection_lists():
    plan = plan_audit(pack(*FIRST_PACK))
    assert [q.table for q in plan.queries] == ["resources"]
    query = plan.queries[0]
    assert query.types["microsoft.machinelearningservices/workspaces"] == "kind =~ 'Hub'"
    assert query.types["microsoft.cognitiveservices/accounts"] == "kind in~ ('AIServices', 'OpenAI')"
    # ref targets are fetched whole: a hub's storage account is read whatever its SKU
    assert query.types["microsoft.storage/storageaccounts"] is None
    assert query.types["microsoft.containerregistry/registries/replications"] is None
    assert set(query.columns) == {"id", "name", "type", "location", "kind", "properties", "sku"}
    assert [c.type for c in plan.children] == ["microsoft.machinelearningservices/workspaces/connections"]
    assert plan.child_parents_filtered["microsoft.machinelearningservices/workspaces/connections"]
    assert [p.text for p in plan.follow_paths] == ["properties.metadata.ResourceId"]
    kql = query.kql()
    assert kql.startswith("resources\n| where ") and kql.endswith("| order by id asc")


def test_a_child_read_directly_fetches_every_parent_and_locks_are_listed_per_subscription(tmp_path):
    deployments = user_rule(tmp_path, "  type: Microsoft.CognitiveServices/accounts/deployments",
                            "aggregate: {distinct: location}\n  greaterOrEquals: 2", scope="estate", name="a.yaml")
    locks = user_rule(tmp_path, "  type: Microsoft.Authorization/locks", name="b.yaml")
    plan = plan_audit([deployments, locks])
    assert plan.queries[0].types == {"microsoft.cognitiveservices/accounts": None}
    assert [c.type for c in plan.children] == ["microsoft.authorization/locks",
                                               "microsoft.cognitiveservices/accounts/deployments"]
    assert not plan.child_parents_filtered["microsoft.cognitiveservices/accounts/deployments"]
    assert "for each subscription" in plan.show()


def test_project_connections_need_projects_then_accounts(tmp_path):
    rule = user_rule(tmp_path, "  type: Microsoft.CognitiveServices/accounts/projects/connections")
    plan = plan_audit([rule])
    assert [c.type for c in plan.children] == ["microsoft.cognitiveservices/accounts/projects",
                                               "microsoft.cognitiveservices/accounts/projects/connections"]
    assert plan.queries[0].types == {"microsoft.cognitiveservices/accounts": None}


def test_role_assignments_query_the_authorization_table(tmp_path):
    rule = user_rule(tmp_path, "  type: Microsoft.Authorization/roleAssignments")
    plan = plan_audit([rule])
    assert [q.table for q in plan.queries] == ["authorizationresources"]
    assert "location" not in plan.queries[0].columns


def test_filters_push_down_only_what_kql_can_decide_exactly(tmp_path):
    on_properties = user_rule(tmp_path, "  type: Microsoft.KeyVault/vaults\n  where: {field: properties.sku.family, "
                              "equals: A}", name="a.yaml")
    plan = plan_audit([on_properties])
    assert plan.queries[0].types == {"microsoft.keyvault/vaults": None}  # case-sensitive member access: no
    starts = user_rule(tmp_path, "  type: Microsoft.Storage/storageAccounts\n  where: {field: sku.name, "
                       "startsWith: Standard_}", name="b.yaml")
    assert plan_audit([starts]).queries[0].types == {
        "microsoft.storage/storageaccounts": "tostring(sku.name) startswith 'Standard_'"}
    either = user_rule(tmp_path, "  type: Microsoft.Storage/storageAccounts\n  where: {anyOf: [{field: kind, equals: "
                       "A}, {field: properties.x, equals: 1}]}", name="c.yaml")
    assert plan_audit([either]).queries[0].types == {"microsoft.storage/storageaccounts": None}
    # two rules on one type: a row either selects must come back
    assert plan_audit([starts, on_properties, either]).queries[0].types["microsoft.storage/storageaccounts"] is None


def test_literals_are_escaped_and_control_characters_are_never_sent():
    assert kql_string("it's") == "'it\\'s'"
    assert kql_string("a\\b") == "'a\\\\b'"
    assert kql_string("x\ny") is None
    assert pushdown(None) is None


def test_rules_about_template_text_add_nothing_to_a_live_query():
    assert plan_audit(pack("DR113")).queries == []
