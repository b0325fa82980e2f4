"""A customers' consumer's CPU per imported event in process, as an import reaches it: N
customers dumped through customers' schemas (per 500 rows: 500 customer_created, then 500
customer_assigned, as customers_bulk emits a batch), applied by inbox.consume_all in units of
100 (the live batches; advance_position=True) on a scratch database (bench.databases.scratch).
CPU: time.process_time over the events after a 200-event warm-up; PostgreSQL: also its server
backends' CPU (/proc/<pid>/stat of the database's connections); statements counted by
before_cursor_execute. Any tree: run it with PYTHONPATH=<that tree> (bench/FINDINGS.md, the
fifth session's service desk CPU per imported row).

    PYTHONPATH=<tree> .venv/bin/python bench/import_units.py service_desk|marketing sqlite|postgresql [N]
"""
import importlib
import sys
import tempfile
import time

from sqlalchemy import event, text

from bench.databases import scratch
from bench.procstat import cpu_seconds
from services.chassis import inbox
from services.chassis.db import make_engine

CONSUMERS = {"service_desk": ("services.service_desk.service", "ServiceDeskService",
                              "tests.unit.service_desk.support", "desk_db"),
             "marketing": ("services.marketing.service", "MarketingService",
                           "tests.unit.marketing.support", "marketing_db")}


def workload(support, n):
    log, events = support.Log("customers"), []
    for start in range(0, n, 500):
        ids = [f"c-{i:06d}" for i in range(start, min(n, start + 500))]
        events += [log.emit("customer_created", support.customer(id=i, name=f"Name {i}",
                                                                 email=f"{i}@x.example"))
                   for i in ids]
        events += [log.emit("customer_assigned", {
            "id": i, "owner_id": "u-rep2", "previous_owner_id": "u-rep1", "region": "north",
            "reason": "round_robin", "assigned_by": "system"}) for i in ids]
    return events


def main(consumer, kind, n=4000):
    module, service, support_module, make_db = CONSUMERS[consumer]
    subscriptions = getattr(importlib.import_module(module), service).subscriptions
    support = importlib.import_module(support_module)
    events = workload(support, n)
    with tempfile.TemporaryDirectory() as directory, scratch(kind, directory, "units") as url:
        engine = make_engine(url)
        db = getattr(support, make_db)(engine)
        count = [0]
        event.listen(engine, "before_cursor_execute",
                     lambda *_args: count.__setitem__(0, count[0] + 1))
        units = [events[i:i + 100] for i in range(0, len(events), 100)]
        for unit in units[:2]:                                   # warm-up
            inbox.consume_all(db, subscriptions, unit, advance_position=True)
        pids = []
        if kind == "postgresql":
            with engine.connect() as connection:
                pids = list(connection.execute(text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).scalars())
        server, count[0] = -sum(cpu_seconds(pid) or 0 for pid in pids), 0
        cpu, wall = -time.process_time(), -time.perf_counter()
        for unit in units[2:]:
            inbox.consume_all(db, subscriptions, unit, advance_position=True)
        cpu, wall = cpu + time.process_time(), wall + time.perf_counter()
        server += sum(cpu_seconds(pid) or 0 for pid in pids)
        engine.dispose()
    measured = len(events) - 200
    print(f"{consumer} {kind} events={measured} cpu_ms_per_event={1000 * cpu / measured:.3f} "
          f"server_ms_per_event={1000 * server / measured:.3f} "
          f"statements_per_event={count[0] / measured:.2f} wall_ms_per_event={1000 * wall / measured:.3f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *(int(arg) for arg in sys.argv[3:4]))
