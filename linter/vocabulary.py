"""The words drlint's options, config file and rule files share, each declared once here.

The CLI's choices, `drlint.yaml` validation, rule-file validation and the exit code all read these; nothing
else spells them out. (Output formats are declared with their writers, in `linter.report`.)
"""

from __future__ import annotations

# Disaster-recovery postures, from the catalog: how much of the estate must already run in the secondary region.
POSTURES = ("hot-cold", "hot-warm", "hot-hot")
DEFAULT_POSTURE = "hot-cold"

# Severities of rules and findings, most severe first.
SEVERITIES = ("error", "warning", "note")
SEVERITY_RANK = {"error": 3, "warning": 2, "note": 1}

# `--fail-on` / `failOn`: the lowest severity that makes the exit code 1; `never` ignores findings.
NEVER = "never"
FAIL_ON_LEVELS = (*SEVERITIES, NEVER)
DEFAULT_FAIL_ON = "warning"

# What drlint.yaml may set a rule's severity to: a severity, or `off` to leave the rule out.
OFF = "off"
SEVERITY_OVERRIDES = (*SEVERITIES, OFF)


def reaches(severity: str, fail_on: str) -> bool:
    """Whether a finding of `severity` makes a run with `fail_on` fail."""
    return fail_on != NEVER and SEVERITY_RANK[severity] >= SEVERITY_RANK[fail_on]
