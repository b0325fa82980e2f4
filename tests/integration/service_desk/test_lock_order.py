"""A customers' merge and a ticket reopened at the same time, on PostgreSQL: the merge moves
the loser's surveys, tickets and follow-up visits to the winner; the reopen (a customer's
reply to a resolved ticket) locks the ticket, then withdraws its A-class visit. The merge takes
them in the API's order — surveys, tickets, then follow-ups — so it waits for the reopen and
then moves the withdrawn visit. It used to move the follow-ups first: holding the visit, it
waited for the ticket the reopen held, which waited for the visit — a deadlock."""
import eventlet
import pytest

from services.chassis import inbox
from services.chassis.db import make_engine
from services.service_desk.followups import schedule
from services.service_desk.service import ServiceDeskService
from services.service_desk.tickets.models import Ticket
from tests.integration.lock_waits import pause_after_first, waiting_on_a_lock
from tests.unit.service_desk import ops
from tests.unit.service_desk.support import AGENT_A, T0, seeded_db
from tests.unit.service_desk.survey_ops import followups_of, resolved_ticket, rows


@pytest.fixture
def db(migrated_database, monkeypatch):
    monkeypatch.setenv("SMTP_FROM", "Support <support@desk.example>")
    monkeypatch.setenv("SERVICE_DESK_SURVEY_BASE_URL", "https://crm.example")
    engine = make_engine(migrated_database("service_desk", "postgresql"))
    yield seeded_db(engine)
    engine.dispose()


@pytest.mark.postgres
def test_a_merge_waits_for_a_reopen_holding_the_ticket(db, monkeypatch):
    ticket_id = resolved_ticket(db)                 # c-1 is A class: a visit is scheduled
    merged = db.logs["customers"].emit("customer_merged", {
        "winner_id": "c-2", "loser_id": "c-1", "merged_at": T0, "contacts_moved": 1,
        "interactions_moved": 0, "tags": []})
    results = {}

    def merge():
        results["merge"] = inbox.consume_all(db, ServiceDeskService.subscriptions, [merged],
                                             advance_position=True)

    # the reopen pauses holding the ticket, before its visit, until the merge waits on a lock
    pause = pause_after_first(db.engine, merge, before=True)
    monkeypatch.setattr(schedule, "cancel_class_visits", pause(schedule.cancel_class_visits))
    with eventlet.Timeout(30):
        ops.reply(db, AGENT_A, ticket_id, body="Still broken", from_customer=True)
        pause.other.wait()
    assert results == {"merge": [inbox.PROCESSED]}
    assert not waiting_on_a_lock(db.engine)
    [visit] = followups_of(db, ticket_id)
    assert (visit.status, visit.cancel_reason, visit.customer_id) == (
        "cancelled", "ticket_reopened", "c-2")
    assert [ticket.customer_id for ticket in rows(db, Ticket, id=ticket_id)] == ["c-2"]
