"""sales' quote events carry every field the events contract agreed (a producer may add, not
drop), money as strings with a currency, dates as ISO dates, times as UTC ISO."""
import json

import pytest

from services.sales.events import EVENT_SCHEMAS
from tests.contract.sales_document_samples import (AGREED, AGREED_OTHERS, DOCUMENT_SAMPLES,
                                                   QUOTE_EVENTS)


@pytest.mark.parametrize("event_type", QUOTE_EVENTS)
def test_quote_events_carry_the_agreed_fields(event_type):
    dumped = json.loads(json.dumps(EVENT_SCHEMAS[event_type].dump(DOCUMENT_SAMPLES[event_type])))
    assert AGREED <= set(dumped) and AGREED <= set(EVENT_SCHEMAS[event_type].fields)
    assert (dumped["total"], dumped["valid_until"]) == ("0.30", "2026-04-13")
    assert dumped["lines"][0]["discount_percent"] == "0.00"
    assert dumped["sent_at"].startswith("2026-03-14T09:30:00")


@pytest.mark.parametrize("event_type", sorted(AGREED_OTHERS))
def test_contract_and_order_events_carry_the_agreed_fields(event_type):
    dumped = json.loads(json.dumps(EVENT_SCHEMAS[event_type].dump(DOCUMENT_SAMPLES[event_type])))
    assert AGREED_OTHERS[event_type] <= set(dumped)
    assert AGREED_OTHERS[event_type] <= set(EVENT_SCHEMAS[event_type].fields)
    assert dumped["ends_on" if "ends_on" in dumped else "total"] in ("2027-01-14", "0.30")
