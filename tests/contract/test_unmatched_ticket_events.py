"""A ticket of a mail from an unknown sender has no customer until an agent attaches it (issue
12 §3): every service desk event about a ticket may carry `customer_id` null. The producer's
schemas dump it as JSON null, and every consumer's tolerant copy of those events — reporting's,
customers' timeline's, marketing automation's triggers — loads it as None instead of refusing
the event (which would stop that consumer's catch-up at it)."""
import json

import pytest

from services.customers.consumes import SERVICE_DESK_EVENTS as CUSTOMERS_COPIES
from services.marketing.automation import catalogue
from services.service_desk.events import EVENT_SCHEMAS
from tests.contract.test_reporting_consumes_service_desk import SAMPLES as REPORTING
from tests.contract.test_service_desk_events import AGREED
from tests.contract.test_service_desk_kb_events import AGREED as KB_AGREED
from tests.contract.test_service_desk_sla_events import AGREED as SLA_AGREED

TICKET_EVENTS = ("ticket_created", "ticket_updated", "ticket_assigned", "ticket_status_changed",
                 "ticket_replied", "ticket_note_added", "ticket_merged", "ticket_sla_warning",
                 "ticket_sla_breached", "ticket_solution_linked")
ALL = {**AGREED, **SLA_AGREED, **KB_AGREED}


def unmatched(event_type):
    return {**ALL[event_type], "customer_id": None}


def wire(event_type):
    return json.loads(json.dumps(EVENT_SCHEMAS[event_type].dump(unmatched(event_type))))


@pytest.mark.parametrize("event_type", TICKET_EVENTS)
def test_the_producer_publishes_no_customer_as_null(event_type):
    assert wire(event_type)["customer_id"] is None
    assert EVENT_SCHEMAS[event_type].load(wire(event_type))["customer_id"] is None


COPIES = ([("reporting", name, copy) for name, (copy, _sample) in REPORTING.items()
           if name in TICKET_EVENTS]
          + [("customers", name, type(copy)) for name, copy in CUSTOMERS_COPIES.items()
             if name in TICKET_EVENTS]
          + [("marketing", trigger.event_type, trigger.copy)
             for trigger in catalogue.TRIGGERS.values()
             if trigger.source == "service_desk" and trigger.event_type in TICKET_EVENTS])


@pytest.mark.parametrize("consumer,event_type,copy", COPIES,
                         ids=[f"{c[0]}:{c[1]}" for c in COPIES])
def test_every_consumer_loads_a_ticket_without_a_customer(consumer, event_type, copy):
    loaded = copy().load({**wire(event_type), "added_later": 1})
    assert loaded.get("customer_id") is None


def test_the_consumers_copies_are_all_covered():
    assert {(c[0], c[1]) for c in COPIES} >= {
        ("reporting", "ticket_created"), ("reporting", "ticket_updated"),
        ("customers", "ticket_created"), ("customers", "ticket_updated"),
        ("customers", "ticket_status_changed"), ("marketing", "ticket_created"),
        ("marketing", "ticket_status_changed")}
