"""The contract changes of the dataset import: an imported open deal's events carry
customer_id null (sales dumps it, reporting's copy loads it); customers' records carry
parent_id, and their consumers' tolerant copies still load them."""
import json

import pytest

from services.customers.events import EVENT_SCHEMAS as CUSTOMER_EVENTS
from services.reporting.domains.customers import consumes as customer_copies
from services.reporting.domains.sales import consumes
from services.sales.events import EVENT_SCHEMAS as SALES_EVENTS
from tests.contract.test_reporting_consumes_sales import DEAL, WHEN


@pytest.mark.parametrize("event_type", ["deal_created", "deal_updated"])
def test_a_deal_without_a_customer_crosses_to_reporting(event_type):
    sample = {**DEAL, "customer_id": None, "changed": ["lines"]}
    wire = json.loads(json.dumps(SALES_EVENTS[event_type].dump(sample)))
    assert wire["customer_id"] is None
    assert consumes.DealRecord().load(wire)["customer_id"] is None


def test_customer_records_carry_the_parent_and_consumers_still_load_them():
    record = {"id": "c-2", "kind": "company", "name": "Acme Labs", "lifecycle_stage": "lead",
              "owner_id": "u-1", "parent_id": "c-1", "created_by": "u-1", "created_at": WHEN,
              "updated_at": WHEN}
    for event_type in ("customer_created", "customer_updated"):
        wire = json.loads(json.dumps(CUSTOMER_EVENTS[event_type].dump({**record, "changed": ["parent_id"]})))
        assert wire["parent_id"] == "c-1"
        customer_copies.CustomerRecord().load(wire)        # tolerant: the new field changes nothing
