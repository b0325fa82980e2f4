"""sales' tolerant copy of marketing's campaign_response_received loads what marketing's own
schema dumps (every field sales makes a lead of, typed as it expects), ignores a field marketing
adds later, and sales listens live to it."""
from datetime import datetime, timezone

import pytest

from services.marketing.events import EVENT_SCHEMAS as MARKETING_EVENTS
from services.sales.consumes import CONSUMED_FROM_MARKETING, MARKETING_EVENTS as CONSUMED
from services.sales.service import SalesService
from tests.live_handlers import live_event_types

AT = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
SAMPLES = {"campaign_response_received": {
    "id": "r-1", "campaign_id": "cmp-1", "campaign_name": "展会 2026", "channel": "event",
    "source": "form", "name": "李伟", "email": "li.wei@example.cn", "company": "Acme",
    "phone": "+86 10 1234 5678", "message": "请联系我", "contact_id": "c-1",
    "customer_id": "c-1", "create_lead": True, "recorded_by": "public", "received_at": AT}}


@pytest.mark.parametrize("event_type", CONSUMED)
def test_every_consumed_marketing_event_is_published_and_loads(event_type):
    assert event_type in MARKETING_EVENTS, f"marketing no longer publishes {event_type}"
    wire = MARKETING_EVENTS[event_type].dump(SAMPLES[event_type])
    copy = CONSUMED_FROM_MARKETING[event_type]()
    loaded = copy.load({**wire, "added_later": 1})
    assert loaded == {name: SAMPLES[event_type][name] for name in copy.fields}


def test_sales_consumes_exactly_these_and_listens_live_to_each():
    assert set(SalesService.subscriptions.mapping["marketing"]) == set(CONSUMED)
    live = live_event_types(SalesService)
    assert {("marketing", event_type) for event_type in CONSUMED} <= live
