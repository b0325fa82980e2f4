"""A unit of customers' events prepared in a few statements (audience/prepared.py: the new
customers inserted, the owners moved and the contacts read once per unit) leaves what the same
unit leaves without the preparation, on marketing's migrated database, SQLite and PostgreSQL:
the audience rows column for column, segment members, counts and history (reasons included),
automation runs — over an import's batches (creations, then assignments), a stub, a customer
already known, an older assignment, a customer with no row, a contact person added inside the
unit, and a redelivery. And it is cheaper: a batch of 100 assignments is a few statements."""
import pytest
from sqlalchemy import create_engine, event, select

from services.chassis import inbox
from services.chassis.auth import Principal
from services.chassis.db import make_engine
from services.chassis.inbox import Subscriptions
from services.marketing.audience import rows
from services.marketing.audience.models import AudienceContact, AudienceCustomer
from services.marketing.automation.handlers import rules, triggering
from services.marketing.automation.models import AutomationRun
from services.marketing.segments.handlers import definitions
from services.marketing.segments.models import Segment, SegmentMember, SegmentMembershipChange
from services.marketing.service import MarketingService
from tests.unit.marketing.support import T0, Log, apply, contact, customer, evaluate_segments, marketing_db

MARKETER = Principal("u-mkt", "marketer")
UNPREPARED = Subscriptions(MarketingService.subscriptions.mapping, lock_first=rows.lock_first)


@pytest.fixture
def databases(dialect, migrated_database, monkeypatch):
    monkeypatch.setattr(triggering, "utcnow", lambda: T0)
    monkeypatch.setattr(rules, "utcnow", lambda: T0)
    engines = [make_engine(migrated_database("marketing", dialect)) for _ in range(2)]
    dbs = [marketing_db(engine) for engine in engines]
    for db in dbs:
        with db.unit_of_work(actor=MARKETER.user_id) as uow:
            definitions.create_segment(uow, MARKETER, {"name": "North", "kind": "dynamic", "rules": [
                [{"field": "region", "op": "eq", "value": "north"}]]})
            definitions.create_segment(uow, MARKETER, {"name": "Rep2", "kind": "dynamic", "rules": [
                [{"field": "owner_id", "op": "eq", "value": "u-rep2"}]]})
            rules.create_rule(uow, MARKETER, {"name": "Welcome", "trigger": "customers.customer_created",
                                              "actions": [{"type": "add_tag", "tags": ["w"]}],
                                              "enabled": True})
        evaluate_segments(db)
    yield dbs
    for engine in engines:
        engine.dispose()


def snapshot(db):
    with db.read_only() as session:
        audience = [[{column.key: getattr(row, column.key) for column in model.__table__.columns}
                     for row in session.scalars(select(model).order_by(model.id))]
                    for model in (AudienceCustomer, AudienceContact)]
        names = dict(session.execute(select(Segment.id, Segment.name)).all())
        members = sorted((names[s], c) for s, c in session.execute(
            select(SegmentMember.segment_id, SegmentMember.contact_id)))
        counts = sorted(session.execute(select(Segment.name, Segment.member_count)).all())
        history = sorted((names[h.segment_id], h.contact_id, h.change, h.reason)
                         for h in session.scalars(select(SegmentMembershipChange)))
        runs = sorted(session.execute(select(AutomationRun.event_id, AutomationRun.customer_id,
                                             AutomationRun.outcome)).all())
    return audience, members, counts, history, runs


def assigned(customer_id, owner_id, region):
    return {"id": customer_id, "owner_id": owner_id, "previous_owner_id": None,
            "region": region, "reason": "round_robin", "assigned_by": "system"}


def workload():
    """(events applied one by one first, [units])."""
    log = Log("customers")
    before = [log.emit("customer_created", customer(id="old", name="Old", region="south"))]
    ids = [f"c-{n}" for n in range(6)]
    created = [log.emit("customer_created", customer(id=i, name=i, email=f" {i.upper()}@X.example",
                                                    region=("north", "south")[n % 2],
                                                    owner_id="u-rep1"))
               for n, i in enumerate(ids)]
    moved = [log.emit("customer_assigned", assigned(i, ("u-rep1", "u-rep2")[n % 3 == 0],
                                                    ("north", "south", "east")[n % 3]))
             for n, i in enumerate(ids)]
    mixed = [log.emit("customer_assigned", assigned("old", "u-rep2", "north")),
             log.emit("customer_assigned", assigned("old", "u-rep3", "north")),
             log.emit("customer_created", customer(id="stub", name="Stubbed", region="north")),
             log.emit("customer_assigned", assigned("stub", "u-rep2", "north")),
             log.emit("customer_assigned", assigned("ghost", "u-rep2", "north")),
             log.emit("customer_created", customer(id="d-1", name="D1", region="north")),
             log.emit("contact_added", contact(id="ct-1", customer_id="d-1")),
             log.emit("customer_assigned", assigned("d-1", "u-rep2", "south")),
             log.emit("customer_assigned", assigned("c-1", "u-rep2", "north"))]
    stale = dict(moved[0], event_id="stale-assignment", sequence=1)    # older than its row
    return before, [created, moved, mixed, [stale, moved[2]], created[:3] + moved[:3]]


@pytest.mark.dialect_sensitive
def test_a_prepared_unit_leaves_what_the_unit_leaves_unprepared(databases):
    prepared_db, plain_db = databases
    before, units = workload()
    for db in databases:
        apply(db, *before)
        with db.unit_of_work() as uow:                 # a customer a sales event named first
            rows.customer(uow.session, "stub")
    for unit in units:
        outcomes = inbox.consume_all(prepared_db, MarketingService.subscriptions, unit)
        assert outcomes == inbox.consume_all(plain_db, UNPREPARED, unit)
        assert snapshot(prepared_db) == snapshot(plain_db)
    audience, members, _counts, history, runs = snapshot(prepared_db)
    customers = {row["id"]: row for row in audience[0]}
    assert (customers["old"]["owner_id"], customers["old"]["owner_sequence"]) == ("u-rep3", 15)
    assert (customers["c-3"]["owner_id"], customers["c-3"]["region"]) == ("u-rep2", "north")
    assert customers["ghost"]["known"] is False and customers["ghost"]["owner_id"] == "u-rep2"
    assert ("Rep2", "ct-1") in members and ("North", "c-0") in members
    assert ("North", "c-0", "joined", "customer_created") in history
    assert len(runs) == 9                  # one per customer_created: old, c-*, stub, d-1


def test_an_import_batch_costs_a_few_statements_whatever_its_size():
    db, log = marketing_db(create_engine("sqlite://")), Log("customers")
    ids = [f"c-{n}" for n in range(100)]
    created = [log.emit("customer_created", customer(id=i, email=f"{i}@x.example")) for i in ids]
    moved = [log.emit("customer_assigned", assigned(i, "u-rep2", "south")) for i in ids]
    count = [0]
    event.listen(db._provider.engine, "before_cursor_execute",
                 lambda *_args: count.__setitem__(0, count[0] + 1))
    for unit in (created, moved):
        count[0] = 0
        assert inbox.consume_all(db, MarketingService.subscriptions, unit) == [inbox.PROCESSED] * 100
        # the inbox, the customers looked up, their INSERTs or the owners' SELECT, UPDATE and
        # contacts, the rules, the segments' catalogue (no segment: nothing evaluated)
        assert count[0] <= 10, count[0]
    with db.read_only() as session:
        assert set(session.scalars(select(AudienceCustomer.owner_id))) == {"u-rep2"}
        assert session.scalar(select(AudienceContact.email_norm).where(AudienceContact.id == "c-7")) \
            == "c-7@x.example"
