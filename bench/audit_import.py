"""Per-event cost of audit's live batch path in an import, in-process (no broker): the code path,
on a fresh database or on one grown as a long import leaves it.

    PYTHONPATH=<tree> .venv/bin/python bench/audit_import.py [--events 4000] [--run 500]
        [--batch 500] [--db sqlite|postgresql] [--grown N] [--explain]

Imported customers' events dumped through customers' schemas (tests/unit/audit/support.py): per
import batch of `--run` rows its customer_created (with the owner), then its customer_assigned
(the same owner) — as customers' bulk path emits them; `--run 1` interleaves them per customer.
Customer ids as the tree's customers gives them: time-ordered where its chassis has
`new_ordered_id` (since the ninth session), else random (uuid4). Applied by
`ordering.consume_batch_in_order` in live batches of `--batch` events (the chassis's
EVENT_BATCH_SIZE, 500) to a fresh audit database (a SQLite file with the service's pragmas, or
a throw-away PostgreSQL database), after a 200-event warm-up.

`--grown N` (PostgreSQL): before the warm-up the database is filled as N imported events would
have left it — N inbox rows, N/2 customer records each with its creation entry (ids as the tree
makes them, set-based INSERT ... SELECT through the service's own tables and indexes), the
consumer position at N (the measured events continue the producer's sequence) — then VACUUM
(ANALYZE), as autovacuum would after such inserts, and a CHECKPOINT (both sizes start from
one).

Prints this process's CPU ms per event (`time.process_time`), the wall ms per event (it holds
the PostgreSQL backend's work, which process_time does not), that backend's CPU ms per event
(/proc/<pid>/stat), its statements per event and the load average. `--explain` (PostgreSQL):
two more batches after the measured ones run under auto_explain (ANALYZE, BUFFERS, WAL), and
each statement kind's summed time, buffers and WAL, and its slowest plan, are printed. Run as a
file with PYTHONPATH=<tree>, it measures that tree's audit (an A/B of two trees).
"""
import argparse
import os
import re
import tempfile
import time
import uuid

from sqlalchemy import event, text

from bench import databases
from bench.procstat import cpu_seconds
from services.audit import ordering, records, trail
from services.chassis import inbox
from services.chassis import db as chassis_db
from services.chassis.db import make_engine
from tests.unit.audit.support import SUBSCRIPTIONS, Log, audit_db, customer

WARM_UP = 200
EXPLAINED = 2           # batches run under auto_explain after the measured ones (--explain)
_IDS = uuid.UUID("0b7f6a4e-77a4-4a57-9d1e-2f4f1f5c3a11")      # the bench's customer ids


def import_events(rows, run, offset=0):
    """`offset`: the producer's sequences continue after it (a grown database's position)."""
    log = Log("customers")
    if customer_ids_ordered():
        ids = [chassis_db.new_ordered_id() for _ in range(rows)]
    else:
        ids = [str(uuid.uuid5(_IDS, str(n))) for n in range(rows)]
    for first in range(0, rows, run):
        batch = range(first, min(first + run, rows))
        for n in batch:
            log.emit("customer_created", customer(id=ids[n], name=f"Import {n}", owner_id="u-rep1"))
        for n in batch:
            log.emit("customer_assigned", {"id": ids[n], "owner_id": "u-rep1",
                                           "previous_owner_id": None, "region": "north",
                                           "reason": "round_robin", "assigned_by": "system"})
    new_id = ordered_id_maker()
    for envelope in log.events:
        envelope["sequence"] += offset
        if new_id is not None:
            envelope["event_id"] = new_id()
    return log.events


def ordered_id_maker():
    """The tree's producers' time-ordered event ids (chassis db.new_ordered_id, named
    new_event_id before customers' ids took it too), or None where its ids are random uuid4."""
    return getattr(chassis_db, "new_ordered_id", None) or getattr(chassis_db, "new_event_id", None)


def customer_ids_ordered():
    """Whether the tree's customers get time-ordered ids (they did from the commit that named
    the chassis' maker new_ordered_id)."""
    return hasattr(chassis_db, "new_ordered_id")


def id_sql(ms, ordered):
    """SQL for an event id as the tree's producers make them: random (uuid4), or time-ordered
    (new_ordered_id: the milliseconds first) — `ms` after 2026-01-01, before the measured events."""
    if not ordered:
        return "gen_random_uuid()::text"
    hex_ms = f"lpad(to_hex(1767225600000 + {ms}), 12, '0')"
    rest = "replace(gen_random_uuid()::text, '-', '')"
    return (f"(substr({hex_ms}, 1, 8) || '-' || substr({hex_ms}, 9, 4) || '-7' ||"
            f" substr({rest}, 14, 3) || '-' || substr({rest}, 17, 4) || '-' ||"
            f" substr({rest}, 21, 12))")


def _ordered_entry_ids(observation):
    """Whether the tree's entry ids keep their (time-ordered) event id's first 48 bits."""
    event_id = ordered_id_maker()()
    return trail.entry_id(event_id, observation, "created", None)[:13] == event_id[:13]


def grow(engine, inbox_rows, sample, position=True, analyze=True):
    """The database as `inbox_rows` imported events leave it (module docstring); `position`:
    the consumer position at `inbox_rows` (the measured events' sequences continue there)."""
    (observation,) = records.observe(sample)
    state = trail._encode(observation.values)
    place = records.placement(observation.record_type, observation.values, observation.context)
    customers = inbox_rows // 2
    ordered = ordered_id_maker() is not None
    entry_event = id_sql("2 * g - 1", ordered)
    # an entry's id: its event's time first where the tree's entry ids keep it (trail.entry_id)
    entry = (f"substr({entry_event}, 1, 13) || substr(gen_random_uuid()::text, 14)"
             if ordered and _ordered_entry_ids(observation) else "gen_random_uuid()::text")
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(text(
            f"CREATE TEMP TABLE grown AS SELECT g, {id_sql('2 * g - 1', customer_ids_ordered())}"
            " AS id FROM generate_series(1, :n) g"), {"n": customers})
        connection.execute(text(
            "INSERT INTO inbox (event_id, source, event_type, sequence, processed_at)"
            f" SELECT {id_sql('g', ordered)}, 'customers',"
            "  CASE WHEN g % 2 = 1 THEN 'customer_created' ELSE 'customer_assigned' END, g,"
            "  timestamptz '2026-01-01 00:00+00' + g * interval '1 ms'"
            " FROM generate_series(1, :n) g"), {"n": inbox_rows})
        connection.execute(text(
            "INSERT INTO audit_records (record_type, record_id, state, scope, owner_id, region,"
            "  customer_id, deal_id, source, sequence, updated_at)"
            " SELECT 'customer', id, :state, :scope, :owner, :region, NULL, NULL, 'customers',"
            "  2 * g, timestamptz '2026-01-01 00:00+00' + 2 * g * interval '1 ms' FROM grown"),
            {"state": state, "scope": place["scope"], "owner": place["owner_id"],
             "region": place["region"]})
        connection.execute(text(
            "INSERT INTO audit_entries (id, event_id, event_type, source, sequence, record_type,"
            "  record_id, action, field, old_value, new_value, actor_id, occurred_at)"
            f" SELECT {entry}, {entry_event}, 'customer_created',"
            "  'customers', 2 * g - 1, 'customer', id, 'created', NULL, NULL, :state, 'u-rep1',"
            "  timestamptz '2026-01-01 00:00+00' + (2 * g - 1) * interval '1 ms' FROM grown"),
            {"state": state})
        if position:
            connection.execute(text("INSERT INTO consumer_position (source, last_sequence)"
                                    " VALUES ('customers', :n)"), {"n": inbox_rows})
    filled = time.perf_counter() - started
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if analyze:         # this machine's server runs no autovacuum: --no-analyze is it
            connection.execute(text("VACUUM (ANALYZE) inbox, audit_records, audit_entries,"
                                    " consumer_position"))
        connection.execute(text("CHECKPOINT"))
        sizes = connection.execute(text(
            "SELECT relname, pg_relation_size(oid) / 8192 FROM pg_class WHERE relname IN"
            " ('inbox', 'inbox_pkey', 'audit_records', 'audit_records_pkey', 'audit_entries',"
            "  'audit_entries_pkey', 'ix_audit_entries_event_id', 'ix_audit_entries_record')"
            " ORDER BY 1")).all()
    kind = "time-ordered" if ordered else "random"
    print(f"grown: {inbox_rows} inbox rows ({kind} event ids), {customers} records and entries"
          f" in {filled:.0f} s;"
          f" pages: {', '.join(f'{name} {pages}' for name, pages in sizes)}", flush=True)


class Notices:
    """psycopg2's notices, all of them (a list, even a subclass, is cut to its last 50)."""

    def __init__(self):
        self.items = []

    def append(self, notice):
        self.items.append(notice)


def _kind(query):
    """INSERT INTO t / UPDATE t / SELECT FROM t / the first words."""
    words = query.split()
    if words[0] == "SELECT" and "FROM" in words:
        return "SELECT FROM " + words[words.index("FROM") + 1].split("(")[0]
    return " ".join(words[:3] if words[0] == "INSERT" else words[:2])


def explain(engine, db, batches):
    """`batches` applied under auto_explain; per statement kind: count, time, buffers, WAL."""
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
    notices = raw.notices = Notices()
    with raw.cursor() as cursor:
        cursor.execute("LOAD 'auto_explain'")
        for setting in ("log_min_duration = 0", "log_analyze = on", "log_buffers = on",
                        "log_wal = on", "log_timing = on", "log_level = notice",
                        "log_nested_statements = on"):
            cursor.execute(f"SET auto_explain.{setting}")
    raw.commit()
    for batch in batches:
        ordering.consume_batch_in_order(db, SUBSCRIPTIONS, batch)
    kinds = {}
    for notice in notices.items:
        duration = re.search(r"duration: ([\d.]+) ms", notice)
        query = re.search(r"Query Text: (.*)", notice)
        if not duration or not query:
            continue
        kind = _kind(query.group(1))
        entry = kinds.setdefault(kind, {"n": 0, "ms": 0.0, "slowest": (0.0, ""), "counts": {}})
        # the top node's (first) Buffers and WAL lines hold the statement's whole
        for line in ("Buffers: shared", "WAL:"):
            found = re.search(re.escape(line) + r"([^\n]*)", notice)
            for name, value in re.findall(r"(\w+)=(\d+)", found.group(1) if found else ""):
                entry["counts"][name] = entry["counts"].get(name, 0) + int(value)
        entry["n"] += 1
        entry["ms"] += float(duration.group(1))
        if float(duration.group(1)) > entry["slowest"][0]:
            entry["slowest"] = (float(duration.group(1)), notice)
    print(f"explain: {len(batches)} batches of {len(batches[0])} events under auto_explain")
    for kind, entry in sorted(kinds.items(), key=lambda item: -item[1]["ms"]):
        counts = " ".join(f"{name}={value}" for name, value in entry["counts"].items())
        print(f"  {kind}: {entry['n']} statements, {entry['ms']:.1f} ms, {counts}")
    for kind, entry in sorted(kinds.items(), key=lambda item: -item[1]["ms"]):
        plan = "\n".join(line if len(line) <= 200 else line[:200] + " ..."
                         for line in entry["slowest"][1].splitlines())
        print(f"--- slowest {kind} ({entry['slowest'][0]:.1f} ms):\n{plan}")
    raw.notices = []
    with raw.cursor() as cursor:
        cursor.execute("SET auto_explain.log_min_duration = -1")
    raw.commit()


def measure(url, events, batch_size, grown, show_plans, analyze=True):
    engine = make_engine(url)
    try:
        db = audit_db(engine)
        if grown:
            grow(engine, grown, events[0], analyze=analyze)
        for start in range(0, WARM_UP, batch_size):
            ordering.consume_batch_in_order(db, SUBSCRIPTIONS, events[start:min(start + batch_size,
                                                                                  WARM_UP)])
        explained = EXPLAINED * batch_size if show_plans else 0
        measured = events[WARM_UP:len(events) - explained]
        pid, statements = None, [0]
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        event.listen(engine, "before_cursor_execute",
                     lambda *_args: statements.__setitem__(0, statements[0] + 1))
        server = -(cpu_seconds(pid) or 0) if pid else 0.0
        cpu, wall = -time.process_time(), -time.perf_counter()
        for start in range(0, len(measured), batch_size):
            batch = measured[start:start + batch_size]
            assert ordering.consume_batch_in_order(db, SUBSCRIPTIONS, batch) == \
                [inbox.PROCESSED] * len(batch)
        cpu += time.process_time()
        wall += time.perf_counter()
        server += (cpu_seconds(pid) or 0) if pid else 0.0
        if show_plans:
            explain(engine, db, [events[start:start + batch_size] for start in
                                 range(len(events) - explained, len(events), batch_size)])
        per = 1000 / len(measured)
        return len(measured), cpu * per, wall * per, server * per, statements[0] / len(measured)
    finally:
        engine.dispose()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=4000)
    parser.add_argument("--run", type=int, default=500)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--grown", type=int, default=0)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--no-analyze", action="store_true",
                        help="--grown without VACUUM (ANALYZE): no statistics, as on a server "
                             "without autovacuum")
    args = parser.parse_args()
    if (args.grown or args.explain) and args.db != "postgresql":
        parser.error("--grown and --explain are PostgreSQL's")
    events = import_events((WARM_UP + args.events + (EXPLAINED * args.batch if args.explain else 0))
                           // 2,
                           args.run, offset=args.grown)
    with tempfile.TemporaryDirectory() as directory, \
            databases.scratch(args.db, directory, prefix="audit") as url:
        n, cpu, wall, server, statements = measure(url, events, args.batch, args.grown,
                                                   args.explain, not args.no_analyze)
    print(f"{args.db} grown {args.grown} run {args.run} batch {args.batch}: {n} events,"
          f" {cpu:.3f} ms CPU, {wall:.3f} ms wall, {server:.3f} ms server CPU per event,"
          f" {statements:.2f} statements per event, load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
