"""Write docs/rules/<ID>.md from the rule pack (the pages rules link to as their help URI).

Run after changing a rule: python scripts/gen_rule_docs.py. A test fails when the pages are stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from linter.rules import builtin_pack_dir, load_rules  # noqa: E402
from linter.rulesdoc import render_markdown  # noqa: E402


def pages() -> dict[str, str]:
    rules, problems = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    if problems:
        raise SystemExit("\n".join(str(p) for p in problems))
    index = ["# The built-in rule pack", "", "| id | severity | postures | title |", "|---|---|---|---|"]
    result = {}
    for rule in sorted(rules, key=lambda r: r.id):
        result[f"{rule.id}.md"] = render_markdown(rule)
        index.append(f"| [{rule.id}]({rule.id}.md) | {rule.severity} | {', '.join(rule.postures)} | {rule.title} |")
    result["README.md"] = "\n".join(index) + "\n"
    return result


def main() -> None:
    target = REPO / "docs" / "rules"
    target.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (target / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(pages())} pages to {target}")


if __name__ == "__main__":
    main()
