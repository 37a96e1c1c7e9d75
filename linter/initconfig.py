"""`drlint init`: look at a repository and write a commented starter drlint.yaml.

It finds ARM templates, their JSON parameter files, Bicep files with their `.bicepparam` files, azd projects
(`azure.yaml`: `infra/main.bicep` with `main.parameters.json`, values from `.azure/<env>/.env`) and Resource
Graph exports, and writes one `deployments:` entry per template deployment with its region when a file says
it. What it assumed and what it could not tell are printed and written as comments, so a person can finish
the file; drlint loads the file as written without error (checked before it is written).

Everything read is untrusted: the walk stays inside the folder, skips symlinks and build folders, stops after
MAX_FILES files, and reads at most MAX_BYTES of any file.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from linter import regions
from linter.records import field, record

MAX_FILES = 20_000
MAX_BYTES = 2_000_000
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".terraform",
             ".mypy_cache", ".pytest_cache", ".ruff_cache", ".azure", ".github", "bin", "obj"}
_USING = re.compile(r"^\s*using\s+'([^'\r\n]+)'", re.MULTILINE)
_BICEP_PARAM_VALUE = re.compile(r"^\s*param\s+location\s*=\s*'([^'$\r\n]*)'\s*(?://.*)?$", re.MULTILINE | re.I)
_BICEP_DEFAULT = re.compile(r"^\s*param\s+location\s+string\s*=\s*'([^'$\r\n]*)'\s*(?://.*)?$",
                            re.MULTILINE | re.I)
_MODULE = re.compile(r"^\s*module\s+\w+\s+'([^'\r\n]+)'", re.MULTILINE)
_AZD_VALUE = re.compile(r"^\$\{(\w+)(?:=([^}]*))?\}$")
_AZD_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:=[^}]*)?\}")
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


@record
class Deployment:
    name: str
    template: str
    parameters: str | None = None
    location: str | None = None
    subscription: str | None = None
    notes: list[str] = field(default_factory=list)  # comments written beside the entry


@record
class Survey:
    """What `init` found and concluded."""

    deployments: list[Deployment] = field(default_factory=list)
    exports: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)  # IaC folders a folder walk skips (named in deployments:)
    azd_variables: list[str] = field(default_factory=list)  # ${VAR}s of azd parameter files


class _Tree:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.files: list[Path] = []
        self.truncated = False

    def rel(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    def inside(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.root)
            return True
        except ValueError:
            return False

    def walk(self) -> None:
        for folder, dirs, names in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not (Path(folder) / d).is_symlink())
            for name in sorted(names):
                path = Path(folder) / name
                if path.is_symlink() or not name.lower().endswith((".json", ".bicep", ".bicepparam", ".yaml", ".yml")):
                    continue
                self.files.append(path)
                if len(self.files) >= MAX_FILES:
                    self.truncated = True
                    return


def read(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        return path.read_bytes().decode("utf-8-sig", "replace")
    except OSError:
        return None


def _document(path: Path) -> Any:
    text = read(path)
    if text is None:
        return None
    from linter.inputs.jsondoc import JsonError, parse_json

    try:
        return parse_json(text, path.name)
    except JsonError:
        return None


def _json(path: Path) -> Any:
    document = _document(path)
    return document.data if document is not None else None


def _kind(path: Path, document: Any) -> str | None:
    """What a JSON file is, as the scan's front ends recognise it ("arm-template", "resource-graph", ...)."""
    from linter.inputs.registry import front_ends

    for front in front_ends():
        if path.suffix.lower() in front.suffixes:
            kind = front.classify(path, document)
            if kind is not None:
                return kind
    return None


def survey(root: Path) -> Survey:
    tree = _Tree(root)
    tree.walk()
    found = Survey()
    if tree.truncated:
        found.unknown.append(f"more than {MAX_FILES} files: only the first were looked at")
    templates: dict[Path, str] = {}  # path -> "arm" | "bicep"
    parameters: list[Path] = []
    bicepparams: list[Path] = []
    modules: set[Path] = set()
    azd: list[Path] = []
    for path in tree.files:
        name = path.name.lower()
        if name in ("azure.yaml", "azure.yml"):
            azd.append(path)
        elif name.endswith(".bicepparam"):
            bicepparams.append(path)
        elif name.endswith(".bicep"):
            templates[path.resolve()] = "bicep"
            text = read(path) or ""
            for module in _MODULE.findall(text):
                if ":" not in module:  # br:, ts: are registry modules
                    modules.add((path.parent / module).resolve())
        elif name.endswith(".json"):
            document = _document(path)
            kind = _kind(path, document) if document is not None else None
            data = document.data if document is not None else None
            if kind == "arm-template":
                if isinstance(data.get("metadata"), dict) and isinstance(data["metadata"].get("_generator"), dict) \
                        and (path.with_suffix(".bicep")).exists():
                    continue  # `bicep build` output beside its source: the .bicep is the template
                templates[path.resolve()] = "arm"
            elif kind == "arm-parameters":
                parameters.append(path)
            elif kind == "resource-graph":
                found.exports.append(tree.rel(path))
    for path in tree.files:
        parts = Path(tree.rel(path)).parts[:-1]
        hidden = next((p for p in parts if p.startswith(".")), None)
        if hidden and path.resolve() in templates:
            folder = "/".join(parts[: parts.index(hidden) + 1])
            if folder not in found.hidden:
                found.hidden.append(folder)

    used: set[Path] = set()
    for path in azd:
        _azd_project(tree, path, templates, used, found)
    for path in bicepparams:
        _bicepparam(tree, path, templates, used, found)
    for path in parameters:
        if path.resolve() not in used:
            _json_parameters(tree, path, templates, used, found)
    for template, kind in sorted(templates.items()):
        if template in modules:
            continue
        if not any(d.template == tree.rel(template) for d in found.deployments):
            deployment = Deployment(_unique(found, template.stem), tree.rel(template))
            _template_default(template, kind, deployment)
            found.deployments.append(deployment)
    for deployment in found.deployments:
        if deployment.location is None:
            found.unknown.append(f"the region of deployment `{deployment.name}` ({deployment.template}): set "
                                 f"`location:` (until then, checks that need it are UNKNOWN)")
    return found


def _unique(found: Survey, name: str) -> str:
    taken = {d.name for d in found.deployments}
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    return candidate


def _set_location(deployment: Deployment, value: Any, source: str) -> None:
    if not isinstance(value, str) or not value.strip() or value.strip().startswith("["):
        return
    region = regions.normalise(value)
    deployment.location = region
    if regions.geography(region) is not None:  # in the region table
        deployment.notes.append(f"location from {source}")
    else:
        deployment.notes.append(f"location from {source}; `{region}` is not a region drlint knows: check it")


def _template_default(template: Path, kind: str, deployment: Deployment) -> None:
    if kind == "bicep":
        match = _BICEP_DEFAULT.search(read(template) or "")
        if match:
            _set_location(deployment, match.group(1), "the default of param location")
        return
    data = _json(template)
    params = data.get("parameters") if isinstance(data, dict) else None
    entry = _ci(params, "location") if isinstance(params, dict) else None
    if isinstance(entry, dict):
        _set_location(deployment, entry.get("defaultValue"), "the defaultValue of parameter location")


def _ci(mapping: dict, key: str) -> Any:
    for k, v in mapping.items():
        if isinstance(k, str) and k.lower() == key:
            return v
    return None


def _label(parameters: Path, template_stem: str) -> str:
    """`main.primary.bicepparam` -> `primary`; `main.parameters.dev.json` -> `dev`; else the file's stem."""
    name = parameters.name
    for suffix in (".bicepparam", ".json"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    parts = [p for p in name.split(".") if p.lower() not in (template_stem.lower(), "parameters")]
    return "-".join(parts) or template_stem


def _bicepparam(tree: _Tree, path: Path, templates: dict[Path, str], used: set[Path], found: Survey) -> None:
    text = read(path) or ""
    match = _USING.search(text)
    if match is None:
        found.unknown.append(f"{tree.rel(path)} has no `using '<template>.bicep'` line: which template it is for")
        return
    target = (path.parent / match.group(1)).resolve()
    if not tree.inside(target) or not target.is_file():
        found.unknown.append(f"{tree.rel(path)} uses {match.group(1)}, which is not a file inside the folder")
        return
    templates.setdefault(target, "bicep")
    deployment = Deployment(_unique(found, _label(path, target.stem)), tree.rel(target), tree.rel(path))
    value = _BICEP_PARAM_VALUE.search(text)
    if value:
        _set_location(deployment, value.group(1), f"param location in {path.name}")
    else:
        _template_default(target, "bicep", deployment)
    used.add(path.resolve())
    found.deployments.append(deployment)


def _json_template_of(path: Path, templates: dict[Path, str]) -> Path | None:
    """`<stem>.parameters.json`, `<stem>.parameters.<env>.json`, `<stem>.<env>.parameters.json`."""
    parts = path.name.split(".")
    candidates = []
    if len(parts) >= 3 and "parameters" in (p.lower() for p in parts):
        stem = parts[0]
        candidates = [path.parent / f"{stem}.json", path.parent / f"{stem}.bicep"]
    for candidate in candidates:
        if candidate.resolve() in templates:
            return candidate.resolve()
    return None


def _json_parameters(tree: _Tree, path: Path, templates: dict[Path, str], used: set[Path], found: Survey) -> None:
    template = _json_template_of(path, templates)
    if template is None:
        found.unknown.append(f"which template {tree.rel(path)} is for (name it <template>.parameters.json, or "
                             f"add it to `deployments:`)")
        return
    deployment = Deployment(_unique(found, _label(path, template.stem)), tree.rel(template), tree.rel(path))
    _parameter_file_location(path, deployment, {})
    if deployment.location is None:
        _template_default(template, templates[template], deployment)
    used.add(path.resolve())
    found.deployments.append(deployment)


def _parameter_file_location(path: Path, deployment: Deployment, env: dict[str, str]) -> str | None:
    """The literal `location` of a JSON parameter file (azd `${VAR}` values resolved from `env`); returns the
    azd variable name when the value is one that could not be resolved."""
    data = _json(path)
    params = data.get("parameters") if isinstance(data, dict) else None
    entry = _ci(params, "location") if isinstance(params, dict) else None
    value = entry.get("value") if isinstance(entry, dict) else None
    if not isinstance(value, str):
        return None
    azd = _AZD_VALUE.match(value.strip())
    if azd is None:
        _set_location(deployment, value, f"parameter location in {path.name}")
        return None
    variable, default = azd.group(1), azd.group(2)
    if variable in env:
        _set_location(deployment, env[variable], f"{variable} in the azd environment")
        return None
    if default:
        _set_location(deployment, default, f"the default of ${{{variable}}} in {path.name}")
        return None
    return variable


def _azd_project(tree: _Tree, path: Path, templates: dict[Path, str], used: set[Path], found: Survey) -> None:
    from linter.yamlsource import YamlError, load_yaml

    try:
        data = load_yaml(read(path) or "", tree.rel(path)).data
    except YamlError:
        found.unknown.append(f"{tree.rel(path)} is not valid YAML: the azd project's infrastructure folder")
        return
    infra = data.get("infra") if isinstance(data, dict) else None
    infra = infra if isinstance(infra, dict) else {}
    folder = path.parent / str(infra.get("path") or "infra")
    module = str(infra.get("module") or "main")
    template = next((folder / f"{module}{s}" for s in (".bicep", ".json") if (folder / f"{module}{s}").is_file()),
                    None)
    if template is None or not tree.inside(template):
        found.unknown.append(f"the azd project {tree.rel(path)} names infrastructure {folder.name}/{module}, which "
                             f"is not a template inside the folder")
        return
    templates.setdefault(template.resolve(), "bicep" if template.suffix == ".bicep" else "arm")
    env_name, env = _azd_environment(path.parent)
    parameters = template.parent / f"{module}.parameters.json"
    deployment = Deployment(_unique(found, env_name or "azd"), tree.rel(template),
                            tree.rel(parameters) if parameters.is_file() else None)
    deployment.notes.append(f"azd project {tree.rel(path)}" + (f", environment {env_name}" if env_name else ""))
    if env_name:
        found.assumed.append(f"the azd environment `{env_name}` (.azure/config.json) is the one deployed; add an "
                             f"entry per other environment (region)")
    if parameters.is_file():
        used.add(parameters.resolve())
        variable = _parameter_file_location(parameters, deployment, env)
        if variable:
            found.unknown.append(f"${{{variable}}} of the azd project is set per environment (azd env set "
                                 f"{variable} ...); no .azure/<env>/.env here says it")
        placeholders = sorted(set(_AZD_PLACEHOLDER.findall(read(parameters) or "")))
        if placeholders:
            # drlint substitutes azd's ${VAR} from the environment it runs in, as azd does at deployment time
            found.azd_variables.extend(v for v in placeholders if v not in found.azd_variables)
    subscription = env.get("AZURE_SUBSCRIPTION_ID")
    if subscription and re.fullmatch(r"[0-9a-fA-F-]{36}", subscription):
        deployment.subscription = subscription.lower()
    found.deployments.append(deployment)


def _azd_environment(project: Path) -> tuple[str | None, dict[str, str]]:
    """The default azd environment's name and values (`.azure/config.json`, `.azure/<env>/.env`)."""
    config = _json(project / ".azure" / "config.json")
    name = config.get("defaultEnvironment") if isinstance(config, dict) else None
    if not isinstance(name, str) or not re.fullmatch(r"[\w.-]{1,64}", name) or name in (".", ".."):
        return None, {}
    values: dict[str, str] = {}
    for line in (read(project / ".azure" / name / ".env") or "").splitlines():
        match = _ENV_LINE.match(line)
        if match:
            values[match.group(1)] = match.group(2).strip("'\"")
    return name, values


# Writing --------------------------------------------------------------------------------------------------------


def _q(value: str) -> str:
    """A YAML scalar that reads back as exactly `value` (JSON strings are YAML double-quoted scalars)."""
    return json.dumps(value, ensure_ascii=True)


def _comment(text: str) -> str:
    return " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", text).split())


def render(found: Survey) -> str:
    lines = [
        "# drlint.yaml: written by `drlint init`; check it and commit it beside your infrastructure code.",
        "# Every key is described in the README (Configuration). Unknown keys are errors.",
        "",
        "# Which disaster-recovery posture to check: hot-cold (the secondary region has the hub, its resources",
        "# and the data), hot-warm (plus projects and model deployments ready there), hot-hot (both regions serve).",
        "posture: hot-cold   # assumed: the default; raise it when your recovery objectives need it",
        "",
        "# Lowest severity that fails the run: error | warning | note | never",
        "failOn: warning",
        "",
    ]
    if found.deployments:
        lines.append("# How the templates are deployed: one entry per deployment (template + parameters), with the")
        lines.append("# region it deploys to. Two deployments in two regions are a two-region estate.")
        lines.append("deployments:")
        for d in found.deployments:
            lines.append(f"  - name: {_q(d.name)}")
            for note in d.notes:
                lines.append(f"    # {_comment(note)}")
            lines.append(f"    template: {_q(d.template)}")
            if d.parameters:
                lines.append(f"    parameters: {_q(d.parameters)}")
            if d.location:
                lines.append(f"    location: {_q(d.location)}")
            else:
                lines.append("    # location: eastus2          # could not tell: the region this deployment goes to")
            if d.subscription:
                lines.append(f"    subscription: {_q(d.subscription)}")
            else:
                lines.append("    # subscription: 00000000-0000-0000-0000-000000000000")
            lines.append("    # resourceGroup: rg-name")
    else:
        lines += ["# No templates were found. Name them here when they are elsewhere:",
                  "# deployments:", "#   - {name: primary, template: infra/main.bicep,",
                  "#      parameters: infra/main.primary.bicepparam, location: eastus2}"]
    lines += [
        "",
        "# Accepted risks, each with a reason (and best an expiry date); in templates, prefer a",
        "# `// drlint-disable-next-line DR201: reason` comment (Bicep) or resource metadata (ARM).",
        "# suppress:",
        "#   - {rule: DR202, resource: \"*/storageAccounts/scratch*\", reason: \"scratch data\", expires: 2026-12-31}",
        "",
    ]
    return "\n".join(lines)


def report_lines(found: Survey, written: str) -> list[str]:
    lines = [f"Wrote {written} with {len(found.deployments)} deployment(s)."]
    for d in found.deployments:
        where = d.location or "region unknown"
        lines.append(f"  {d.name}: {d.template}" + (f" + {d.parameters}" if d.parameters else "") + f" ({where})")
    assumed = ["posture hot-cold (the default)", *found.assumed]
    unknown = list(found.unknown)
    if found.hidden:
        assumed.append(f"templates in hidden folders ({', '.join(found.hidden)}) are infrastructure; a folder walk "
                       f"skips hidden folders, so name them when you scan")
    lines.append("Assumed:")
    lines += [f"  - {_comment(a)}" for a in assumed]
    if unknown:
        lines.append("Could not tell:")
        lines += [f"  - {_comment(u)}" for u in unknown]
    if found.exports:
        lines.append("Resource Graph exports found (scan them too): " + ", ".join(found.exports[:5])
                     + (f" and {len(found.exports) - 5} more" if len(found.exports) > 5 else ""))
    if found.azd_variables:
        shown = ", ".join(f"${{{v}}}" for v in found.azd_variables[:6])
        lines.append(f"azd parameter files use {shown}: drlint reads them from the environment it runs in, as azd "
                     f"does; load the azd environment first: eval \"$(azd env get-values)\"")
    lines.append("Next: drlint scan " + " ".join([".", *found.hidden]) + " --show-unknown")
    return lines
