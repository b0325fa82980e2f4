"""At most once per interval per key, per service process: for checks too costly to run on
every request (an RPC to another service) whose answer stays good enough for a few seconds.

    users_refresh = Throttle("USERS_REFRESH_MIN_INTERVAL_SECONDS", 5.0)
    ...
    if self.users_refresh.due(("region", region)):
        <the costly check>

State lives in the provider bound to one container (a new container, e.g. in a test, starts
empty). Keys usually come from requests: the table is pruned so it cannot grow without bound.
"""
import time

from nameko.extensions import DependencyProvider

from services.chassis import settings

MAX_KEYS = 10_000


class Gate:
    def __init__(self, interval, clock=time.monotonic, max_keys=MAX_KEYS):
        self.interval = interval
        self._clock = clock
        self._max_keys = max_keys
        self._last = {}

    def due(self, key):
        """True (and remembered) if `key` was not due within the interval; False otherwise."""
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self.interval:
            return False
        if len(self._last) >= self._max_keys:
            self._last = {k: t for k, t in self._last.items() if now - t < self.interval}
            if len(self._last) >= self._max_keys:     # all recent: forget them, checks run again
                self._last.clear()
        self._last[key] = now
        return True


class Throttle(DependencyProvider):
    def __init__(self, interval_setting, default_seconds):
        self.interval_setting = interval_setting
        self.default_seconds = default_seconds

    def setup(self):
        self.gate = Gate(settings.env.float(self.interval_setting, self.default_seconds))

    def get_dependency(self, worker_ctx):
        return self.gate
