"""The token bucket behind the per-token rate limit, on a fake clock."""

from __future__ import annotations

import pytest

from narcwatch.server.auth import RateLimited, RateLimiter


def test_a_bucket_allows_its_burst_then_refills_at_the_rate():
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])  # one a second, bursts of 60
    for _ in range(60):
        limiter.hit("t")
    with pytest.raises(RateLimited) as refused:
        limiter.hit("t")
    assert refused.value.retry_after == 1
    limiter.hit("other")  # buckets are per key
    now[0] = 1.0
    limiter.hit("t")
    with pytest.raises(RateLimited):
        limiter.hit("t")


def test_zero_means_no_limit_and_old_keys_are_forgotten():
    unlimited = RateLimiter(0)
    for _ in range(1000):
        unlimited.hit("t")
    small = RateLimiter(1, clock=lambda: 0.0, max_keys=2)
    for key in ("a", "b", "c"):
        small.hit(key)
    small.hit("a")  # "a" was forgotten (least recently used), so it has a fresh bucket
