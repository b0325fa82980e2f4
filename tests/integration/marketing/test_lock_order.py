"""Marketing takes the customers' rows in one order on PostgreSQL — id order — whoever locks
several: a unit of events (audience/rows.py lock_first, before its first event is applied),
a segment backfill chunk, a relative-date recheck, a static list change. A batch whose events
name customer B then customer A, at the same time as a backfill chunk over A and B (which
locks A then B): one waits for the other, both go through. Without lock_first the batch held
B and waited for A while the chunk held A and waited for B: a deadlock, one aborted."""
import eventlet
import pytest

from services.chassis import inbox
from services.chassis.auth import Principal
from services.chassis.db import make_engine
from services.chassis.inbox import Subscriptions
from services.chassis.models import utcnow
from services.marketing.segments import backfill
from services.marketing.segments.handlers import definitions, members
from services.marketing.service import MarketingService
from tests.integration.lock_waits import pause_after_first, waiting_on_a_lock
from tests.unit.marketing.support import Log, apply, customer, marketing_db

MARKETER = Principal("u-mkt", "marketer")
TAGGED = [[{"field": "tags", "op": "any", "value": ["vip"]}]]


@pytest.fixture
def db(migrated_database):
    engine = make_engine(migrated_database("marketing", "postgresql"))
    yield marketing_db(engine)
    engine.dispose()


def paused(subscriptions, pause):
    """The service's subscriptions, each customers' handler wrapped by `pause`."""
    mapping = {source: dict(handlers) for source, handlers in subscriptions.mapping.items()}
    mapping["customers"] = {name: pause(apply) for name, apply in mapping["customers"].items()}
    return Subscriptions(mapping, lock_first=subscriptions.lock_first)


def tagged(log, customer_id):
    return log.emit("customer_tagged", {"customer_id": customer_id, "tags": ["vip"],
                                        "added": ["vip"], "removed": []})


def member_ids(db, segment_id):
    with db.read_only() as session:
        page = members.list_members(session, MARKETER, segment_id, {})
    return sorted(item["id"] for item in page["items"])


@pytest.mark.postgres
def test_a_batch_and_a_backfill_chunk_lock_the_customers_in_one_order(db):
    log = Log("customers")
    apply(db, log.emit("customer_created", customer(id="c-a", email="a@example.com")),
          log.emit("customer_created", customer(id="c-b", email="b@example.com")))
    with db.unit_of_work(actor=MARKETER.user_id) as uow:
        segment = definitions.create_segment(uow, MARKETER, {"name": "VIP", "kind": "dynamic",
                                                             "rules": TAGGED})
    batch = [tagged(log, "c-b"), tagged(log, "c-a")]        # B first: against the id order
    chunk = {}

    def run_chunk():
        with db.unit_of_work() as uow:
            chunk["evaluated"] = backfill.chunk(uow.session, segment["id"], 10, utcnow())

    # the batch pauses after its first event (B's row locked) until the chunk waits on a lock
    pause = pause_after_first(db.engine, run_chunk)
    with eventlet.Timeout(30):
        outcomes = inbox.consume_all(db, paused(MarketingService.subscriptions, pause), batch,
                                     advance_position=True)
        pause.other.wait()
    assert outcomes == [inbox.PROCESSED, inbox.PROCESSED] and chunk == {"evaluated": 2}
    assert not waiting_on_a_lock(db.engine)
    assert member_ids(db, segment["id"]) == ["c-a", "c-b"]



@pytest.mark.postgres
def test_a_static_list_change_waits_for_a_batch_holding_its_contacts_customers(db):
    """A list change takes its contacts' customers (id order) before the segment catalog, as
    a unit of events does: it queues behind a batch holding them, instead of holding the
    catalog the batch's evaluation needs while the batch holds a row the change writes."""
    log = Log("customers")
    apply(db, log.emit("customer_created", customer(id="c-a", email="a@example.com")),
          log.emit("customer_created", customer(id="c-b", email="b@example.com")))
    with db.unit_of_work(actor=MARKETER.user_id) as uow:
        listed = definitions.create_segment(uow, MARKETER, {"name": "Picked", "kind": "static"})
    changed = {}

    def put_on_list():
        with db.unit_of_work(actor=MARKETER.user_id) as uow:
            changed.update(members.put_on_list(uow, MARKETER, listed["id"], ["c-b", "c-a"]))

    pause = pause_after_first(db.engine, put_on_list)
    with eventlet.Timeout(30):
        outcomes = inbox.consume_all(db, paused(MarketingService.subscriptions, pause),
                                     [tagged(log, "c-b"), tagged(log, "c-a")])
        pause.other.wait()
    assert outcomes == [inbox.PROCESSED, inbox.PROCESSED]
    assert (changed["changed"], changed["member_count"]) == (2, 2)
    assert member_ids(db, listed["id"]) == ["c-a", "c-b"]
