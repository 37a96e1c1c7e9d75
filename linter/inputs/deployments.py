"""Which deployments the scanned files make, for every template front end (ARM JSON and Bicep): one planner.

A template is deployed once per parameter set:

- once per `deployments:` entry of drlint.yaml that names it (an entry naming a file no front end reads is
  reported);
- once per parameter file that belongs to it: a `.bicepparam` by its `using` line; a JSON parameter file by
  `metadata.template`, or by name (`<stem>.parameters.json`, `<stem>.parameters.<env>.json`,
  `<stem>.<env>.parameters.json` belong to `<stem>.json` or `<stem>.bicep`; azd projects keep
  `infra/main.parameters.json` beside `infra/main.bicep`);
- once with its defaults when nothing names it.

A template another scanned template uses (a Bicep module, an ARM linked template) is deployed only through
that use. The build output of a Bicep file (`bicep build main.bicep` writes `main.json` with
`metadata._generator.name == "bicep"` beside it) is the same deployment as its source: the source is what gets
deployed, so it is scanned and the output is skipped (a note says so), unless a drlint.yaml entry names the
JSON. If only the JSON is present, the JSON is scanned.

Template front ends describe their files (`describe(files, ctx)` gives `TemplateFacts` and `ParameterFacts`);
the scan asks every front end, this module pairs the facts once, and each front end evaluates the
`Deployment`s planned for it (`LoadContext.plan`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.inputs.cycles import unrooted_starts
from linter.model import Position
from linter.records import field, record
from linter.results import Diagnostic

if TYPE_CHECKING:
    from linter.inputs import LoadContext

ARM = "arm"
BICEP = "bicep"
TEMPLATE_SUFFIXES = {".json": ARM, ".jsonc": ARM, ".bicep": BICEP}


@record
class TemplateFacts:
    """What the planner needs to know about one template file."""

    path: Path  # resolved
    display: str
    front_end: str  # ARM | BICEP
    generator: str | None = None  # metadata._generator.name of a JSON template ("bicep": a build output)
    parameter_names: tuple[str, ...] = ()  # declared parameters, in order
    uses: frozenset[Path] = frozenset()  # templates it deploys as modules or linked templates


@record
class ParameterFacts:
    path: Path  # resolved
    display: str
    kind: str  # "arm-parameters" | "bicepparam"
    template: Path | str | None = None  # what the file names (`using`, `metadata.template`), or why not
    parameter_names: tuple[str, ...] = ()


@record
class Deployment:
    label: str  # unique among the run's deployments
    template: Path
    front_end: str
    parameters: Path | None = None
    parameters_kind: str | None = None  # "arm-parameters" | "bicepparam"
    config: Mapping[str, Any] | None = None
    config_position: Position | None = None  # the drlint.yaml entry, for diagnostics about it


@record
class DeploymentPlan:
    deployments: list[Deployment] = field(default_factory=list)
    skipped: dict[Path, str] = field(default_factory=dict)  # template -> why it is not deployed on its own
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def for_front_end(self, name: str) -> list[Deployment]:
        return [d for d in self.deployments if d.front_end == name]


@record
class ConfigEntries:
    """drlint.yaml `deployments:`: the entries, where the file is (paths are relative to its folder) and where
    each entry is written."""

    entries: list[Mapping[str, Any]]
    root: Path
    file: str = "drlint.yaml"
    positions: list[Position] = field(default_factory=list)

    def position(self, index: int) -> Position:
        return self.positions[index] if index < len(self.positions) else Position(self.file)


def front_end_of(path: Path) -> str | None:
    return TEMPLATE_SUFFIXES.get(path.suffix.lower())


def plan(templates: Iterable[TemplateFacts], parameter_files: Iterable[ParameterFacts], config: ConfigEntries,
         exists: Any = None) -> DeploymentPlan:
    """Pair templates, parameter files and drlint.yaml entries. `exists(path)` says whether a file that was not
    among the scanned ones may still be read (a template beside its parameter file)."""
    planner = _Planner(list(templates), list(parameter_files), config, exists or (lambda p: False))
    return planner.run()


class _Planner:
    def __init__(self, templates: list[TemplateFacts], parameters: list[ParameterFacts], config: ConfigEntries,
                 exists: Any) -> None:
        self.templates = {t.path: t for t in templates}
        self.parameters = parameters
        self.config = config
        self.exists = exists
        self.result = DeploymentPlan()
        self.configured: set[Path] = set()
        self.used_parameters: set[Path] = set()
        self.twin_of = self._build_outputs()  # build output -> its Bicep source
        self.source_of_twin = {source: output for output, source in self.twin_of.items()}

    def run(self) -> DeploymentPlan:
        for index, entry in enumerate(self.config.entries):
            self._configured(index, entry)
        self._own_parameters = {p.template for p in self.parameters
                                if p.kind == "bicepparam" and isinstance(p.template, Path)}
        for parameters in self.parameters:
            if parameters.path not in self.used_parameters:
                self._paired(parameters)
        self._defaults()
        _unique_labels(self.result.deployments)
        return self.result

    # ---- build outputs ---------------------------------------------------------------------------------
    def _build_outputs(self) -> dict[Path, Path]:
        """JSON templates written by `bicep build` from a Bicep file beside them: the same name, or (built
        with `--outfile`, e.g. azuredeploy.json) the only Bicep file there declaring the same parameters."""
        twins: dict[Path, Path] = {}
        bicep_by_folder: dict[Path, list[TemplateFacts]] = {}
        for template in self.templates.values():
            if template.front_end == BICEP:
                bicep_by_folder.setdefault(template.path.parent, []).append(template)
        for template in self.templates.values():
            if template.front_end != ARM or (template.generator or "").lower() != "bicep":
                continue
            siblings = bicep_by_folder.get(template.path.parent, [])
            same_name = [s for s in siblings if s.path.stem.lower() == template.path.stem.lower()]
            if same_name:
                twins[template.path] = same_name[0].path
                continue
            same_parameters = [s for s in siblings if s.parameter_names == template.parameter_names
                               and s.path not in _uses_of(self.templates.values())]
            if len(same_parameters) == 1:
                twins[template.path] = same_parameters[0].path
        return twins

    # ---- drlint.yaml -----------------------------------------------------------------------------------
    def _configured(self, index: int, entry: Mapping[str, Any]) -> None:
        where = self.config.position(index)
        written = str(entry["template"])
        template = (self.config.root / written).resolve()
        front_end = front_end_of(template)
        if front_end is None:
            self._problem(f"deployment {index + 1} of {self.config.file}: no front end reads {written} (templates "
                          "are ARM .json files or Bicep .bicep files); the entry is not checked", where)
            return
        parameters = None
        kind = None
        if entry.get("parameters"):
            parameters = (self.config.root / str(entry["parameters"])).resolve()
            kind = "bicepparam" if parameters.suffix.lower() == ".bicepparam" else "arm-parameters"
            if kind == "bicepparam" and front_end != BICEP:
                self._problem(f"deployment {index + 1} of {self.config.file}: a .bicepparam file gives values to a "
                              f".bicep template, not to {written}", where)
                return
            self.used_parameters.add(parameters)
        self.configured.add(template)
        label = str(entry.get("name") or (parameters and _label_of(parameters, template)) or template.stem)
        self.result.deployments.append(Deployment(label, template, front_end, parameters, kind, entry, where))

    def _problem(self, message: str, where: Position) -> None:
        self.result.diagnostics.append(Diagnostic(message, where, code="config-error"))

    # ---- parameter files -------------------------------------------------------------------------------
    def _paired(self, parameters: ParameterFacts) -> None:
        if parameters.kind == "bicepparam":
            target = parameters.template
            if not isinstance(target, Path):
                why = target or "it has no `using` line naming its template"
                self.result.diagnostics.append(Diagnostic(f"parameter file not checked: {why}",
                                                          Position(parameters.display), severity="warning"))
                return
        else:
            target = self._template_of_json(parameters)
            if target is None:
                self.result.diagnostics.append(Diagnostic(
                    "parameter file without a template: name it <template>.parameters.json beside the template "
                    "(<template>.json or <template>.bicep), set metadata.template, or pair it in "
                    f"{self.config.file} `deployments:`", Position(parameters.display), severity="warning"))
                return
        source = self._deployed_form(target)
        if source != target and source in self._own_parameters:
            # the build output's parameters are another way to deploy what the source's .bicepparam deploys
            self.result.diagnostics.append(Diagnostic(
                f"{parameters.path.name} gives the values of {target.name}, the build output of "
                f"{source.name}, which is deployed with its own .bicepparam; not scanned again",
                Position(parameters.display), severity="note", code="input-note"))
            return
        target = source
        if target in self.configured:
            return  # drlint.yaml says how this template is deployed
        front_end = front_end_of(target)
        if front_end is None:
            return
        self.result.deployments.append(Deployment(_label_of(parameters.path, target), target, front_end,
                                                  parameters.path, parameters.kind))

    def _template_of_json(self, parameters: ParameterFacts) -> Path | None:
        named = parameters.template
        if isinstance(named, Path):
            return named
        for candidate in _candidate_templates(parameters.path):
            if candidate in self.templates:
                return candidate
        for candidate in _candidate_templates(parameters.path):
            if self.exists(candidate):
                return candidate
        return None

    def _deployed_form(self, template: Path) -> Path:
        """A build output stands for its source, unless drlint.yaml names the output."""
        source = self.twin_of.get(template)
        if source is not None and template not in self.configured:
            return source
        return template

    # ---- templates nothing names -----------------------------------------------------------------------
    def _defaults(self) -> None:
        paired = {d.template for d in self.result.deployments}
        used = _uses_of(self.templates.values())
        for template in self.templates.values():
            path = template.path
            if path in paired or path in used:
                continue
            output = self.source_of_twin.get(path)
            if output is not None and output in self.configured:
                self._skip(template, f"{path.name} is the source of {output.name}, which {self.config.file} "
                                     "deploys, so it is not scanned again")
                continue
            source = self.twin_of.get(path)
            if source is not None:
                if source not in self.configured and source not in paired and source in used:
                    continue  # the source is a module of another template: so is its build output
                shown, output = source.name, path.name  # beside each other: the position names the folder
                self._skip(template, f"{output} is the build output of {shown} (its metadata._generator is "
                                     f"bicep), so {shown} is scanned and {output} is not (name {output} in "
                                     f"{self.config.file} `deployments:` to scan it instead)")
                continue
            self.result.deployments.append(Deployment(path.stem, path, template.front_end))
        # templates that only deploy each other (a -> b -> a, nothing else deploying either): deployed once,
        # from the first, so the evaluation reports the cycle instead of both files vanishing
        candidates = [p for p in self.templates if p not in self.result.skipped and p not in self.twin_of]
        edges = {t.path: t.uses for t in self.templates.values()}
        for start in unrooted_starts(candidates, edges, [d.template for d in self.result.deployments]):
            self.result.deployments.append(Deployment(start.stem, start, self.templates[start].front_end))

    def _skip(self, template: TemplateFacts, why: str) -> None:
        self.result.skipped[template.path] = why
        self.result.diagnostics.append(Diagnostic(why, Position(template.display), severity="note",
                                                  code="input-note"))


def _uses_of(templates: Iterable[TemplateFacts]) -> set[Path]:
    used: set[Path] = set()
    for template in templates:
        used.update(p for p in template.uses if p != template.path)
    return used


def _candidate_templates(path: Path) -> list[Path]:
    """`x.parameters.json`, `x.parameters.dev.json` and `x.dev.parameters.json` belong to `x.json` (or
    `x.bicep`: azd's `main.parameters.json` gives the values of `main.bicep`)."""
    parts = path.name.split(".")
    lowered = [p.lower() for p in parts]
    if "parameters" not in lowered:
        return []
    at = lowered.index("parameters")
    stems = []
    if at >= 1:
        stems.append(".".join(parts[:at]))
        if at >= 2 and at == len(parts) - 2:
            stems.append(".".join(parts[:at - 1]))
    return [path.parent / f"{stem}{suffix}" for stem in stems for suffix in (".json", ".jsonc", ".bicep")]


def _label_of(parameters: Path, template: Path) -> str:
    stem = parameters.name.rsplit(".", 1)[0]
    parts = [p for p in stem.split(".") if p.lower() != "parameters"]
    return ".".join(parts) or template.stem


def _unique_labels(deployments: list[Deployment]) -> None:
    """Deployments are told apart by label: a clash is resolved by the file that makes the deployment."""
    seen: dict[str, int] = {}
    for deployment in deployments:
        seen[deployment.label.lower()] = seen.get(deployment.label.lower(), 0) + 1
    clashing = [d for d in deployments if seen[d.label.lower()] > 1 and d.config is None]
    sources = [(d.parameters or d.template) for d in clashing]
    # the shortest tail of each file's path that tells them apart (`infra/main.json` and `main.bicep`), never
    # the absolute path: labels appear in reports, which must not say where the scan ran
    for parts in range(1, max((len(s.parts) for s in sources), default=1) + 1):
        tails = [Path(*s.parts[-parts:]).as_posix() for s in sources]
        if len({t.lower() for t in tails}) == len(tails):
            break
    for deployment, tail in zip(clashing, tails if clashing else [], strict=False):
        deployment.label = tail


def config_entries(ctx: LoadContext) -> ConfigEntries:
    return ConfigEntries(list(ctx.deployments), ctx.config_root or ctx.root, ctx.config_file,
                         list(ctx.config_positions))


def plan_for(front_end: str, ctx: LoadContext, describe: Any) -> tuple[list[Deployment], list[Diagnostic]]:
    """A front end's deployments: the run's plan, or (a front end used on its own) a plan of its own files,
    which `describe()` gives as (templates, parameter files)."""
    if ctx.plan is not None:
        return ctx.plan.for_front_end(front_end), []
    templates, parameters = describe()
    own = plan(templates, parameters, config_entries(ctx), exists=lambda p: ctx.inside_root(p) and p.is_file())
    return own.for_front_end(front_end), own.diagnostics
