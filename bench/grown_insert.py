"""The cost of customers' import INSERT as its SQLite table grows (issue 15 §5, the 1M import).

Grows a fresh SQLite customers database the way the import does: batches of `--batch` rows
(500, IMPORT_BATCH_ROWS), one transaction each, rows shaped like bench/import_scale's CSV,
built as the service's Customer objects (customers.stamp: its normalised columns) and inserted
by the service's own statement (handlers/customers.insert: one executemany into `customer`,
its 17 indexes and the FTS5 trigger), on the chassis' engine (make_engine: WAL, synchronous=
NORMAL) with the service's schema as production gets it: its alembic chain up to `--revision`
(head by default; `--create-all` for the models' create_all, as tests do). Prints, per slice
of `--slice` rows, the process CPU ms and wall ms per row of the INSERT and commit only (the
row building is not counted), the bytes read and written by system calls (pages missed in
SQLite's cache; WAL, checkpoints and statement journals), and the FTS5 segments.

    PYTHONPATH=$PWD .venv/bin/python -m bench.grown_insert --rows 100000
    ... --revision c5a9e2f1b7d3       # before d8e4b6a2c910: FTS5's statements planned with
                                      # the statistics of an empty database (FINDINGS, 6th)
    ... --cache-mb 64                  # the connection's page cache (default: SQLite's 2 MB)
    ... --automerge 8 --crisismerge 64 # FTS5 merge settings (customer_fts' config)
    ... --no-fts | --fts-per-batch     # without the text index / indexed once per batch
    ... --drop-index ix_customer_revenue_sort --drop-index ...   # attribute the B-trees
    ... --connections 5                # rotate transactions over N connections, as a pool
                                       # whose connections each see the others' writes

Arms are A/B'd by running the script once per arm (alternate them: the machine is shared).
"""
import argparse
import itertools
import os
import tempfile
import time
import uuid
from decimal import Decimal

from alembic import command
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from services.chassis import migrate
from services.chassis.db import create_schema, make_engine
from services.customers import search_index
from services.customers.handlers import customers
from services.customers.models import Base, Customer

REGIONS = ("EU", "US", "APAC", "LATAM", "MEA")
OWNERS = tuple(str(uuid.UUID(int=n + 1)) for n in range(len(REGIONS)))


def new_customers(start, count):
    """Rows n = start+1 .. start+count as bench/import_scale.write_csv writes them, built as
    the import builds them (build_customer's Customer, then stamp)."""
    built = []
    for n in range(start + 1, start + count + 1):
        customer = Customer(id=str(uuid.uuid4()), created_by="bench", kind="company",
                            lifecycle_stage="lead", name=f"Bench Firm {n:07d}",
                            email=f"firm{n}@bench.example", phone=f"+49 30 {n:07d}",
                            region=REGIONS[n % 5], annual_revenue=Decimal(n % 100000),
                            currency="EUR", size=n % 500, owner_id=OWNERS[n % 5])
        customers.stamp(customer)
        built.append(customer)
    return built


def engine_for(path, args):
    engine = make_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _arm(connection, _record):
        if args.cache_mb:
            connection.execute(f"PRAGMA cache_size=-{args.cache_mb * 1024}")
        if args.mmap_mb is not None:
            connection.execute(f"PRAGMA mmap_size={args.mmap_mb * 2**20}")
        if args.wal_autocheckpoint is not None:
            connection.execute(f"PRAGMA wal_autocheckpoint={args.wal_autocheckpoint}")
    return engine


def set_up(engine, path, args):
    if args.create_all:
        create_schema(engine, Base.metadata)
    else:
        command.upgrade(migrate.alembic_config("customers", f"sqlite:///{path}"), args.revision)
    fts = search_index.FTS_TABLE
    with engine.begin() as connection:
        for name in args.drop_index:
            connection.exec_driver_sql(f"DROP INDEX {name}")
        if args.no_fts:
            search_index.drop(connection)
        elif args.fts_per_batch:
            connection.exec_driver_sql(f"DROP TRIGGER {fts}_ai")
        for option in ("automerge", "crisismerge", "usermerge", "pgsz", "hashsize"):
            value = getattr(args, option)
            if value is not None and not args.no_fts:
                connection.exec_driver_sql(
                    f"INSERT INTO {fts}({fts}, rank) VALUES ('{option}', {value})")


def fts_segments(connection):
    """The FTS5 index's segments (none without the FTS5 table)."""
    try:
        with connection.begin():
            return connection.exec_driver_sql(
                f"SELECT count(DISTINCT segid) FROM {search_index.FTS_TABLE}_idx").scalar()
    except Exception:        # noqa: BLE001 — a diagnostic only
        return None


def io_bytes():
    """(read, written) bytes of this process's read/write system calls (/proc/self/io): the
    pages SQLite reads in (cache misses: from the OS's cache) and writes (WAL, checkpoints)."""
    with open("/proc/self/io") as stats:
        fields = dict(line.split(": ") for line in stats.read().splitlines())
    return int(fields["rchar"]), int(fields["wchar"])


def grow(args):
    path = args.keep or os.path.join(tempfile.mkdtemp(prefix="grown_insert_"), "customers.db")
    engine = engine_for(path, args)
    set_up(engine, path, args)
    fts = search_index.FTS_TABLE
    connections = [engine.connect() for _ in range(args.connections)]
    turn = itertools.cycle(connections)
    print(f"# {path}; batch {args.batch}, slice {args.slice}; arm: "
          + " ".join(f"{k}={v}" for k, v in sorted(vars(args).items())
                     if v not in (None, False, [], 0)
                     and k not in ("rows", "slice", "batch", "keep", "merge_pages")),
          flush=True)
    print(f"{'rows':>8} {'cpu ms/row':>10} {'wall ms/row':>11} {'read KB/row':>11} "
          f"{'write KB/row':>12} {'db MB':>7} {'fts segs':>8}", flush=True)
    done, cpu, wall, read, written = 0, 0.0, 0.0, 0, 0
    while done < args.rows:
        rows = new_customers(done, min(args.batch, args.rows - done))
        connection = next(turn)
        started_cpu, started_wall, started_io = time.process_time(), time.perf_counter(), io_bytes()
        assert not connection.in_transaction()
        with Session(bind=connection) as session, session.begin():
            customers.insert(session, rows)
            if args.fts_per_batch:
                session.execute(text(f"INSERT INTO {fts}(rowid, search_text) "
                                     "SELECT rowid, search_text FROM customer WHERE rowid > :last"),
                                {"last": done})
        if args.optimize_every and (done // args.batch + 1) % args.optimize_every == 0:
            with connection.begin():
                connection.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")
        if args.merge_every and (done // args.batch + 1) % args.merge_every == 0:
            with connection.begin():
                connection.exec_driver_sql(
                    f"INSERT INTO {fts}({fts}, rank) VALUES ('merge', {args.merge_pages})")
        cpu += time.process_time() - started_cpu
        wall += time.perf_counter() - started_wall
        ended_io = io_bytes()
        read += ended_io[0] - started_io[0]
        written += ended_io[1] - started_io[1]
        done += len(rows)
        if done % args.slice == 0 or done == args.rows:
            n = args.slice if done % args.slice == 0 else done % args.slice
            print(f"{done:>8} {cpu * 1000 / n:>10.2f} {wall * 1000 / n:>11.2f} "
                  f"{read / 1024 / n:>11.1f} {written / 1024 / n:>12.1f} "
                  f"{os.path.getsize(path) / 2**20:>7.0f} {fts_segments(connection) or '-':>8}",
                  flush=True)
            cpu, wall, read, written = 0.0, 0.0, 0, 0
    for connection in connections:
        connection.close()
    engine.dispose()
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--slice", type=int, default=10_000)
    parser.add_argument("--revision", default="head", help="customers' alembic revision")
    parser.add_argument("--create-all", action="store_true",
                        help="the models' create_all instead of the migrations (no ANALYZE)")
    parser.add_argument("--connections", type=int, default=1,
                        help="transactions rotate over this many connections (a pool)")
    parser.add_argument("--cache-mb", type=int, help="PRAGMA cache_size (default SQLite's 2 MB)")
    parser.add_argument("--mmap-mb", type=int)
    parser.add_argument("--wal-autocheckpoint", type=int)
    parser.add_argument("--automerge", type=int)
    parser.add_argument("--crisismerge", type=int)
    parser.add_argument("--usermerge", type=int)
    parser.add_argument("--pgsz", type=int)
    parser.add_argument("--hashsize", type=int)
    parser.add_argument("--optimize-every", type=int, help="FTS5 'optimize' every N batches")
    parser.add_argument("--merge-every", type=int, help="FTS5 'merge' every N batches")
    parser.add_argument("--merge-pages", type=int, default=500)
    parser.add_argument("--no-fts", action="store_true", help="without the FTS5 table")
    parser.add_argument("--fts-per-batch", action="store_true",
                        help="no AFTER INSERT trigger: one INSERT ... SELECT per batch")
    parser.add_argument("--drop-index", action="append", default=[])
    parser.add_argument("--keep", help="grow this file (kept) instead of a temporary one")
    grow(parser.parse_args())


if __name__ == "__main__":
    main()
