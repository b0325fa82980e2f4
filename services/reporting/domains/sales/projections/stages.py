"""The pipeline's configuration as the deals projection needs it: each stage's probability from
sales' pipeline_stage_updated (stage_fact), which decides every deal's weighted value in it.

Semantics (the same as sales' board, get_deal and reconcile_deal_facts): a deal is weighted with
its stage's CURRENT probability. Sales' log says what that is at each sequence: a deal event
carries its stage's probability when it was written, a pipeline_stage_updated the new one. So
the probability of a deal whose newest event is at sequence n, in stage s, is that of the newest
of the two: the stage's configuration event if it is later than n, else the deal event's. A
configuration event re-weights every deal of the stage whose newest event is older (deals.py);
a deal event applied after a newer configuration event (a live delivery out of order) takes the
configuration's. In sequence order (a rebuild) and in any delivery order (live, catch-up) the
result is the same once every event is in.

Concurrency (PostgreSQL): a deal event takes a SHARE lock on its stage's row before it locks the
deal, a configuration event an exclusive one before it locks the stage's deals; so one waits for
the other and neither misses the other's write (deal events do not wait for each other). A deal
event whose stage has no row yet inserts a placeholder (sequence 0) to have something to lock.
"""
from services.chassis.db import insert_ignoring_conflicts
from services.reporting import rollups
from services.reporting.domains.sales.models import StageFact

FIELDS = ("name", "probability", "position", "kind", "active")


def _row(session, key, exclusive):
    cache = rollups.transaction_cache(session)
    if not exclusive and ("share", StageFact, key) in cache:
        found = session.get(StageFact, key)        # locked earlier in this transaction
        if found is not None:
            return found
    lock = True if exclusive else {"read": True}
    found = session.get(StageFact, key, with_for_update=lock, populate_existing=True)
    if found is None:
        insert_ignoring_conflicts(session, StageFact, {"key": key, "sequence": 0}, ("key",))
        found = session.get(StageFact, key, with_for_update=lock, populate_existing=True)
    cache.add(("share", StageFact, key))
    return found


def lock(session, key):
    """Share-lock stage `key`'s row (before the deal's: the lock order above)."""
    _row(session, key, exclusive=False)


def probability(session, key, sequence, carried):
    """The probability a deal in stage `key` whose newest event is at `sequence` (carrying
    `carried`) is weighted with."""
    stage = _row(session, key, exclusive=False)
    return stage.probability if stage.sequence > sequence else carried


def record(session, data, sequence):
    """Store a pipeline_stage_updated; True if it is the newest known for its stage (then the
    caller re-weights the stage's deals), False if a newer one was applied already."""
    stage = _row(session, data["key"], exclusive=True)
    if sequence <= stage.sequence:
        return False
    for name in FIELDS:
        setattr(stage, name, data.get(name))
    stage.sequence = sequence
    return True
