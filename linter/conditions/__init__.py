"""The condition language: a small tree compiled once from rule YAML and evaluated with Kleene logic.

A condition evaluates to PASS, FAIL or UNKNOWN. UNKNOWN is what an unknowable value (a template expression that
cannot be resolved, a resource outside the estate, a type the input cannot observe) turns into: it never
becomes PASS or FAIL by accident. docs/rule-language.md describes the language for users.

- core.py: outcomes, scope, allOf / anyOf / not
- operands.py: literals, parameters, fields of this or the outer resource, region facts
- operators.py: field operators and bounded counts
- relations.py: `ref` and `aggregate` (cross-resource)
- compiler.py: from rule YAML to the tree
"""

from linter.conditions.compiler import compile_condition, compile_selection
from linter.conditions.core import Condition, ConditionError, Evidence, Scope, Tri, Verdict
from linter.conditions.operators import Bounds
from linter.conditions.relations import Selection

__all__ = ["Bounds", "Condition", "ConditionError", "Evidence", "Scope", "Selection", "Tri", "Verdict",
           "compile_condition", "compile_selection"]
