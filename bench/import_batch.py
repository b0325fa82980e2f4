"""Customers' CPU per imported row in process: the import runner's batches (import_runner.
run_batch, 500 rows each, IMPORT_BATCH_ROWS) over a file shaped like bench/import_scale's CSV
(write_csv: a bad address every 997th row, an earlier row's address every 499th), opened by an
admin (round-robin owners over the seeded reps), on a scratch SQLite database migrated to head
(bench.databases.scratch). The relay only records (tests' make_db): its publishing is not
customers' batch. CPU: time.process_time of each batch after `--warm-up` batches; statements
counted by before_cursor_execute. `--profile`: cProfile of the measured batches, the top
functions by cumulative and own time on stderr (bench/FINDINGS.md, the seventh session's
customers' import batch). Any tree: run it with PYTHONPATH=<that tree>.

    PYTHONPATH=<tree> .venv/bin/python -m bench.import_batch [--rows 10000] [--profile]
"""
import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

from alembic import command
from sqlalchemy import event

from bench.databases import scratch
from bench.import_scale import write_csv
from services.chassis import migrate
from services.chassis.db import make_engine
from services.customers.events import EVENT_SCHEMAS
from services.customers.handlers import import_runner, imports
from services.customers.models import Base
from tests.unit.chassis.fakes import make_db
from tests.unit.customers.support import ADMIN, EVERYONE, call, user_event


def prepared(url, rows, directory):
    command.upgrade(migrate.alembic_config("customers", url), "head")
    db = make_db(make_engine(url), Base.metadata, source="customers", event_schemas=EVENT_SCHEMAS)
    for principal in EVERYONE:
        user_event(db, principal)
    path = Path(directory) / "import.csv"
    _, failed, duplicates = write_csv(path, rows)
    job = call(db, imports.start_import, ADMIN, path.read_text(encoding="utf-8"))
    return db, job["id"], failed, duplicates


def measure(args):
    with tempfile.TemporaryDirectory(prefix="import_batch_") as directory, \
            scratch("sqlite", directory) as url:
        db, job_id, failed, duplicates = prepared(url, args.rows, directory)
        job_id, token = import_runner.claim_next(db)
        statements = [0]
        event.listen(db.engine, "before_cursor_execute",
                     lambda *_: statements.__setitem__(0, statements[0] + 1))
        for _ in range(args.warm_up):
            import_runner.run_batch(db, job_id, token, args.batch)
        profiler = cProfile.Profile() if args.profile else None
        cpu, counted = 0.0, statements[0]
        more = True
        while more:
            if profiler:
                profiler.enable()
            started = time.process_time()
            more = import_runner.run_batch(db, job_id, token, args.batch)
            cpu += time.process_time() - started
            if profiler:
                profiler.disable()
        report = call(db, imports.get_import, ADMIN, job_id, write=False)
        measured = report["processed_rows"] - args.warm_up * args.batch
        print(f"rows {report['processed_rows']} created {report['created']} duplicates "
              f"{report['duplicates']} (expected {duplicates}) failed {report['failed']} "
              f"(expected {failed}); measured {measured} rows: cpu {cpu * 1000 / measured:.3f} "
              f"ms/row, {(statements[0] - counted) / measured:.2f} statements/row", flush=True)
        db.engine.dispose()
        if profiler:
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--warm-up", type=int, default=2, help="batches not measured")
    parser.add_argument("--profile", action="store_true")
    measure(parser.parse_args())


if __name__ == "__main__":
    main()
