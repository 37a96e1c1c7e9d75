"""One request to Resource Graph or Resource Manager, paced and retried; failures become `RequestFailed`.

- Pacing: every response carries `x-ms-user-quota-remaining` and `x-ms-user-quota-resets-after` (hh:mm:ss).
  When the quota is about to run out, the next request waits for the reset instead of being throttled.
- 429: wait for `Retry-After`, else for the quota reset, else back off exponentially (azure-core does not
  retry this POST by itself; the SDK client is built without retries so every wait is decided here).
- 5xx, 408, connection errors and unreadable bodies: bounded exponential back-off with jitter.
- 401: the credential was rejected; no retry (the caller stops the audit with one sentence).
- Anything else (400, 403, 404): no retry; the caller decides what it means.

Waits are scaled by DRLINT_AUDIT_CLOCK_SCALE (tests make them short; the code paths are the same).
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from linter.inputs.live.auth import first_line
from linter.inputs.live.progress import Progress
from linter.records import field, record

T = TypeVar("T")
MAX_THROTTLED = 8  # 429s in a row before a request is given up
MAX_FAULTS = 5  # attempts for 5xx / connection errors / unreadable bodies
MAX_WAIT = 120.0  # seconds; a longer Retry-After is capped (the request is retried, and may be throttled again)
BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0
LOW_QUOTA = 1  # wait for the reset when this many requests (or fewer) remain
_DURATION = re.compile(r"(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?\Z")


def clock_scale() -> float:
    """Test-only: scale every wait (0.001 turns a 5 s throttle wait into 5 ms)."""
    try:
        return max(0.0, min(1.0, float(os.environ.get("DRLINT_AUDIT_CLOCK_SCALE", "1"))))
    except ValueError:
        return 1.0


class RequestFailed(Exception):
    """A request that did not succeed after the allowed retries; `status` is the HTTP status, if any."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Unauthorized(RequestFailed):
    """401: the token was rejected."""


def parse_duration(text: str | None) -> float | None:
    """`hh:mm:ss` (as in x-ms-user-quota-resets-after) in seconds."""
    if not text:
        return None
    m = _DURATION.match(text.strip())
    if not m:
        return None
    days, hours, minutes, seconds = (int(g) if g else 0 for g in m.groups())
    return float(((days * 24 + hours) * 60 + minutes) * 60 + seconds)


def retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After") or headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError):
            return None
    return seconds if seconds == seconds and seconds >= 0 else None  # not NaN


@record
class Stats:
    requests: int = 0
    throttled: int = 0  # 429 responses
    retried: int = 0  # faults retried
    paced: int = 0  # waits taken before the quota ran out
    waited: float = 0.0  # seconds (before scaling)


@record
class Pacer:
    """Shared by every request to one service: the quota the service reported, and the waits it implies."""

    progress: Progress
    stats: Stats = field(default_factory=Stats)
    _remaining: int | None = None
    _resets_at: float = 0.0  # monotonic time the quota resets (scaled)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def before(self) -> None:
        with self._lock:
            remaining, resets_at = self._remaining, self._resets_at
            if remaining is not None and remaining <= LOW_QUOTA:
                self._remaining = None  # one wait per report of a low quota
            else:
                resets_at = 0.0
        delay = resets_at - time.monotonic()
        if delay > 0:
            self.stats.paced += 1
            self.sleep(delay / max(clock_scale(), 1e-9), f"pacing: {remaining} request(s) of the quota left",
                       scaled=True)

    def observe(self, headers: Mapping[str, str]) -> None:
        raw = headers.get("x-ms-user-quota-remaining")
        resets = parse_duration(headers.get("x-ms-user-quota-resets-after"))
        if raw is None:
            return
        try:
            remaining = int(raw)
        except ValueError:
            return
        with self._lock:
            self._remaining = remaining
            self._resets_at = time.monotonic() + min(resets or 1.0, MAX_WAIT) * clock_scale()

    def quota_reset(self, headers: Mapping[str, str]) -> float | None:
        return parse_duration(headers.get("x-ms-user-quota-resets-after"))

    def sleep(self, seconds: float, why: str, scaled: bool = False) -> None:
        seconds = min(max(seconds, 0.0), MAX_WAIT)
        self.stats.waited += seconds
        self.progress.say(f"{why}; waiting {seconds:.1f}s")
        time.sleep(seconds * clock_scale())


def backoff(attempt: int) -> float:
    return min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt) * (0.5 + random.random() / 2)


def call(pacer: Pacer, send: Callable[[], T], what: str) -> T:
    """`send()` (one SDK call) with pacing and retries; returns its result or raises RequestFailed."""
    from azure.core.exceptions import (
        ClientAuthenticationError,
        DecodeError,
        DeserializationError,
        HttpResponseError,
        ServiceRequestError,
        ServiceResponseError,
    )

    throttled = faults = 0
    while True:
        pacer.before()
        with pacer._lock:  # list calls run on several threads
            pacer.stats.requests += 1
        try:
            return send()
        except (DecodeError, DeserializationError) as exc:
            problem, status = f"the response was not valid JSON ({first_line(exc)})", None
            _observe(pacer, exc)
        except ClientAuthenticationError as exc:
            if exc.response is None:  # the credential could not refresh its token mid-audit
                raise Unauthorized(f"signing in again failed: {first_line(exc)}", 401) from None
            raise Unauthorized(_service_message(exc), 401) from None
        except HttpResponseError as exc:
            status = exc.status_code
            headers = _headers(exc)
            _observe(pacer, exc)
            if status == 401:
                raise Unauthorized(_service_message(exc), 401) from None
            if status == 429:
                throttled += 1
                if throttled > MAX_THROTTLED:
                    raise RequestFailed(f"still throttled (429) after {MAX_THROTTLED} waits", 429) from None
                pacer.stats.throttled += 1
                wait = retry_after(headers)
                source = "Retry-After"
                if wait is None:
                    wait, source = pacer.quota_reset(headers), "quota reset"
                if wait is None:
                    wait, source = backoff(throttled), "back-off"
                pacer.sleep(wait, f"{what}: throttled (429), waiting as {source} says" if source != "back-off"
                            else f"{what}: throttled (429)")
                continue
            if status is not None and (status >= 500 or status == 408):
                problem = f"HTTP {status}: {_service_message(exc)}"
            else:
                raise RequestFailed(f"HTTP {status}: {_service_message(exc)}", status) from None
        except (ServiceRequestError, ServiceResponseError) as exc:
            problem, status = f"connection failed ({first_line(exc)})", None
        faults += 1
        if faults >= MAX_FAULTS:
            raise RequestFailed(f"{problem}; gave up after {MAX_FAULTS} attempts", status)
        pacer.stats.retried += 1
        pacer.sleep(backoff(faults - 1), f"{what}: {problem}; retrying ({faults}/{MAX_FAULTS - 1})")


def _headers(exc: Any) -> Mapping[str, str]:
    response = getattr(exc, "response", None)
    return response.headers if response is not None else {}


def _observe(pacer: Pacer, exc: Any) -> None:
    pacer.observe(_headers(exc))


def _service_message(exc: Any) -> str:
    """The service's own error code and message (first line), without the SDK's multi-line dump."""
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None)
    message = getattr(error, "message", None)
    if code or message:
        text = f"{code}: {message}" if code and message else str(code or message)
    else:
        response = getattr(exc, "response", None)
        text = getattr(response, "reason", None) or first_line(exc)
    text = "".join(ch if ch.isprintable() else " " for ch in str(text).splitlines()[0] if text)
    return text[:300]
