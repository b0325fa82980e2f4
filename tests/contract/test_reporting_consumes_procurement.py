"""reporting's tolerant copies of procurement's events load what procurement's own schemas dump
(the samples its contract test agreed: tests/contract/test_procurement_events.py), through JSON
as the broker carries them, a field added later ignored; and reporting subscribes to exactly
these — a category-less receipt line too."""
import json

import pytest

from services.procurement.events import EVENT_SCHEMAS as PROCUREMENT_EVENTS
from services.reporting.domains.procurement import consumes
from services.reporting.domains.procurement.projections import APPROVALS, ORDERS, SUPPLIERS
from services.reporting.inbox import SUBSCRIPTIONS
from tests.contract.test_procurement_events import AGREED, ORDER_EVALUATED

SAMPLES = {
    "supplier_created": consumes.SupplierRecord,
    "supplier_updated": consumes.SupplierRecord,
    "supplier_status_changed": consumes.SupplierStatusChanged,
    "supplier_evaluated": consumes.SupplierEvaluated,
    "purchase_request_submitted": consumes.RequestSubmitted,
    "purchase_request_approved": consumes.RequestApproved,
    "purchase_request_rejected": consumes.RequestRejected,
    "purchase_order_status_changed": consumes.OrderStatusChanged,
    "goods_received": consumes.GoodsReceived,
}


def test_reporting_subscribes_to_these_procurement_events_and_they_exist():
    assert set(SUBSCRIPTIONS.mapping["procurement"]) == set(SAMPLES)
    assert set(SAMPLES) <= set(PROCUREMENT_EVENTS)
    assert set(SUPPLIERS.event_types()) | set(APPROVALS.event_types()) | set(
        ORDERS.event_types()) == {("procurement", name) for name in SAMPLES}


def _same(loaded, sample, schema):
    for name, field in schema.fields.items():
        if name == "lines":
            for got, agreed in zip(loaded[name], sample[name], strict=True):
                _same(got, agreed, field.inner.schema)
        else:
            assert loaded[name] == sample[name], name


@pytest.mark.parametrize("event_type", sorted(SAMPLES))
def test_procurement_events_load_into_reportings_copies(event_type):
    schema, sample = SAMPLES[event_type](), AGREED[event_type]
    wire = json.loads(json.dumps(PROCUREMENT_EVENTS[event_type].dump(sample)))
    _same(schema.load({**wire, "added_later": "ignored"}), sample, schema)


def test_a_receipt_line_without_a_category_loads_as_none():
    sample = AGREED["goods_received"]
    sample = {**sample, "lines": [{**line, "category": None} for line in sample["lines"]]}
    wire = json.loads(json.dumps(PROCUREMENT_EVENTS["goods_received"].dump(sample)))
    assert [line["category"] for line in consumes.GoodsReceived().load(wire)["lines"]] == [
        None] * len(sample["lines"])


def test_an_order_evaluation_loads_with_its_order_and_no_period():
    wire = json.loads(json.dumps(PROCUREMENT_EVENTS["supplier_evaluated"].dump(ORDER_EVALUATED)))
    loaded = consumes.SupplierEvaluated().load(wire)
    assert (loaded["order_id"], loaded["period_start"], loaded["period_end"]) == ("o-1", None,
                                                                                  None)
    _same(loaded, ORDER_EVALUATED, consumes.SupplierEvaluated())
