"""Interleaving two transactions deterministically on PostgreSQL, to show the order they take
their row locks in: the first pauses right after its first lock-taking step until the second
is seen waiting on a lock (pg_stat_activity), then goes on. Taken in one order, the second
waits and then proceeds; in opposite orders, the first now waits for the second: a deadlock
(PostgreSQL aborts one after deadlock_timeout, and the test sees its error)."""
import greenlet
import eventlet
from sqlalchemy import text

from tests.helpers import wait_until


def waiting_on_a_lock(engine):
    """How many sessions of this database wait on a lock right now."""
    with engine.connect() as probe:
        return probe.execute(text("SELECT count(*) FROM pg_stat_activity WHERE "
                                  "wait_event_type = 'Lock' AND datname = current_database()"
                                  )).scalar()


class pause_after_first:      # noqa: N801 (used as a decorator factory)
    """`pause = pause_after_first(engine, other)`; `pause(function)` wraps a lock-taking step.
    The first wrapped step the creating greenlet calls is followed by `other` started in its
    own greenlet (`pause.other`) and a wait until a session waits on a lock — which must be
    `other`'s: it must not have finished. Other greenlets' calls pass through."""

    def __init__(self, engine, other, timeout=10.0, before=False):
        """`before`: pause before the first wrapped step instead (holding what came earlier)."""
        self.engine, self.start, self.timeout, self.before = engine, other, timeout, before
        self.owner, self.other = greenlet.getcurrent(), None

    def __call__(self, function):
        def wrapped(*args, **kwargs):
            if self.before:
                self._pause()
            result = function(*args, **kwargs)
            self._pause()
            return result
        return wrapped

    def _pause(self):
        if self.other is None and greenlet.getcurrent() is self.owner:
            self.other = eventlet.spawn(self.start)
            wait_until(lambda: self.other.dead or waiting_on_a_lock(self.engine),
                       timeout=self.timeout, interval=0.01,
                       message="the other transaction to wait on a lock")
            assert not self.other.dead, "the other transaction did not wait for this one"
