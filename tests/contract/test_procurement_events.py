"""Procurement's events carry every field their contract agreed (docs/contracts.md#procurement)
as plain JSON — UTC ISO times, dates as ISO days, money and scores as decimal strings — and a
consumer's tolerant copy (a field added later) loads them back to the same values."""
import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from marshmallow import EXCLUDE

from services.procurement.events import EVENT_SCHEMAS

T = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
SUPPLIER = {"id": "s-1", "name": "Acme", "legal_name": "Acme GmbH", "tax_id": "DE1",
            "country": "DE", "categories": ["Paper"], "payment_terms_days": 30,
            "currency": "EUR", "status": "active", "possible_duplicate_of": None,
            "created_by": "u-1", "created_at": T, "updated_at": T}
LINE = {"id": "l-1", "position": 1, "item": "Laptop", "quantity": Decimal("2.500"),
        "unit": "pcs", "estimated_unit_price": Decimal("10.01"), "line_total": Decimal("25.03"),
        "needed_by": date(2026, 5, 1), "category": "IT"}
REQUEST = {"id": "r-1", "requester_id": "u-2", "requester_team_id": "t-1", "title": "Laptops",
           "currency": "EUR", "total": Decimal("25.03"), "status": "draft", "lines": [LINE],
           "created_at": T, "updated_at": T}
STEP = {"request_id": "r-1", "position": 1, "role": "manager", "decided_by": "u-3",
        "comment": "ok", "decided_at": T, "next_role": "admin"}
OFFER_LINE = {"request_line_id": "l-1", "quantity": Decimal("2.500"),
              "unit_price": Decimal("9.60"), "line_total": Decimal("24.00")}
CONTRACT_LINE = {"id": "cl-1", "position": 1, "request_line_id": "l-1", "item": "Laptop",
                 "unit": "pcs", "category": "IT", "quantity": Decimal("2.500"),
                 "unit_price": Decimal("9.60"), "line_total": Decimal("24.00")}
ORDER_LINE = {**{k: v for k, v in CONTRACT_LINE.items() if k != "request_line_id"},
              "id": "ol-1", "contract_line_id": "cl-1"}
# supplier_evaluated of one purchase order: no period, the order named
ORDER_EVALUATED = {"evaluation_id": "e-2", "supplier_id": "s-1", "period_start": None,
                   "period_end": None, "order_id": "o-1",
                   "scores": {"quality": Decimal("80.00"), "on_time_delivery": Decimal("50.00")},
                   "weights": {"quality": 1, "on_time_delivery": 1},
                   "weighted_score": Decimal("65.00"), "threshold": Decimal("60.00"),
                   "current": True, "evaluated_by": "u-1", "evaluated_at": T}
FLAG = {"supplier_id": "s-1", "evaluation_id": "e-1", "weighted_score": Decimal("51.55"),
        "threshold": Decimal("60.00"), "at": T}
AGREED = {
    "supplier_created": SUPPLIER,
    "supplier_updated": {**SUPPLIER, "changed": ["name"], "changed_by": "u-1"},
    "supplier_status_changed": {"supplier_id": "s-1", "from_status": "active",
                                "to_status": "on_hold", "reason": "Late", "changed_by": "u-1",
                                "changed_at": T},
    "supplier_document_added": {"supplier_id": "s-1", "document_id": "d-1", "kind": "tax",
                                "valid_until": date(2027, 1, 1), "added_by": "u-1",
                                "added_at": T},
    "evaluation_criteria_changed": {"criteria": [{"key": "quality", "name": "Quality",
                                                  "weight": 1}],
                                    "flag_threshold": Decimal("60.00"), "changed_by": "u-1",
                                    "changed_at": T},
    "supplier_evaluated": {"evaluation_id": "e-1", "supplier_id": "s-1",
                           "period_start": date(2026, 1, 1), "period_end": date(2026, 3, 31),
                           "order_id": None, "scores": {"quality": Decimal("51.55")},
                           "weights": {"quality": 1}, "weighted_score": Decimal("51.55"),
                           "threshold": Decimal("60.00"), "current": True,
                           "evaluated_by": "u-1", "evaluated_at": T},
    "supplier_flagged": FLAG,
    "supplier_flag_cleared": FLAG,
    "purchase_request_created": REQUEST,
    "purchase_request_updated": {**REQUEST, "changed": ["lines"], "changed_by": "u-2"},
    "purchase_request_submitted": {"request_id": "r-1", "requester_id": "u-2", "currency": "EUR",
                                   "total": Decimal("25.03"), "steps": ["manager", "admin"],
                                   "submitted_at": T},
    "purchase_request_step_approved": STEP,
    "purchase_request_rejected": {**STEP, "next_role": None},
    "purchase_request_approved": {"request_id": "r-1", "requester_id": "u-2",
                                  "currency": "EUR", "total": Decimal("25.03"),
                                  "submitted_at": T, "approved_at": T},
    "purchase_request_cancelled": {"request_id": "r-1", "from_status": "draft",
                                   "cancelled_by": "u-2", "cancelled_at": T},
    "approval_policy_changed": {"policies": [{"currency": "*", "tiers": [
        {"up_to": Decimal("5000.00"), "steps": ["manager"]},
        {"up_to": None, "steps": ["manager", "admin"]}]}], "changed_by": "u-1",
        "changed_at": T},
    "quotation_requested": {"quotation_id": "q-1", "request_id": "r-1", "supplier_id": "s-1",
                            "respond_by": date(2026, 3, 9), "requested_by": "u-1",
                            "requested_at": T},
    "quotation_received": {"quotation_id": "q-1", "request_id": "r-1", "supplier_id": "s-1",
                           "currency": "EUR", "total": Decimal("24.00"),
                           "delivery_date": date(2026, 4, 1), "valid_until": None,
                           "lines": [OFFER_LINE], "recorded_by": "u-1", "recorded_at": T},
    "quotation_chosen": {"quotation_id": "q-1", "request_id": "r-1", "supplier_id": "s-1",
                         "currency": "EUR", "total": Decimal("24.00"), "reason": "Cheapest",
                         "declined": ["q-2", "q-3"], "chosen_by": "u-1", "chosen_at": T},
    "quotation_withdrawn": {"quotation_id": "q-2", "request_id": "r-1", "supplier_id": "s-2",
                            "reason": None, "withdrawn_by": "u-1", "withdrawn_at": T},
    "purchase_contract_created": {"id": "c-1", "number": "PC-2026-00001", "request_id": "r-1",
                                  "quotation_id": "q-1", "supplier_id": "s-1",
                                  "currency": "EUR", "total": Decimal("24.00"),
                                  "payment_terms_days": 30, "delivery_date": date(2026, 4, 1),
                                  "lines": [CONTRACT_LINE], "created_by": "u-1",
                                  "created_at": T},
    "purchase_contract_status_changed": {"contract_id": "c-1", "number": "PC-2026-00001",
                                         "from_status": "active", "to_status": "completed",
                                         "changed_by": "u-1", "changed_at": T},
    "purchase_order_created": {"id": "o-1", "number": "PO-2026-00001", "contract_id": "c-1",
                               "request_id": "r-1", "supplier_id": "s-1", "currency": "EUR",
                               "total": Decimal("24.00"), "status": "draft",
                               "expected_on": date(2026, 4, 1), "lines": [ORDER_LINE],
                               "created_by": "u-1", "created_at": T},
    "purchase_order_status_changed": {"order_id": "o-1", "number": "PO-2026-00001",
                                      "supplier_id": "s-1", "currency": "EUR",
                                      "total": Decimal("24.00"),
                                      "accepted_value": Decimal("9.60"), "from_status": "sent",
                                      "to_status": "partially_received", "reason": None,
                                      "changed_by": "u-1", "changed_at": T},
    "goods_received": {"receipt_id": "g-1", "number": "GR-2026-00001", "order_id": "o-1",
                       "order_number": "PO-2026-00001", "supplier_id": "s-1", "currency": "EUR",
                       "received_on": date(2026, 4, 2), "expected_on": date(2026, 4, 1),
                       "on_time": False, "accepted_value": Decimal("9.60"),
                       "lines": [{"order_line_id": "ol-1", "category": "IT",
                                  "quantity_received": Decimal("1.000"),
                                  "quantity_rejected": Decimal("0.000"),
                                  "unit_price": Decimal("9.60"),
                                  "accepted_value": Decimal("9.60")}],
                       "recorded_by": "u-1", "recorded_at": T},
}


def test_every_published_event_is_agreed():
    assert set(AGREED) == set(EVENT_SCHEMAS)


@pytest.mark.parametrize("event_type", sorted(AGREED))
def test_events_carry_the_agreed_fields_as_plain_json(event_type):
    dumped = json.loads(json.dumps(EVENT_SCHEMAS[event_type].dump(AGREED[event_type])))
    assert set(dumped) == set(AGREED[event_type])
    for name, value in dumped.items():
        if isinstance(AGREED[event_type][name], datetime):
            assert value == "2026-03-02T09:30:00+00:00"
        if isinstance(AGREED[event_type][name], Decimal):
            assert isinstance(value, str) and Decimal(value) == AGREED[event_type][name]


@pytest.mark.parametrize("event_type", sorted(AGREED))
def test_a_tolerant_consumer_loads_them_with_a_field_added(event_type):
    schema = EVENT_SCHEMAS[event_type]
    wire = {**json.loads(json.dumps(schema.dump(AGREED[event_type]))), "added_later": 1}
    loaded = type(schema)().load(wire, unknown=EXCLUDE)
    assert json.dumps(schema.dump(loaded), sort_keys=True) == json.dumps(
        schema.dump(AGREED[event_type]), sort_keys=True)
    assert "justification" not in wire


def test_an_order_evaluation_names_its_order_and_no_period():
    schema = EVENT_SCHEMAS["supplier_evaluated"]
    dumped = json.loads(json.dumps(schema.dump(ORDER_EVALUATED)))
    assert set(dumped) == set(AGREED["supplier_evaluated"])
    assert (dumped["order_id"], dumped["period_start"], dumped["period_end"]) == ("o-1", None,
                                                                                  None)
    assert dumped["scores"]["on_time_delivery"] == "50.00"
    assert schema.load(dumped)["order_id"] == "o-1"
