"""Parameter declarations into ARM parameter specs: the type, whether it is nullable, allowed values, default.

Only what evaluation needs is kept: a nullable parameter with no value is null (not "missing"), `@allowed`
values are checked, and the default is the value when nothing is passed. User-defined types are followed to
learn nullability; a type imported from a registry cannot be, so such a parameter is treated as required.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linter.inputs.bicep.syntax import ast as A

if TYPE_CHECKING:
    from linter.inputs.bicep.compile.transpile import FileTranspiler

_BUILTIN = {"string": "string", "int": "int", "bool": "bool", "object": "object", "array": "array", "any": "object"}
MAX_TYPE_DEPTH = 20


class Parameters:
    """One file's parameter declarations, as the ARM parameter specs the evaluator binds values to."""

    def __init__(self, owner: FileTranspiler) -> None:
        self.owner = owner

    def parameter_spec(self, param: A.Param) -> dict[str, Any]:
        arm_type, nullable = self.type_of(param.type, 0)
        secure = any(d.name == "secure" for d in param.decorators)
        if secure:
            arm_type = "securestring" if arm_type == "string" else "secureObject"
        spec: dict[str, Any] = {"type": arm_type}
        if nullable:
            spec["nullable"] = True
        for decorator in param.decorators:
            if decorator.name == "allowed" and len(decorator.args) == 1:
                spec["allowedValues"] = self.owner.value(decorator.args[0], {})
        if param.default is not None:
            path = ("parameters", param.name, "defaultValue")
            self.owner.record(path, param.default)
            spec["defaultValue"] = self.owner.value(param.default, {}, path)
        return spec

    def type_of(self, node: Any, depth: int) -> tuple[str, bool]:
        """The ARM type of a type expression, and whether it admits null."""
        if depth > MAX_TYPE_DEPTH:
            return "object", False
        if isinstance(node, A.NullableType):
            return self.type_of(node.inner, depth + 1)[0], True
        if isinstance(node, A.TypeRef):
            if node.name in _BUILTIN:
                return _BUILTIN[node.name], False
            declared = self.owner.symbols.types.get(node.name)
            if declared is not None:
                return self.type_of(declared.type, depth + 1)
            imported = self.owner.imports.type_decl(node.name)
            if imported is not None:
                owner, declared = imported
                return owner.parameters.type_of(declared.type, depth + 1)
            return "object", False
        if isinstance(node, (A.ArrayType, A.TupleType)):
            return "array", False
        if isinstance(node, A.UnionType):
            kinds = [self.type_of(m, depth + 1) for m in node.members]
            nullable = any(isinstance(m, A.NullLit) for m in node.members) or any(n for _, n in kinds)
            named = [k for k, _ in kinds if k != "null"]
            return (named[0] if named else "object"), nullable
        if isinstance(node, (A.StringLit, A.InterpString)):
            return "string", False
        if isinstance(node, (A.IntLit, A.Unary)):
            return "int", False
        if isinstance(node, A.BoolLit):
            return "bool", False
        if isinstance(node, A.NullLit):
            return "null", True
        if isinstance(node, A.ResourceType):
            return "string", False
        return "object", False
