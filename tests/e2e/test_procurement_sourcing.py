"""Supplier selection and a purchase contract through the gateway against the real processes:
a rep's request above 5,000 approved in two steps; a buyer asks three suppliers to quote (one on
hold is a 409, a rep may not ask: 403, the same supplier again: 409 naming its quotation),
records two offers (one missing a line: 422 naming it) and withdraws the third; the requester
compares them (the lowest marked, the supplier book's details not theirs), someone else's
request is a 404; the choice needs a reason, retried with its Idempotency-Key applies once, a
second choice is a 409 naming the first; the contract PC-<year>-NNNNN is made from it once,
read by the team's manager, listed by supplier, and cancelled once."""
import uuid

import pytest

pytestmark = pytest.mark.e2e
BASE = "procurement"
SUPPLIERS, REQUESTS, CONTRACTS = (f"{BASE}/suppliers", f"{BASE}/purchase-requests",
                                  f"{BASE}/purchase-contracts")


@pytest.fixture
def people(admin):
    team = admin.create_team(name=f"Sourcing {uuid.uuid4().hex[:6]}")
    return {"buyer": admin.create_user("buyer"),
            "manager": admin.create_user("manager", team_id=team["id"]),
            "rep": admin.create_user("sales_rep", team_id=team["id"]),
            "other_rep": admin.create_user("sales_rep")}


def _approved_request(people, admin):
    request = people["rep"].ok("POST", REQUESTS, expect=201, json={
        "title": "Laptops and docks", "justification": "Three new hires in May.",
        "currency": "EUR", "submit": True,
        "lines": [{"item": "Laptop", "quantity": "3", "unit": "pcs",
                   "estimated_unit_price": "1800.00", "category": "IT hardware"},
                  {"item": "Dock", "quantity": "3", "unit": "pcs",
                   "estimated_unit_price": "200.00"}]})
    url = f"{REQUESTS}/{request['id']}"
    people["manager"].ok("POST", f"{url}/approve", json={})
    return admin.ok("POST", f"{url}/approve", json={"comment": "Go"})


def _offer(request, prices, **extra):
    return {"currency": "EUR", "delivery_date": "2026-04-15", **extra,
            "lines": [{"request_line_id": line["id"], "unit_price": price}
                      for line, price in zip(request["lines"], prices)]}


def test_quotations_compared_one_chosen_and_its_contract(people, admin):
    buyer, rep, suffix = people["buyer"], people["rep"], uuid.uuid4().hex[:8]
    acme, bolt, cosy, held = [buyer.ok("POST", SUPPLIERS, expect=201, json={
        "name": f"{name} {suffix}", "payment_terms_days": 45})["id"]
        for name in ("Acme", "Bolt", "Cosy", "Held")]
    buyer.ok("POST", f"{SUPPLIERS}/{held}/status", json={"status": "on_hold", "reason": "Late"})
    request = _approved_request(people, admin)
    asking = f"{REQUESTS}/{request['id']}/quotations"
    refused = buyer.post(asking, json={"supplier_ids": [acme, held]})
    assert (refused.status_code, refused.json()["id"]) == (409, held)
    assert rep.post(asking, json={"supplier_ids": [acme]}).status_code == 403
    qa, qb, qc = buyer.ok("POST", asking, expect=201, json={
        "supplier_ids": [acme, bolt, cosy], "respond_by": "2026-03-10"})
    again = buyer.post(asking, json={"supplier_ids": [bolt]})
    assert (again.status_code, again.json()["id"]) == (409, qb["id"])

    quotation = f"{BASE}/quotations"
    short = buyer.request("PUT", f"{quotation}/{qa['id']}/offer",
                          json=_offer(request, ["1750.00"]))
    assert short.status_code == 422
    assert short.json()["errors"] == {"lines": ["Line 2 (Dock) is not priced."]}
    offered = buyer.ok("PUT", f"{quotation}/{qa['id']}/offer",
                       json=_offer(request, ["1750.00", "190.00"]))
    assert (offered["status"], offered["total"]) == ("received", "5820.00")
    buyer.ok("PUT", f"{quotation}/{qb['id']}/offer", json=_offer(
        request, ["1790.00", "199.99"], delivery_date="2026-04-01"))
    buyer.ok("POST", f"{quotation}/{qc['id']}/withdraw", json={"reason": "No stock"})

    view = rep.ok("GET", f"{asking}/comparison")
    rows = {row["quotation_id"]: row for row in view["quotations"]}
    assert [(rows[q["id"]]["status"], rows[q["id"]]["lowest"]) for q in (qa, qb, qc)] == [
        ("received", True), ("received", False), ("withdrawn", False)]
    assert rows[qa["id"]]["supplier"]["name"] is None               # the book is not a rep's
    assert people["manager"].ok("GET", f"{asking}/comparison")["quotations"][0][
        "supplier"]["name"] is not None
    assert [[offer["lowest"] for offer in line["offers"]] for line in view["lines"]] == [
        [row["quotation_id"] == qa["id"] for row in line["offers"]] for line in view["lines"]]
    assert people["other_rep"].get(f"{asking}/comparison").status_code == 404

    choose = f"{quotation}/{qa['id']}/choose"
    assert buyer.post(choose, json={}).status_code == 422
    key = {"Idempotency-Key": f"choose-{uuid.uuid4()}"}
    first = buyer.post(choose, json={"reason": "Cheapest"}, headers=key)
    retried = buyer.post(choose, json={"reason": "Cheapest"}, headers=key)
    assert (first.status_code, retried.status_code) == (200, 200)
    assert retried.json() == first.json() and first.json()["status"] == "chosen"
    second = buyer.post(f"{quotation}/{qb['id']}/choose", json={"reason": "Faster"})
    assert (second.status_code, second.json()["id"]) == (409, qa["id"])
    assert rep.ok("GET", f"{quotation}/{qb['id']}")["status"] == "declined"

    made = buyer.post(CONTRACTS, json={"request_id": request["id"]})
    assert made.status_code == 201, made.text
    contract = made.json()
    assert made.headers["Location"].endswith(f"{CONTRACTS}/{contract['id']}")
    assert contract["number"].startswith("PC-") and contract["total"] == "5820.00"
    assert (contract["payment_terms_days"], contract["supplier_id"]) == (45, acme)
    assert [(line["item"], line["unit_price"]) for line in contract["lines"]] == [
        ("Laptop", "1750.00"), ("Dock", "190.00")]
    twice = buyer.post(CONTRACTS, json={"request_id": request["id"]})
    assert (twice.status_code, twice.json()["id"]) == (409, contract["id"])
    url = f"{CONTRACTS}/{contract['id']}"
    assert people["manager"].ok("GET", url) == contract
    assert people["other_rep"].get(url).status_code == 404
    listed = buyer.ok("GET", CONTRACTS, params={"supplier_id": acme, "limit": 100})
    assert [c["id"] for c in listed["items"]] == [contract["id"]]
    assert buyer.ok("POST", f"{url}/cancel")["status"] == "cancelled"
    assert buyer.post(f"{url}/cancel").status_code == 409
