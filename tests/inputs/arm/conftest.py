"""The `arm` fixture of the ARM front end tests: evaluate one expression, or load templates written to a folder."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from linter.diagnostics import Diagnostic
from linter.inputs import InputFile, LoadContext, Loaded
from linter.inputs.arm import FRONT_END
from linter.inputs.arm.evaluator import Env, evaluate_string
from linter.inputs.arm.scope import DeploymentContext
from linter.inputs.arm.template import TemplateRun
from linter.inputs.jsondoc import parse_json, read_json
from linter.model import Resource

TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
PARAMETERS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"


class RecordingSink:
    def __init__(self) -> None:
        self.messages: list[str] = []
        self.runs: list[TemplateRun] = []

    def report(self, message: str, document: Any, path: Any, severity: str = "warning") -> None:
        self.messages.append(message)

    def find_id(self, key: str) -> None:
        return None


def evaluate(text: str, template: Mapping[str, Any] | None = None, **context: Any) -> Any:
    """Evaluate one template string in a template (default: empty) deployed with `context`."""
    run = TemplateRun(
        sink=RecordingSink(), template=dict(template or {}), document=parse_json("{}", "t.json"), base=(),
        file=None, context=DeploymentContext(**{"label": "t", "name": "t", **context}),
    )
    return evaluate_string(text, Env(run))


def template(resources: Any = (), **sections: Any) -> dict[str, Any]:
    return {"$schema": TEMPLATE_SCHEMA, "contentVersion": "1.0.0.0", **sections,
            "resources": resources if isinstance(resources, dict) else list(resources)}


def parameters(**values: Any) -> dict[str, Any]:
    return {"$schema": PARAMETERS_SCHEMA, "contentVersion": "1.0.0.0",
            "parameters": {k: {"value": v} for k, v in values.items()}}


def write(root: Path, name: str, data: Any) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2), encoding="utf-8")
    return path


def load(root: Path, files: list[str] | None = None, deployments: list[dict[str, Any]] | None = None) -> Loaded:
    """Load the JSON files under `root` (or the named ones) the way a scan hands them to the front end."""
    ctx = LoadContext(root=root, deployments=deployments or [])
    paths = [root / f for f in files] if files else sorted(root.rglob("*.json"))
    inputs = []
    for path in paths:
        document = read_json(path, ctx.display(path))
        kind = FRONT_END.classify(path, document)
        if kind is not None:
            inputs.append(InputFile(path, ctx.display(path), kind, document))
    return FRONT_END.load(inputs, ctx)


def by_name(loaded: Loaded) -> dict[str, Resource]:
    return {str(r.name): r for r in loaded.resources}


def messages(diagnostics: list[Diagnostic]) -> str:
    return "\n".join(d.message for d in diagnostics)


class ArmHelpers:
    """What an ARM test needs, as one fixture (`arm.evaluate(...)`, `arm.load(tmp_path)`, ...)."""

    evaluate = staticmethod(evaluate)
    template = staticmethod(template)
    parameters = staticmethod(parameters)
    write = staticmethod(write)
    load = staticmethod(load)
    by_name = staticmethod(by_name)
    messages = staticmethod(messages)


@pytest.fixture
def arm() -> ArmHelpers:
    return ArmHelpers()
