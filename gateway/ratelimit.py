"""Rate limiting per principal (or client IP), with `limits` (a well-kept library for it).

Each key may make RATE_LIMIT_BURST requests in any window of
RATE_LIMIT_BURST × 60 / RATE_LIMIT_PER_MINUTE seconds (100 in 10 s by default): the burst
allowance, and on average the sustained rate. The window slides (limits' sliding-window
counter: two counters per key, weighted), so there is no free burst at a window's edge.

Where the counters live is RATE_LIMIT_STORAGE_URL: `memory://` (the default) keeps them in
this process — with N gateway replicas a client may then get N times the limit — and
`redis://host:port/db` shares them between every replica. A store that does not answer within
a short deadline lets the request through (and says so in the log at most once a minute):
an outage of the limiter must not become an outage of the API.
"""
import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

log = logging.getLogger(__name__)

STORE_TIMEOUT_SECONDS = 0.5
WARN_EVERY_SECONDS = 60.0


@dataclass
class Decision:
    allowed: bool
    retry_after: int = 0        # whole seconds until a request may pass (0 when allowed)


def window_seconds(per_minute, burst):
    return max(1, round(burst * 60.0 / per_minute))


def open_storage(url):
    if url.startswith(("redis://", "rediss://")):
        return storage_from_string(url, socket_timeout=STORE_TIMEOUT_SECONDS,
                                   socket_connect_timeout=STORE_TIMEOUT_SECONDS)
    return storage_from_string(url)


class RateLimiter:
    def __init__(self, per_minute, burst, storage_url="memory://", namespace="gateway"):
        self.burst = max(1, int(burst))
        self.enabled = float(per_minute) > 0
        self.namespace = namespace
        self.storage_url = storage_url
        if self.enabled:
            self.item = RateLimitItemPerSecond(self.burst, window_seconds(float(per_minute),
                                                                          self.burst))
            self.limiter = SlidingWindowCounterRateLimiter(open_storage(storage_url))
        self._warned_at = None

    def take(self, key):
        if not self.enabled:
            return Decision(True)
        try:
            if self.limiter.hit(self.item, self.namespace, key):
                return Decision(True)
            stats = self.limiter.get_window_stats(self.item, self.namespace, key)
        except Exception:
            self._warn_store_down()
            return Decision(True)
        wait = min(self.item.get_expiry(), stats.reset_time - time.time())
        return Decision(False, max(1, math.ceil(wait)))

    def _warn_store_down(self):
        now = time.monotonic()
        if self._warned_at is None or now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            log.warning("rate limit store unavailable; requests are let through meanwhile",
                        exc_info=True)
