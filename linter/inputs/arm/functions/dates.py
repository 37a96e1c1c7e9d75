"""Date functions. `utcNow()` is the time of the deployment: unknowable before it happens."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from linter.inputs.arm.functions.core import EvalError, expect, register
from linter.model import Unknown

_DURATION = re.compile(
    r"(?P<sign>-)?P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?\Z"
)


def _parse_time(value: str) -> datetime:
    text = value.strip().replace("Z", "+00:00")
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@register("utcNow", max_args=1)
def utc_now(env: Any, format_: Any = None) -> Unknown:
    return Unknown("utcNow() is the time of the deployment", source="utcNow()")


@register("dateTimeAdd", min_args=2, max_args=3)
def date_time_add(env: Any, base: Any, duration: Any, format_: Any = None) -> str:
    match = _DURATION.match(expect(duration, str, "dateTimeAdd"))
    if match is None:
        raise EvalError(f"dateTimeAdd(): {duration!r} is not an ISO 8601 duration")
    parts = {k: float(v) for k, v in match.groupdict().items() if v and k != "sign"}
    moment = _parse_time(expect(base, str, "dateTimeAdd"))
    sign = -1 if match.group("sign") else 1
    months = int(parts.get("y", 0) * 12 + parts.get("mo", 0)) * sign
    if months:
        year, month = divmod(moment.month - 1 + months, 12)
        moment = moment.replace(year=moment.year + year, month=month + 1)
    delta = timedelta(
        weeks=parts.get("w", 0), days=parts.get("d", 0), hours=parts.get("h", 0),
        minutes=parts.get("mi", 0), seconds=parts.get("s", 0),
    )
    return _format_time(moment + sign * delta)


@register("dateTimeToEpoch", min_args=1, max_args=1)
def date_time_to_epoch(env: Any, value: Any) -> int:
    return int(_parse_time(expect(value, str, "dateTimeToEpoch")).timestamp())


@register("dateTimeFromEpoch", min_args=1, max_args=1)
def date_time_from_epoch(env: Any, value: Any) -> str:
    return _format_time(datetime.fromtimestamp(expect(value, int, "dateTimeFromEpoch"), tz=timezone.utc))
