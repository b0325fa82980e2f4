"""Load customers straight into the customers service's database (SQLite or PostgreSQL).

A million customers through the API would take hours, so rows are bulk-INSERTed — but built
with the service's own table objects (services/customers/models.py: column types such as money
in cents and UTC timestamps are applied by them) and its own normalisation functions
(services/customers/normalize.py), so `name_norm`, `email_norm`, `phone_norm` and `search_text`
are exactly what the service would have written. No events are emitted (list/search does not
need them). Deterministic: the same seed gives the same data. On SQLite, bulk INSERTs; on
PostgreSQL, COPY (the values passed through the same column types first).
"""
import csv
import io
import multiprocessing
import os
import random
import time
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import event, func, insert, inspect, select, text
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


def customer_row(index, rng, owners, created_by, now):
    """One customer as the service stores it (normalised columns via its own functions)."""
    adjective, noun = rng.choice(ADJECTIVES), rng.choice(NOUNS)
    name = f"{adjective} {noun} {rng.choice(SUFFIXES)}"
    email = f"{rng.choice(FIRST)}.{index}@{adjective.lower()}-{noun.lower()}.example"
    phone = f"+{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(1000000, 9999999)}"
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


def _batch(job):
    """Rows (and tag links) of one batch; runs in a worker process, seeded by its position."""
    start, size, owners, created_by, tag_ids, now, seed, sort_key = job
    rng = random.Random(f"{seed}:{start}")
    rows = [customer_row(start + offset, rng, owners, created_by, now) for offset in range(size)]
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
        _copy(connection, table, rows)
    else:
        connection.execute(insert(table), rows)


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


def top_up(url, target, owners, created_by, seed=42, progress=print):
    """Insert customers until the table holds `target` rows; 1 in 10 gets one of TAGS.

    Rows are built in worker processes (the normalisation is the costly part) while this
    process inserts the previous batch, one transaction per batch.
    """
    engine = engine_for(url)
    started = time.monotonic()
    with Session(engine) as session:
        tag_ids = ensure_tags(session)
        have = session.scalar(select(func.count()).select_from(Customer))
    now = datetime.now(timezone.utc)
    # customer_tag's copy of created_at (revision c5a9e2f1b7d3): filled when the schema has it,
    # so the seeder serves list_plans' older base revision and a database at head alike.
    sort_key = "customer_created_at" in {column["name"] for column in
                                         inspect(engine).get_columns("customer_tag")}
    jobs = [(start, min(BATCH, target - start), list(owners), created_by, tag_ids, now, seed,
             sort_key) for start in range(have, target, BATCH)]
    done = have
    with engine.begin() as connection:
        indexes = _drop_secondary_indexes(connection) if target - have > BULK_FROM else []
    with multiprocessing.get_context("fork").Pool(max(1, min(2, os.cpu_count() or 1))) as pool:
        for rows, links in pool.imap(_batch, jobs):
            with engine.begin() as connection:
                _insert(connection, Customer.__table__, rows)
                if links:
                    _insert(connection, CustomerTag.__table__, links)
            done += len(rows)
            if progress and (done // BATCH) % 8 == 0:
                progress(f"seed: {done:,}/{target:,} customers ({time.monotonic() - started:.0f}s)")
    if indexes:
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
            top = session.scalar(text("SELECT max(rowid) FROM customer"))
            rng = random.Random(seed)
            rowids = rng.sample(range(1, top + 1), min(how_many, top))
            chosen = text("customer.rowid IN (%s)" % ",".join(map(str, rowids)))
            found = list(session.scalars(select(Customer).where(chosen)))
        else:       # seeded random() over the table in its stored order
            session.execute(text("SELECT setseed(:seed)"), {"seed": seed / 100})
            found = list(session.scalars(select(Customer).order_by(func.random()).limit(how_many)))
        session.expunge_all()
    engine.dispose()
    return found
