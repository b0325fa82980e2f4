"""sales' published events: the names the issue lists, each payload plain JSON (money as a
string with its currency, aware UTC times) that loads back through its own schema unchanged."""
import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from services.sales.events import EVENT_SCHEMAS
from tests.contract.sales_cash_samples import CASH_SAMPLES
from tests.contract.sales_document_samples import DOCUMENT_SAMPLES
from tests.contract.sales_target_samples import TARGET_SAMPLES
from tests.contract.sales_task_samples import TASK_SAMPLES

WHEN = datetime(2026, 3, 14, 9, 30, tzinfo=timezone.utc)
LINE = {"position": 1, "product_id": "p-1", "product_name": "GTX Pro", "quantity": 2,
        "unit_price": Decimal("4821.00"), "discount_percent": Decimal("12.50"),
        "total": Decimal("8436.75")}
LEAD = {"id": "l-1", "status": "new", "source": "web", "campaign": None, "company_name": "Acme",
        "industry": None, "company_size": 12, "region": "EU", "owner_id": "u-1", "score": 42,
        "score_factors": [{"group": "fit", "factor": "company_size", "points": 4,
                           "reason": "fewer than 50 employees"}],
        "disqualified_reason": None, "created_by": "u-2", "created_at": WHEN, "updated_at": WHEN}
DEAL = {"id": "d-1", "name": "Deal", "customer_id": "c-1", "lead_id": "l-1", "owner_id": "u-1",
        "stage": "won", "probability": 100, "amount": Decimal("8436.75"), "currency": "USD",
        "expected_close_date": date(2026, 6, 30), "lost_reason": None, "closed_at": WHEN,
        "lines": [LINE], "created_by": "u-1", "created_at": WHEN, "updated_at": WHEN}
SAMPLES = {
    "lead_created": LEAD,
    "lead_updated": {**LEAD, "changed": ["status"], "previous_status": "new"},
    "lead_converted": {"lead_id": "l-1", "customer_id": "c-1", "customer_link": "created",
                       "deal_id": "d-1", "owner_id": "u-1", "converted_at": WHEN,
                       "converted_by": "u-1"},
    "deal_created": DEAL,
    "deal_updated": {**DEAL, "changed": ["lines", "amount"]},
    "deal_stage_changed": {"deal_id": "d-1", "from_stage": "negotiation", "to_stage": "won",
                           "probability": 100, "amount": Decimal("8436.75"), "currency": "USD",
                           "owner_id": "u-1", "changed_by": "u-1", "changed_at": WHEN,
                           "reason": None},
    "deal_won": {**DEAL, "changed_by": "u-1"},
    "deal_lost": {**DEAL, "stage": "lost", "lost_reason": "Price", "changed_by": "u-1"},
    "pipeline_stage_updated": {"key": "needs_analysis", "name": "Needs analysis",
                               "probability": 72, "position": 2, "kind": "open", "active": True,
                               "changed": ["probability"], "changed_by": "u-admin",
                               "changed_at": WHEN},
    "product_created": {"id": "p-1", "name": "GTX Pro", "series": "GTX",
                        "list_price": Decimal("4821.00"), "currency": "USD", "active": True,
                        "created_at": WHEN, "updated_at": WHEN},
    "product_updated": {"id": "p-1", "name": "GTX Pro", "series": None,
                        "list_price": Decimal("4821.00"), "currency": "USD", "active": False,
                        "created_at": WHEN, "updated_at": WHEN, "changed": ["active", "series"]},
}
SAMPLES.update(CASH_SAMPLES)
SAMPLES.update(TASK_SAMPLES)
SAMPLES.update(TARGET_SAMPLES)
SAMPLES.update(DOCUMENT_SAMPLES)


def test_the_published_event_names():
    assert set(EVENT_SCHEMAS) == set(SAMPLES)


@pytest.mark.parametrize("event_type", sorted(SAMPLES))
def test_payloads_are_plain_json_and_round_trip(event_type):
    schema = EVENT_SCHEMAS[event_type]
    dumped = json.loads(json.dumps(schema.dump(SAMPLES[event_type])))
    assert schema.load(dumped) == SAMPLES[event_type]
    for required in (name for name, field in schema.fields.items() if field.required):
        assert required in dumped, required
    if "amount" in dumped:
        assert isinstance(dumped["amount"], str) and dumped["currency"] == "USD"
