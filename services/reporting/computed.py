"""Costly figures computed from the read models — the win-drivers model (a logistic regression
refitted per request: ~1.7 s on the demo data) and the customer groups (k-means: ~3 s at 5,000
customers) — kept in this process for the next request, keyed by the version of the read
models they were computed from, so any change to those computes them anew:

- every event applied rewrites its source's `freshness` row (its event id and applied_at, in
  the transaction of its effect), so the freshness rows move whenever a fact does;
- a rebuild's switch replaces whole tables and applies no event live: it bumps
  `read_model_generation` in its transaction (shadow.copy_over).

Reading the version is two queries over a handful of rows. It is read BEFORE the facts, so a
figure is never older than its key (at worst newer: the next request then misses and
recomputes). At most REPORTING_COMPUTED_ENTRIES figures are kept, the least recently used
dropped first. Each replica keeps its own; a miss on two greenlets at once computes twice —
the same result — rather than holding one behind the other's lock."""
import threading
from collections import OrderedDict

from sqlalchemy import select

from services.reporting import settings
from services.reporting.models import Freshness, ReadModelGeneration


def version(session):
    """What the read models are now: each source's last applied event and the generation."""
    applied = tuple(session.execute(select(Freshness.source, Freshness.event_id,
                                           Freshness.applied_at).order_by(Freshness.source)))
    generation = session.scalar(select(ReadModelGeneration.generation)
                                .where(ReadModelGeneration.name == "tables")) or 0
    return applied, generation


class Computed:
    def __init__(self):
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session, key, compute):
        """compute()'s result for `key` (a tuple saying what it was computed from besides the
        data: the scope, the parameters) over the read models as they are now."""
        full = (version(session), *key)
        with self._lock:
            if full in self._entries:
                self._entries.move_to_end(full)
                return self._entries[full]
        value = compute()
        with self._lock:
            self._entries[full] = value
            while len(self._entries) > max(settings.computed_entries(), 0):
                self._entries.popitem(last=False)
        return value

    def clear(self):
        with self._lock:
            self._entries.clear()


CACHE = Computed()      # the process's
