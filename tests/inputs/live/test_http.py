"""Quota and Retry-After headers as the throttling logic reads them."""

from __future__ import annotations

import pytest

from linter.inputs.live.http import backoff, parse_duration, retry_after


@pytest.mark.parametrize(("text", "seconds"), [
    ("00:00:05", 5.0), ("00:01:00", 60.0), ("01:00:00", 3600.0), ("1.00:00:01", 86401.0), ("00:00:04.5", 4.0),
    ("", None), (None, None), ("5", None), ("aa:bb:cc", None)])
def test_quota_reset_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_retry_after_seconds_or_http_date():
    assert retry_after({"Retry-After": "7"}) == 7.0
    assert retry_after({"retry-after": "0"}) == 0.0
    assert retry_after({"Retry-After": "-3"}) is None
    assert retry_after({"Retry-After": "nan"}) is None
    assert retry_after({"Retry-After": "soon"}) is None
    assert retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) is None  # in the past
    assert retry_after({}) is None


def test_backoff_is_bounded_and_grows():
    assert all(0.5 <= backoff(0) <= 1.0 for _ in range(20))
    assert all(backoff(20) <= 30.0 for _ in range(20))
    assert max(backoff(3) for _ in range(20)) > max(backoff(0) for _ in range(20))
