"""The token bucket, driven by a fake clock."""
import pytest

from gateway.ratelimit import RateLimiter


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


def test_burst_then_refuse_with_retry_after(clock):
    limiter = RateLimiter(per_minute=60, burst=3, clock=clock)       # 1 token a second
    assert [limiter.take("a").allowed for _ in range(4)] == [True, True, True, False]
    refused = limiter.take("a")
    assert not refused.allowed and refused.retry_after == 1


def test_tokens_refill_with_time_up_to_the_burst(clock):
    limiter = RateLimiter(per_minute=60, burst=2, clock=clock)
    limiter.take("a"), limiter.take("a")
    assert not limiter.take("a").allowed
    clock.now += 1.0
    assert limiter.take("a").allowed
    assert not limiter.take("a").allowed
    clock.now += 3600                                               # a long pause: still only burst
    assert [limiter.take("a").allowed for _ in range(3)] == [True, True, False]


def test_retry_after_is_rounded_up_to_whole_seconds(clock):
    limiter = RateLimiter(per_minute=6, burst=1, clock=clock)       # a token every 10 s
    limiter.take("a")
    clock.now += 2.5
    assert limiter.take("a").retry_after == 8                       # 7.5 s → 8


def test_keys_are_independent(clock):
    limiter = RateLimiter(per_minute=60, burst=1, clock=clock)
    assert limiter.take("alice").allowed
    assert not limiter.take("alice").allowed
    assert limiter.take("bob").allowed


def test_zero_rate_disables_limiting(clock):
    limiter = RateLimiter(per_minute=0, burst=1, clock=clock)
    assert all(limiter.take("a").allowed for _ in range(100))


def test_memory_is_bounded(clock):
    limiter = RateLimiter(per_minute=60, burst=1, clock=clock, max_keys=10)
    for index in range(25):
        limiter.take(f"k{index}")
        clock.now += 0.01
    assert len(limiter._buckets) <= 10
    assert not limiter.take("k24").allowed        # the most recent bucket was kept
