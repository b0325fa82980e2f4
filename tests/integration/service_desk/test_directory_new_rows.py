"""An imported customer's customer_created on the service desk's migrated database, SQLite and
PostgreSQL (the INSERT ... ON CONFLICT DO NOTHING and its row count are the dialects'): a new
customer's directory row is the one the general path writes on a stub, column for column, and
later events (a record, an assignment's one UPDATE) apply to it alike
(tests/unit/service_desk/test_directory.py has the rest)."""
import pytest
from sqlalchemy import select

from services.chassis.db import make_engine
from services.service_desk.directory.models import DeskCustomer
from services.service_desk.directory.projection import locked_customer
from tests.unit.service_desk.support import Log, apply, customer, desk_db


@pytest.fixture
def databases(dialect, migrated_database):
    engines = [make_engine(migrated_database("service_desk", dialect)) for _ in range(2)]
    yield [desk_db(engine) for engine in engines]
    for engine in engines:
        engine.dispose()


def directory(db):
    with db.read_only() as session:
        return [{column.key: getattr(row, column.key) for column in DeskCustomer.__table__.columns}
                for row in session.scalars(select(DeskCustomer).order_by(DeskCustomer.id))]


@pytest.mark.dialect_sensitive
def test_a_new_customer_gets_the_row_the_general_path_writes(databases):
    new, stubbed = databases
    log = Log("customers")
    created = log.emit("customer_created", customer())
    renamed = log.emit("customer_updated", {**customer(name="Acme Corp"), "changed": ["name"]})
    moved = log.emit("customer_assigned", {"id": "c-1", "owner_id": "u-rep2",
                                           "previous_owner_id": "u-rep1", "region": "south",
                                           "reason": "manual", "assigned_by": "u-mgr"})
    with stubbed.unit_of_work() as uow:
        locked_customer(uow.session, "c-1")
    for db in databases:
        assert apply(db, created, renamed, moved) == ["processed"] * 3
    assert directory(new) == directory(stubbed)
    assert [(row["known"], row["name"], row["record_sequence"], row["owner_id"],
             row["owner_sequence"]) for row in directory(new)] == [(True, "Acme Corp", 2, "u-rep2", 3)]
