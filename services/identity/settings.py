"""identity's settings: one function per environment variable, read at call time (a changed
environment — or a test's monkeypatch — takes effect on the next call), typed and validated by
the chassis's environs reader. The README's configuration table lists them.
"""
# The JWT settings are shared with the gateway, which verifies tokens with this service's
# tokens.py: defined once in the chassis, re-exported here so this module lists all identity reads.
from services.chassis.settings import (env, jwt_audience, jwt_issuer,  # noqa: F401
                                       jwt_secret, jwt_ttl_seconds)

DEFAULT_ADMIN_NAME = "Administrator"


def admin_email():
    """The first admin's email (bootstrap); unset: no admin is created."""
    return env.str("ADMIN_EMAIL")


def admin_password():
    """The first admin's password, at least 10 characters (bootstrap)."""
    return env.str("ADMIN_PASSWORD")


def admin_name():
    return env.str("ADMIN_NAME", DEFAULT_ADMIN_NAME)


# --- login brute-force protection (services/identity/handlers/guard.py) ---------------------

def login_max_failures_per_account():
    """Failed logins for one email within the window before it is locked for a while."""
    return env.int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)


def login_max_failures_per_ip():
    """Failed logins from one client address within the window (higher: offices share one)."""
    return env.int("LOGIN_MAX_FAILURES_PER_IP", 50)


def login_failure_window_seconds():
    """How long a failure counts."""
    return env.int("LOGIN_FAILURE_WINDOW_SECONDS", 900)


def login_lockout_seconds():
    """How long a key that reached its limit is refused (time-boxed: never longer)."""
    return env.int("LOGIN_LOCKOUT_SECONDS", 900)
