"""An imported customer's customer_created on marketing's migrated database, SQLite and
PostgreSQL (the INSERT ... ON CONFLICT DO NOTHING and its row count are the dialects'): a new
customer's rows are those the general path writes on a stub, column for column, and a later
record event and an assignment (its one UPDATE) apply to them alike
(tests/unit/marketing/test_import_batches.py has the rest)."""
import pytest
from sqlalchemy import select

from services.chassis import inbox
from services.chassis.db import make_engine
from services.marketing.audience import rows
from services.marketing.audience.models import AudienceContact, AudienceCustomer
from services.marketing.service import MarketingService
from tests.unit.marketing.support import Log, customer, marketing_db, updated


@pytest.fixture
def databases(dialect, migrated_database):
    engines = [make_engine(migrated_database("marketing", dialect)) for _ in range(2)]
    yield [marketing_db(engine) for engine in engines]
    for engine in engines:
        engine.dispose()


def snapshot(db):
    with db.read_only() as session:
        return [[{column.key: getattr(row, column.key) for column in model.__table__.columns}
                 for row in session.scalars(select(model).order_by(model.id))]
                for model in (AudienceCustomer, AudienceContact)]


@pytest.mark.dialect_sensitive
def test_a_new_customer_gets_the_rows_the_general_path_writes(databases):
    new, stubbed = databases
    log = Log("customers")
    created = log.emit("customer_created", customer(email=" Info@Acme.example"))
    renamed = log.emit("customer_updated", updated(["name"], name="Acme Ltd"))
    moved = log.emit("customer_assigned", {"id": "c-1", "owner_id": "u-rep2",
                                           "previous_owner_id": "u-rep1", "region": "south",
                                           "reason": "manual", "assigned_by": "u-mgr"})
    with stubbed.unit_of_work() as uow:
        rows.customer(uow.session, "c-1")
    for db in databases:
        assert inbox.consume_all(db, MarketingService.subscriptions, [created]) == [inbox.PROCESSED]
    assert snapshot(new) == snapshot(stubbed)
    for db in databases:
        inbox.consume_all(db, MarketingService.subscriptions, [renamed, moved])
    assert snapshot(new) == snapshot(stubbed)
    (row,), (itself,) = snapshot(new)
    assert (row["known"], row["name"], row["record_sequence"], itself["name"],
            itself["email_norm"]) == (True, "Acme Ltd", 2, "Acme Ltd", "info@acme.example")
    assert (row["owner_id"], row["region"], row["owner_sequence"]) == ("u-rep2", "south", 3)
