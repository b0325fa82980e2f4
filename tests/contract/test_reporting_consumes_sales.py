"""reporting's tolerant copies of sales' deal events (and of the pipeline's configuration
event) load what sales' schemas dump (through JSON, as the broker carries them), money staying
an exact Decimal; and the projection turns each into exact cents."""
import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from services.reporting.inbox import SUBSCRIPTIONS
from services.reporting.domains.sales import consumes
from services.reporting.domains.sales.projections import deals
from tests.contract.cash_targets_samples import CASH_AND_TARGETS
from tests.contract.test_reporting_consumes_marketing import SALES_SAMPLES as MARKETING_DOMAIN_EVENTS
from services.sales.events import EVENT_SCHEMAS as SALES_EVENTS

WHEN = datetime(2026, 3, 14, 23, 30, tzinfo=timezone.utc)
LINE = {"position": 1, "product_id": "p-1", "product_name": "GTX Pro", "quantity": 3,
        "unit_price": Decimal("0.10"), "discount_percent": Decimal("0.00"),
        "total": Decimal("0.30")}
DEAL = {"id": "d-1", "name": "Deal", "customer_id": "c-1", "lead_id": None, "owner_id": "u-1",
        "stage": "negotiation", "probability": 75, "amount": Decimal("1234567.30"),
        "currency": "EUR", "expected_close_date": date(2026, 6, 30), "lost_reason": None,
        "closed_at": None, "lines": [LINE], "created_by": "u-1", "created_at": WHEN,
        "updated_at": WHEN}
SAMPLES = {
    "deal_created": (consumes.DealRecord, DEAL),
    "deal_updated": (consumes.DealRecord, {**DEAL, "changed": ["amount"]}),
    "deal_won": (consumes.DealRecord, {**DEAL, "stage": "won", "probability": 100,
                                       "closed_at": WHEN, "changed_by": "u-2"}),
    "deal_lost": (consumes.DealRecord, {**DEAL, "stage": "lost", "probability": 0,
                                        "lost_reason": "price", "closed_at": WHEN,
                                        "changed_by": "u-2"}),
    "deal_stage_changed": (consumes.DealStageChanged, {
        "deal_id": "d-1", "from_stage": "proposal", "to_stage": "negotiation", "probability": 75,
        "amount": Decimal("1234567.30"), "currency": "EUR", "owner_id": None,
        "changed_by": "u-2", "changed_at": WHEN, "reason": None}),
    # configuration: a stage's probability re-weights the deals in it (projections/stages.py)
    "pipeline_stage_updated": (consumes.PipelineStageUpdated, {
        "key": "needs_analysis", "name": "Needs analysis", "probability": 72, "position": 2,
        "kind": "open", "active": False, "changed": ["active", "probability"],
        "changed_by": "u-admin", "changed_at": WHEN}),
}


def test_reporting_subscribes_to_every_deal_event_sales_publishes_and_nothing_else():
    # lead_created / lead_converted feed the marketing domain (test_reporting_consumes_marketing)
    deal_events = {name for name in SUBSCRIPTIONS.mapping["sales"]
                   if name not in CASH_AND_TARGETS and name not in MARKETING_DOMAIN_EVENTS}
    assert deal_events == set(SAMPLES)
    assert set(SAMPLES) <= set(SALES_EVENTS)


@pytest.mark.parametrize("event_type", sorted(SAMPLES))
def test_sales_deal_events_load_into_reportings_copies(event_type):
    schema, sample = SAMPLES[event_type]
    wire = json.loads(json.dumps(SALES_EVENTS[event_type].dump(sample)))
    loaded = schema().load({**wire, "added_later": "ignored"})
    assert set(loaded) == set(schema().fields)
    for name in loaded:
        if name == "lines":     # only what the product cuts read of each line
            assert loaded[name] == [{key: line[key] for key in consumes.DealLine().fields}
                                    for line in sample[name]]
            continue
        assert loaded[name] == sample[name], name
    if "amount" in schema().fields:
        assert isinstance(loaded["amount"], Decimal)
        assert deals.cents(loaded["amount"]) == 123456730
