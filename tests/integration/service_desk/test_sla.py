"""The SLA clock over RabbitMQ on a migrated database: a policy and a calendar set through the
RPCs, a ticket answered and paused through the ticket RPCs (its clock follows), then two
replicas of the service desk run the SLA timer at once past the ticket's due: the warning and
the breach fire once, the ticket is raised once, and a consumer receives each event once."""
import eventlet
import pytest
from sqlalchemy import select

from services.service_desk.sla import entrypoints
from services.service_desk.sla.models import SlaAlarm
from services.service_desk.service import ServiceDeskService
from tests.helpers import wait_until
from tests.integration.service_desk.conftest import call
from tests.integration.service_desk.test_tickets import db_of
from tests.unit.service_desk.support import (AGENT_A, PEOPLE, SUPPORT_MANAGER, contact, customer,
                                             user)

ALL_WEEK = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


class Later:
    """The timer's clock, moved by the test (the tickets' clock stays real)."""
    def __init__(self):
        self.now = None

    def __call__(self):
        return self.now


@pytest.mark.dialect_sensitive("two replicas claim the same alarms: row locks, conditional UPDATEs")
def test_two_replicas_fire_each_warning_and_breach_once(
        producers, desk, received, container_factory, rabbit_config, monkeypatch):
    monkeypatch.setenv("SERVICE_DESK_SLA_CHECK_SECONDS", "3600")   # the test runs the timer
    later = Later()
    monkeypatch.setattr(entrypoints, "utcnow", later)
    desk.start()
    replica = container_factory(ServiceDeskService, rabbit_config)
    replica.start()
    call(producers["identity"], "publish", [("user_created", user(p)) for p in PEOPLE])
    call(producers["customers"], "publish", [("customer_created", customer(value_class="B")),
                                             ("contact_added", contact())])
    call(desk, "set_sla_calendar", "always",
         {"name": "24/7", "time_zone": "UTC", "week": ALL_WEEK}, principal=SUPPORT_MANAGER)
    policy = call(desk, "set_sla_policy", {"priority": "high", "first_response_seconds": 600,
                                           "resolution_seconds": 3600, "calendar_id": "always"},
                  principal=SUPPORT_MANAGER)
    assert policy["calendar_id"] == "always"

    def create():
        try:
            return call(desk, "create_ticket", {"customer_id": "c-1", "subject": "Down",
                                                "priority": "high"}, principal=AGENT_A)
        except Exception:
            return None
    ticket = wait_until(create, message="the customer in the copy")
    call(desk, "add_ticket_reply", ticket["id"], {"body": "On it"}, principal=AGENT_A)
    call(desk, "change_ticket_status", ticket["id"], {"status": "waiting_on_third_party"},
         principal=AGENT_A)
    paused = call(desk, "get_ticket_sla", ticket["id"], principal=AGENT_A)
    assert paused["paused"] and paused["resolution"]["due_at"] is None
    assert paused["first_response"]["status"] == "fulfilled"
    call(desk, "change_ticket_status", ticket["id"], {"status": "open"}, principal=AGENT_A)
    running = call(desk, "get_ticket_sla", ticket["id"], principal=AGENT_A)
    assert running["resolution"]["status"] == "running"

    with db_of(desk).read_only() as session:
        due = session.scalar(select(SlaAlarm.fire_at).where(
            SlaAlarm.ticket_id == ticket["id"], SlaAlarm.kind == "breach"))
    later.now = due
    passes = [eventlet.spawn(call, container, "check_sla") for container in (desk, replica) * 2]
    for each in passes:                                     # two replicas' timers, twice, at once
        each.wait()

    def all_fired():                                        # a pass that lost a race retries
        call(replica, "check_sla")
        with db_of(desk).read_only() as session:
            return all(a.fired_at for a in session.scalars(select(SlaAlarm)))
    wait_until(all_fired, message="the resolution's warning and breach fired")

    wanted = ("ticket_sla_warning", "ticket_updated", "ticket_sla_breached")  # raised, then said
    wait_until(lambda: sum(e["event_type"] in wanted for e in received) >= 3,
               message="the SLA events published")
    sla_events = sorted((e for e in received if e["event_type"] in wanted),
                        key=lambda e: e["sequence"])
    assert [e["event_type"] for e in sla_events] == list(wanted)
    breached = sla_events[2]["payload"]
    assert (breached["target"], breached["previous_priority"], breached["priority"]) == (
        "resolution", "high", "urgent")
    assert call(desk, "get_ticket", ticket["id"], principal=AGENT_A)["priority"] == "urgent"
    state = call(replica, "get_ticket_sla", ticket["id"], principal=AGENT_A)
    assert state["breached"] and state["escalated_at"] is not None
    assert len([e for e in received if e["event_type"] in wanted]) == 3   # nothing twice
