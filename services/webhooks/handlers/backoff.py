"""When the next attempt of a failed delivery is due: exponential backoff with "equal jitter"
(half the delay fixed, half random), so receivers coming back from an outage are not hit by
every sender at the same instant, while the delay still grows: attempt n waits between
base·2^(n-1)/2 and base·2^(n-1), capped at WEBHOOKS_RETRY_MAX_SECONDS."""
import random
from datetime import timedelta

from services.webhooks import settings


def delay_seconds(attempts, rng=random, base=None, cap=None):
    """The wait after the `attempts`-th failed attempt (1 → about base)."""
    base = settings.retry_base_seconds() if base is None else base
    cap = settings.retry_max_seconds() if cap is None else cap
    full = min(cap, base * 2 ** min(attempts - 1, 60))
    return full / 2 + rng.random() * full / 2


def next_attempt(now, attempts, rng=random):
    return now + timedelta(seconds=delay_seconds(attempts, rng))
