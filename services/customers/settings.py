"""customers' own settings: one function per environment variable, read at call time (a changed
environment — or a test's monkeypatch — takes effect on the next call; a timer's interval when
the container starts), typed and validated by the chassis's environs reader. The README's
configuration table lists them.
"""
# IMPORT_MAX_BYTES is shared with the gateway, which refuses a larger body (413) before it
# reaches customers (422): one variable, defined once in the chassis, re-exported here.
from services.chassis.settings import env, import_max_bytes  # noqa: F401


def import_poll_seconds():
    """How often pending CSV import jobs are picked up."""
    return env.float("IMPORT_POLL_SECONDS", 2.0)


def import_batch_rows():
    """Rows an import commits per transaction."""
    return env.int("IMPORT_BATCH_ROWS", 500)


def import_lease_seconds():
    """A job whose worker vanished is taken over after this."""
    return env.float("IMPORT_LEASE_SECONDS", 120.0)


def import_max_rows():
    """Most data rows in one CSV import."""
    return env.int("IMPORT_MAX_ROWS", 1_000_000)


def export_max_rows():
    """Most rows in one CSV export (the answer says it was truncated)."""
    return env.int("EXPORT_MAX_ROWS", 50_000)
