"""sales' tolerant copies of customers' contact and owner events load what customers' schemas
dump — in particular the birthday and the customer's owner that contact_added carries since
sales makes birthday reminders (a documented addition to customers' contract) — and sales has
a live entrypoint for each event it consumes."""
from datetime import date, datetime, timezone

import pytest

from services.customers.events import EVENT_SCHEMAS as CUSTOMERS_EVENTS
from services.sales.consumes import CONSUMED_FROM_CUSTOMERS, CUSTOMER_EVENTS
from services.sales.service import SalesService
from tests.live_handlers import live_event_types

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
SAMPLES = {
    "contact_added": {"id": "ct-1", "customer_id": "c-1", "name": "李伟", "role": "CFO",
                      "birthday": date(1980, 2, 29), "owner_id": "u-rep", "created_at": AT},
    "customer_assigned": {"id": "c-1", "owner_id": "u-rep-2", "previous_owner_id": "u-rep",
                          "region": "EU", "reason": "manual", "assigned_by": "u-admin"},
    "customer_merged": {"winner_id": "c-1", "loser_id": "c-2", "merged_at": AT,
                        "contacts_moved": 1, "interactions_moved": 0, "tags": []},
}


@pytest.mark.parametrize("event_type", CUSTOMER_EVENTS)
def test_every_consumed_customer_event_is_published_and_loads(event_type):
    assert event_type in CUSTOMERS_EVENTS, f"customers no longer publishes {event_type}"
    wire = CUSTOMERS_EVENTS[event_type].dump(SAMPLES[event_type])
    loaded = CONSUMED_FROM_CUSTOMERS[event_type]().load({**wire, "added_later": 1})
    consumed = CONSUMED_FROM_CUSTOMERS[event_type]().fields
    assert loaded == {name: SAMPLES[event_type][name] for name in consumed}


def test_contact_added_carries_the_birthday_as_an_iso_date_and_the_owner():
    wire = CUSTOMERS_EVENTS["contact_added"].dump(SAMPLES["contact_added"])
    assert (wire["birthday"], wire["owner_id"]) == ("1980-02-29", "u-rep")
    assert "phone" not in CUSTOMERS_EVENTS["contact_added"].fields      # stays home
    unknown = CUSTOMERS_EVENTS["contact_added"].dump({**SAMPLES["contact_added"], "birthday": None})
    assert CONSUMED_FROM_CUSTOMERS["contact_added"]().load(unknown)["birthday"] is None


def test_sales_consumes_exactly_these_and_listens_live_to_each():
    assert set(SalesService.subscriptions.mapping["customers"]) == set(CUSTOMER_EVENTS)
    live = live_event_types(SalesService)
    assert {("customers", event_type) for event_type in CUSTOMER_EVENTS} <= live
