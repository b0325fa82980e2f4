"""Purchase contracts: made from the chosen quotation only (none chosen, a request not
approved: 409), one per request (409 naming it), numbered PC-<year>-NNNNN without gaps, lines
from the request (item, unit, category) at the offer's quantity and price, payment terms from
the supplier unless given; listed by supplier and status within the request's scope; cancelled
while active and no order is under it (409 otherwise), once."""
from datetime import date

import pytest

from services.chassis.errors import Conflict, Invalid, NotFound
from services.procurement.orders import contracts
from services.procurement.orders.models import PurchaseOrder
from tests.unit.procurement.sourcing_support import (NOW, approved_request, ask, choose,
                                                     fixed_clock, new_contract, offer, suppliers)
from tests.unit.procurement.support import (ADMIN, BUYER, MANAGER, OTHER_MANAGER, REP2, events,
                                            new_request, procurement_db, read, write)


@pytest.fixture
def db():
    return procurement_db()


@pytest.fixture
def clock(monkeypatch):
    return fixed_clock(monkeypatch)


def chosen_request(db, prices=("1790.00", "199.50"), name="Acme"):
    request = approved_request(db)
    [supplier] = suppliers(db, name)
    [quotation] = ask(db, request["id"], [supplier])
    offer(db, quotation["id"], request, list(prices), delivery_date="2026-04-20")
    choose(db, quotation["id"])
    return request, quotation, supplier


def test_a_contract_from_the_chosen_offer(db, clock):
    request, quotation, supplier = chosen_request(db)
    contract = new_contract(db, request["id"])
    assert (contract["number"], contract["status"], contract["supplier_id"]) == (
        "PC-2026-00001", "active", supplier)
    assert (contract["quotation_id"], contract["currency"], contract["total"]) == (
        quotation["id"], "EUR", "5968.50")
    assert (contract["payment_terms_days"], contract["delivery_date"]) == (45, "2026-04-20")
    assert [(line["position"], line["item"], line["category"], line["quantity"],
             line["unit_price"], line["line_total"], line["ordered_quantity"])
            for line in contract["lines"]] == [
        (1, "Laptop", "IT hardware", "3.000", "1790.00", "5370.00", "0.000"),
        (2, "Dock", None, "3.000", "199.50", "598.50", "0.000")]
    with pytest.raises(Conflict) as refused:
        new_contract(db, request["id"])
    assert refused.value.details == {"id": contract["id"]}
    [(_, event)] = events(db, "purchase_contract_created")
    assert (event["number"], event["total"], len(event["lines"])) == ("PC-2026-00001",
                                                                      "5968.50", 2)
    other, *_ = chosen_request(db, name="Bolt")
    second = new_contract(db, other["id"], payment_terms_days=10, terms="Delivered DAP Berlin")
    assert (second["number"], second["payment_terms_days"], second["terms"]) == (
        "PC-2026-00002", 10, "Delivered DAP Berlin")


def test_no_contract_without_a_choice(db, clock):
    request = approved_request(db)
    with pytest.raises(Conflict) as refused:
        new_contract(db, request["id"])
    assert refused.value.details == {"id": request["id"]}
    with pytest.raises(Conflict):
        new_contract(db, new_request(db)["id"])                # pending approval
    with pytest.raises(NotFound):
        new_contract(db, "no-such-request")
    with pytest.raises(Invalid):
        new_contract(db, request["id"], payment_terms_days=400)
    assert events(db, "purchase_contract_created") == []


def test_list_get_and_scopes(db, clock):
    first, _, acme = chosen_request(db)
    second, _, bolt = chosen_request(db, name="Bolt")
    a = new_contract(db, first["id"])
    b = new_contract(db, second["id"])
    listed = read(db, contracts.list_contracts, BUYER, {})
    assert {c["id"] for c in listed["items"]} == {a["id"], b["id"]}
    by_supplier = read(db, contracts.list_contracts, MANAGER, {"supplier_id": bolt})
    assert [c["id"] for c in by_supplier["items"]] == [b["id"]]
    page = read(db, contracts.list_contracts, BUYER, {"limit": 1})
    rest = read(db, contracts.list_contracts, BUYER, {"limit": 1, "cursor": page["next_cursor"]})
    assert {page["items"][0]["id"], rest["items"][0]["id"]} == {a["id"], b["id"]}
    for outsider in (OTHER_MANAGER, REP2):
        assert read(db, contracts.list_contracts, outsider, {})["items"] == []
        with pytest.raises(NotFound):
            read(db, contracts.get_contract, outsider, a["id"])
    assert read(db, contracts.get_contract, MANAGER, a["id"]) == a


def test_cancel_while_no_order_is_under_it(db, clock):
    first, *_ = chosen_request(db)
    second, *_ = chosen_request(db, name="Bolt")
    free, ordered = new_contract(db, first["id"]), new_contract(db, second["id"])
    with db.unit_of_work(actor="test") as uow:
        uow.session.add(PurchaseOrder(
            id="po-1", number="PO-2026-00001", contract_id=ordered["id"],
            request_id=second["id"], supplier_id=ordered["supplier_id"], currency="EUR",
            total=1, accepted_value=0, expected_on=date(2026, 4, 20), status="draft",
            created_by="u-buyer", created_at=NOW, updated_at=NOW))
    with pytest.raises(Conflict) as refused:
        write(db, BUYER, contracts.cancel_contract, ordered["id"])
    assert refused.value.details == {"id": ordered["id"]} and "1 order" in refused.value.message
    cancelled = write(db, ADMIN, contracts.cancel_contract, free["id"])
    assert cancelled["status"] == "cancelled"
    with pytest.raises(Conflict) as refused:
        write(db, BUYER, contracts.cancel_contract, free["id"])
    assert refused.value.details == {"id": free["id"], "allowed": ["active"]}
    [(_, event)] = events(db, "purchase_contract_status_changed")
    assert (event["number"], event["from_status"], event["to_status"], event["changed_by"]) == (
        free["number"], "active", "cancelled", ADMIN.user_id)
    listed = read(db, contracts.list_contracts, BUYER, {"status": "cancelled"})
    assert [c["id"] for c in listed["items"]] == [free["id"]]
