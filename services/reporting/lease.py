"""A lease in the database: one catch-up, rebuild or reconcile at a time across every reporting
process (replicas, and the CLI commands). Acquired and renewed by one conditional UPDATE, atomic
on SQLite and PostgreSQL; it expires by itself if its holder dies.
"""
import time
import uuid
from contextlib import contextmanager

import eventlet
from sqlalchemy import or_, update

from services.chassis.db import insert_ignoring_conflicts
from services.chassis.errors import Conflict
from services.reporting import settings
from services.reporting.models import Lease

NAME = "consumer"


def ttl():
    return settings.lease_seconds()


class Busy(Conflict):
    """Someone else holds the lease: try again later (not a failure of the operation)."""


class Held:
    def __init__(self, db, holder, on_renew=None):
        self.db, self.holder, self.on_renew = db, holder, on_renew
        self._renewed = time.monotonic()

    def renew(self, force=False):
        """Extend the lease (cheap to call often: writes at most every tenth of the TTL)."""
        if not force and time.monotonic() - self._renewed < ttl() / 10:
            return
        if not _take(self.db, self.holder):
            raise Conflict("The reporting lease was lost (expired); the operation stopped.")
        self._renewed = time.monotonic()
        if self.on_renew:
            self.on_renew()


def _take(db, holder):
    now = time.time()
    with db.unit_of_work() as uow:
        insert_ignoring_conflicts(uow.session, Lease, {"name": NAME, "expires_at": 0.0}, ["name"])
        result = uow.session.execute(
            update(Lease).where(Lease.name == NAME, or_(
                Lease.holder.is_(None), Lease.expires_at < now, Lease.holder == holder))
            .values(holder=holder, expires_at=now + ttl()))
        return result.rowcount == 1


def _release(db, holder):
    with db.unit_of_work() as uow:
        uow.session.execute(update(Lease).where(Lease.name == NAME, Lease.holder == holder)
                            .values(holder=None, expires_at=0.0))


@contextmanager
def hold(db, wait_seconds=0.0, on_renew=None):
    """`with hold(db) as held:` — or Busy if someone else holds it past `wait_seconds`.
    `on_renew` runs at each renewal (a job's heartbeat)."""
    holder = str(uuid.uuid4())
    deadline = time.monotonic() + wait_seconds
    while not _take(db, holder):
        if time.monotonic() >= deadline:
            raise Busy("Another catch-up, rebuild or reconcile is running; try again later.")
        eventlet.sleep(0.2)          # waiting for another process to finish: a real wait
    try:
        yield Held(db, holder, on_renew)
    finally:
        _release(db, holder)
