"""The customers list filtered on several columns walks one filter's (filter, created_at, id)
index on PostgreSQL, not the whole default order: make_engine sets random_page_cost on each
connection (DB_RANDOM_PAGE_COST), and with the server's default of 4 the planner priced the
filter index's reads as a spinning disk's and read ~160 rows per page row instead of ~16
(bench/FINDINGS.md, fifteenth session)."""
from datetime import datetime, timezone

import psycopg2
import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from services.chassis.db import make_engine
from services.customers.handlers import search
from tests import postgres
from tests.unit.customers.support import ADMIN

pytestmark = pytest.mark.postgres

ROWS = 40_000
START = datetime(2026, 1, 1, tzinfo=timezone.utc)
# as wide as the bench's rows (~600 bytes: the planner's price of a walk counts pages, and with
# narrow rows the default cost happened to pick the filter's index too)
ADDRESS = "Unit 4, Harbour Industrial Estate, 1200 Long Quay Road, Port District, ".ljust(400, "-")
COMBO = {"region": "R3", "lifecycle_stage": "customer", "value_class": "A", "limit": 25}


# Customer n: region R(n % 10), stage STAGES[n // 10 % 4], class CLASSES[n // 40 % 4], created
# n seconds after START — made by the database itself (a second, not ~5 from Python).
FILL = text("""
    INSERT INTO customer (id, kind, name, name_norm, search_text, region, lifecycle_stage,
                          value_class, address, created_by, created_at, updated_at)
    SELECT lpad(n::text, 36, '0'), 'company', 'Customer ' || n, 'customer ' || n, 'customer ' || n,
           'R' || (n % 10), (ARRAY['lead', 'prospect', 'customer', 'churned'])[n / 10 % 4 + 1],
           (ARRAY['A', 'B', 'C', NULL])[n / 40 % 4 + 1], :address, 'admin',
           :start + n * interval '1 second', :start + n * interval '1 second'
    FROM generate_series(0, :rows - 1) AS n""")


@pytest.fixture
def filled(migrated_database):
    """A customers database at head holding ROWS customers spread evenly over the filters."""
    url = migrated_database("customers", "postgresql")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(FILL, {"address": ADDRESS, "start": START, "rows": ROWS})
        connection.exec_driver_sql("ANALYZE customer")
    engine.dispose()
    return url


def _page_plan(url):
    """The page's rows (ids) and PostgreSQL's plan of the statement that read them."""
    engine = make_engine(url)
    statements = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, parameters, context, many:
                 statements.append((statement, parameters)))
    try:
        with Session(engine) as session:
            page = search.list_customers(session, ADMIN, dict(COMBO))
        statement, parameters = next(s for s in statements if s[0].lstrip().startswith(
            "SELECT customer.id"))
        with engine.connect() as connection:
            plan = "\n".join(row[0] for row in connection.exec_driver_sql(
                "EXPLAIN " + statement, parameters))
        return [item["id"] for item in page["items"]], plan
    finally:
        engine.dispose()


def test_a_page_filtered_on_region_stage_and_class_walks_the_region_index(filled):
    ids, plan = _page_plan(filled)
    assert "ix_customer_region_created" in plan, plan
    expected = [f"{n:036d}" for n in reversed(range(ROWS)) if n % 10 == 3 and n // 10 % 4 == 2
                and n // 40 % 4 == 0][:25]
    assert ids == expected


def test_each_connection_carries_the_setting_or_the_server_s_own(postgres_database, monkeypatch):
    connection = psycopg2.connect(postgres.ADMIN_DSN)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW random_page_cost")
            server = cursor.fetchone()[0]
    finally:
        connection.close()
    for value, shown in (("", "1.1"), ("2.5", "2.5"), ("server", server)):
        monkeypatch.setenv("DB_RANDOM_PAGE_COST", value)
        engine = make_engine(postgres_database)
        try:
            with engine.connect() as connection:
                assert connection.scalar(text("SHOW random_page_cost")) == shown
        finally:
            engine.dispose()
