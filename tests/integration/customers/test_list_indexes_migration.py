"""The list/search indexes revision: up fills the text index from existing rows, down
restores the previous indexes, on SQLite and PostgreSQL."""
from datetime import datetime, timezone

import pytest
from alembic import command
from sqlalchemy import inspect, insert, text

from services.chassis import migrate
from services.chassis.db import make_engine
from services.customers import normalize, search_index
from services.customers.models import Customer

pytestmark = pytest.mark.dialect_sensitive("migrations; FTS5 vs pg_trgm text index")

BEFORE = "4a4608057710"
COMPOSITES = {"ix_customer_region_created", "ix_customer_owner_name", "ix_customer_stage_created",
              "ix_customer_class_name"}
REPLACED = {"ix_customer_region", "ix_customer_owner_id", "ix_customer_lifecycle",
            "ix_customer_value_class"}


def _customer(name, email):
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return {"id": name, "kind": "company", "name": name, "name_norm": normalize.text(name),
            "search_text": normalize.search_text(name, email, None), "email": email,
            "email_norm": normalize.email(email), "lifecycle_stage": "lead", "created_by": "t",
            "created_at": now, "updated_at": now}


def _indexes(engine):
    return {index["name"] for index in inspect(engine).get_indexes("customer")}


def _text_hits(engine, term):
    """Ids the text index alone finds for `term` (no LIKE recheck)."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            sql = (f"SELECT c.id FROM customer c JOIN {search_index.FTS_TABLE} f ON f.rowid = c.rowid "
                   f"WHERE f.search_text MATCH :q")
            return {row[0] for row in connection.execute(text(sql), {"q": f'"{term}"'})}
        connection.exec_driver_sql("SET enable_seqscan = off")      # prove the index answers
        plan = "\n".join(row[0] for row in connection.execute(
            text("EXPLAIN SELECT id FROM customer WHERE search_text LIKE :q"), {"q": f"%{term}%"}))
        assert search_index.TRGM_INDEX in plan
        return {row[0] for row in connection.execute(
            text("SELECT id FROM customer WHERE search_text LIKE :q"), {"q": f"%{term}%"})}


def test_upgrade_indexes_existing_rows_and_downgrade_restores_the_old_indexes(database_url):
    config = migrate.alembic_config("customers", database_url)
    command.upgrade(config, BEFORE)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(insert(Customer.__table__), [
                _customer("Acme Logistics", "ops@acme.example"),
                _customer("北京科技有限公司", "info@bj.example")])
        migrate.upgrade("customers", database_url)
        assert COMPOSITES <= _indexes(engine) and not REPLACED & _indexes(engine)
        assert _text_hits(engine, "logist") == {"Acme Logistics"}
        assert _text_hits(engine, "京科技") == {"北京科技有限公司"}
        with engine.begin() as connection:                 # kept in sync after the upgrade
            connection.execute(insert(Customer.__table__), [_customer("Zeta Freight", "z@z.example")])
            connection.execute(text("UPDATE customer SET name = 'Acme Rail', search_text = 'acme rail' "
                                    "WHERE id = 'Acme Logistics'"))
        assert _text_hits(engine, "freigh") == {"Zeta Freight"}
        assert _text_hits(engine, "logist") == set()

        command.downgrade(config, BEFORE)
        indexes = _indexes(engine)
        assert REPLACED <= indexes and not COMPOSITES & indexes
        assert search_index.TRGM_INDEX not in indexes
        assert not any(name.startswith(search_index.FTS_TABLE) for name in inspect(engine).get_table_names())
        with engine.connect() as connection:                # rows untouched, writes still work
            assert connection.scalar(text("SELECT count(*) FROM customer")) == 3
        with engine.begin() as connection:
            connection.execute(insert(Customer.__table__), [_customer("After Down", "d@d.example")])
        migrate.upgrade("customers", database_url)          # and up again, refilled
        assert _text_hits(engine, "after d") == {"After Down"}
    finally:
        engine.dispose()
