"""Purchase orders and goods receipts through the gateway against the real processes: a rep's
purchase request approved by the team's manager, quoted by a supplier and chosen, its contract
made; a buyer orders everything of the contract and sends it; two partial deliveries, the second
late and retried with one Idempotency-Key (applied once), leave it received and the contract
completed; a receipt accepting more than was ordered is a 422 that changes nothing, an illegal
move a 409 naming the allowed ones; the supplier's on-time rate is 50.00 over its two receipts;
the team's manager sees the order, a manager of another team does not."""
import uuid

import pytest

pytestmark = pytest.mark.e2e
BASE = "procurement"
SUPPLIERS, ORDERS = f"{BASE}/suppliers", f"{BASE}/purchase-orders"
LINES = [("Toner", "10", "19.99", "Office supplies"), ("Desk", "3", "333.33", "Furniture")]


@pytest.fixture
def contract(admin):
    """An active contract made from the chosen offer of an approved request (1,199.89 EUR:
    one manager's step), delivery promised 2026-03-31."""
    team = admin.create_team(name=f"Orders {uuid.uuid4().hex[:6]}")
    buyer, manager = admin.create_user("buyer"), admin.create_user("manager", team_id=team["id"])
    rep = admin.create_user("sales_rep", team_id=team["id"])
    supplier = buyer.ok("POST", SUPPLIERS, expect=201,
                        json={"name": f"Orders {uuid.uuid4().hex[:8]} Ltd", "currency": "EUR"})
    request = rep.ok("POST", f"{BASE}/purchase-requests", expect=201, json={
        "title": "Office restock", "justification": "The new floor opens.", "currency": "EUR",
        "submit": True, "lines": [{"item": item, "quantity": quantity, "unit": "pcs",
                                   "estimated_unit_price": price, "category": category}
                                  for item, quantity, price, category in LINES]})
    manager.ok("POST", f"{BASE}/purchase-requests/{request['id']}/approve", json={})
    [quotation] = buyer.ok("POST", f"{BASE}/purchase-requests/{request['id']}/quotations",
                           expect=(200, 201), json={"supplier_ids": [supplier["id"]]})
    buyer.ok("PUT", f"{BASE}/quotations/{quotation['id']}/offer", json={
        "currency": "EUR", "delivery_date": "2026-03-31",
        "lines": [{"request_line_id": line["id"], "unit_price": line["estimated_unit_price"]}
                  for line in request["lines"]]})
    buyer.ok("POST", f"{BASE}/quotations/{quotation['id']}/choose",
             json={"reason": "The only offer, at the estimate"})
    made = buyer.ok("POST", f"{BASE}/purchase-contracts", expect=201,
                    json={"request_id": request["id"]})
    assert (made["status"], made["total"], made["delivery_date"]) == ("active", "1199.89",
                                                                      "2026-03-31")
    return {**made, "buyer": buyer, "manager": manager}


def _receipt(order, received_on, toner, desk, rejected="0"):
    toner_line, desk_line = (line["id"] for line in order["lines"])
    return {"received_on": received_on, "lines": [
        {"order_line_id": toner_line, "quantity_received": toner, "quantity_rejected": rejected},
        {"order_line_id": desk_line, "quantity_received": desk}]}


def test_an_order_two_partial_receipts_one_late_and_the_on_time_rate(contract, admin):
    buyer = contract["buyer"]
    order = buyer.ok("POST", ORDERS, expect=201, json={"contract_id": contract["id"]})
    assert (order["status"], order["total"], order["expected_on"]) == ("draft", "1199.89",
                                                                       "2026-03-31")
    assert order["number"].startswith("PO-") and len(order["number"]) == len("PO-2026-00001")
    url = f"{ORDERS}/{order['id']}"
    illegal = buyer.post(f"{url}/status", json={"status": "closed"})
    assert (illegal.status_code, illegal.json()["allowed"]) == (409, ["sent", "cancelled"])
    assert buyer.ok("POST", f"{url}/status", json={"status": "sent"})["status"] == "sent"

    first = buyer.ok("POST", f"{url}/receipts", expect=201,
                     json=_receipt(order, "2026-03-30", "4", "1", rejected="1"))
    assert (first["on_time"], first["accepted_value"]) == (True, "393.30")
    too_much = buyer.post(f"{url}/receipts", json=_receipt(order, "2026-04-02", "8", "2"))
    assert too_much.status_code == 422 and "too much" in str(too_much.json()["errors"])
    key = {"Idempotency-Key": f"receipt-{uuid.uuid4()}"}
    late = buyer.ok("POST", f"{url}/receipts", expect=201, headers=key,
                    json=_receipt(order, "2026-04-02", "7", "2"))
    again = buyer.ok("POST", f"{url}/receipts", expect=201, headers=key,
                     json=_receipt(order, "2026-04-02", "7", "2"))
    assert again["id"] == late["id"] and late["on_time"] is False

    done = buyer.ok("GET", url)
    assert (done["status"], done["accepted_value"]) == ("received", "1199.89")
    assert [line["accepted_quantity"] for line in done["lines"]] == ["10.000", "3.000"]
    receipts = buyer.ok("GET", f"{url}/receipts")["items"]
    assert [r["number"] for r in receipts] == [first["number"], late["number"]]
    rate = buyer.ok("GET", f"{SUPPLIERS}/{contract['supplier_id']}/on-time-delivery")
    assert (rate["receipts"], rate["on_time"], rate["on_time_rate"]) == (2, 1, "50.00")
    listed = buyer.ok("GET", ORDERS, params={"supplier_id": contract["supplier_id"]})["items"]
    assert [o["id"] for o in listed] == [order["id"]]

    assert contract["manager"].ok("GET", url)["id"] == order["id"]      # the team's request
    assert admin.create_user("manager").get(url).status_code == 404
    made = buyer.ok("GET", f"{BASE}/purchase-contracts/{contract['id']}")
    assert made["status"] == "completed"
    assert [line["ordered_quantity"] for line in made["lines"]] == ["10.000", "3.000"]
    assert admin.create_user("sales_rep").get(url).status_code == 403
