"""Environment-driven configuration with local defaults: the settings every service shares.

A service's own settings live in `services/<service>/settings.py`, written the same way: one
function per setting, read at call time (not import time) so a changed environment — or a
test — takes effect, and typed and validated by environs, so a malformed value fails with the
variable's name instead of somewhere deep in a handler. The README's configuration table lists
them all.
"""
import os
from pathlib import Path

from environs import Env

from services import registry

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings:
    """environs' typed readers, with an empty variable meaning "not set" (compose `.env` files
    and `FOO=` in a shell leave variables empty, and the default is what their authors meant)."""

    def __init__(self):
        self._env = Env()

    def _read(self, kind, name, default):
        if os.environ.get(name) == "":
            return default
        return getattr(self._env, kind)(name, default)

    def str(self, name, default=None):
        return self._read("str", name, default)

    def int(self, name, default):
        return self._read("int", name, default)

    def float(self, name, default):
        return self._read("float", name, default)

    def bool(self, name, default):
        return self._read("bool", name, default)

    def list(self, name, default=()):
        return self._read("list", name, list(default))


env = Settings()


def data_dir():
    path = Path(env.str("CRM_DATA_DIR", str(PROJECT_ROOT / "var")))
    path.mkdir(parents=True, exist_ok=True)
    return path


def amqp_uri():
    return env.str("AMQP_URI", "amqp://guest:guest@localhost:5672/")


def database_url(service_name):
    """`<SERVICE>_DATABASE_URL`, else an SQLite file under the data directory."""
    default = f"sqlite:///{data_dir() / (service_name + '.db')}"
    return env.str(f"{service_name.upper()}_DATABASE_URL", default)


def metrics_port(service_name):
    """`<SERVICE>_METRICS_PORT`, else the service's fixed port in services/registry.py (so
    several services on one host never collide); 0 disables the listener (tests run many
    services per process)."""
    return env.int(f"{service_name.upper()}_METRICS_PORT", registry.default_metrics_port(service_name))


def bulk_workers(max_workers):
    """`BULK_WORKERS`: how many of a process's `max_workers` its long-running event handlers
    (queues.bulk_event_handler: a campaign's batches) may hold at once — the rest stay free for
    its RPCs, which would otherwise wait behind a running send. Default half, at least 1; never
    more than max_workers − 1 when there is more than one worker."""
    default = max(1, max_workers // 2)
    value = env.int("BULK_WORKERS", default)
    if value < 1:
        raise ValueError(f"BULK_WORKERS must be at least 1, not {value}")
    return min(value, max_workers - 1) if max_workers > 1 else 1


def event_batch_size():
    """`EVENT_BATCH_SIZE`: most events a batched consumer (queues.batch_event_handler: reporting's
    live path) applies in one transaction. Its queue's prefetch is twice this in messages, so the
    next batch arrives while one is applied, capped at queues.MAX_HELD_MESSAGES (a batch then
    takes at most half the cap in messages). 500: an import's packs go five to a transaction
    (consumers' CPU a row −35 to −41 % against 100, bench/FINDINGS.md, seventh session)."""
    value = env.int("EVENT_BATCH_SIZE", 500)
    if value < 1:
        raise ValueError(f"EVENT_BATCH_SIZE must be at least 1, not {value}")
    return value


def event_batch_wait():
    """`EVENT_BATCH_WAIT_SECONDS`: how long a batched consumer waits for more events after the
    first of a batch before applying what it has — the most a quiet stream's event is delayed."""
    value = env.float("EVENT_BATCH_WAIT_SECONDS", 0.02)
    if value < 0:
        raise ValueError(f"EVENT_BATCH_WAIT_SECONDS must not be negative, not {value}")
    return value


def queue_type():
    """`classic` (default) or `quorum`: the type of the services' durable RPC and event queues
    (services/chassis/queues.py). Changing it on a running deployment is a migration (README)."""
    value = env.str("QUEUE_TYPE", "classic").strip().lower()
    if value not in ("classic", "quorum"):
        raise ValueError(f"QUEUE_TYPE must be 'classic' or 'quorum', not {value!r}")
    return value


def rpc_timeout():
    return env.float("RPC_TIMEOUT_SECONDS", 5.0)


def idempotency_key_ttl():
    """Seconds an Idempotency-Key's first answer is kept (and a retry with it answered)."""
    return env.float("IDEMPOTENCY_KEY_TTL_SECONDS", 24 * 3600.0)


def idempotency_purge_interval():
    return env.float("IDEMPOTENCY_PURGE_SECONDS", 3600.0)


def outbox_sweep_interval():
    return env.float("OUTBOX_SWEEP_SECONDS", 5.0)


def outbox_sweep_min_age():
    """Rows younger than this are left to the after-commit relay, so the sweep does not race it."""
    return env.float("OUTBOX_SWEEP_MIN_AGE_SECONDS", 10.0)


def outbox_publish_timeout():
    """How long the after-commit relay may take before leaving the events to the sweep."""
    return env.float("OUTBOX_PUBLISH_TIMEOUT_SECONDS", 1.0)


def outbox_publish_linger():
    """How long after a write's commit the relay publishes it, with the writes committed
    meanwhile (outbox.Relay: fewer, larger messages for every consumer and the broker); each
    event's freshness pays it once."""
    value = env.float("OUTBOX_PUBLISH_LINGER_SECONDS", 0.05)
    if value < 0:
        raise ValueError(f"OUTBOX_PUBLISH_LINGER_SECONDS must not be negative, not {value}")
    return value


def catch_up_interval():
    return env.float("CATCH_UP_SECONDS", 10.0)


def catch_up_settle():
    """`CATCH_UP_SETTLE_SECONDS` (default: one CATCH_UP_SECONDS): a periodic catch-up round that
    reads a producer's log to its end takes only the events published (or, unsent, written) at
    least this long ago by the producer's clock — younger ones are most likely still on their
    way through the live queue (services/chassis/outbox.py: Relay.events_since). 0 reads to the
    end, as before (tests that publish and catch up at once)."""
    value = env.float("CATCH_UP_SETTLE_SECONDS", catch_up_interval())
    if value < 0:
        raise ValueError(f"CATCH_UP_SETTLE_SECONDS must not be negative, not {value}")
    return value


def jwt_secret():
    secret = env.str("JWT_SECRET")
    if not secret:
        raise RuntimeError("JWT_SECRET is not set; `make run` generates one into var/secrets.env")
    return secret


def jwt_issuer():
    return env.str("JWT_ISSUER", "crm-identity")


def jwt_audience():
    return env.str("JWT_AUDIENCE", "crm-api")


def jwt_ttl_seconds():
    return env.int("JWT_TTL_SECONDS", 3600)


def import_max_bytes():
    """One limit for CSV imports, read by the gateway (413) and by customers (422) alike."""
    return env.int("IMPORT_MAX_BYTES", 512 * 1024 * 1024)


def outbox_retention_days():
    """Purge sent events older than this from the event log (0 keeps them all)."""
    return env.int("OUTBOX_RETENTION_DAYS", 0)


def users_refresh_timeout():
    """Deadline for re-reading identity's event log when a users copy may be behind."""
    return env.float("USERS_REFRESH_TIMEOUT_SECONDS", 1.0)


def users_refresh_min_interval():
    return env.float("USERS_REFRESH_MIN_INTERVAL_SECONDS", 5.0)


def db_pool_size():
    return env.int("DB_POOL_SIZE", 10)


def db_max_overflow():
    return env.int("DB_MAX_OVERFLOW", 10)


def db_pool_timeout():
    return env.float("DB_POOL_TIMEOUT_SECONDS", 5.0)


def db_random_page_cost():
    """PostgreSQL's planner cost of a page read out of order, set on each connection (None: the
    server's own). Its default, 4, prices a spinning disk: a walk of the filter's index then
    looks dearer than reading the whole sort order and filtering it, and the customers list
    filtered on region + stage + value class read 4,200 rows a page instead of 390 at 1,000,000
    customers (bench/FINDINGS.md, fifteenth session). 1.1 is PostgreSQL's advice for SSDs and
    for data that fits in memory."""
    value = env.str("DB_RANDOM_PAGE_COST", "1.1")
    if value.lower() == "server":
        return None
    try:
        cost = float(value)
    except ValueError:
        cost = 0.0
    if not cost > 0:
        raise ValueError(f"DB_RANDOM_PAGE_COST must be a positive number or 'server', not {value!r}")
    return cost


def db_start_wait():
    """How long a starting service waits for its database to accept connections."""
    return env.float("DB_START_WAIT_SECONDS", 120.0)


def cursor_secret():
    return env.str("CURSOR_SECRET", "dev-cursor-secret-change-me")


def cursor_ttl_seconds():
    return env.int("CURSOR_TTL_SECONDS", 3600)


def metrics_addr():
    return env.str("METRICS_ADDR", "0.0.0.0")
