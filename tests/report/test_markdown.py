"""`--format markdown` for $GITHUB_STEP_SUMMARY and pull request comments: counts, a findings table whose
cells cannot break the table or inject HTML or mentions, the region matrix, unknowns folded."""

from __future__ import annotations

import json
import re
import shutil

from linter.report.markdown import MAX_ROWS, cell
from tests.conftest import FIXTURES, drlint_process

DEMO = FIXTURES / "demo"


def table_rows(markdown: str, header_start: str) -> list[list[str]]:
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def test_demo_summary_counts_findings_regions_and_folded_unknowns():
    run = drlint_process("scan", DEMO, "--format", "markdown")
    assert run.returncode == 1
    text = run.stdout
    results = json.loads(drlint_process("scan", DEMO, "--format", "json").stdout)["results"]
    fails = [r for r in results if r["outcome"] == "fail"]
    unknown = [r for r in results if r["outcome"] == "unknown"]
    assert text.startswith(f"## drlint: {len(fails)} findings")
    counts = {row[0]: row[1] for row in table_rows(text, "|  | count |")}
    assert counts == {"🔴 error": str(sum(r["severity"] == "error" for r in fails)),
                      "🟠 warning": str(sum(r["severity"] == "warning" for r in fails)),
                      "🔵 note": str(sum(r["severity"] == "note" for r in fails)), "❔ unknown": str(len(unknown))}
    findings = table_rows(text, "| severity | rule |")
    assert len(findings) == len(fails) and all(len(row) == 5 for row in findings)
    assert ["🔴 error", "DR201", "hub-contoso-cus", "fixtures/demo/estate.json:455"] in [r[:4] for r in findings]
    assert "### Regions: AI Foundry hubs" in text and "❌ **missing**" in text
    folded = text.split(f"<details><summary>{len(unknown)} checks drlint could not decide (UNKNOWN)</summary>")[1]
    assert folded.split("</details>")[0].count("| DR105 |") == sum(r["rule"] == "DR105" for r in unknown) == 2


def test_cells_are_escaped():
    assert cell("a|b") == "a\\|b"
    assert cell("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert cell("line\nbreak\r\x1b[31m") == "line break \\[31m"
    assert cell("@octocat") == "&#64;octocat"
    assert cell("**bold** _it_ `code` [link](x)") == "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\[link\\](x)"
    assert cell("x" * 1000).endswith("…") and len(cell("x" * 1000)) <= 300


def test_hostile_names_cannot_break_the_table(tmp_path):
    rows = json.loads((DEMO / "estate.json").read_text())
    data = rows["data"] if isinstance(rows, dict) else rows
    for row in data:
        if row["name"] == "stcontosoaicus":
            row["name"] = "st|x\n| injected | row |\n<script>@admin"
    (tmp_path / "estate.json").write_text(json.dumps(rows))
    text = drlint_process("scan", tmp_path / "estate.json", "--format", "markdown").stdout
    assert "<script>" not in text and "@admin" not in text
    for row in table_rows(text, "| severity | rule |"):
        assert len(row) == 5
    assert "| injected | row |" not in text


def test_large_tables_are_capped(tmp_path):
    folder = tmp_path / "estate"
    shutil.copytree(DEMO, folder)
    rows = json.loads((DEMO / "estate.json").read_text())
    data = rows["data"] if isinstance(rows, dict) else rows
    template = next(r for r in data if r["name"] == "stcontosoaicus")
    for i in range(MAX_ROWS + 20):
        extra = json.loads(json.dumps(template))
        extra["name"] = f"st{i}"
        extra["id"] = template["id"].replace("stcontosoaicus", f"st{i}")
        data.append(extra)
    (folder / "estate.json").write_text(json.dumps(rows))
    text = drlint_process("scan", folder, "--format", "markdown").stdout
    assert len(table_rows(text, "| severity | rule |")) == MAX_ROWS
    assert re.search(r"… and \d+ more findings", text)


def test_bidirectional_controls_and_lone_surrogates_cannot_reach_a_cell():
    text = cell("hub\u202eexe\u2067x\ud800y")
    assert not any(ch in text for ch in ("\u202e", "\u2067", "\ud800"))
    assert text.startswith("hub") and text.endswith("y")
