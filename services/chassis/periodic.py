"""Periodic jobs: one way to run a background job on a timer, in every service.

    @periodic(settings.overdue_check_seconds)
    def detect_overdue_invoices(self):
        return overdue.detect_overdue(self.db)

- The interval is a zero-argument callable read when the container starts, not when the module
  is imported: a setting changed in the environment (or by a test) takes effect on the next start.
- A failing round is logged once at WARNING and swallowed: the next round retries, and nameko does
  not log a traceback at ERROR for what is an expected, transient condition (a broker or a
  database away for a moment).
- Once across replicas: every replica runs the timer, so a job's effect must be claimed. `claim`
  is the conditional UPDATE that does it — the row changes (and the caller emits its event) only
  for the replica whose UPDATE matched; the others wait for its lock, then match nothing.
- Tests trigger a job directly with nameko's `entrypoint_hook(container, "<method>")` instead of
  waiting for a short interval.
"""
import functools
import logging

from nameko.timer import Timer
from sqlalchemy import update

log = logging.getLogger(__name__)


class PeriodicTimer(Timer):
    """nameko's Timer with its interval resolved at setup (container start)."""

    def __init__(self, interval, eager=False, **kwargs):
        self.interval_setting = interval
        super().__init__(None, eager=eager, **kwargs)

    def setup(self):
        self.interval = float(self.interval_setting())
        if self.interval <= 0:
            raise ValueError(f"{self.method_name}: the interval must be positive, got {self.interval}")
        super().setup()


def periodic(interval, eager=False):
    """Decorate a service method as a periodic job every `interval()` seconds."""
    if not callable(interval):
        raise TypeError("periodic(interval): pass the setting function, not its value "
                        "(it is read when the container starts)")

    def decorate(method):
        @functools.wraps(method)
        def job(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except Exception:
                log.warning("%s.%s failed; the next round retries", self.name, method.__name__,
                            exc_info=True)
                return None
        return PeriodicTimer.decorator(interval=interval, eager=eager)(job)
    return decorate


def claim(session, model, *conditions, **values):
    """UPDATE model SET values WHERE conditions; True if this call changed exactly one row.

    `conditions` must include the row's key and the "not done yet" test (e.g. `overdue_at IS
    NULL`), so that of several replicas racing, one wins and the others change nothing."""
    changed = session.execute(update(model).where(*conditions).values(**values)
                              .execution_options(synchronize_session=False)).rowcount
    return changed == 1


def mark_each(db, find, mark, what, batch=None):
    """The body of a once-across-replicas job: read the candidates' keys, then `mark(uow, key)`
    each in its own transaction — `mark` claims the row (`claim` above) and emits its event only
    if the claim won — and return how many this call marked.

    `find(session)` returns every candidate; with `batch`, `find(session, batch)` returns up to
    `batch` at a time and is asked again until a short page. Marked rows must drop out of what
    `find` returns; a full page that marks nothing stops the round (the next one retries)."""
    marked = 0
    while True:
        with db.read_only() as session:
            found = list(find(session, batch) if batch else find(session))
        marked_now = 0
        for key in found:
            with db.unit_of_work() as uow:
                marked_now += bool(mark(uow, key))
        marked += marked_now
        if batch is None or len(found) < batch or not marked_now:
            break
    if marked:
        log.info("%s %s", marked, what)
    return marked
