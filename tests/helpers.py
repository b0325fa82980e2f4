"""Test helpers: synchronise on conditions with deadlines, never on sleeps."""
import time

import eventlet


def wait_until(predicate, timeout=10.0, interval=0.05, message="condition"):
    """Poll `predicate` until it returns a truthy value (returned) or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        eventlet.sleep(interval)       # yields to the services under test; not a synchronisation
    raise AssertionError(f"timed out after {timeout}s waiting for {message}; last value: {last!r}")
