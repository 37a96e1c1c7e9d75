"""Evaluation of expression ASTs and of JSON values that contain expressions.

The evaluator knows nothing of templates: everything template-specific (parameters, variables, user
functions, resources, the deployment context) is asked of `env.run`, an object of the template evaluation
(see template.py). Any failure inside a function becomes an Unknown naming the function and the cause.
The one exception is the deployment's budget of work (budget.py): every call and value is charged to it,
and past a bound `BudgetExceeded` stops the deployment, carrying the innermost expression that hit it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from linter.inputs.arm.expressions import Call, ExpressionError, Index, Lit, Member, Node, parse_template_string
from linter.inputs.arm.functions import FUNCTIONS
from linter.inputs.arm.functions import core as values
from linter.inputs.arm.functions.core import (
    BudgetExceeded,
    EvalError,
    UnknownInside,
    check_items,
    get_ci,
    type_name,
)
from linter.model import MISSING, Unknown, derived

MAX_COPY = 800  # Azure's own limit on copy loops
MAX_CALL_DEPTH = 60


class Env:
    """The dynamic part of an evaluation: the template run, copy loop indexes and lambda variables."""

    __slots__ = ("budget", "copy", "depth", "lambdas", "run")

    def __init__(
        self, run: Any, copy: Mapping[str, Any] | None = None, lambdas: Mapping[str, Any] | None = None,
        depth: int = 0,
    ) -> None:
        self.run = run
        self.copy = copy or {}
        self.lambdas = lambdas or {}
        self.depth = depth
        # the deployment's budget of work (budget.py), shared by every run of the deployment
        self.budget = getattr(getattr(run, "sink", None), "budget", None)

    def with_copy(self, name: str, index: Any) -> Env:
        # "" is the innermost loop: copyIndex() without a name reads it.
        return Env(self.run, {**self.copy, name.lower(): index, "": index}, self.lambdas, self.depth)

    def with_lambdas(self, values: Mapping[str, Any]) -> Env:
        return Env(self.run, self.copy, {**self.lambdas, **values}, self.depth)

    def eval(self, node: Node) -> Any:
        """Evaluate a node here (lazy functions receive nodes and call this)."""
        return evaluate(node, self)

    def lambda_(self, names: tuple[str, ...], body: Node) -> Lambda:
        return Lambda(names, body, self)


class Lambda:
    """A `lambda('x', body)` value: a closure over the environment it was created in."""

    __slots__ = ("body", "env", "names")

    def __init__(self, names: tuple[str, ...], body: Node, env: Env) -> None:
        self.names = names
        self.body = body
        self.env = env

    def __call__(self, *args: Any) -> Any:
        values = {name.lower(): value for name, value in zip(self.names, args, strict=False)}
        return evaluate(self.body, self.env.with_lambdas(values))


def evaluate(node: Node, env: Env) -> Any:
    kind = type(node)
    if kind is Lit:
        return node.value  # type: ignore[union-attr]
    if kind is Call:
        return _call(node, env)  # type: ignore[arg-type]
    if kind is Member:
        return member(evaluate(node.target, env), node.name)  # type: ignore[union-attr]
    if kind is Index:
        return index(evaluate(node.target, env), evaluate(node.index, env))  # type: ignore[union-attr]
    raise TypeError(f"not an expression node: {node!r}")


def member(target: Any, name: str) -> Any:
    if isinstance(target, Unknown):
        return derived(target, ".", (target, name.lower()))
    if isinstance(target, dict):
        found = get_ci(target, name)
        if found is MISSING:
            return Unknown(f"property '{name}' is not set in the template (Azure may set it at deployment)")
        return found
    return Unknown(f"cannot read property '{name}' of a value of type {type_name(target)}")


def index(target: Any, key: Any) -> Any:
    if isinstance(target, Unknown) or isinstance(key, Unknown):
        unknown = target if isinstance(target, Unknown) else key
        return derived(unknown, "[]", (target, key))
    if isinstance(target, list) and isinstance(key, int) and not isinstance(key, bool):
        if 0 <= key < len(target):
            return target[key]
        return Unknown(f"index {key} is outside an array of {len(target)} elements")
    if isinstance(target, dict) and isinstance(key, str):
        return member(target, key)
    return Unknown(f"cannot index a value of type {type_name(target)} with {type_name(key)}")


# Functions that hand back a value that already exists (accounted for when it was built).
_PASSING_ON = frozenset({"parameters", "variables", "lambdavariables", "if", "coalesce", "first", "last",
                         "reference", "references", "trygetvalue", "tryget", "copyindex"})


def _call(node: Call, env: Env) -> Any:
    budget = env.budget
    if budget is not None:
        budget.step()
        if node.name not in _PASSING_ON:
            result = _call_function(node, env)
            _account(result, node, budget)
            return result
    return _call_function(node, env)


def _account(value: Any, node: Call, budget: Any) -> None:
    """Charge the deployment for a value a function built; refuse one past the size bounds."""
    kind = type(value)
    if kind is str:
        if len(value) > values.MAX_STRING_CHARS:
            raise BudgetExceeded(f"{node.spelled}() made a string of {len(value):,} characters; the limit is "
                                 f"{values.MAX_STRING_CHARS:,}")
        budget.built(len(value))
    elif kind is list or kind is dict:
        budget.step(len(value))
        check_items(value, f"{node.spelled}()")


def _call_function(node: Call, env: Env) -> Any:
    function = FUNCTIONS.get(node.name)
    if function is None:
        if "." in node.name:
            return env.run.call_user_function(node, env)
        if node.name.startswith("list"):
            return Unknown(f"{node.spelled}() returns values (keys, secrets) only Azure knows at deployment")
        env.run.report(f"unknown template function '{node.spelled}'")
        return Unknown(f"the template function '{node.spelled}' is not supported")
    count = len(node.args)
    if count < function.min_args or (function.max_args is not None and count > function.max_args):
        return Unknown(f"{node.spelled}() called with {count} argument(s)")
    if env.depth > MAX_CALL_DEPTH:
        return Unknown("expression evaluation nested too deeply")
    try:
        if function.lazy:
            return function.call(env, node.args)
        args = [evaluate(arg, env) for arg in node.args]
        if not function.unknown_ok:
            for arg in args:
                if isinstance(arg, Unknown):
                    return derived(arg, node.name, tuple(args))
        result = function.call(env, *args)
        if isinstance(result, Unknown) and any(result is arg for arg in args):
            # an argument passed through: the result is a function of all of them, not that argument
            return derived(result, node.name, tuple(args))
        return result
    except UnknownInside as exc:
        found = exc.unknown
        return found if found.key is None else Unknown(found.reason, source=found.source)
    except (EvalError, TypeError, ValueError, KeyError, IndexError, ArithmeticError, OverflowError) as exc:
        return Unknown(f"{node.spelled}() failed: {exc}")
    except RecursionError:
        return Unknown(f"{node.spelled}() nested too deeply")


def evaluate_string(value: str, env: Env) -> Any:
    node = parse_template_string(value)
    if isinstance(node, ExpressionError):
        env.run.report(f"invalid expression {value[:120]!r}: {node}")
        return Unknown(f"the expression {value[:80]!r} does not parse: {node}")
    if type(node) is Lit:
        return node.value  # type: ignore[union-attr]
    try:
        return evaluate(node, env)
    except BudgetExceeded as exc:
        if exc.expression is None:  # the innermost expression is the one to show
            exc.expression = value if len(value) <= 160 else value[:157] + "..."
        raise


def resolve(value: Any, env: Env) -> Any:
    """A JSON value from the template with every expression in it evaluated (property `copy` expanded)."""
    if isinstance(value, str):
        if value[:1] == "[":
            return evaluate_string(value, env)
        return value
    if isinstance(value, dict):
        if env.budget is not None:
            env.budget.step(len(value) + 1)
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key == "copy" and _is_property_copy(item):
                for spec in item:
                    out[spec["name"]] = expand_copy(spec, env)
                continue
            if key[:1] == "[":
                evaluated_key = evaluate_string(key, env)
                key = evaluated_key if isinstance(evaluated_key, str) else key
            out[key] = resolve(item, env)
        return out
    if isinstance(value, list):
        if env.budget is not None:
            env.budget.step(len(value) + 1)
        return [resolve(item, env) for item in value]
    return value


def _is_property_copy(value: Any) -> bool:
    return (
        isinstance(value, list) and bool(value)
        and all(isinstance(s, dict) and isinstance(s.get("name"), str) and "input" in s for s in value)
    )


def copy_count(spec: Mapping[str, Any], env: Env) -> int | Unknown:
    count = resolve(spec.get("count", 0), env)
    if isinstance(count, Unknown):
        return count
    if isinstance(count, bool) or not isinstance(count, int):
        return Unknown(f"copy count is a {type_name(count)}, not an int")
    if count < 0:
        return Unknown(f"copy count {count} is negative")
    if count > MAX_COPY:
        return Unknown(f"copy count {count} exceeds Azure's limit of {MAX_COPY}")
    if env.budget is not None:
        env.budget.step(count)  # loops nest: 800 x 800 x 800 copies are charged as they are made
    return count


def expand_copy(spec: Mapping[str, Any], env: Env) -> Any:
    """A property or variable copy loop: the list of its `input` evaluated for each index."""
    count = copy_count(spec, env)
    if isinstance(count, Unknown):
        return Unknown(f"the number of '{spec.get('name')}' elements is not known: {count.reason}")
    name = str(spec.get("name", ""))
    return [resolve(spec["input"], env.with_copy(name, i)) for i in range(count)]
