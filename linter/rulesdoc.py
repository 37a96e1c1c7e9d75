"""A rule's documentation as Markdown and as plain text (for `rules show`, SARIF help, generated docs)."""

from __future__ import annotations

from linter.rules import Rule


def render_markdown(rule: Rule) -> str:
    docs = rule.docs
    parts = [
        f"# {rule.id} {rule.name}: {rule.title}",
        "",
        f"Severity: **{rule.severity}** | Postures: {', '.join(rule.postures)} | Tags: {', '.join(rule.tags) or '-'}",
        "",
        "## What it checks",
        docs.what,
        "",
        "## Why it matters",
        docs.why,
    ]
    if docs.guidance:
        parts += ["", "## The guidance it implements"]
        for quote, source in docs.guidance:
            parts += ["", f"> {quote}", f"> ({source})"]
    parts += [
        "",
        "## How to fix",
        docs.fix,
    ]
    if docs.arm:
        parts += ["", "### ARM", "```json", docs.arm, "```"]
    if docs.bicep:
        parts += ["", "### Bicep", "```bicep", docs.bicep, "```"]
    if rule.parameters:
        parts += ["", "## Parameters (set in drlint.yaml under `rules.<id>.parameters`)"]
        parts += [f"- `{name}`: default `{value}`" for name, value in rule.parameters.items()]
    if docs.references:
        parts += ["", "## References"] + [f"- {ref}" for ref in docs.references]
    return "\n".join(parts) + "\n"


def render_text(rule: Rule) -> str:
    docs = rule.docs
    text = f"{docs.what}\n\nWhy: {docs.why}"
    for quote, source in docs.guidance:
        text += f"\n\nGuidance: \"{quote}\" ({source})"
    text += f"\n\nFix: {docs.fix}"
    if docs.references:
        text += "\n\nReferences: " + " ".join(docs.references)
    return text
