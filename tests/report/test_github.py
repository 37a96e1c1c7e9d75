"""`--format github`: workflow commands GitHub turns into annotations, escaped so that no input can end a
command early or start another one; chosen automatically under GitHub Actions."""

from __future__ import annotations

import json
import re
import shutil

from linter.report.github import command, escape_data, escape_property
from tests.conftest import FIXTURES, drlint_process

DEMO = FIXTURES / "demo"
COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def unescape_data(text: str) -> str:
    """What the runner does with a command's message (the toolkit's rules, reversed)."""
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    return unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def parse(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.match(line)
    assert match, line
    properties = dict(p.split("=", 1) for p in match.group(2).split(",")) if match.group(2) else {}
    return match.group(1), {k: unescape_property(v) for k, v in properties.items()}, unescape_data(match.group(3))


def test_escaping_round_trips_and_keeps_one_line():
    hostile = "100% sure\r\nmoved::error file=x::pwned, a:b\x1b[31m"
    line = command("error", hostile, file="a,b:c.json", line=3, col=2, title=hostile)
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    level, properties, message = parse(line)
    assert level == "error"
    assert properties["file"] == "a,b:c.json" and properties["line"] == "3" and properties["col"] == "2"
    assert message == hostile.replace("\x1b", "\\x1b")
    assert properties["title"] == hostile.replace("\x1b", "\\x1b")
    assert escape_data("a%0A") == "a%250A"  # an escape sequence in the input stays text
    assert escape_property("x,y:z") == "x%2Cy%3Az"


def test_findings_become_annotations_at_their_lines():
    run = drlint_process("scan", DEMO, "--format", "github")
    assert run.returncode == 1
    commands = [parse(line) for line in run.stdout.splitlines() if line.startswith("::")]
    expected = json.loads(drlint_process("scan", DEMO, "--format", "json").stdout)["results"]
    fails = [r for r in expected if r["outcome"] == "fail"]
    assert len(commands) == len(fails)
    for (level, properties, message), result in zip(commands, fails, strict=True):
        assert level == {"error": "error", "warning": "warning", "note": "notice"}[result["severity"]]
        assert (properties["file"], int(properties["line"])) == (result["file"], result["line"])
        assert properties["title"].startswith(result["rule"])
        assert message == result["message"]
    errors = sum(r["severity"] == "error" for r in fails)
    assert run.stdout.splitlines()[-1].startswith(f"{errors} error{'s' if errors != 1 else ''}, ")


def test_unknowns_are_notices_and_diagnostics_are_annotated(tmp_path):
    shutil.copytree(DEMO, tmp_path / "estate")
    (tmp_path / "estate" / "broken.json").write_text('{"resources": [\n  {"type": }\n]}')
    run = drlint_process("scan", "estate", "--format", "github", "--show-unknown", cwd=tmp_path)
    commands = [parse(line) for line in run.stdout.splitlines() if line.startswith("::")]
    assert any(level == "notice" and p["title"].startswith("DR105") for level, p, _ in commands)
    broken = [(level, p) for level, p, _ in commands if p.get("file") == "estate/broken.json"]
    assert broken and broken[0][0] == "error" and broken[0][1]["line"] == "2"
    assert run.returncode == 2


def test_github_is_the_default_under_github_actions_only_on_standard_output(tmp_path):
    run = drlint_process("scan", DEMO, env={"GITHUB_ACTIONS": "true"})
    assert run.stdout.startswith("::")
    assert not drlint_process("scan", DEMO).stdout.startswith("::")
    explicit = drlint_process("scan", DEMO, "--format", "text", env={"GITHUB_ACTIONS": "true"})
    assert not explicit.stdout.startswith("::")
    drlint_process("scan", DEMO, "-o", tmp_path / "out.txt", env={"GITHUB_ACTIONS": "true"})
    assert not (tmp_path / "out.txt").read_text().startswith("::")


def test_hostile_resource_name_cannot_inject_a_command(tmp_path):
    rows = json.loads((DEMO / "estate.json").read_text())
    data = rows["data"] if isinstance(rows, dict) else rows
    for row in data:
        if row["name"] == "stcontosoaicus":
            row["name"] = "st\n::error file=evil.json::injected\r\n%0A"
    (tmp_path / "estate.json").write_text(json.dumps(rows))
    run = drlint_process("scan", tmp_path / "estate.json", "--format", "github")
    lines = run.stdout.splitlines()
    assert not any("evil.json" in line and line.startswith("::error file=evil.json") for line in lines)
    assert all(line.startswith("::") or not line.startswith(":") for line in lines)
    injected = [parse(line) for line in lines if "injected" in line]
    assert injected and all("\n::error file=evil.json::injected" in message for _, _, message in injected)


def test_paths_are_relative_to_the_workspace_when_scanning_from_a_subfolder(tmp_path):
    shutil.copytree(DEMO, tmp_path / "infra" / "estate")
    run = drlint_process("scan", ".", "--format", "github", cwd=tmp_path / "infra",
                         env={"GITHUB_WORKSPACE": str(tmp_path)})
    files = {parse(line)[1]["file"] for line in run.stdout.splitlines() if line.startswith("::")}
    assert files == {"infra/estate/estate.json"}
    plain = drlint_process("scan", ".", "--format", "github", cwd=tmp_path / "infra")
    assert {parse(line)[1]["file"] for line in plain.stdout.splitlines() if line.startswith("::")} == {
        "estate/estate.json"}


def test_bidirectional_controls_and_lone_surrogates_are_made_visible():
    hostile = "hub\u202eexe.txt\u2066x\ud800"
    line = command("error", hostile, file="a\u202eb.json", title=hostile)
    assert not any(ch in line for ch in ("\u202e", "\u2066", "\ud800"))
    _, properties, message = parse(line)
    assert message == "hub\\u202eexe.txt\\u2066x\\ud800" and properties["file"] == "a\\u202eb.json"
