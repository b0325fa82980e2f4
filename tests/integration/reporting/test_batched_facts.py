"""reporting's live batches on each dialect: a batch locks the customer facts it touches in one
go (rollups.lock_values: plain rows), writes the changed ones in one statement at commit, and inserts the
churn-risk contacts in one — with the same rollups and facts as one event per transaction,
whatever the batch repeats, redelivers or merges."""
import random
import threading
import time
from datetime import timedelta

import eventlet
import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from services.chassis.db import make_engine
from services.reporting import inbox, rollups
from services.reporting.domains import METADATA
from services.reporting.domains.analytics.risk.models import InteractionFact
from services.reporting.domains.customers.models import CustomerFact
from tests.unit.chassis.fakes import make_db
from tests.unit.reporting.support import T0, Customers, apply, state
from tests.unit.reporting.test_batches import random_history, reference

pytestmark = pytest.mark.dialect_sensitive("row locks taken per batch; upserts; executemany")

FACT_COLUMNS = [column.key for column in CustomerFact.__table__.columns]


@pytest.fixture
def fresh_db():
    """fresh_db() → an empty in-memory SQLite reporting database: the one-event-per-transaction
    reference."""
    engines = []

    def make():
        engines.append(create_engine("sqlite://", poolclass=StaticPool,
                                     connect_args={"check_same_thread": False}))
        return make_db(engines[-1], METADATA, source="reporting")
    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def reporting_db(database_url):
    engine = make_engine(database_url)
    yield make_db(engine, METADATA, source="reporting"), engine
    engine.dispose()


def facts(db):
    with db.read_only() as session:
        return {row.id: tuple(getattr(row, name) for name in FACT_COLUMNS)
                for row in session.scalars(select(CustomerFact))}


def contacts(db):
    with db.read_only() as session:
        return dict(session.execute(select(InteractionFact.id, InteractionFact.customer_id)).all())


def test_one_batch_touching_a_customer_many_times_with_a_duplicate_then_redelivered(
        reporting_db, fresh_db):
    db, _engine = reporting_db
    customers = Customers()
    batch = [customers.create("c1", region="EU"), customers.create("c2", region="US"),
             customers.assign("c1", "u1"), customers.update("c1", lifecycle_stage="customer"),
             customers.interaction("u1", customer_id="c2"),
             customers.assign("c1", "u2"), customers.update("c2", value_class="A"),
             customers.merge("c1", "c2"), customers.update("c1", value_class="B")]
    delivered = batch[:4] + [batch[2]] + batch[4:]          # customer_assigned twice in the batch
    outcomes = inbox.consume_all(db, delivered)
    assert outcomes == [inbox.PROCESSED] * 4 + [inbox.DUPLICATE] + [inbox.PROCESSED] * 5
    assert inbox.consume_all(db, delivered) == [inbox.DUPLICATE] * len(delivered)   # redelivered

    one_by_one = fresh_db()
    apply(one_by_one, *batch)
    assert state(db) == state(one_by_one) == reference(customers)
    assert facts(db) == facts(one_by_one)
    assert facts(db)["c1"][FACT_COLUMNS.index("owner_id")] == "u2"
    assert facts(db)["c2"][FACT_COLUMNS.index("merged")] is True
    # the interaction logged in the batch moved with the merge later in the same batch
    assert set(contacts(db).values()) == {"c1"}


@pytest.mark.parametrize("seed", [5, 6])
def test_batches_over_a_shuffled_history_with_redeliveries_equal_the_reference(
        reporting_db, fresh_db, seed):
    db, _engine = reporting_db
    rng = random.Random(seed)
    customers = Customers()
    history = random_history(customers, rng, count=300)
    for envelope in history:          # churn risk's contacts: every interaction has a customer
        if envelope["event_type"] == "interaction_logged":
            envelope["payload"]["customer_id"] = rng.choice(sorted(customers.records))
    deliveries = history + rng.sample(history, len(history) // 4)
    rng.shuffle(deliveries)
    outcomes = []
    for start in range(0, len(deliveries), 50):
        outcomes += inbox.consume_all(db, deliveries[start:start + 50])
    assert outcomes.count(inbox.PROCESSED) == len(history)
    assert state(db) == reference(customers)
    one_by_one = fresh_db()         # the same deliveries, one event per transaction
    apply(one_by_one, *deliveries)
    assert facts(db) == facts(one_by_one)
    assert contacts(db) == contacts(one_by_one)     # (a merge moves the contacts it finds)


def test_a_batch_costs_a_bounded_number_of_statements(reporting_db):
    """The round trips that made PostgreSQL's live path slow: two per event to lock a fact, an
    UPDATE per fact changed in its own set of columns, an INSERT per interaction."""
    db, engine = reporting_db
    customers = Customers()
    inbox.consume_all(db, [customers.create(f"c{n}") for n in range(30)])
    batch = []
    for n in range(30):
        batch.append(customers.update(f"c{n}", region=f"R{n % 3}") if n % 2 else
                     customers.assign(f"c{n}", f"u{n % 4}"))
        batch.append(customers.interaction("u1", customer_id=f"c{n}",
                                           occurred_at=T0 + timedelta(minutes=n)))
    statements = []
    listener = lambda *args: statements.append(args[2])          # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert inbox.consume_all(db, batch) == [inbox.PROCESSED] * len(batch)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    # fence, inbox, facts insert + lock, facts update, contacts, freshness, 3 rollups (+ SQLite's
    # BEGIN, PostgreSQL's none): far below the 60 events' one or two each
    assert len(statements) <= 14, statements
    assert sum(s.startswith("UPDATE customer_fact") for s in statements) == 1
    assert sum(s.startswith("INSERT INTO analytics_interaction_fact") for s in statements) == 1


def _lock_as_objects(session, ids, **defaults):
    rollups.lock_rows(session, CustomerFact, ids, **defaults)
    return lambda key: rollups.locked_row(session, CustomerFact, {"id": key})


def _set_object_region(row, value):
    row.region = value


def _lock_as_values(session, ids, **defaults):
    rollups.lock_values(session, CustomerFact, ids, **defaults)
    return lambda key: rollups.locked_values(session, CustomerFact, key)


def _set_value_region(row, value):
    row["region"] = value


@pytest.mark.postgres
@pytest.mark.parametrize("lock, region, set_region", [
    (_lock_as_objects, lambda row: row.region, _set_object_region),      # lock_rows (ORM)
    (_lock_as_values, lambda row: row["region"], _set_value_region)],    # customers' facts
    ids=["objects", "values"])
def test_two_batches_locking_overlapping_new_facts_wait_instead_of_failing(
        postgres_database, lock, region, set_region):
    """A fact both batches see first (created by neither yet): the second's INSERT … ON CONFLICT
    waits for the first's uncommitted row, then locks it and reads the first's change."""
    engine = make_engine(postgres_database)
    try:
        make_db(engine, METADATA, source="reporting")
        defaults = dict(merged=False, record_sequence=0, owner_sequence=0)
        result, done = {}, threading.Event()

        def second():
            with Session(engine, expire_on_commit=False) as session, session.begin():
                row = lock(session, ["c", "b"], **defaults)
                result["b"] = region(row("b"))
            done.set()

        with Session(engine, expire_on_commit=False) as first:
            with first.begin():
                row = lock(first, ["b", "a"], **defaults)
                set_region(row("b"), "first")
                first.flush()
                thread = threading.Thread(target=second)
                thread.start()
                deadline = time.monotonic() + 10
                with engine.connect() as probe:
                    while not probe.execute(text(
                            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                            " AND datname = current_database()")).scalar():
                        assert time.monotonic() < deadline, "the second batch never waited"
                        probe.rollback()
                        eventlet.sleep(0.01)
                assert not done.is_set()
        thread.join(10)
        assert done.is_set() and result == {"b": "first"}
        assert sorted(facts_of(engine)) == ["a", "b", "c"]
    finally:
        engine.dispose()


def facts_of(engine):
    with Session(engine) as session:
        return list(session.scalars(select(CustomerFact.id)))
