"""A unit of customers' events prepared in a few statements (directory/projection.py
lock_first: the new customers inserted, the owners moved once per unit) leaves what the same
unit leaves without the preparation, on the service desk's migrated database, SQLite and
PostgreSQL: the directory's customers and contact persons column for column and the outcomes —
over an import's batches (creations, then assignments), a stub, a customer already known
assigned twice, a customer with no row, a contact person and a merge inside the unit, a stale
redelivery and a duplicate unit. And it is cheaper: a batch of 100 is a few statements."""
import pytest
from sqlalchemy import create_engine, event, select

from services.chassis import inbox
from services.chassis.db import make_engine
from services.chassis.inbox import Subscriptions
from services.service_desk.directory.models import DeskContact, DeskCustomer
from services.service_desk.directory.projection import locked_customer
from services.service_desk.service import ServiceDeskService
from tests.unit.service_desk.support import T0, Log, apply, contact, customer, desk_db

UNPREPARED = Subscriptions(ServiceDeskService.subscriptions.mapping)


@pytest.fixture
def databases(dialect, migrated_database):
    engines = [make_engine(migrated_database("service_desk", dialect)) for _ in range(2)]
    yield [desk_db(engine) for engine in engines]
    for engine in engines:
        engine.dispose()


def snapshot(db):
    with db.read_only() as session:
        return [[{column.key: getattr(row, column.key) for column in model.__table__.columns}
                 for row in session.scalars(select(model).order_by(model.id))]
                for model in (DeskCustomer, DeskContact)]


def assigned(customer_id, owner_id):
    return {"id": customer_id, "owner_id": owner_id, "previous_owner_id": None,
            "region": "north", "reason": "round_robin", "assigned_by": "system"}


def workload():
    """(events applied one by one first, [units])."""
    log = Log("customers")
    before = [log.emit("customer_created", customer(id="old", name="Old")),
              log.emit("customer_created", customer(id="loser", name="Loser"))]
    ids = [f"c-{n}" for n in range(6)]
    created = [log.emit("customer_created", customer(id=i, name=i, email=f"{i}@x.example",
                                                    value_class="AB"[n % 2], owner_id="u-rep1"))
               for n, i in enumerate(ids)]
    moved = [log.emit("customer_assigned", assigned(i, ("u-rep1", "u-rep2")[n % 3 == 0]))
             for n, i in enumerate(ids)]
    mixed = [log.emit("customer_assigned", assigned("old", "u-rep2")),
             log.emit("customer_assigned", assigned("old", "u-rep3")),
             log.emit("customer_created", customer(id="stub", name="Stubbed")),
             log.emit("customer_assigned", assigned("stub", "u-rep2")),
             log.emit("customer_assigned", assigned("ghost", "u-rep2")),
             log.emit("contact_added", contact(id="ct-9", customer_id="d-1")),
             log.emit("customer_created", customer(id="d-1", name="D1")),
             log.emit("customer_assigned", assigned("d-1", "u-rep2")),
             log.emit("customer_merged", {"winner_id": "c-1", "loser_id": "loser", "merged_at": T0,
                                          "contacts_moved": 0, "interactions_moved": 0, "tags": []}),
             log.emit("customer_assigned", assigned("loser", "u-rep3")),
             log.emit("customer_updated", {**customer(id="c-1", name="C1", owner_id="u-rep4"),
                                           "changed": ["name"]}),
             log.emit("customer_assigned", assigned("c-1", "u-rep2"))]
    stale = dict(moved[0], event_id="stale-assignment", sequence=1)    # older than its row
    return before, [created, moved, mixed, [stale, moved[2]], created[:3] + moved[:3]]


@pytest.mark.dialect_sensitive
def test_a_prepared_unit_leaves_what_the_unit_leaves_unprepared(databases):
    prepared_db, plain_db = databases
    before, units = workload()
    for db in databases:
        apply(db, *before)
        with db.unit_of_work() as uow:                 # a customer an event named first
            locked_customer(uow.session, "stub")
    for unit in units:
        outcomes = inbox.consume_all(prepared_db, ServiceDeskService.subscriptions, unit)
        assert outcomes == inbox.consume_all(plain_db, UNPREPARED, unit)
        assert snapshot(prepared_db) == snapshot(plain_db)
    customers, contacts = snapshot(prepared_db)
    rows = {row["id"]: row for row in customers}
    assert (rows["old"]["owner_id"], rows["old"]["owner_sequence"]) == ("u-rep3", 16)
    assert (rows["c-3"]["owner_id"], rows["c-0"]["owner_id"], rows["c-3"]["value_class"]) == (
        "u-rep2", "u-rep2", "B")
    assert (rows["c-1"]["name"], rows["c-1"]["owner_id"]) == ("C1", "u-rep2")
    assert rows["ghost"]["known"] is False and rows["ghost"]["owner_id"] == "u-rep2"
    assert (rows["stub"]["known"], rows["stub"]["owner_id"]) == (True, "u-rep2")
    assert (rows["d-1"]["known"], rows["d-1"]["name"], rows["d-1"]["owner_id"]) == (True, "D1", "u-rep2")
    assert (rows["loser"]["merged_into"], rows["loser"]["owner_id"]) == ("c-1", "u-rep3")
    assert [(row["id"], row["customer_id"]) for row in contacts] == [("ct-9", "d-1")]


def test_an_import_batch_costs_a_few_statements_whatever_its_size():
    db, log = desk_db(create_engine("sqlite://")), Log("customers")
    ids = [f"c-{n}" for n in range(100)]
    created = [log.emit("customer_created", customer(id=i, email=f"{i}@x.example")) for i in ids]
    moved = [log.emit("customer_assigned", assigned(i, "u-rep2")) for i in ids]
    count = [0]
    event.listen(db._provider.engine, "before_cursor_execute",
                 lambda *_args: count.__setitem__(0, count[0] + 1))
    for unit in (created, moved):
        count[0] = 0
        assert inbox.consume_all(db, ServiceDeskService.subscriptions, unit,
                                 advance_position=True) == [inbox.PROCESSED] * 100
        # the inbox, the customers' one INSERT or the owners' SELECT and UPDATE, the position
        assert count[0] <= 6, count[0]
    with db.read_only() as session:
        assert set(session.scalars(select(DeskCustomer.owner_id))) == {"u-rep2"}
        assert session.scalar(select(DeskCustomer.email).where(DeskCustomer.id == "c-7")) \
            == "c-7@x.example"
