"""What a deadlock costs reporting on PostgreSQL, where it can still happen: a projection's
facts are locked one by one in the order of a unit's events (rollups.locked_row; only the
customers projection locks its facts up front, in key order). Two units of one source on the
same deals in opposite orders — a catch-up page of missed events, and a live batch of later
ones — can each hold a fact the other waits for; PostgreSQL aborts one (deadlock_timeout).
The victim's transaction rolls back whole, its inbox rows with it, and it is applied again
event by event (the live path's fallback, ChassisService.apply_events; the catch-up's,
consumer._apply_singly): nothing is lost, nothing is applied twice, and the facts and rollups
end where one event per transaction in the log's order puts them."""
import eventlet
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool

from services.chassis.db import make_engine
from services.reporting import inbox, rollups
from services.reporting.domains import METADATA
from services.reporting.domains.sales.models import DealFact
from services.reporting.models import ProjectionInbox
from tests.integration.lock_waits import pause_after_first
from tests.unit.chassis.fakes import make_db
from tests.unit.reporting.sales_support import Sales, outcomes, stages


def deals(db):
    with db.read_only() as session:
        return {row.id: (row.amount_cents, row.stage, row.probability)
                for row in session.scalars(select(DealFact))}


def applied(db):
    with db.read_only() as session:
        rows = session.execute(select(ProjectionInbox.projection, ProjectionInbox.event_id)).all()
    assert len(rows) == len(set(rows))
    return len(rows)


@pytest.mark.postgres
def test_a_deadlock_between_a_page_and_a_batch_loses_and_doubles_nothing(postgres_database,
                                                                         monkeypatch):
    sales = Sales()
    created = sales.create("d1") + sales.create("d2")
    page = sales.update("d2", amount="200.00") + sales.update("d1", amount="300.00")
    batch = sales.update("d1", amount="400.00") + sales.update("d2", amount="500.00")
    engine = make_engine(postgres_database)
    reference_engine = create_engine("sqlite://", poolclass=StaticPool,
                                     connect_args={"check_same_thread": False})
    try:
        db = make_db(engine, METADATA, source="reporting")
        reference = make_db(reference_engine, METADATA, source="reporting")
        for envelope in created + page + batch:
            inbox.consume(reference, envelope)
        inbox.consume_all(db, created)
        fell_back = []

        def unit(events):
            try:
                inbox.consume_all(db, events)
            except OperationalError as error:       # deadlock_detected: the victim
                assert "deadlock" in str(error)
                fell_back.append([e["sequence"] for e in events])
                for envelope in events:
                    inbox.consume(db, envelope)

        pause = pause_after_first(engine, lambda: unit(batch))
        monkeypatch.setattr(rollups, "locked_row", pause(rollups.locked_row))
        with eventlet.Timeout(30):
            unit(page)                      # holds d2, then wants d1: the batch holds d1
            pause.other.wait()
        assert len(fell_back) == 1          # today one victim, applied again event by event
        assert deals(db) == deals(reference)
        assert (stages(db), outcomes(db)) == (stages(reference), outcomes(reference))
        assert applied(db) == applied(reference)
    finally:
        engine.dispose()
        reference_engine.dispose()
