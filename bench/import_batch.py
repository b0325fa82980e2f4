"""Customers' CPU per imported row in process: the import runner's batches (import_runner.
run_batch, 500 rows each, IMPORT_BATCH_ROWS) over a file shaped like bench/import_scale's CSV
(write_csv: a bad address every 997th row, an earlier row's address every 499th), opened by an
admin (round-robin owners over the seeded reps), on a scratch database migrated to head
(bench.databases.scratch: a SQLite file or a throw-away PostgreSQL database). The relay only
records (tests' make_db): its publishing is not customers' batch. CPU: time.process_time of
each batch after `--warm-up` batches; wall (perf_counter) per batch too, and on PostgreSQL the
server's CPU (utime + stime of this process's backends, /proc); statements counted and timed
(wall, by statement) by before/after_cursor_execute. `--profile`: cProfile of the measured
batches, the top functions by cumulative and own time on stderr (bench/FINDINGS.md, the seventh
session's customers' import batch). Any tree: run it from that tree's directory.

A grown table (bench/FINDINGS.md, eighth session: the rate halving on PostgreSQL at 1M):
`--grown N` seeds N customers first (bench.seed.top_up: COPY on PostgreSQL, ANALYZE at the
end); `--template` keeps the prepared database (PostgreSQL: crm_bench_import_<grown>_<settled>_
<rows>_<head>) and clones each run from it (CREATE DATABASE ... TEMPLATE): drop it with the
same options and `--drop-template`.
`--settled K`: the job is K rows longer and its first K rows are settled before the measured
batches (one UPDATE, as K rows processed earlier in the job; the customers they made are not
there): the runner's statements on import_row as deep into a job as a 1M-row one gets.
`--analyze` / `--vacuum`: ANALYZE / VACUUM ANALYZE the database then (what autovacuum would
have done by then; the machine's server runs with autovacuum off). `--explain`: one batch
before the measured ones runs every distinct statement first as EXPLAIN (ANALYZE, BUFFERS, WAL)
in a savepoint rolled back (PostgreSQL), the plans on stderr. `--empty-statistics`: customer's
planner statistics reset to what the migrations' ANALYZE of the new database recorded (the
live 1M import's, on a server without autovacuum).

    PYTHONPATH=$PWD .venv/bin/python -m bench.import_batch [--rows 10000] [--profile]
    PYTHONPATH=$PWD .venv/bin/python -m bench.import_batch --database postgresql --grown 1000000 \
        --template --settled 900000 --rows 10000 [--explain]
"""
import argparse
import cProfile
import os
import pstats
import re
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import psycopg2
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import event, text

from bench import seed
from bench.databases import pg_admin, pg_url, scratch
from bench.import_scale import write_csv
from services.chassis import migrate
from services.chassis.db import make_engine
from services.customers.events import EVENT_SCHEMAS
from services.customers.handlers import import_runner, imports
from services.customers.models import Base
from tests import postgres
from tests.unit.chassis.fakes import make_db
from tests.unit.customers.support import ADMIN, EVERYONE, call, user_event

TICKS = os.sysconf("SC_CLK_TCK")


def prepare(url, args, directory):
    """Migrated, the users known, `--grown` customers seeded, the job uploaded (its first
    `--settled` rows settled)."""
    command.upgrade(migrate.alembic_config("customers", url), "head")
    db = make_db(make_engine(url), Base.metadata, source="customers", event_schemas=EVENT_SCHEMAS)
    for principal in EVERYONE:
        user_event(db, principal)
    if args.grown:
        reps = [p.user_id for p in EVERYONE if p.role == "sales_rep"]
        print(seed.top_up(url, args.grown, reps, ADMIN.user_id,
                          progress=lambda line: print(line, file=sys.stderr)), file=sys.stderr)
    db.engine.dispose()
    upload(url, args, directory)


def upload(url, args, directory):
    """The job of `--settled` + `--rows` rows, its first `--settled` settled."""
    db = make_db(make_engine(url), Base.metadata, source="customers", event_schemas=EVENT_SCHEMAS)
    path = Path(directory) / "import.csv"
    write_csv(path, args.settled + args.rows)
    job = call(db, imports.start_import, ADMIN, path.read_text(encoding="utf-8"))
    if args.settled:         # data rows are numbered from 2 (the header is row 1)
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE import_row SET status = 'created' WHERE job_id = :j "
                                    "AND row <= :last"), {"j": job["id"], "last": args.settled + 1})
            connection.execute(text("UPDATE import_job SET processed_rows = :k, created = :k "
                                    "WHERE id = :j"), {"j": job["id"], "k": args.settled})
    db.engine.dispose()


def template_name(args):
    head = ScriptDirectory.from_config(migrate.alembic_config("customers")).get_current_head()
    return f"crm_bench_import_{args.grown}_{args.settled}_{args.rows}_{head}"


@contextmanager
def database(args, directory):
    """The scratch database, prepared (cloned from the kept template if asked), then
    VACUUMed / ANALYZEd if asked."""
    if args.template and args.database == "postgresql":
        template = template_name(args)
        if not pg_admin_scalar("SELECT 1 FROM pg_database WHERE datname = %s", template):
            pg_admin(f'CREATE DATABASE "{template}"')
            prepare(pg_url(template), args, directory)
        name = f"crm_bench_{os.getpid()}_{int(time.time())}"
        pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        context, url = None, pg_url(name)
    else:
        context = scratch(args.database, directory)
        url = context.__enter__()
        prepare(url, args, directory)
    try:
        if args.vacuum or args.analyze:
            engine = make_engine(url)
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE" if args.vacuum else "ANALYZE"))
            engine.dispose()
        if args.empty_statistics:
            engine = make_engine(url)
            with engine.begin() as connection:
                for statement in EMPTY_STATISTICS:
                    connection.execute(text(statement))
            engine.dispose()
        yield url
    finally:
        if context is None:
            pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            context.__exit__(None, None, None)


# customer's planner statistics as the migrations' ANALYZE of the new database left them (an
# empty table: 0 rows and pages, no column statistics), which is what a server without
# autovacuum (this machine's) plans with however large the table grows — the live 1M import.
EMPTY_STATISTICS = (
    "DELETE FROM pg_statistic WHERE starelid = 'customer'::regclass",
    "UPDATE pg_class SET reltuples = 0, relpages = 0, relallvisible = 0 WHERE oid = "
    "'customer'::regclass OR oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = "
    "'customer'::regclass)",
)


def pg_admin_scalar(query, *params):
    connection = psycopg2.connect(postgres.ADMIN_DSN)
    try:
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            found = cursor.fetchone()
        return found and found[0]
    finally:
        connection.close()


def expected(first, last):
    """(failed, duplicates) of write_csv's rows first..last when the rows before are settled
    without customers (a duplicate's earlier row must be in the range to exist)."""
    failed = sum(1 for n in range(first, last + 1) if n % 997 == 0)
    duplicates = sum(1 for n in range(first, last + 1)
                     if n % 997 and n % 499 == 0 and (n - 1) % 997 and n - 1 >= first)
    return failed, duplicates


def key(statement):
    return re.sub(r"\s+", " ", statement)[:90]


class Statements:
    """Count and wall time per statement (its first 90 characters); the backends' pids."""

    def __init__(self, engine):
        self.count, self.wall, self.started, self.pids = defaultdict(int), defaultdict(float), {}, set()
        self.explain = None                  # a dict while explaining: statement key -> plan
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)
        if engine.dialect.name == "postgresql":
            event.listen(engine, "connect", self.connected)
            engine.dispose()                 # make_db's connections were made before the hook

    def connected(self, dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.pids.add(cursor.fetchone()[0])

    def server_cpu(self):
        total = 0
        for pid in self.pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except OSError:
                pass
        return total / TICKS

    def before(self, conn, cursor, statement, parameters, context, executemany):
        if self.explain is not None and key(statement) not in self.explain:
            first = parameters[0] if isinstance(parameters, (list, tuple)) else parameters
            cursor.execute("SAVEPOINT bench_explain")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, WAL) " + statement, first)
            self.explain[key(statement)] = "\n".join(row[0][:300] for row in cursor.fetchall())
            cursor.execute("ROLLBACK TO SAVEPOINT bench_explain")
        self.started[id(cursor)] = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        started = self.started.pop(id(cursor), None)
        if started is not None:
            self.count[key(statement)] += 1
            self.wall[key(statement)] += time.perf_counter() - started


def measure(args):
    with tempfile.TemporaryDirectory(prefix="import_batch_") as directory, \
            database(args, directory) as url:
        db = make_db(make_engine(url), Base.metadata, source="customers",
                     event_schemas=EVENT_SCHEMAS)
        job_id, token = import_runner.claim_next(db)
        statements = Statements(db.engine)
        for _ in range(args.warm_up):
            import_runner.run_batch(db, job_id, token, args.batch)
        if args.explain and db.engine.dialect.name == "postgresql":
            statements.explain = {}
            import_runner.run_batch(db, job_id, token, args.batch)
            for statement, plan in statements.explain.items():
                print(f"--- {statement}\n{plan}", file=sys.stderr)
            statements.explain = None
        processed = call(db, imports.get_import, ADMIN, job_id, write=False)["processed_rows"]
        statements.count.clear(), statements.wall.clear()
        profiler = cProfile.Profile() if args.profile else None
        cpu = wall = server = 0.0
        more = True
        while more:
            if profiler:
                profiler.enable()
            started, clock, backend = time.process_time(), time.perf_counter(), statements.server_cpu()
            more = import_runner.run_batch(db, job_id, token, args.batch)
            cpu += time.process_time() - started
            wall += time.perf_counter() - clock
            server += statements.server_cpu() - backend
            if profiler:
                profiler.disable()
        report = call(db, imports.get_import, ADMIN, job_id, write=False)
        measured = report["processed_rows"] - processed
        failed, duplicates = expected(args.settled + 1, args.settled + args.rows)
        print(f"rows {report['processed_rows']} (settled before {args.settled}, customers "
              f"seeded {args.grown}) created {report['created'] - args.settled} duplicates "
              f"{report['duplicates']} failed {report['failed']}; measured {measured} rows "
              f"(expected in the job's unsettled rows: failed {failed}, duplicates {duplicates}): cpu "
              f"{cpu * 1000 / measured:.3f} ms/row, wall {wall * 1000 / measured:.3f} ms/row, "
              f"server cpu {server * 1000 / measured:.3f} ms/row, "
              f"{sum(statements.count.values()) / measured:.2f} statements/row", flush=True)
        batches = measured / args.batch
        for statement in sorted(statements.wall, key=statements.wall.get, reverse=True):
            print(f"  {statements.wall[statement] * 1000 / batches:8.2f} ms/batch "
                  f"{statements.count[statement] / batches:6.1f}x  {statement}")
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
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--grown", type=int, default=0, help="customers seeded first")
    parser.add_argument("--template", action="store_true",
                        help="PostgreSQL: keep the seeded database and clone runs from it")
    parser.add_argument("--drop-template", action="store_true")
    parser.add_argument("--settled", type=int, default=0, help="job rows settled before")
    parser.add_argument("--analyze", action="store_true")
    parser.add_argument("--vacuum", action="store_true")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--empty-statistics", action="store_true",
                        help="PostgreSQL: customer's statistics as of the empty table")
    args = parser.parse_args()
    if args.drop_template:
        pg_admin(f'DROP DATABASE IF EXISTS "{template_name(args)}" WITH (FORCE)')
        return
    measure(args)


if __name__ == "__main__":
    main()
