"""Environment-driven configuration with local defaults.

Every knob the system has is read here, so the README's configuration table and this file
are the same list. Values are read at call time (not import time) so tests can override them.
"""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Fixed, documented metrics ports so several services on one host never collide.
DEFAULT_METRICS_PORTS = {
    "gateway": 9100,
    "identity": 9101,
    "customers": 9102,
    "reporting": 9103,
    "sales": 9104,
    "marketing": 9105,
    "service_desk": 9106,
}


def env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_int(name, default):
    return int(env(name, default))


def env_float(name, default):
    return float(env(name, default))


def data_dir():
    path = Path(env("CRM_DATA_DIR", PROJECT_ROOT / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def amqp_uri():
    return env("AMQP_URI", "amqp://guest:guest@localhost:5672/")


def database_url(service_name):
    """`<SERVICE>_DATABASE_URL`, else an SQLite file under the data directory."""
    default = f"sqlite:///{data_dir() / (service_name + '.db')}"
    return env(f"{service_name.upper()}_DATABASE_URL", default)


def metrics_port(service_name):
    """`<SERVICE>_METRICS_PORT`; 0 disables the listener (tests run many services per process)."""
    return env_int(f"{service_name.upper()}_METRICS_PORT", DEFAULT_METRICS_PORTS.get(service_name, 0))


def rpc_timeout():
    return env_float("RPC_TIMEOUT_SECONDS", 5.0)


def outbox_sweep_interval():
    return env_float("OUTBOX_SWEEP_SECONDS", 5.0)


def outbox_sweep_min_age():
    """Rows younger than this are left to the after-commit relay, so the sweep does not race it."""
    return env_float("OUTBOX_SWEEP_MIN_AGE_SECONDS", 10.0)


def outbox_publish_timeout():
    """How long the after-commit relay may take before leaving the events to the sweep."""
    return env_float("OUTBOX_PUBLISH_TIMEOUT_SECONDS", 1.0)


def catch_up_interval():
    return env_float("CATCH_UP_SECONDS", 10.0)


def jwt_secret():
    secret = env("JWT_SECRET")
    if not secret:
        raise RuntimeError("JWT_SECRET is not set; `make run` generates one into var/secrets.env")
    return secret


def jwt_issuer():
    return env("JWT_ISSUER", "crm-identity")


def jwt_audience():
    return env("JWT_AUDIENCE", "crm-api")


def jwt_ttl_seconds():
    return env_int("JWT_TTL_SECONDS", 3600)


def import_max_bytes():
    """One limit for CSV imports, read by the gateway (413) and by customers (422) alike."""
    return env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
