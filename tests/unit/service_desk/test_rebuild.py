"""Rebuilding the directory: emptied (its copies, inbox and positions — not the tickets), the
catch-up replays customers' and identity's logs into the same rows, and a replayed merge moves
nothing twice (no new history, no new events)."""
from sqlalchemy import select

from services.chassis import inbox
from services.service_desk import rebuild
from services.service_desk.directory.models import DeskContact, DeskCustomer, UserCopy
from services.service_desk.service import ServiceDeskService
from services.service_desk.tickets.models import TicketChange
from tests.unit.service_desk import ops
from tests.unit.service_desk.support import AGENT_A, T0, count, events, seeded_db


def rows(db):
    with db.read_only() as session:
        return {model.__tablename__: sorted(
            tuple(getattr(row, column.key) for column in model.__table__.columns)
            for row in session.scalars(select(model)))
            for model in (DeskCustomer, DeskContact, UserCopy)}


def catch_up(db):
    for log in db.logs.values():
        inbox.catch_up(db, ServiceDeskService.subscriptions,
                       lambda position, limit, log=log: [
                           e for e in log.events if e["sequence"] > position][:limit],
                       log.source)


def test_a_rebuild_replays_the_logs_into_the_same_directory():
    db = seeded_db()
    ticket = ops.create_ticket(db, AGENT_A, customer_id="c-2")
    merged = db.logs["customers"].emit("customer_merged", {
        "winner_id": "c-1", "loser_id": "c-2", "merged_at": T0, "contacts_moved": 1,
        "interactions_moved": 0, "tags": []})
    catch_up(db)
    before, history, published = rows(db), count(db, TicketChange), len(events(db))
    with db.engine.begin() as connection:
        deleted = rebuild.reset(connection)
    assert deleted["desk_customer"] == 2 and deleted["inbox"] > 0
    assert rows(db)["desk_customer"] == []
    catch_up(db)
    assert rows(db) == before
    assert (count(db, TicketChange), len(events(db))) == (history, published)
    assert ops.get(db, AGENT_A, ticket["id"])["customer_id"] == "c-1"
    assert merged["sequence"] > 0
