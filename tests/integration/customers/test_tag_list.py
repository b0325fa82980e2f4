"""The list filtered by tag after every change that touches customer_tag or a customer's place in
it (tag, untag, merge, import), on SQLite and PostgreSQL: every sort order and both tag filters
page through exactly the customers a plain reading of the book gives, in order, for an admin and
for a rep (scope), and each link's copy of its customer's created_at (the default order's key,
revision c5a9e2f1b7d3) equals the customer's. Customers have no delete: merge is the removal.

And the revision itself: up fills the copy for existing links, down drops it."""
from datetime import datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import event, inspect, insert, select, text

from services.chassis import migrate
from services.chassis.db import make_engine
from services.customers.events import EVENT_SCHEMAS
from services.customers.handlers import (customers, import_runner, imports, merge, search,
                                         tags)
from services.customers.models import Base, Customer, CustomerTag, Tag
from tests.unit.chassis.fakes import make_db
from tests.unit.customers.support import ADMIN, EVERYONE, REP_A, call, create, user_event

pytestmark = pytest.mark.dialect_sensitive("the tag list's join on customer_tag and its "
                                           "keyset seek; the migration's backfill")

START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
SORTS = ["-created_at", "created_at", "name", "-name", "-updated_at", "annual_revenue"]
FILTERS = [{"tags_any": ["vip"]}, {"tags_any": ["VIP", "partner"]},
           {"tags_all": ["vip", "partner"]}, {"tags_any": ["vip"], "region": "EU"},
           {"tags_any": ["vip"], "tags_all": ["partner"]}]


class Clock:
    """created_at of the next customers: a fixed instant that moves only when told (ties on
    purpose: two customers created at one instant are ordered by id)."""

    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now


@pytest.fixture
def book(dialect, migrated_database, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(customers, "utcnow", clock)
    db = make_db(make_engine(migrated_database("customers", dialect)), Base.metadata,
                 source="customers", event_schemas=EVENT_SCHEMAS)
    for principal in EVERYONE:
        user_event(db, principal)
    ids = {}
    for n, (name, owner, region) in enumerate([
            ("Acme", REP_A, "EU"), ("Bolt", ADMIN, "US"), ("Cask", REP_A, "EU"),
            ("Dune", REP_A, "US"), ("Echo", ADMIN, "EU"), ("Fjord", REP_A, "EU"),
            ("Gale", ADMIN, "EU")]):
        clock.now = START + timedelta(minutes=n // 2)            # pairs share an instant
        ids[name] = create(db, owner, name=name, region=region,
                           annual_revenue=f"{n % 3}.00", currency="EUR")["id"]
    db.ids, db.clock = ids, clock
    yield db
    db.engine.dispose()


def _key(sort):
    descending, key = sort.startswith("-"), sort.lstrip("-")
    column = {"name": "name_norm", "annual_revenue": "annual_revenue"}.get(key, key)

    def value(row):
        raw = getattr(row, column)
        missing = raw is None
        return (missing, raw if not missing else 0)

    return value, descending


def _expected(db, principal, filters, sort):
    """The customers a plain reading of the book lists for `filters`, in `sort` order."""
    with db.read_only() as session:
        tagged = {}
        for customer_id, name in session.execute(
                select(CustomerTag.customer_id, Tag.name_norm).join(Tag, Tag.id == CustomerTag.tag_id)):
            tagged.setdefault(customer_id, set()).add(name)
        rows = session.execute(select(Customer.id, Customer.owner_id, Customer.region,
                                      Customer.name_norm, Customer.created_at,
                                      Customer.updated_at, Customer.annual_revenue)
                               .where(Customer.merged_into.is_(None))).all()
    value, descending = _key(sort)
    any_of = {t.lower() for t in filters.get("tags_any", [])}
    all_of = {t.lower() for t in filters.get("tags_all", [])}
    picked = [row for row in rows
              if (principal is ADMIN or row.owner_id == principal.user_id)
              and (not any_of or any_of & tagged.get(row.id, set()))
              and all_of <= tagged.get(row.id, set())
              and filters.get("region") in (None, row.region)]
    # NULLs last either way; ties by id in the sort's direction
    present = sorted((r for r in picked if not value(r)[0]),
                     key=lambda r: (value(r)[1], r.id), reverse=descending)
    return [r.id for r in present] + sorted((r.id for r in picked if value(r)[0]),
                                            reverse=descending)


def _listed(db, principal, filters, sort):
    """Every page of two, followed by its cursor."""
    seen, cursor = [], None
    while True:
        query = {**filters, "sort": sort, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = call(db, search.list_customers, principal, query, write=False)
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return seen


def _agrees(db):
    for principal in (ADMIN, REP_A):
        for filters in FILTERS:
            for sort in SORTS:
                assert _listed(db, principal, filters, sort) == _expected(db, principal, filters, sort), \
                    (principal.role, filters, sort)
    with db.read_only() as session:                   # the copy is always the customer's own
        stale = session.execute(select(CustomerTag.customer_id).join(
            Customer, Customer.id == CustomerTag.customer_id)
            .where(CustomerTag.customer_created_at != Customer.created_at)).all()
        tombstones = session.execute(select(CustomerTag.customer_id).join(
            Customer, Customer.id == CustomerTag.customer_id)
            .where(Customer.merged_into.is_not(None))).all()
    assert stale == [] and tombstones == []


def test_the_tag_list_follows_tag_untag_merge_and_import(book):
    ids = book.ids
    call(book, tags.tag_customers, ADMIN, [ids[n] for n in ("Acme", "Bolt", "Cask", "Dune", "Echo")],
         ["vip"])
    call(book, tags.tag_customers, ADMIN, [ids[n] for n in ("Acme", "Dune", "Fjord", "Gale")],
         ["Partner"])
    _agrees(book)
    assert _listed(book, ADMIN, {"tags_any": ["vip"]}, "-created_at")[:1] == [ids["Echo"]]

    call(book, tags.untag_customers, ADMIN, [ids["Acme"], ids["Echo"]], ["vip"])
    _agrees(book)

    # Each loser is newer than its winner and brings a tag the winner lacks: the winner takes
    # it at its own created_at (its place in the list), the loser leaves the list.
    call(book, merge.merge_customers, REP_A, ids["Acme"], ids["Fjord"])
    call(book, tags.tag_customers, ADMIN, [ids["Gale"]], ["vip"])
    call(book, merge.merge_customers, ADMIN, ids["Echo"], ids["Gale"])
    _agrees(book)

    book.clock.now = START + timedelta(days=1)        # imported: newer than the whole book
    job = call(book, imports.start_import, ADMIN,
               "name,region\nHelm,EU\nIris,US\nJade,EU\n")
    import_runner.process_pending(book, batch_size=2)
    assert call(book, imports.get_import, ADMIN, job["id"], write=False)["created"] == 3
    with book.read_only() as session:
        new = dict(session.execute(select(Customer.name, Customer.id)
                                   .where(Customer.name.in_(["Helm", "Iris", "Jade"]))).all())
    call(book, tags.tag_customers, ADMIN, list(new.values()), ["vip"])
    call(book, tags.tag_customers, ADMIN, [new["Iris"]], ["partner"])
    _agrees(book)
    assert set(_listed(book, ADMIN, {"tags_any": ["vip"]}, "-created_at")[:3]) == set(new.values())


def test_a_tag_page_is_one_range_of_the_tag_index(book):
    """SQLite's and PostgreSQL's plans of the default tag page read the (tag, created_at, id)
    index; another sort keeps the customer-side plan."""
    ids = book.ids
    call(book, tags.tag_customers, ADMIN, list(ids.values()), ["vip"])
    statements = []

    def listener(*args):
        statements.append((args[2], args[3]))

    event.listen(book.engine, "before_cursor_execute", listener)
    try:
        _listed(book, ADMIN, {"tags_any": ["vip"]}, "-created_at")
    finally:
        event.remove(book.engine, "before_cursor_execute", listener)
    sql, parameters = next((s, p) for s, p in statements if s.lstrip().startswith("SELECT customer.id"))
    with book.engine.connect() as connection:
        if book.engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")  # tiny table: prove it can
        plan = "\n".join(str(row[-1] if book.engine.dialect.name == "sqlite" else row[0])
                         for row in connection.exec_driver_sql(
                             "EXPLAIN " + ("QUERY PLAN " if book.engine.dialect.name == "sqlite"
                                           else "") + sql, parameters))
    assert "ix_customer_tag_created_sort" in plan, plan


BEFORE = "f1b2c3d4e5f6"


def test_the_revision_fills_the_copy_for_existing_links_and_down_drops_it(database_url):
    config = migrate.alembic_config("customers", database_url)
    command.upgrade(config, BEFORE)
    engine = make_engine(database_url)
    created = [START, START + timedelta(hours=5)]
    try:
        with engine.begin() as connection:
            for n, at in enumerate(created):
                connection.execute(insert(Customer.__table__).values(
                    id=f"c-{n}", kind="company", name=f"C{n}", name_norm=f"c{n}",
                    search_text=f"c{n}", lifecycle_stage="lead", created_by="t",
                    created_at=at, updated_at=at))
            connection.execute(insert(Tag.__table__).values(id="t-1", name="vip", name_norm="vip",
                                                            created_at=START))
            connection.execute(text("INSERT INTO customer_tag (customer_id, tag_id) "
                                    "VALUES ('c-0', 't-1'), ('c-1', 't-1')"))
        migrate.upgrade("customers", database_url)
        with engine.connect() as connection:
            copies = dict(connection.execute(select(CustomerTag.customer_id,
                                                    CustomerTag.customer_created_at)).all())
        assert copies == {"c-0": created[0], "c-1": created[1]}
        assert "ix_customer_tag_created_sort" in {
            index["name"] for index in inspect(engine).get_indexes("customer_tag")}
        assert not next(column for column in inspect(engine).get_columns("customer_tag")
                        if column["name"] == "customer_created_at")["nullable"]

        command.downgrade(config, BEFORE)
        assert "customer_created_at" not in {
            column["name"] for column in inspect(engine).get_columns("customer_tag")}
        with engine.connect() as connection:               # links kept
            assert connection.scalar(text("SELECT count(*) FROM customer_tag")) == 2
        migrate.upgrade("customers", database_url)          # and up again, refilled
        with engine.connect() as connection:
            assert connection.scalar(text(
                "SELECT count(*) FROM customer_tag WHERE customer_created_at IS NOT NULL")) == 2
    finally:
        engine.dispose()
