"""A live batch reads the records its events touch with one SELECT per record type
(trail.preload) instead of one per event, and writes its rows with one executemany per table
before the commit (trail._Pending); on audit's migrated database, SQLite and PostgreSQL, it
writes the trail and the records an event-by-event application writes, column for column, and
so does a catch-up page (inbox.consume_all: the same unit, no preload) — new records (an
import: customer_created + customer_assigned), records known from an earlier batch (updated),
an owner change its contacts follow (those written earlier in the batch too, and one added
after it, followed by a second change), a merge naming two records, one record created and
changed within the batch. The statements per event are tests/unit/audit/test_batches.py's."""
import pytest
from sqlalchemy import select

from services.audit import ordering
from services.audit.models import AuditEntry, AuditRecord
from services.chassis import inbox
from services.chassis.db import make_engine
from tests.unit.audit.support import SUBSCRIPTIONS, T0, Log, audit_db, customer


@pytest.fixture
def databases(dialect, migrated_database):
    engines = [make_engine(migrated_database("audit", dialect)) for _ in range(3)]
    yield [audit_db(engine) for engine in engines]
    for engine in engines:
        engine.dispose()


def snapshot(db):
    with db.read_only() as session:
        return [[{column.key: getattr(row, column.key) for column in model.__table__.columns}
                 for row in session.scalars(select(model).order_by(*model.__table__.primary_key))]
                for model in (AuditRecord, AuditEntry)]


def assigned(customer_id, owner, previous, reason="round_robin"):
    return {"id": customer_id, "owner_id": owner, "previous_owner_id": previous,
            "region": "north", "reason": reason, "assigned_by": "system"}


def contact(contact_id, customer_id):
    return {"id": contact_id, "customer_id": customer_id, "name": "Kim", "role": None,
            "birthday": None, "owner_id": "u-rep1", "created_at": T0}


def history():
    """Two batches of customers' events: what is known, then an import beside changes to it."""
    log = Log("customers")
    log.emit("customer_created", customer(id="c-0"))
    log.emit("contact_added", contact("k-0", "c-0"))
    log.emit("customer_created", customer(id="c-4", name="Known", owner_id="u-rep2"))
    first = len(log.events)
    for n in (1, 2, 3):                       # imported: an owner at creation, then its event
        log.emit("customer_created", customer(id=f"c-{n}", name=f"Import {n}", owner_id="u-rep2"))
        log.emit("customer_assigned", assigned(f"c-{n}", "u-rep2", None))
    log.emit("customer_updated", {**customer(id="c-0", name="Acme Ltd"), "changed": ["name"]})
    log.emit("customer_assigned", assigned("c-0", "u-rep3", "u-rep1", "manual"), actor="u-mgr")
    log.emit("contact_added", contact("k-1", "c-1"))
    log.emit("customer_merged", {"winner_id": "c-1", "loser_id": "c-2", "merged_at": T0,
                                 "contacts_moved": 0, "interactions_moved": 0, "tags": ["vip"]})
    log.emit("customer_assigned", assigned("c-1", "u-rep1", "u-rep2", "manual"), actor="u-mgr")
    log.emit("contact_added", contact("k-2", "c-1"))
    log.emit("customer_assigned", assigned("c-1", "u-rep3", "u-rep1", "manual"), actor="u-mgr")
    log.emit("customer_assigned", assigned("c-4", "u-rep1", "u-rep2"))
    return log.events[:first], log.events[first:]


@pytest.mark.dialect_sensitive
def test_a_preloaded_batch_writes_what_event_by_event_writes(databases):
    batched, one_by_one, paged = databases
    known, batch = history()
    assert ordering.consume_batch_in_order(batched, SUBSCRIPTIONS, known) == [inbox.PROCESSED] * 3
    assert ordering.consume_batch_in_order(batched, SUBSCRIPTIONS, batch) == \
        [inbox.PROCESSED] * len(batch)
    for envelope in known + batch:
        assert ordering.consume_in_order(one_by_one, SUBSCRIPTIONS, envelope) == inbox.PROCESSED
    for page in (known, batch):                 # the catch-up's way: a page per unit of work
        assert inbox.consume_all(paged, SUBSCRIPTIONS, page) == [inbox.PROCESSED] * len(page)
    assert snapshot(batched) == snapshot(one_by_one) == snapshot(paged)
    records, entries = snapshot(batched)
    owners = {(row["record_type"], row["record_id"]): row["owner_id"] for row in records}
    assert owners == {("customer", "c-0"): "u-rep3", ("contact", "k-0"): "u-rep3",
                      ("customer", "c-1"): "u-rep3", ("contact", "k-1"): "u-rep3",
                      ("contact", "k-2"): "u-rep3", ("customer", "c-2"): "u-rep2",
                      ("customer", "c-3"): "u-rep2", ("customer", "c-4"): "u-rep1"}
    # an import's assignment to the owner it was created with changes no field
    assert {(e["record_id"], e["action"], e["field"]) for e in entries
            if e["record_id"] in ("c-1", "c-2", "c-3")} == {
        ("c-1", "created", None), ("c-2", "created", None), ("c-3", "created", None),
        ("c-2", "changed", "merged_into"), ("c-1", "changed", "tags"),
        ("c-1", "changed", "owner_id")}
    assert [(e["old_value"], e["new_value"]) for e in sorted(entries, key=lambda e: e["sequence"])
            if e["record_id"] == "c-1" and e["field"] == "owner_id"] == [
        ('"u-rep2"', '"u-rep1"'), ('"u-rep1"', '"u-rep3"')]

    # the batch again (a redelivery): nothing more
    assert ordering.consume_batch_in_order(batched, SUBSCRIPTIONS, batch) == \
        [inbox.DUPLICATE] * len(batch)
    assert snapshot(batched) == [records, entries]
