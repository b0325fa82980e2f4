"""CPU per event of audit's live batch path in an import, in-process (no broker): the code path.

    PYTHONPATH=<tree> .venv/bin/python bench/audit_import.py [--events 4000] [--run 500]
                                                             [--db sqlite|postgresql]

Imported customers' events dumped through customers' schemas (tests/unit/audit/support.py):
per import batch of `--run` rows its customer_created (with the owner), then its
customer_assigned (the same owner) — as customers' bulk path emits them; `--run 1` interleaves
them per customer. Applied by `ordering.consume_batch_in_order` in live batches of 100 (the
chassis's batch size) to a fresh audit database (a SQLite file with the service's pragmas, or a
throw-away PostgreSQL database), after a 200-event warm-up. Prints this process's CPU ms per
event (`time.process_time`; PostgreSQL's server CPU is not in it) and the load average. Run as
a file with PYTHONPATH=<tree>, it measures that tree's audit (an A/B of two trees).
"""
import argparse
import os
import tempfile
import time

from bench import databases
from services.audit import ordering
from services.chassis import inbox
from services.chassis.db import make_engine
from tests.unit.audit.support import SUBSCRIPTIONS, Log, audit_db, customer

WARM_UP, BATCH = 200, 100


def import_events(rows, run):
    log = Log("customers")
    for first in range(0, rows, run):
        batch = range(first, min(first + run, rows))
        for n in batch:
            log.emit("customer_created", customer(id=f"c-{n}", name=f"Import {n}", owner_id="u-rep1"))
        for n in batch:
            log.emit("customer_assigned", {"id": f"c-{n}", "owner_id": "u-rep1",
                                           "previous_owner_id": None, "region": "north",
                                           "reason": "round_robin", "assigned_by": "system"})
    return log.events


def measure(url, events):
    engine = make_engine(url)
    try:
        db = audit_db(engine)
        for start in range(0, WARM_UP, BATCH):
            ordering.consume_batch_in_order(db, SUBSCRIPTIONS, events[start:start + BATCH])
        started = time.process_time()
        for start in range(WARM_UP, len(events), BATCH):
            batch = events[start:start + BATCH]
            assert ordering.consume_batch_in_order(db, SUBSCRIPTIONS, batch) == \
                [inbox.PROCESSED] * len(batch)
        return (time.process_time() - started) * 1000 / (len(events) - WARM_UP)
    finally:
        engine.dispose()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=4000)
    parser.add_argument("--run", type=int, default=500)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    events = import_events((WARM_UP + args.events) // 2, args.run)
    with tempfile.TemporaryDirectory() as directory, \
            databases.scratch(args.db, directory, prefix="audit") as url:
        cpu = measure(url, events)
    print(f"{args.db} run {args.run}: {len(events) - WARM_UP} events, {cpu:.3f} ms CPU per event,"
          f" load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
