"""The SLA through the gateway against the real processes: a support manager stores a 24/7
calendar and the low priority's targets on it (bad input: a precise 422, an agent 403); an
agent's ticket gets them — its first-response due is its creation plus 10 minutes — the agent's
reply fulfils the first response, waiting on the customer pauses the resolution clock (no due),
and the customer's rep reads the clock too (the ticket's scope). The timer's warnings and
breaches are proven in tests/integration/service_desk/test_sla.py (they need time to pass)."""
import uuid
from datetime import datetime, timedelta

import pytest

from tests.e2e.test_service_desk import desk  # noqa: F401  (the fixture: people, a customer)
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e
SLA = "service-desk/sla"
ALL_WEEK = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def test_a_tickets_sla_clock_through_the_gateway(desk):  # noqa: F811
    people, customer, contact, _ = desk
    manager, agent = people["support_manager"], people["agent_a"]
    calendar_id = f"e2e-{uuid.uuid4().hex[:8]}"
    bad = manager.request("PUT", f"{SLA}/calendars/{calendar_id}",
                          json={"name": "x", "time_zone": "Mars/Olympus", "week": ALL_WEEK})
    assert bad.status_code == 422 and "time_zone" in bad.text
    assert agent.request("PUT", f"{SLA}/calendars/{calendar_id}",
                         json={"name": "x", "time_zone": "UTC", "week": ALL_WEEK}).status_code == 403
    calendar = manager.ok("PUT", f"{SLA}/calendars/{calendar_id}",
                          json={"name": "Around the clock", "time_zone": "UTC", "week": ALL_WEEK})
    assert calendar["id"] == calendar_id
    policy = manager.ok("POST", f"{SLA}/policies", json={
        "priority": "low", "first_response_seconds": 600, "resolution_seconds": 3600,
        "calendar_id": calendar_id})
    assert (policy["first_response_seconds"], policy["calendar_id"]) == (600, calendar_id)
    assert ("low", "", calendar_id) in [(p["priority"], p["value_class"], p["calendar_id"])
                                        for p in agent.ok("GET", f"{SLA}/policies")]

    body = {"customer_id": customer["id"], "contact_id": contact["id"], "priority": "low",
            "channel": "email", "subject": "Invoice unclear"}

    def create():
        response = agent.post("service-desk/tickets", json=body)
        return response.json() if response.status_code == 201 else None
    ticket = wait_until(create, timeout=30, message="the customer known to the service desk")
    url = f"service-desk/tickets/{ticket['id']}"
    clock = agent.ok("GET", f"{url}/sla")
    created = datetime.fromisoformat(ticket["created_at"])
    due = datetime.fromisoformat(clock["first_response"]["due_at"])
    assert due == created + timedelta(minutes=10)
    assert (clock["calendar_id"], clock["first_response"]["status"]) == (calendar_id, "running")

    agent.ok("POST", f"{url}/replies", expect=201, json={"body": "Looking at it."})
    agent.ok("POST", f"{url}/status", json={"status": "waiting_on_customer"})
    paused = people["rep"].ok("GET", f"{url}/sla")
    assert paused["first_response"]["status"] == "fulfilled"
    assert paused["paused"] and paused["resolution"]["due_at"] is None
    assert people["other_rep"].get(f"{url}/sla").status_code == 404
