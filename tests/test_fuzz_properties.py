"""Property tests: whatever an input holds, the expression evaluator, the condition language and the Bicep
parser return (a value, an Unknown, a located problem) and never raise, within their bounds of work.

Examples are bounded (`max_examples`) and the database is off, so the suite's time stays modest and runs are
reproducible; `derandomize` makes every run try the same examples.
"""

from __future__ import annotations

import contextlib
import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.conditions import ConditionError, Scope, Tri, Verdict, compile_condition
from linter.inputs.arm import budget as budget_module
from linter.inputs.arm.budget import Budget
from linter.inputs.arm.evaluator import Env, evaluate_string
from linter.inputs.arm.expressions import ExpressionError, parse_template_string
from linter.inputs.arm.functions import FUNCTIONS
from linter.inputs.arm.functions.core import BudgetExceeded
from linter.inputs.arm.scope import DeploymentContext
from linter.inputs.arm.template import TemplateRun
from linter.inputs.bicep.syntax.parser import parse
from linter.inputs.jsondoc import parse_json
from linter.model import Estate, Unknown
from linter.records import is_record
from tests.helpers import make

FUZZ = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# ---- the ARM expression evaluator ---------------------------------------------------------------------------
NAMES = [*sorted(FUNCTIONS), "ns.f", "ns.twice", "nosuchfunction", "listKeys"]
HOSTILE_INTS = st.sampled_from([0, 1, -1, 2, 7, 800, 801, 10**4, 2**31, 2**63, -(2**63) - 1, 2_000_000_000, 10**30])
HOSTILE_TEXT = st.lists(st.sampled_from([*"ab{}[](),.'0:-/ \\\x1b\u202e\ud800", "{0}", "{0,9}", "{0:D5}"]),
                        max_size=8).map("".join)


def _literal() -> st.SearchStrategy[str]:
    return st.one_of(
        HOSTILE_INTS.map(str),
        HOSTILE_TEXT.map(lambda t: "'" + t.replace("'", "''") + "'"),
        st.sampled_from(["true", "false", "null", "parameters('p')", "variables('v')", "variables('big')",
                         "copyIndex()", "lambdaVariables('x')", "lambda('x', lambdaVariables('x'))",
                         "resourceGroup().location", "deployment().name"]),
    )


EXPRESSIONS = st.recursive(
    _literal(),
    lambda inner: st.one_of(
        st.builds(lambda name, args: f"{name}({', '.join(args)})", st.sampled_from(NAMES),
                  st.lists(inner, max_size=4)),
        st.builds(lambda target, member: f"{target}.{member}", inner, st.sampled_from(["x", "name", "length"])),
        st.builds(lambda target, index: f"{target}[{index}]", inner, inner),
    ),
    max_leaves=12,
)

TEMPLATE = {
    "parameters": {"p": {"type": "string", "defaultValue": "abc"}},
    "variables": {"v": [1, 2, 3], "big": "[range(0, 1000)]"},
    "functions": [{"namespace": "ns", "members": {
        "f": {"parameters": [{"name": "x", "type": "string"}], "output": {"type": "string",
                                                                       "value": "[concat(parameters('x'), 'f')]"}},
        "twice": {"parameters": [{"name": "x", "type": "string"}],
                  "output": {"type": "string", "value": "[concat(ns.twice(parameters('x')), ns.twice('y'))]"}},
    }}],
}


class _Sink:
    def __init__(self) -> None:
        self.budget = Budget()
        self.runs: list = []

    def report(self, *args, **kwargs) -> None:
        pass

    def find_id(self, key: str) -> None:
        return None


def _run() -> TemplateRun:
    return TemplateRun(sink=_Sink(), template=json.loads(json.dumps(TEMPLATE)), document=parse_json("{}", "t.json"),
                       base=(), file=None, context=DeploymentContext(label="t", name="t"))


def _json_like(value, depth=0) -> bool:
    if depth > 300 or isinstance(value, Unknown) or callable(value):
        return True
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_like(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_like(v, depth + 1) for v in value)
    return value is None or isinstance(value, (bool, int, float, str))


@FUZZ
@given(EXPRESSIONS)
def test_any_expression_evaluates_to_a_value_or_an_unknown(expression):
    try:
        value = evaluate_string(f"[{expression}]", Env(_run()))
    except BudgetExceeded:
        return  # the designed way out: the deployment is reported at this expression
    assert _json_like(value)


@FUZZ
@given(st.text(max_size=60))
def test_any_text_parses_to_an_expression_or_an_error(text):
    result = parse_template_string(f"[{text}]")
    assert result is not None and (isinstance(result, ExpressionError) or is_record(result))


@settings(FUZZ, max_examples=30)
@given(EXPRESSIONS)
def test_expressions_that_recurse_stay_within_the_budget(expression):
    saved = budget_module.MAX_STEPS
    budget_module.MAX_STEPS = 20_000  # the same bound, smaller, so each example is quick
    try:
        run = _run()
        with contextlib.suppress(BudgetExceeded):
            evaluate_string(f"[ns.twice({expression})]", Env(run))
        assert run.sink.budget.steps <= 20_000 + 10_000  # one charge may overshoot by a value's size
    finally:
        budget_module.MAX_STEPS = saved


# ---- the condition language ----------------------------------------------------------------------------------
KEYS = ["field", "value", "equals", "notEquals", "in", "notIn", "match", "count", "where", "exists", "allOf",
        "anyOf", "not", "ref", "condition", "aggregate", "select", "type", "via", "distinct", "as", "greater",
        "less", "startsWith", "contains", "caseSensitive", "param", "region", "x"]
SCALARS = st.one_of(st.none(), st.booleans(), HOSTILE_INTS, HOSTILE_TEXT,
                    st.sampled_from(["name", "sku.name", "properties.x[*].y", "tags.a", "^(a+)+$", "(", "Microsoft.A/b",
                                     "location", "id", "properties[0]", "$..x", "[*]"]))
CONDITIONS = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)), max_leaves=10)
VALUES = st.recursive(st.one_of(st.none(), st.booleans(), HOSTILE_INTS, HOSTILE_TEXT),
                      lambda inner: st.one_of(st.lists(inner, max_size=3),
                                              st.dictionaries(st.sampled_from(["x", "y", "name", "a"]), inner,
                                                              max_size=3)), max_leaves=8)


@FUZZ
@given(CONDITIONS, VALUES, HOSTILE_TEXT)
def test_any_condition_compiles_or_is_a_located_error_and_evaluates_without_raising(raw, properties, name):
    try:
        condition = compile_condition(raw, ("condition",))
    except ConditionError as exc:
        assert exc.path[:1] == ("condition",)
        return
    resource = make("Microsoft.Test/things", name or "t", properties=properties, tags={"a": name})
    scope = Scope(Estate([resource]), resource, resource.fields(), {}, subject=resource)
    verdict = condition.evaluate(scope)
    assert isinstance(verdict, Verdict) and verdict.tri in (Tri.PASS, Tri.FAIL, Tri.UNKNOWN)


# ---- the Bicep parser ----------------------------------------------------------------------------------------
BICEP_WORDS = ["param", "var", "resource", "module", "output", "func", "type", "import", "using", "for", "in",
               "if", "existing", "@secure()", "@description('x')", "'Microsoft.Storage/storageAccounts@2023-01-01'",
               "=", "{", "}", "[", "]", "(", ")", ":", "?", "??", ".", ",", "=>", "!", "&&", "||", "==", "x", "y",
               "'s'", "'${x}'", "'''multi\nline'''", "1", "-1", "99999999999999999999", "true", "null", "\n", " ",
               "//c\n", "/*", "*/", "'", "$", "${", "#disable-next-line x\n", "\x1b", "\ud800", "\u202e"]


@FUZZ
@given(st.lists(st.sampled_from(BICEP_WORDS), max_size=80))
def test_any_token_soup_parses_to_a_tree_and_located_problems(words):
    source = " ".join(words)
    tree, problems = parse(source, "fuzz.bicep")
    assert tree is not None
    for problem in problems:
        assert problem.line >= 1 and problem.col >= 1
        assert "the parser failed" not in problem.message, problem.message


@FUZZ
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(list(string.printable)),
               max_size=200), st.booleans())
def test_any_text_parses_without_raising(text, params):
    tree, problems = parse(text, "fuzz.bicepparam" if params else "fuzz.bicep")
    assert tree is not None
    assert not any("the parser failed" in p.message for p in problems), [p.message for p in problems]


@pytest.mark.parametrize("source", ["param p string = '${'", "var x = [for i in range(0, 2): ", "resource r 'a@b' = {"])
def test_truncated_declarations_are_problems(source):
    _, problems = parse(source, "t.bicep")
    assert problems
