"""Rules as SARIF reporting descriptors, and the descriptors of drlint's own notifications.

GitHub needs per rule a short and a full description (at most 1,024 characters each) and help text; it
shows `help.markdown` when present, so both come from the rule's own docs (the same text as
`drlint rules show`). At most 20 tags per rule.

No `security-severity`: drlint's findings are about surviving a regional outage (reliability), not
vulnerabilities. GitHub treats a rule with `security-severity` as a security query and ranks its alerts
with CVSS-like labels (critical, high...) beside real vulnerabilities, which would overstate them; the
SARIF `level` (error, warning, note) already carries drlint's severity.
"""

from __future__ import annotations

import sarif_om as sarif

from linter.rules import Rule
from linter.rulesdoc import render_markdown, render_text

MAX_DESCRIPTION = 1_024  # GitHub: shortDescription.text and fullDescription.text
MAX_TAGS = 20  # GitHub: tags per rule

NOTIFICATION_TEXT = {
    "baseline-error": "The baseline file has a problem; findings it could not match are reported as new.",
    "config-error": "The configuration file (drlint.yaml) has a problem; the scan used what could be read.",
    "evaluation-error": "A rule failed while being evaluated (outcome ERROR); its resources were not checked.",
    "input-error": "An input could not be read or understood; its resources were not checked.",
    "input-note": "A file was not scanned on its own, and why (the build output of a scanned Bicep file).",
    "internal-error": "drlint failed internally on part of the scan; please report it.",
    "log-too-large": "The gzipped SARIF log is over GitHub's 10 MB upload limit.",
    "result-without-location": "A finding with no source position was left out: GitHub rejects such results.",
    "results-capped": "More results than GitHub accepts in one run (25,000); the least severe were left out.",
    "rule-error": "A rule file could not be loaded; that rule did not run.",
    "suppression-error": "A suppression has no reason, has expired, names no rule or matches no finding.",
}


def clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def tags(rule: Rule) -> list[str]:
    """The rule's tags, without repeats (case-insensitively, the first spelling wins), at most MAX_TAGS."""
    seen: set[str] = set()
    unique = []
    for tag in rule.tags:
        key = tag.strip().lower()
        if key and key not in seen:
            seen.add(key)
            unique.append(tag.strip())
    return unique[:MAX_TAGS]


def rule_descriptor(rule: Rule) -> sarif.ReportingDescriptor:
    rule_tags = tags(rule)
    return sarif.ReportingDescriptor(
        id=rule.id,
        name=rule.name,
        short_description=sarif.MultiformatMessageString(text=clip(rule.title)),
        full_description=sarif.MultiformatMessageString(text=clip(rule.docs.what)),
        help=sarif.MultiformatMessageString(text=render_text(rule), markdown=render_markdown(rule)),
        # The documentation pages exist for the built-in pack only; a user's rule has its help inline.
        help_uri=rule.help_uri if rule.builtin else None,
        default_configuration=sarif.ReportingConfiguration(level=rule.severity),
        properties={"tags": rule_tags} if rule_tags else None,
    )
