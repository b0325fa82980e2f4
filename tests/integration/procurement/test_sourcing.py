"""Supplier selection and a purchase contract over RabbitMQ, on SQLite and PostgreSQL: an
approved request, quotations asked of three suppliers (a rep may not ask: 403), two offers and a
withdrawal, the comparison (the requester's view); one offer chosen, a second choice a 409
naming it; the contract numbered PC-<year>-00001, a second one a 409 naming it; the contract
cancelled; every change published once, received off the broker in order. (Choices and
contracts made at the same moment: test_sourcing_concurrency.py.)"""
import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Conflict, Forbidden
from tests.helpers import wait_until
from tests.integration.procurement.conftest import call

BUYER = Principal("u-buyer", "buyer")
BUYER2 = Principal("u-buyer2", "buyer")
MANAGER = Principal("u-mgr", "manager", team_id="t-1")
REP = Principal("u-rep", "sales_rep", team_id="t-1")
ADMIN = Principal("u-admin", "admin")
LAPTOPS = {"title": "Laptops", "justification": "New hires", "currency": "EUR", "submit": True,
           "lines": [{"item": "Laptop", "quantity": "3", "unit": "pcs",
                      "estimated_unit_price": "1800.00", "category": "IT hardware"}]}


def _approved(procurement):
    request = call(procurement, "create_purchase_request", LAPTOPS, principal=REP)
    call(procurement, "approve_purchase_request", request["id"], {}, principal=MANAGER)
    return call(procurement, "approve_purchase_request", request["id"], {}, principal=ADMIN)


@pytest.mark.dialect_sensitive("row locks of a request's quotations; the contract's counter")
def test_quotations_a_choice_and_a_contract_over_the_broker(procurement, received):
    suppliers = [call(procurement, "create_supplier", {"name": name}, principal=BUYER)["id"]
                 for name in ("Acme", "Bolt", "Cosy")]
    request = _approved(procurement)
    with pytest.raises(Forbidden):
        call(procurement, "request_quotations", request["id"], {"supplier_ids": suppliers},
             principal=REP)
    qa, qb, qc = call(procurement, "request_quotations", request["id"],
                      {"supplier_ids": suppliers, "respond_by": "2026-03-10"}, principal=BUYER)
    line_id = request["lines"][0]["id"]
    for quotation, price in ((qa, "1750.00"), (qb, "1790.00")):
        call(procurement, "record_quotation_offer", quotation["id"], {
            "currency": "EUR", "delivery_date": "2026-04-15",
            "lines": [{"request_line_id": line_id, "unit_price": price}]}, principal=BUYER)
    call(procurement, "withdraw_quotation", qc["id"], {"reason": "No stock"}, principal=BUYER)
    view = call(procurement, "compare_quotations", request["id"], principal=REP)
    assert [(q["total"], q["lowest"], q["status"]) for q in view["quotations"]
            if q["quotation_id"] == qa["id"]] == [("5250.00", True, "received")]

    winner = call(procurement, "choose_quotation", qa["id"], {"reason": "Cheapest"},
                  principal=BUYER)
    with pytest.raises(Conflict) as second:
        call(procurement, "choose_quotation", qb["id"], {"reason": "Faster"}, principal=BUYER2)
    assert second.value.details == {"id": winner["id"]}
    contract = call(procurement, "create_purchase_contract", {"request_id": request["id"]},
                    principal=BUYER)
    with pytest.raises(Conflict) as again:
        call(procurement, "create_purchase_contract", {"request_id": request["id"]},
             principal=BUYER2)
    assert again.value.details == {"id": contract["id"]}
    assert (contract["number"][:3], contract["number"][-5:], contract["quotation_id"]) == (
        "PC-", "00001", winner["id"])
    assert call(procurement, "get_purchase_contract", contract["id"], principal=MANAGER) \
        == contract
    cancelled = call(procurement, "cancel_purchase_contract", contract["id"], principal=BUYER)
    assert cancelled["status"] == "cancelled"

    expected = ["quotation_requested"] * 3 + ["quotation_received"] * 2 + [
        "quotation_withdrawn", "quotation_chosen", "purchase_contract_created",
        "purchase_contract_status_changed"]
    wait_until(lambda: len([e for e in received if e["event_type"] in expected]) >= len(expected),
               message="every sourcing change published")
    ordered = [e for e in sorted(received, key=lambda envelope: envelope["sequence"])
               if e["event_type"] in set(expected)]
    assert [e["event_type"] for e in ordered] == expected
    assert len({e["event_id"] for e in received}) == len(received)
    chosen = ordered[6]["payload"]
    assert (chosen["quotation_id"], chosen["declined"]) == (
        winner["id"], [q["id"] for q in (qa, qb) if q["id"] != winner["id"]])
    assert ordered[7]["payload"]["number"] == contract["number"]
