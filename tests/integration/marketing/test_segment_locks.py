"""A segment edit and an event about one of its contacts, at the same time, on a migrated
PostgreSQL database (SQLite serialises writers: the event's first write waits for the edit's
commit there anyway): the event's evaluation waits for the edit to commit (the segment catalog's lock),
then evaluates the contact on the new definition — and the backfill after the edit evaluates
it on its new state too, so the contact ends where its new state and the new segment put it."""
import eventlet
import pytest

from services.chassis.auth import Principal
from services.chassis.db import make_engine
from services.marketing.segments import backfill
from services.marketing.segments.handlers import definitions, members
from tests.unit.marketing.support import Log, apply, contact, customer, marketing_db, updated

MARKETER = Principal("u-mkt", "marketer")


@pytest.fixture
def db(migrated_database):
    engine = make_engine(migrated_database("marketing", "postgresql"))
    yield marketing_db(engine)
    engine.dispose()


@pytest.mark.postgres
def test_an_event_during_a_segment_edit_is_evaluated_on_the_new_definition(db):
    log = Log("customers")
    apply(db, log.emit("customer_created", customer()), log.emit("contact_added", contact()))
    moved = log.emit("customer_updated", updated(["region"], region="south"))
    with db.unit_of_work(actor=MARKETER.user_id) as uow:
        segment = definitions.create_segment(uow, MARKETER, {
            "name": "North", "kind": "dynamic",
            "rules": [[{"field": "region", "op": "eq", "value": "north"}]]})
        assert segment["evaluation"]["status"] == "evaluating"
        event = eventlet.spawn(apply, db, moved)           # the customer moves meanwhile
        eventlet.sleep(0.5)
        assert not event.dead, "the event's evaluation did not wait for the edit"
    event.wait()
    assert backfill.run(db, 1) == 2
    with db.read_only() as session:
        page = members.list_members(session, MARKETER, segment["id"], {})
        count = definitions.get_segment(session, MARKETER, segment["id"])["member_count"]
    assert (page["items"], count) == ([], 0)
