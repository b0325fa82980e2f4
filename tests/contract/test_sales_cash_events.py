"""sales' invoice and payment events carry every field the events contract agreed (a producer
may add, not drop), dump money as strings and dates as ISO dates."""
import json

import pytest

from services.sales.events import EVENT_SCHEMAS
from tests.contract.sales_cash_samples import AGREED, CASH_SAMPLES


@pytest.mark.parametrize("event_type", sorted(CASH_SAMPLES))
def test_cash_events_carry_the_agreed_fields(event_type):
    dumped = json.loads(json.dumps(EVENT_SCHEMAS[event_type].dump(CASH_SAMPLES[event_type])))
    assert AGREED[event_type] <= set(dumped)
    assert AGREED[event_type] <= set(EVENT_SCHEMAS[event_type].fields)


def test_money_and_dates_on_the_wire():
    issued = EVENT_SCHEMAS["invoice_issued"].dump(CASH_SAMPLES["invoice_issued"])
    assert (issued["total"], issued["issued_on"], issued["due_on"]) == (
        "0.30", "2026-03-14", "2026-04-13")
    assert issued["lines"][0]["unit_price"] == "0.10"
    paid = EVENT_SCHEMAS["payment_received"].dump(CASH_SAMPLES["payment_received"])
    assert (paid["amount"], paid["outstanding_after"], paid["received_on"]) == (
        "0.10", "0.20", "2026-03-20")
