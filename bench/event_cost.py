"""CPU per event applied by reporting, in-process (no broker): the code path, not the machine.

    .venv/bin/python -m bench.event_cost [--events 3000] [--db sqlite|postgresql|both]
                                         [--path live|batched|catchup|all] [--mix write|import]
                                         [--profile]

Builds N envelopes exactly as the producers' outboxes serve them (the fake logs of
tests/unit/reporting/support.py, which mirror services/customers/events.py and identity's user
events) in the mix the write benchmark produces — mostly customer_created + customer_assigned
pairs, with updates, interactions, a few merges and user events — then applies them to a fresh
reporting database (SQLite file with the service's pragmas; a throw-away PostgreSQL database)
through the code the service runs:

- live:    `inbox.consume(db, envelope)` per event (the per-event @event_handler path, before
           batching);
- batched: the live path as it runs now (queues.batch_event_handler): each source's queue —
           all its event types, in the producer's order — in lists of EVENT_BATCH_SIZE, one
           `consume_all` transaction per list;
- catchup: `consumer.catch_up_sources` over the log (the timer's and the rebuild's path).

Prints events/s and ms/event of wall time and of this process's CPU time (PostgreSQL's own
server CPU is not in the latter). Wall time on the shared 2-core machine is noisy; CPU is not.
"""
import argparse
import cProfile
import pstats
import random
import time
import uuid
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy.orm import sessionmaker

from bench import databases
from services.chassis import settings
from services.chassis.db import DatabaseAccess, create_schema, make_engine
from services.reporting import inbox
from services.reporting import consumer
from services.reporting.domains import METADATA
from tests.unit.reporting.support import T0, Customers, Identity

STAGES = ("lead", "prospect", "customer", "churned")
REGIONS = ("north", "south", "east", "west", "central")


def build_logs(count, seed=7):
    """(customers log, identity log) with about `count` events in total."""
    rng = random.Random(seed)
    customers, identity = Customers(), Identity()
    reps = [f"u{i}" for i in range(25)]
    for rep in reps:
        identity.user(rep, region=rng.choice(REGIONS))
    ids = []
    while len(customers.events) + len(identity.events) < count:
        roll = rng.random()
        if roll < 0.55 or len(ids) < 10:                 # POST /customers: created + assigned
            customer_id = str(uuid.uuid4())
            ids.append(customer_id)
            customers.create(customer_id, created_at=T0 + timedelta(minutes=len(ids)),
                             region=rng.choice(REGIONS), industry=rng.choice(("it", "retail", None)),
                             value_class=rng.choice("ABC"))
            customers.assign(customer_id, rng.choice(reps))
        elif roll < 0.75:
            customers.update(rng.choice(ids), lifecycle_stage=rng.choice(STAGES))
        elif roll < 0.97:
            customers.interaction(rng.choice(reps), kind=rng.choice(("call", "email", "meeting")),
                                  occurred_at=T0 + timedelta(minutes=rng.randrange(10_000)),
                                  owner_id=rng.choice(reps), customer_id=rng.choice(ids))
        elif len(ids) > 2:
            winner, loser = rng.sample(ids, 2)
            ids.remove(loser)
            customers.merge(winner, loser)
        else:
            identity.user(rng.choice(reps), event_type="user_updated", name="renamed")
    return customers, identity


def build_import_logs(count, seed=7, pack=100):
    """The bulk import's shape (issue 15 §5): new customers, each a customer_created and a
    customer_assigned, a batch of `pack` rows emitting all its creations then all its
    assignments (so the live batches hold only one of the two types)."""
    rng = random.Random(seed)
    customers, identity = Customers(), Identity()
    reps = [f"u{i}" for i in range(25)]
    for rep in reps:
        identity.user(rep, region=rng.choice(REGIONS))
    row = 0
    while len(customers.events) < count:
        ids = [str(uuid.uuid4()) for _ in range(pack)]
        for customer_id in ids:
            row += 1
            customers.create(customer_id, created_at=T0 + timedelta(seconds=row),
                             region=rng.choice(REGIONS), industry=rng.choice(("it", "retail", None)),
                             value_class=rng.choice("ABC"), size=rng.choice((None, 10, 250)))
        for customer_id in ids:
            customers.assign(customer_id, rng.choice(reps))
    return customers, identity


def make_db(url):
    """The service's Database access (real engine and pragmas), minus nameko and the relay."""
    engine = make_engine(url)
    create_schema(engine, METADATA)
    provider = SimpleNamespace(engine=engine, source="reporting", event_schemas={},
                               sessionmaker=sessionmaker(bind=engine, expire_on_commit=False),
                               relay=None)
    return DatabaseAccess(provider, worker_ctx=None), engine


class NoLease:
    def renew(self):
        pass


def run_live(db, logs):
    # Interleaved as the broker would deliver two producers' queues.
    merged = sorted((event for log in logs for event in log.events), key=lambda e: e["occurred_at"])
    outcomes = [inbox.consume(db, envelope) for envelope in merged]
    assert outcomes.count(inbox.PROCESSED) == len(merged), "every event applies once"


def run_batched(db, logs, size=None):
    size = size or settings.event_batch_size()
    queues = {}
    for envelope in sorted((event for log in logs for event in log.events),
                           key=lambda e: e["occurred_at"]):
        queues.setdefault(envelope["source"], []).append(envelope)     # one queue per source
    outcomes = []
    for events in queues.values():
        for start in range(0, len(events), size):
            outcomes += inbox.consume_all(db, events[start:start + size])
    assert outcomes.count(inbox.PROCESSED) == sum(len(log.events) for log in logs), \
        "every event applies once"


def run_catchup(db, logs):
    results = consumer.catch_up_sources(db, {log.source: log.fetch for log in logs}, NoLease(),
                                        until={log.source: len(log.events) for log in logs})
    assert sum(applied for applied, _position in results.values()) == sum(len(log.events) for log in logs)


def cpu_ms_per_event(kind, path, count, tmp_dir):
    """This process's CPU ms per event on `path` (bench/capacity.py's input)."""
    return measure(kind, path, count, tmp_dir)["cpu_ms"]


def measure(kind, path, count, tmp_dir, profile=False, mix="write"):
    logs = {"write": build_logs, "import": build_import_logs}[mix](count)
    total = sum(len(log.events) for log in logs)
    with databases.scratch(kind, tmp_dir, prefix="reporting") as url:
        db, engine = make_db(url)
        try:
            run = {"live": run_live, "batched": run_batched, "catchup": run_catchup}[path]
            profiler = cProfile.Profile() if profile else None
            wall, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            run(db, logs)
            if profiler:
                profiler.disable()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        finally:
            engine.dispose()
    print(f"{kind:10} {path:8} {mix:6} {total:6} events  wall {total / wall:8.0f} ev/s "
          f"{1000 * wall / total:6.2f} ms/ev   cpu {total / cpu:8.0f} ev/s {1000 * cpu / total:6.2f} ms/ev",
          flush=True)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return {"events": total, "wall_ms": 1000 * wall / total, "cpu_ms": 1000 * cpu / total}


def main(argv=None):
    import tempfile
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--path", choices=("live", "batched", "catchup", "all"), default="all")
    parser.add_argument("--mix", choices=("write", "import"), default="write",
                        help="write: the write benchmark's mix; import: the bulk import's "
                             "created + assigned pairs, in packs of 100 of each type")
    parser.add_argument("--profile", action="store_true", help="cProfile each run (slower)")
    args = parser.parse_args(argv)
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    paths = ("live", "batched", "catchup") if args.path == "all" else (args.path,)
    with tempfile.TemporaryDirectory() as tmp_dir:
        for kind in kinds:
            for path in paths:
                measure(kind, path, args.events, tmp_dir, args.profile, args.mix)


if __name__ == "__main__":
    main()
