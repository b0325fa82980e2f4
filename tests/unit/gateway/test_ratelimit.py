"""The in-process limiter (limits' memory storage), driven by a fake clock: limits reads
`time.time()` in its memory storage and strategies, so those modules get the test's clock."""
import types

import limits.storage.memory
import limits.strategies
import pytest

from gateway.ratelimit import RateLimiter, window_seconds


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def time(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    fake_time = types.SimpleNamespace(time=clock.time)
    monkeypatch.setattr(limits.storage.memory, "time", fake_time)
    monkeypatch.setattr(limits.strategies, "time", fake_time)
    monkeypatch.setattr("gateway.ratelimit.time", types.SimpleNamespace(
        time=clock.time, monotonic=clock.time))
    return clock


def test_the_window_gives_the_sustained_rate():
    assert window_seconds(600, 100) == 10           # the defaults: 100 per 10 s = 600 a minute
    assert window_seconds(60, 3) == 3
    assert window_seconds(100000, 10000) == 6


def test_burst_then_refuse_with_retry_after(clock):
    limiter = RateLimiter(per_minute=60, burst=3)        # 3 in any 3 s
    assert [limiter.take("a").allowed for _ in range(4)] == [True, True, True, False]
    refused = limiter.take("a")
    assert not refused.allowed and 1 <= refused.retry_after <= 3


def test_the_budget_comes_back_as_the_window_slides(clock):
    limiter = RateLimiter(per_minute=60, burst=2)        # 2 in any 2 s
    assert [limiter.take("a").allowed for _ in range(3)] == [True, True, False]
    clock.now += 4.0                                     # two windows later: all of it back
    assert [limiter.take("a").allowed for _ in range(3)] == [True, True, False]
    clock.now += 3600                                    # a long pause: still only the burst
    assert [limiter.take("a").allowed for _ in range(3)] == [True, True, False]


def test_retry_after_is_whole_seconds_within_the_window(clock):
    limiter = RateLimiter(per_minute=6, burst=1)         # 1 in any 10 s
    limiter.take("a")
    clock.now += 2.5
    refused = limiter.take("a")
    assert not refused.allowed and isinstance(refused.retry_after, int)
    assert 1 <= refused.retry_after <= 10


def test_keys_are_independent(clock):
    limiter = RateLimiter(per_minute=60, burst=1)
    assert limiter.take("alice").allowed
    assert not limiter.take("alice").allowed
    assert limiter.take("bob").allowed


def test_zero_rate_disables_limiting(clock):
    limiter = RateLimiter(per_minute=0, burst=1)
    assert all(limiter.take("a").allowed for _ in range(100))


def test_an_unreachable_store_lets_requests_through(caplog):
    limiter = RateLimiter(per_minute=60, burst=1, storage_url="redis://127.0.0.1:1/0")
    assert all(limiter.take("a").allowed for _ in range(3))
    assert "rate limit store unavailable" in caplog.text
    assert caplog.text.count("rate limit store unavailable") == 1      # said once, not per request
