"""Load customers straight into the customers service's database (SQLite or PostgreSQL).

A million customers through the API would take hours, so rows are bulk-INSERTed — but built
with the service's own table objects (services/customers/models.py: column types such as money
in cents and UTC timestamps are applied by them) and its own normalisation functions
(services/customers/normalize.py), so `name_norm`, `email_norm`, `phone_norm` and `search_text`
are exactly what the service would have written. No events are emitted (list/search does not
need them). Deterministic: the same seed gives the same data. On SQLite, bulk INSERTs; on
PostgreSQL, COPY (the values passed through the same column types first).
"""
import contextlib
import csv
import io
import multiprocessing
import os
import random
import time
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import Column, Integer, MetaData, Table, event, func, insert, inspect, select, text
from sqlalchemy.orm import Session

from services.chassis import db as chassis_db
from services.chassis.db import make_engine
from services.customers import normalize, search_index
from services.customers.models import Customer, CustomerTag, Tag

REGIONS = ("North", "South", "East", "West", "Central", "Nordic", "Iberia", "Benelux", "Alpine",
           "Baltic")
REP_REGIONS = REGIONS[:5]               # one sales rep each (bench/run.py creates them)
ADJECTIVES = """Acme Apex Blue Bright Cedar Coastal Copper Crown Delta Eagle Evergreen Falcon
First Global Golden Granite Harbor Iron Keystone Liberty Lunar Maple Meridian Noble Northern
Oak Orion Pacific Pinnacle Prime Quantum Red River Silver Summit Sterling Titan United Vertex
Western""".split()
NOUNS = """Analytics Bakery Builders Capital Logistics Consulting Dynamics Energy Foods Freight
Holdings Industries Labs Media Medical Metals Motors Networks Optics Partners Pharma Plastics
Robotics Security Shipping Software Solutions Steel Systems Textiles Timber Tools Travel
Ventures Vision Water Wireless Works Farms Brewing""".split()
SUFFIXES = ("GmbH", "Ltd", "Inc", "SA", "BV", "AB", "Oy", "LLC")
FIRST = "anna ben carla dan eva felix gina hugo ines jan kim lea max nina omar pia raul sara tom uma".split()
INDUSTRIES = ("Manufacturing", "Retail", "Software", "Finance", "Healthcare", "Logistics",
              "Energy", "Education")
SOURCES = ("web", "referral", "event", "import", "partner", "cold call")
STAGES = ("lead", "prospect", "customer", "churned")
TAGS = ("vip", "partner", "churn-risk", "newsletter", "enterprise")
CURRENCIES = ("EUR", "USD", "GBP", "SEK", "CHF")
SPAN = timedelta(days=3 * 365)
BATCH = 25_000
BULK_FROM = 100_000        # rows to insert from which indexes are dropped and rebuilt afterwards


def engine_for(url):
    engine = make_engine(url)
    if engine.dialect.name != "sqlite":
        return engine

    @event.listens_for(engine, "connect")
    def _bulk_pragmas(connection, _record):        # this loader's connection only
        connection.execute("PRAGMA cache_size=-262144")     # 256 MB page cache
        connection.execute("PRAGMA temp_store=MEMORY")
    return engine


def new_id(created, rng):
    """A customer id as the tree's customers service makes it: time-ordered at its creation
    (chassis db.new_ordered_id) where it has that, else random (version 4)."""
    ordered = getattr(chassis_db, "new_ordered_id", None)
    if ordered is None:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return ordered(int(created.timestamp() * 1000), rng.getrandbits(128))   # the draws as before


def customer_row(index, rng, owners, created_by, now, created=None):
    """One customer as the service stores it (normalised columns via its own functions);
    `created` None: a random moment of the SPAN before `now`."""
    adjective, noun = rng.choice(ADJECTIVES), rng.choice(NOUNS)
    name = f"{adjective} {noun} {rng.choice(SUFFIXES)}"
    email = f"{rng.choice(FIRST)}.{index}@{adjective.lower()}-{noun.lower()}.example"
    phone = f"+{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(1000000, 9999999)}"
    if created is None:
        created = now - SPAN * rng.random()
    updated = created + (now - created) * rng.random() * rng.random()
    revenue = Decimal(rng.randint(10_000, 500_000_000)) / 100 if rng.random() < 0.7 else None
    region = rng.choice(REGIONS)
    return {
        "id": new_id(created, rng),
        "kind": "company" if rng.random() < 0.8 else "individual",
        "name": name,
        "name_norm": normalize.text(name)[:200],
        "search_text": normalize.search_text(name, email, phone),
        "industry": rng.choice(INDUSTRIES),
        "size": rng.randint(1, 50_000),
        "annual_revenue_cents": revenue,     # the column (Cents: a Decimal in, cents stored)
        "currency": rng.choice(CURRENCIES) if revenue is not None else None,
        "region": region,
        "address": f"{rng.randint(1, 400)} {noun} Street, {region} City",
        "phone": phone,
        "phone_norm": normalize.digits(phone) or None,
        "email": email,
        "email_norm": normalize.email(email),
        "website": f"https://www.{adjective.lower()}-{noun.lower()}.example",
        "source": rng.choice(SOURCES),
        "lifecycle_stage": rng.choice(STAGES),
        "value_class": rng.choice(("A", "B", "C", None)),
        "owner_id": rng.choice(owners),
        "created_by": created_by,
        "merged_into": None,
        "merged_at": None,
        "created_at": created,
        "updated_at": updated,
    }


def ensure_tags(session):
    """The bench's tags (created like the service does), {tag id: name}."""
    now = datetime.now(timezone.utc)
    existing = {tag.name_norm: tag for tag in session.scalars(select(Tag))}
    for name in TAGS:
        if normalize.tag(name) not in existing:
            tag = Tag(id=str(uuid.uuid4()), name=name, name_norm=normalize.tag(name), created_at=now)
            session.add(tag)
            existing[tag.name_norm] = tag
    session.commit()
    return [existing[normalize.tag(name)].id for name in TAGS]


def count(url):
    engine = engine_for(url)
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(Customer))
    engine.dispose()
    return total


class Dating:
    """When the seeded rows were created, in the order they are inserted — as a table the
    service filled would have it. The service stamps created_at as it inserts (utcnow, for an
    import's rows too), so a real table's rowids (SQLite: each new row the highest) follow
    creation; SQLite's newest-first text search relies on that (search_filters.newest_matches,
    and the walk's membership, search_filters._head_above).
    Rows dated at random, as the seeder did until 2026-12-06, made a layout no deployment has:
    the newest rows by date were scattered over the rowids.

    A first load (an empty table) dates row `index` of `count` within the SPAN before `now`,
    ascending, so the rowids SQLite assigns in insert order follow the dates. A top-up (rows
    there already, the live writes of the bench's scenarios among them — the newest) adds rows
    older than every row there, dated descending over the SPAN before the oldest, and on
    SQLite gives them rowids below the lowest, descending (`rowid`): the table reads as if it
    had held them before."""

    def __init__(self, have, count, now, oldest=None, lowest_rowid=None):
        self.have, self.count, self.now = have, count, now
        self.oldest, self.lowest_rowid = oldest, lowest_rowid

    def created(self, index, rng):
        step = SPAN / max(self.count, 1)
        if not self.have:
            return self.now - SPAN + step * (index + rng.random())
        return self.oldest - step * (index - self.have + rng.random())

    def rowid(self, index):
        """SQLite: the rowid of row `index` of a top-up; None: the one SQLite assigns."""
        if not self.have or self.lowest_rowid is None:
            return None
        return self.lowest_rowid - 1 - (index - self.have)


def _batch(job):
    """Rows (and tag links) of one batch; runs in a worker process, seeded by its position."""
    start, size, owners, created_by, tag_ids, now, seed, sort_key, dating = job
    rng = random.Random(f"{seed}:{start}")
    rows = []
    for index in range(start, start + size):
        row = customer_row(index, rng, owners, created_by, now, dating.created(index, rng))
        rowid = dating.rowid(index)
        if rowid is not None:
            row["rowid"] = rowid
        rows.append(row)
    links = [{"customer_id": row["id"], "tag_id": rng.choice(tag_ids)}
             for row in rows if rng.random() < 0.1]
    if sort_key:
        created = {row["id"]: row["created_at"] for row in rows}
        for link in links:
            link["customer_created_at"] = created[link["customer_id"]]
    return rows, links


def _copy(connection, table, rows):
    """PostgreSQL's COPY of `rows` (dicts) into `table`: each value through the column's own
    bind processor (cents, UTC), then CSV — an order of magnitude faster than INSERTs."""
    columns = list(rows[0])
    dialect = connection.dialect
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([None if row[name] is None else (process(row[name]) if process else row[name])
                         for name, process in zip(columns, processors)])
    buffer.seek(0)
    cursor = connection.connection.dbapi_connection.cursor()
    cursor.copy_expert(f'COPY {table.name} ({", ".join(columns)}) FROM STDIN WITH (FORMAT csv)', buffer)


def _insert(connection, table, rows):
    if connection.dialect.name == "postgresql":
        _copy(connection, table, rows)            # no rowids there (Dating.rowid: None)
    elif "rowid" in rows[0]:
        connection.execute(insert(_with_rowid(table)), rows)
    else:
        connection.execute(insert(table), rows)


_ROWID_TABLES = {}


def _with_rowid(table):
    """`table` as a Table that also names SQLite's rowid (the same columns and types, so the
    values pass through the same processors), for rows whose rowid the seeder sets (Dating)."""
    if table.name not in _ROWID_TABLES:
        _ROWID_TABLES[table.name] = Table(
            table.name, MetaData(), *(Column(column.name, column.type) for column in table.columns),
            Column("rowid", Integer))
    return _ROWID_TABLES[table.name]


def _drop_secondary_indexes(connection):
    """Drop customer's secondary indexes and its text index (triggers included) before a bulk
    load: maintaining 8 B-trees and an FTS5 trigram index per row made a million-row load
    stall (215k rows in 156 s, then minutes per batch); building them once afterwards is a
    sort each. Returns the index DDL to restore. On PostgreSQL, the trigram text index only
    (the B-trees keep up with COPY)."""
    if connection.dialect.name != "sqlite":
        search_index.drop(connection)
        return ["-- the text index"]
    ddl = [sql for (sql,) in connection.execute(text(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer' "
        "AND sql IS NOT NULL"))]
    for (name,) in connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer' "
            "AND sql IS NOT NULL")).all():
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    search_index.drop(connection)
    return ddl


def _restore_secondary_indexes(connection, ddl):
    for statement in ddl:
        if not statement.startswith("--"):
            connection.exec_driver_sql(statement)
    search_index.create(connection, fill=True)
    connection.exec_driver_sql("ANALYZE")


@contextlib.contextmanager
def _builder(jobs):
    """map(_batch, jobs) in worker processes when there are several batches to overlap with
    the inserts; one batch is built here (no fork: a caller under eventlet, the unit tests,
    cannot run a multiprocessing pool)."""
    if jobs <= 1:
        yield map
        return
    with multiprocessing.get_context("fork").Pool(max(1, min(2, os.cpu_count() or 1))) as pool:
        yield pool.imap


def top_up(url, target, owners, created_by, seed=42, progress=print):
    """Insert customers until the table holds `target` rows; 1 in 10 gets one of TAGS.

    Rows are built in worker processes (the normalisation is the costly part) while this
    process inserts the previous batch, one transaction per batch.
    """
    engine = engine_for(url)
    started = time.monotonic()
    with Session(engine) as session:
        tag_ids = ensure_tags(session)
        have, oldest = session.execute(select(func.count(), func.min(Customer.created_at))).one()
        lowest_rowid = session.scalar(text("SELECT min(rowid) FROM customer")) \
            if engine.dialect.name == "sqlite" else None
    now = datetime.now(timezone.utc)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=timezone.utc)
    dating = Dating(have, target - have, now, oldest, lowest_rowid)
    # customer_tag's copy of created_at (revision c5a9e2f1b7d3): filled when the schema has it,
    # so the seeder serves list_plans' older base revision and a database at head alike.
    sort_key = "customer_created_at" in {column["name"] for column in
                                         inspect(engine).get_columns("customer_tag")}
    jobs = [(start, min(BATCH, target - start), list(owners), created_by, tag_ids, now, seed,
             sort_key, dating) for start in range(have, target, BATCH)]
    done = have
    with engine.begin() as connection:
        indexes = _drop_secondary_indexes(connection) if target - have > BULK_FROM else []
    with _builder(len(jobs)) as build:
        for rows, links in build(_batch, jobs):
            with engine.begin() as connection:
                _insert(connection, Customer.__table__, rows)
                if links:
                    _insert(connection, CustomerTag.__table__, links)
            done += len(rows)
            if progress and (done // BATCH) % 8 == 0:
                progress(f"seed: {done:,}/{target:,} customers ({time.monotonic() - started:.0f}s)")
    if indexes:
        if progress:
            progress(f"seed: rebuilding {len(indexes)} indexes and the text index "
                     f"({time.monotonic() - started:.0f}s)")
        with engine.begin() as connection:
            _restore_secondary_indexes(connection, indexes)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        else:
            connection.execute(text("ANALYZE customer"))
            connection.commit()
    engine.dispose()
    return {"rows": max(target, have), "inserted": max(0, target - have),
            "seconds": time.monotonic() - started}


def sample(url, how_many, seed=7):
    """`how_many` random live customers (uniform over the table, so uniform over any sort
    order) as ORM objects: ids for reads, positions for cursors, emails for searches."""
    engine = engine_for(url)
    with Session(engine) as session:
        if engine.dialect.name == "sqlite":
            # the rowids run without gaps from the lowest (a top-up's oldest, Dating) up
            low, top = session.execute(text("SELECT min(rowid), max(rowid) FROM customer")).one()
            rng = random.Random(seed)
            rowids = rng.sample(range(low, top + 1), min(how_many, top - low + 1))
            chosen = text("customer.rowid IN (%s)" % ",".join(map(str, rowids)))
            found = list(session.scalars(select(Customer).where(chosen)))
        else:       # seeded random() over the table in its stored order
            session.execute(text("SELECT setseed(:seed)"), {"seed": seed / 100})
            found = list(session.scalars(select(Customer).order_by(func.random()).limit(how_many)))
        session.expunge_all()
    engine.dispose()
    return found
