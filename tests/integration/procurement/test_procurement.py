"""Procurement over RabbitMQ on SQLite and PostgreSQL: a supplier created (its duplicate a 409),
evaluated under the threshold (flagged, put on hold), a purchase request above 5,000 approved
in two steps — a rep's approval refused (403) and changing nothing, the manager's approval
retried with its Idempotency-Key applied once — another rejected and then refused every move
(409); every change published and received off the broker, in order, none twice."""
import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Conflict, Forbidden
from services.chassis.idempotency import FINGERPRINT_CONTEXT, KEY_CONTEXT
from tests.helpers import wait_until
from tests.integration.procurement.conftest import call

BUYER = Principal("u-buyer", "buyer")
MANAGER = Principal("u-mgr", "manager", team_id="t-1")
REP = Principal("u-rep", "sales_rep", team_id="t-1")
REP2 = Principal("u-rep2", "sales_rep", team_id="t-1")
ADMIN = Principal("u-admin", "admin")
LAPTOPS = {"title": "Laptops", "justification": "New hires", "currency": "EUR", "submit": True,
           "lines": [{"item": "Laptop", "quantity": "3", "unit": "pcs",
                      "estimated_unit_price": "1800.00", "needed_by": "2026-05-01"}]}


@pytest.mark.dialect_sensitive("row locks of approvals; the idempotency key's primary key")
def test_suppliers_evaluation_and_approvals_over_the_broker(procurement, received):
    supplier = call(procurement, "create_supplier", {"name": "Acme", "tax_id": "DE1"},
                    principal=BUYER)
    with pytest.raises(Conflict):
        call(procurement, "create_supplier", {"name": "ACME"}, principal=BUYER)
    with pytest.raises(Forbidden):
        call(procurement, "create_supplier", {"name": "Other"}, principal=REP)
    evaluation = call(procurement, "evaluate_supplier", supplier["id"], {
        "period_start": "2026-01-01", "period_end": "2026-03-31", "hold_if_flagged": True,
        "scores": [{"criterion": key, "score": "40"} for key in
                   ("quality", "price", "service")]}, principal=BUYER)
    assert evaluation["below_threshold"] is True
    assert call(procurement, "get_supplier", supplier["id"], principal=MANAGER)["status"] == "on_hold"

    request = call(procurement, "create_purchase_request", LAPTOPS, principal=REP)
    assert (request["total"], [s["role"] for s in request["steps"]]) == ("5400.00",
                                                                         ["manager", "admin"])
    with pytest.raises(Forbidden):
        call(procurement, "approve_purchase_request", request["id"], {}, principal=REP2)
    assert call(procurement, "get_purchase_request", request["id"], principal=REP) == request
    key = {KEY_CONTEXT: "approve-1", FINGERPRINT_CONTEXT: "fp-approve"}
    first = call(procurement, "approve_purchase_request", request["id"], {"comment": "ok"},
                 principal=MANAGER, context=key)
    again = call(procurement, "approve_purchase_request", request["id"], {"comment": "ok"},
                 principal=MANAGER, context=key)
    assert again == first and first["current_step"] == 2
    done = call(procurement, "approve_purchase_request", request["id"], {}, principal=ADMIN)
    assert done["status"] == "approved"

    other = call(procurement, "create_purchase_request", LAPTOPS, principal=REP)
    call(procurement, "reject_purchase_request", other["id"], {"comment": "No budget"},
         principal=MANAGER)
    for method, args in (("approve_purchase_request", (other["id"], {})),
                         ("submit_purchase_request", (other["id"],)),
                         ("cancel_purchase_request", (other["id"],))):
        with pytest.raises(Conflict):
            call(procurement, method, *args, principal=ADMIN)

    expected = ["supplier_created", "supplier_evaluated", "supplier_flagged",
                "supplier_status_changed", "purchase_request_created",
                "purchase_request_submitted", "purchase_request_step_approved",
                "purchase_request_step_approved", "purchase_request_approved",
                "purchase_request_created", "purchase_request_submitted",
                "purchase_request_rejected"]
    wait_until(lambda: len(received) >= len(expected), message="every change published")
    ordered = sorted(received, key=lambda envelope: envelope["sequence"])
    assert [envelope["event_type"] for envelope in ordered] == expected
    assert len({envelope["event_id"] for envelope in received}) == len(received)
    approved = [e for e in ordered if e["event_type"] == "purchase_request_step_approved"]
    assert [(e["actor"], e["payload"]["role"]) for e in approved] == [
        (MANAGER.user_id, "manager"), (ADMIN.user_id, "admin")]
    assert ordered[2]["payload"]["weighted_score"] == "40.00"
