"""`.bicepparam` files: which template they deploy (`using`) and the values they give its parameters.

A value may be any expression (variables of the file, functions, `extends` of a base file); it is evaluated
with the ARM evaluator in the deployment's context. `readEnvironmentVariable()` and `getSecret()` values are
Unknown: they are not in the files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from linter.inputs.arm.evaluator import Env
from linter.inputs.arm.instances import ParameterInput
from linter.inputs.arm.scope import DeploymentContext
from linter.inputs.arm.template import TemplateRun
from linter.inputs.bicep.compile.sourcemap import BicepDocument
from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.workspace import ParsedFile, Workspace
from linter.model import Position

MAX_EXTENDS = 8


def using_path(parsed: ParsedFile) -> Path | str | None:
    """The template a parameter file deploys; None for `using none` or no `using`; a str when not a plain path."""
    for statement in parsed.tree.statements:
        if isinstance(statement, A.Using):
            if statement.path is None:
                return None
            if isinstance(statement.path, A.StringLit):
                if ":" in statement.path.value.split("/", 1)[0]:
                    return f"'{statement.path.value}' is in a registry"
                return (parsed.path.parent / statement.path.value).resolve()
            return "the path after 'using' is not a plain string"
    return None


def assignments(ws: Workspace, parsed: ParsedFile, depth: int = 0) -> tuple[list[A.ParamAssignment], list[A.Var]]:
    """The file's `param` and `var` statements, after those of the file it `extends` (its own win)."""
    params: dict[str, A.ParamAssignment] = {}
    variables: dict[str, A.Var] = {}
    for statement in parsed.tree.statements:
        if isinstance(statement, A.Extends) and isinstance(statement.path, A.StringLit) and depth < MAX_EXTENDS:
            base = ws.parse((parsed.path.parent / statement.path.value).resolve())
            if isinstance(base, str):
                ws.report(f"extends: {base}", Position(parsed.display, statement.line, statement.col), "error")
                continue
            inherited, inherited_vars = assignments(ws, base, depth + 1)
            params.update({p.name: p for p in inherited})
            variables.update({v.name: v for v in inherited_vars})
    for statement in parsed.tree.statements:
        if isinstance(statement, A.ParamAssignment):
            params[statement.name] = statement
        elif isinstance(statement, A.Var):
            variables[statement.name] = statement
    return list(params.values()), list(variables.values())


def parameter_inputs(ws: Workspace, parsed: ParsedFile, context: DeploymentContext, sink: Any
                     ) -> tuple[dict[str, ParameterInput], dict[str, Position]]:
    """Each parameter's value (by lower-cased name), and where each is written (by its name as written)."""
    from linter.inputs.bicep.compile.transpile import FileTranspiler

    params, variables = assignments(ws, parsed)
    transpiler = FileTranspiler(ws, parsed, (parsed.path,))
    # parameters of a parameter file are values like variables: give them the same treatment
    transpiler.symbols.vars = {v.name: v for v in variables}
    for param in params:
        transpiler.symbols.vars[param.name] = A.Var(param.name, param.value, line=param.line, col=param.col)
    transpiler.imports.bind(transpiler.symbols.imports)
    transpiler.add_declarations()
    template = {"variables": transpiler.variables, "functions": transpiler.functions}
    document = BicepDocument(parsed.display, template, transpiler.map)
    run = TemplateRun(sink=sink, template=template, document=document, base=(), file=parsed.path, context=context)
    inputs: dict[str, ParameterInput] = {}
    positions: dict[str, Position] = {}
    for param in params:
        position = Position(parsed.display, param.line, param.col)
        inputs[param.name.lower()] = ParameterInput(run.variable(param.name, Env(run)), written=(position, None, None))
        positions[param.name] = position
    return inputs, positions
