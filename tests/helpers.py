"""Test helpers: synchronise on conditions with deadlines, never on sleeps."""
import random
import socket
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


_PICK = random.SystemRandom()        # not the random module's state: Hypothesis seeds that
_handed_out = set()
# the machine's shared services (broker: epmd, AMQP, management, Prometheus plugin, Erlang
# distribution; PostgreSQL), even while one of them happens to be down
_SHARED_PORTS = frozenset({4369, 5432, 5672, 15672, 15692, 25672})


def _ephemeral_low():
    try:
        return int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port():
    """A TCP port nothing listens on, for a server a test starts. Picked below the kernel's
    ephemeral range, not with bind(0): a port from bind(0) comes from that range, and between
    the test picking it and the server binding it an outgoing connection (a service's AMQP or
    PostgreSQL client) can be given it as its local port — CI saw a service fail to start with
    "Address already in use" that way. Never the same port twice in one test process."""
    low = _ephemeral_low()
    for _attempt in range(500):
        port = _PICK.randrange(low // 2, low)
        if port in _handed_out or port in _SHARED_PORTS:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port found in {low // 2}-{low - 1}")
