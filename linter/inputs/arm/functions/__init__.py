"""The ARM template function library, one module per family; importing this registers them all."""

from linter.inputs.arm.functions import (  # noqa: F401 - imported for their registrations
    arrays,
    cidr,
    dates,
    deployment,
    lambdas,
    logic,
    objects,
    resources,
    strings,
)
from linter.inputs.arm.functions.core import FUNCTIONS, EvalError

__all__ = ["FUNCTIONS", "EvalError"]
