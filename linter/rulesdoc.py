"""A rule's documentation as Markdown and as plain text (for `rules show`, SARIF help, generated docs)."""

from __future__ import annotations

from typing import Any

from linter.rules import Rule


def yaml_value(value: Any) -> str:
    """A parameter value as it is written in drlint.yaml (flow style: `[Standard_GRS, Standard_GZRS]`)."""
    import yaml

    text = yaml.safe_dump(value, default_flow_style=True, width=1_000_000).strip()
    return text.removesuffix("...").strip()


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
        parts += ["", "## Parameters", ""]
        parts += [f"- `{name}`: default `{yaml_value(value)}`" for name, value in rule.parameters.items()]
        parts += ["", "Set them in `drlint.yaml` (here with their defaults):", "", "```yaml", "rules:",
                  f"  {rule.id}:", "    parameters:"]
        parts += [f"      {name}: {yaml_value(value)}" for name, value in rule.parameters.items()]
        parts += ["```"]
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
