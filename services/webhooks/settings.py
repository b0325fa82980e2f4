"""webhooks' settings: one function per environment variable, read at call time (README,
Configuration)."""
from services.chassis.settings import env


def send_interval():
    """How often due deliveries are sent (and replay jobs advanced)."""
    return env.float("WEBHOOKS_SEND_SECONDS", 1.0)


def send_batch():
    """Most deliveries one round claims; they are posted concurrently (green threads)."""
    return env.int("WEBHOOKS_SEND_BATCH", 50)


def connect_timeout():
    return env.float("WEBHOOKS_CONNECT_TIMEOUT_SECONDS", 3.0)


def read_timeout():
    return env.float("WEBHOOKS_READ_TIMEOUT_SECONDS", 10.0)


def retry_base_seconds():
    """The first retry's delay; each next one doubles, with jitter (half to all of it)."""
    return env.float("WEBHOOKS_RETRY_BASE_SECONDS", 5.0)


def retry_max_seconds():
    return env.float("WEBHOOKS_RETRY_MAX_SECONDS", 3600.0)


def max_attempts():
    """A delivery is given up (status failed, still replayable) after this many attempts."""
    return env.int("WEBHOOKS_MAX_ATTEMPTS", 12)


def disable_after_failures():
    """A subscription is disabled after this many consecutive failed attempts (any delivery)."""
    return env.int("WEBHOOKS_DISABLE_AFTER_FAILURES", 20)


def replay_page():
    return env.int("WEBHOOKS_REPLAY_PAGE", 500)
