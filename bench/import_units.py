"""A customers' consumer's CPU per imported event in process, as an import reaches it: N
customers dumped through customers' schemas (per 500 rows: 500 customer_created, then 500
customer_assigned, as customers_bulk emits a batch), applied by inbox.consume_all in units of
`--unit` events (default 500: EVENT_BATCH_SIZE, the live batches; advance_position=True) on a
scratch database (bench.databases.scratch); audit through its in-order batch
(ordering.consume_batch_in_order), reporting through its per-projection inbox
(services/reporting/inbox.py consume_all). CPU: time.process_time over the events after a
two-unit warm-up; PostgreSQL: also its server
backends' CPU (/proc/<pid>/stat of the database's connections); statements counted by
before_cursor_execute. Any tree: run it FROM that tree's directory with PYTHONPATH=<that tree>
(`cd <tree> && PYTHONPATH=$PWD python -m bench.import_units ...`): `-m` puts the current
directory before PYTHONPATH, so run from another tree it measures that one (bench/FINDINGS.md,
the seventh session's audit and reporting).

webhooks (no subscription: its apply is one SELECT per unit) is the chassis' own floor per event.
`--live`: through the service's apply_events (the batched handler's method: consume_all plus the
per-event metrics and lag) instead of inbox.consume_all alone; `--profile`: cProfile of the
measured loop, the top functions by cumulative and own time on stderr (bench/FINDINGS.md, the
sixth session's per-event floor).

The process holds one unit's envelopes at a time, as a consumer does (each unit pickled up
front and loaded before its call, outside the measured CPU): N x 2 envelopes held as live
objects would double what the collector's full collections scan. Collections during the
measured calls are counted per generation (gc.callbacks: count, CPU inside them, objects
collected). `--gc-freeze`: gc.collect() then gc.freeze() after set-up and before the warm-up,
as a chassis hook at a container's start would, before its first event; `--gc-threshold=N`:
gen0's threshold set to N first. Neither paid, so the chassis has neither (bench/FINDINGS.md,
the seventh session's garbage collector).

`--grown=M` (PostgreSQL): before the warm-up the consumer's inbox holds M rows as a long import
leaves it (reporting's projection inbox M per projection of customers' events; audit's inbox,
records and entries as bench/audit_import.py grows them), with event ids as the tree's producers
make them (random uuid4, or time-ordered where the chassis has them — the measured
events then carry such ids too), then VACUUM (ANALYZE) and a CHECKPOINT. Only the inbox grows
(and audit's trail): a consumer's own tables stay as the measured events leave them.

    PYTHONPATH=<tree> .venv/bin/python -m bench.import_units \
        service_desk|marketing|webhooks|audit|reporting sqlite|postgresql [N] [--unit=500] \
        [--live] [--profile] [--gc-freeze] [--gc-threshold=N] [--grown=M]
"""
import cProfile
import gc
import importlib
import pickle
import pstats
import sys
import tempfile
import time
from types import SimpleNamespace

from sqlalchemy import event, text

from bench import audit_import
from bench.databases import scratch
from bench.procstat import cpu_seconds
from services.chassis import inbox
from services.chassis.db import make_engine

CONSUMERS = {"service_desk": ("services.service_desk.service", "ServiceDeskService",
                              "tests.unit.service_desk.support", "desk_db"),
             "marketing": ("services.marketing.service", "MarketingService",
                           "tests.unit.marketing.support", "marketing_db"),
             # service desk's support builds the customers' events; webhooks' db is made here
             "webhooks": ("services.webhooks.service", "WebhooksService",
                          "tests.unit.service_desk.support", None),
             "audit": ("services.audit.service", "AuditService",
                       "tests.unit.service_desk.support", "audit_db"),
             "reporting": ("services.reporting.service", "ReportingService",
                           "tests.unit.service_desk.support", "reporting_db")}


AS_IMPORTED = ("audit", "reporting")


def audit_db(engine):
    from tests.unit.audit.support import audit_db as make
    return make(engine)


def reporting_db(engine):
    from services.reporting.domains import METADATA
    from tests.unit.chassis.fakes import make_db
    return make_db(engine, METADATA, source="reporting")


def consume_all(consumer, db, subscriptions):
    """The batch path without the service (no metrics, no lag): the consumer's own where it
    has one (audit's order, reporting's per-projection inbox), else the chassis inbox's."""
    if consumer == "audit":
        from services.audit import ordering
        return lambda unit: ordering.consume_batch_in_order(db, subscriptions, unit)
    if consumer == "reporting":
        from services.reporting import inbox as projection_inbox
        return lambda unit: projection_inbox.consume_all(db, unit)
    return lambda unit: inbox.consume_all(db, subscriptions, unit, advance_position=True)


def webhooks_db(engine):
    from services.webhooks.events import EVENT_SCHEMAS
    from services.webhooks.models import Base
    from tests.unit.chassis.fakes import make_db
    return make_db(engine, Base.metadata, source="webhooks", event_schemas=EVENT_SCHEMAS)


class _Metrics:
    """The service's metrics as the live path calls them, on a real prometheus registry."""

    def __init__(self, service):
        from services.chassis.metrics import Metrics
        self._metrics = Metrics()
        self._metrics.service = service

    def __getattr__(self, name):
        return getattr(self._metrics, name)


def grow(consumer, engine, inbox_rows, sample):
    """The consumer's inbox (and audit's trail) as `inbox_rows` imported events leave it."""
    if consumer == "audit":
        audit_import.grow(engine, inbox_rows, sample, position=False)
        return
    ordered = audit_import.ordered_id_maker() is not None
    event_id = audit_import.id_sql("g", ordered)
    started = time.perf_counter()
    with engine.begin() as connection:
        if consumer == "reporting":
            from services.reporting import inbox as projection_inbox
            for projection in projection_inbox.consumers("customers"):
                connection.execute(text(
                    "INSERT INTO projection_inbox (projection, event_id, source, event_type,"
                    " sequence, processed_at)"
                    f" SELECT :projection, {event_id}, 'customers', 'customer_created', -g,"
                    "  timestamptz '2026-01-01 00:00+00' + g * interval '1 ms'"
                    " FROM generate_series(1, :n) g"), {"projection": projection, "n": inbox_rows})
        else:
            connection.execute(text(
                "INSERT INTO inbox (event_id, source, event_type, sequence, processed_at)"
                f" SELECT {event_id}, 'customers', 'customer_created', -g,"
                "  timestamptz '2026-01-01 00:00+00' + g * interval '1 ms'"
                " FROM generate_series(1, :n) g"), {"n": inbox_rows})
    filled = time.perf_counter() - started
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE)"))
        connection.execute(text("CHECKPOINT"))
    print(f"grown: {inbox_rows} inbox rows ({'time-ordered' if ordered else 'random'} event ids)"
          f" in {filled:.0f} s", file=sys.stderr, flush=True)


def workload(support, n, size, as_imported=False):
    """The units of `size` envelopes, each pickled (bytes: nothing for the collector to track).
    `as_imported`: as customers_bulk emits them — the created customer already has its owner,
    and its customer_assigned names the same owner with no previous one (audit and reporting);
    else (the earlier sessions' figures) the assignment moves it from u-rep1 to u-rep2."""
    log, events = support.Log("customers"), []
    owner, previous = ("u-rep2", None) if as_imported else (None, "u-rep1")
    for start in range(0, n, 500):
        ids = [f"c-{i:06d}" for i in range(start, min(n, start + 500))]
        events += [log.emit("customer_created", support.customer(
            id=i, name=f"Name {i}", email=f"{i}@x.example", **({"owner_id": owner} if owner else {})))
                   for i in ids]
        events += [log.emit("customer_assigned", {
            "id": i, "owner_id": "u-rep2", "previous_owner_id": previous, "region": "north",
            "reason": "round_robin", "assigned_by": "system"}) for i in ids]
    new_id = audit_import.ordered_id_maker()                 # the tree's producers' event ids
    for envelope in events if new_id is not None else ():
        envelope["event_id"] = new_id()
    return [pickle.dumps(events[i:i + size]) for i in range(0, len(events), size)]


def freeze_after_start():
    """What a container's start would do: set-up's garbage collected (not pinned), then every
    object left moved to the permanent generation, out of the full collections' scans."""
    gc.collect()
    gc.freeze()


class Collections:
    """The collector's work while `counting`: per generation the collections, the CPU inside
    them and the objects they freed."""

    def __init__(self):
        self.counting, self.started = False, 0.0
        self.runs, self.cpu, self.collected = [0, 0, 0], [0.0, 0.0, 0.0], [0, 0, 0]

    def __call__(self, phase, info):
        if not self.counting:
            return
        if phase == "start":
            self.started = time.process_time()
            return
        generation = info["generation"]
        self.runs[generation] += 1
        self.cpu[generation] += time.process_time() - self.started
        self.collected[generation] += info["collected"]

    def summary(self, measured):
        return (f"gc_runs={'/'.join(map(str, self.runs))} "
                f"gc_cpu_ms_per_event={1000 * sum(self.cpu) / measured:.4f} "
                f"(gen2 {1000 * self.cpu[2] / measured:.4f}) "
                f"gc_collected={'/'.join(map(str, self.collected))}")


def main(consumer, kind, n=4000, unit_size=500, live=False, profile=False, gc_freeze=False,
         gc_threshold=None, grown=0):
    if gc_threshold is not None:
        gc.set_threshold(gc_threshold, *gc.get_threshold()[1:])
    module, service, support_module, make_db = CONSUMERS[consumer]
    cls = getattr(importlib.import_module(module), service)
    subscriptions = cls.subscriptions
    support = importlib.import_module(support_module)
    units = workload(support, n, unit_size, as_imported=consumer in AS_IMPORTED)
    measured = sum(len(pickle.loads(blob)) for blob in units[2:])
    collections = Collections()
    gc.callbacks.append(collections)
    with tempfile.TemporaryDirectory() as directory, scratch(kind, directory, "units") as url:
        engine = make_engine(url)
        db = webhooks_db(engine) if make_db is None else (
            globals()[make_db] if make_db in globals() else getattr(support, make_db))(engine)
        if live:
            instance = cls()
            instance.db, instance.metrics = db, _Metrics(consumer)
            instance.live_progress = SimpleNamespace()      # no container: no LiveProgress

            def consume(unit):
                instance.apply_events(unit)
        else:
            consume = consume_all(consumer, db, subscriptions)
        if grown:
            grow(consumer, engine, grown, pickle.loads(units[0])[0])
        count = [0]
        event.listen(engine, "before_cursor_execute",
                     lambda *_args: count.__setitem__(0, count[0] + 1))
        if gc_freeze:
            freeze_after_start()
        for unit in units[:2]:                                   # warm-up
            consume(pickle.loads(unit))
        pids = []
        if kind == "postgresql":
            with engine.connect() as connection:
                pids = list(connection.execute(text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).scalars())
        server, count[0] = -sum(cpu_seconds(pid) or 0 for pid in pids), 0
        tracked, frozen = len(gc.get_objects()), gc.get_freeze_count()
        profiler = cProfile.Profile() if profile else None
        if profiler is not None:
            profiler.enable()
        cpu, wall = 0.0, -time.perf_counter()
        collections.counting = True
        for blob in units[2:]:
            envelopes = pickle.loads(blob)
            started = time.process_time()
            consume(envelopes)
            cpu += time.process_time() - started
        collections.counting = False
        wall += time.perf_counter()
        if profiler is not None:
            profiler.disable()
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(30)
        server += sum(cpu_seconds(pid) or 0 for pid in pids)
        engine.dispose()
    print(f"{consumer}{' live' if live else ''} {kind} grown={grown} unit={unit_size} events={measured} "
          f"cpu_ms_per_event={1000 * cpu / measured:.4f} "
          f"server_ms_per_event={1000 * server / measured:.3f} "
          f"statements_per_event={count[0] / measured:.2f} wall_ms_per_event={1000 * wall / measured:.3f} "
          f"gc_freeze={'yes' if gc_freeze else 'no'} gc_threshold={gc.get_threshold()[0]} "
          f"tracked={tracked} frozen={frozen} {collections.summary(measured)}")


if __name__ == "__main__":
    flags = {arg for arg in sys.argv[1:] if arg.startswith("--")}
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    threshold = [int(flag.split("=", 1)[1]) for flag in flags if flag.startswith("--gc-threshold=")]
    unit = [int(flag.split("=", 1)[1]) for flag in flags if flag.startswith("--unit=")]
    grown = [int(flag.split("=", 1)[1]) for flag in flags if flag.startswith("--grown=")]
    main(args[0], args[1], *(int(arg) for arg in args[2:3]), unit_size=unit[0] if unit else 500,
         live="--live" in flags, profile="--profile" in flags, gc_freeze="--gc-freeze" in flags,
         gc_threshold=threshold[0] if threshold else None, grown=grown[0] if grown else 0)
