"""Token-bucket rate limiting, in memory, per gateway process.

Each key (a principal, or a client IP for unauthenticated requests) has a bucket of `burst`
tokens refilled at `per_minute / 60` tokens a second; a request takes one. With N gateway
replicas a client can get up to N times the limit: the buckets are not shared between
processes (a shared limiter would need Redis or similar; out of scope here).
"""
import math
import threading
import time
from dataclasses import dataclass


@dataclass
class Decision:
    allowed: bool
    remaining: int
    retry_after: int = 0        # whole seconds until one token is available (0 when allowed)


class RateLimiter:
    def __init__(self, per_minute, burst, clock=time.monotonic, max_keys=100_000):
        self.rate = float(per_minute) / 60.0       # tokens per second
        self.burst = max(1, int(burst))
        self.clock = clock
        self.max_keys = max_keys
        self._buckets = {}                          # key -> [tokens, last refill time]
        self._lock = threading.Lock()               # green lock under eventlet's monkey patch

    @property
    def enabled(self):
        return self.rate > 0

    def take(self, key, cost=1.0):
        if not self.enabled:
            return Decision(True, self.burst)
        with self._lock:
            now = self.clock()
            bucket = self._buckets.get(key)
            if bucket is None:
                self._make_room(now)
                bucket = self._buckets[key] = [float(self.burst), now]
            tokens = min(float(self.burst), bucket[0] + (now - bucket[1]) * self.rate)
            bucket[1] = now
            if tokens >= cost:
                bucket[0] = tokens - cost
                return Decision(True, int(bucket[0]))
            bucket[0] = tokens
            wait = (cost - tokens) / self.rate
            return Decision(False, 0, max(1, math.ceil(wait)))

    def _make_room(self, now):
        """Bound memory: forget buckets that have refilled (forgetting them changes nothing);
        if that is not enough, forget the least recently used."""
        if len(self._buckets) < self.max_keys:
            return
        full_after = self.burst / self.rate
        for key in [k for k, (_, last) in self._buckets.items() if now - last >= full_after]:
            del self._buckets[key]
        while len(self._buckets) >= self.max_keys:
            oldest = min(self._buckets, key=lambda k: self._buckets[k][1])
            del self._buckets[oldest]
