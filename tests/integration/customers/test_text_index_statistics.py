"""Revision d8e4b6a2c910: the FTS5 text index's shadow tables carry no planner statistics, so
FTS5's own statements seek by rowid on a grown index. With the statistics an ANALYZE of the
new, empty database left (b3c1d2e4f5a6: customer_fts_data = 2 rows), the statement that
deletes a merged segment's pages scanned the whole index after every merge step, and the
import's INSERT cost grew with the table (bench/grown_insert.py, bench/FINDINGS.md)."""
from datetime import datetime, timezone

import pytest
from alembic import command
from sqlalchemy import insert, text

from services.chassis import migrate
from services.chassis.db import make_engine
from services.customers import normalize, search_index
from services.customers.models import Customer

pytestmark = pytest.mark.dialect_sensitive("SQLite planner statistics of the FTS5 tables")

BEFORE = "c5a9e2f1b7d3"
SHADOW_TABLES = tuple(f"{search_index.FTS_TABLE}_{name}" for name in ("data", "idx", "docsize", "config"))
# FTS5's statement removing a segment's pages (fts5DataDelete), as it prepares it
SEGMENT_DELETE = f"DELETE FROM 'main'.'{search_index.FTS_TABLE}_data' WHERE id>=? AND id<=?"


def _customer(n):
    name, email = f"Bench Firm {n:07d}", f"firm{n}@bench.example"
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return {"id": f"c{n}", "kind": "company", "name": name, "name_norm": normalize.text(name),
            "search_text": normalize.search_text(name, email, None), "email": email,
            "email_norm": normalize.email(email), "lifecycle_stage": "lead", "created_by": "t",
            "created_at": now, "updated_at": now}


def _shadow_statistics(connection):
    if not connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        return set()
    return {tbl for (tbl,) in connection.exec_driver_sql("SELECT tbl FROM sqlite_stat1")} \
        & set(SHADOW_TABLES)


def _segment_delete_plan(connection):
    return " ".join(row[-1] for row in connection.exec_driver_sql(
        f"EXPLAIN QUERY PLAN {SEGMENT_DELETE}", (1, 2)))


def test_the_upgrade_forgets_the_empty_index_statistics_and_fts5_seeks_by_rowid(database_url):
    config = migrate.alembic_config("customers", database_url)
    command.upgrade(config, BEFORE)
    engine = make_engine(database_url)
    try:
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:        # the state the fix is for
                assert f"{search_index.FTS_TABLE}_data" in _shadow_statistics(connection)
                assert "SCAN" in _segment_delete_plan(connection)
        migrate.upgrade("customers", database_url)
        engine.dispose()                                # a service's new connections
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                assert _shadow_statistics(connection) == set()
                assert "USING INTEGER PRIMARY KEY" in _segment_delete_plan(connection)
        # rows written one statement each (FTS5 flushes and merges as it goes) are all found
        with engine.begin() as connection:
            connection.execute(insert(Customer.__table__), [_customer(n) for n in range(1, 401)])
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM customer WHERE search_text LIKE :q"),
                                     {"q": "%firm400bench%"}) == 1
            if engine.dialect.name == "sqlite":
                hits = connection.execute(text(
                    f"SELECT count(*) FROM {search_index.FTS_TABLE} WHERE search_text MATCH :q"),
                    {"q": '"bench firm"'}).scalar()
                assert hits == 400
                assert connection.execute(text(
                    f"SELECT c.id FROM customer c JOIN {search_index.FTS_TABLE} f "
                    "ON f.rowid = c.rowid WHERE f.search_text MATCH :q"),
                    {"q": '"firm 0000123"'}).scalars().all() == ["c123"]
        command.downgrade(config, BEFORE)               # statistics are not schema: a no-op
        migrate.upgrade("customers", database_url)
    finally:
        engine.dispose()


def test_forget_statistics_after_an_analyze_of_a_small_index(tmp_path):
    """An ANALYZE run later on a small database (an operator's, a future migration's) brings
    the statistics back; forget_statistics is the remedy, and a no-op without sqlite_stat1."""
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        Customer.metadata.create_all(engine)
        with engine.begin() as connection:
            search_index.forget_statistics(connection)          # no sqlite_stat1 yet
            connection.exec_driver_sql("ANALYZE")
            assert f"{search_index.FTS_TABLE}_data" in _shadow_statistics(connection)
            search_index.forget_statistics(connection)
            assert _shadow_statistics(connection) == set()
        engine.dispose()
        with engine.connect() as connection:
            assert "USING INTEGER PRIMARY KEY" in _segment_delete_plan(connection)
    finally:
        engine.dispose()
