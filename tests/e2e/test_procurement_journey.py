"""Issue 14's journey through the gateway against the real processes, end to end: a rep's
purchase request above 5,000.00 is approved in two steps (the team's manager, then an admin);
the buyer asks three suppliers for quotations, records their offers, compares them (the lowest
marked) and chooses a dearer one that delivers sooner, the reason kept and the others
declined; the contract made from it, an order placed and sent; two partial deliveries, the
second late, leave the order received. Then the supplier's on-time rate is 50.00, a period
evaluation takes that rate as its on-time score (typed scores for the rest), and reporting's
spend, on-time and scorecard reports show the same figures — reconciled exactly."""
import uuid

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e
BASE = "procurement"
REQUESTS, SUPPLIERS = f"{BASE}/purchase-requests", f"{BASE}/suppliers"
REPORTS = "reports/procurement"
# (laptop, dock) unit prices and the promised delivery of each supplier's offer.
OFFERS = {"Northwind": ("1400.00", "110.00", "2026-03-20"),    # 6,040.00, soonest: chosen
          "Contoso": ("1380.00", "125.00", "2026-04-15"),      # 6,020.00, the lowest
          "Fabrikam": ("1420.00", "100.00", "2026-03-25")}     # 6,080.00
SPRING = {"from": "2026-03-01", "to": "2026-04-30"}


@pytest.fixture
def people(admin):
    team = admin.create_team(name=f"Journey buying {uuid.uuid4().hex[:6]}")
    return {"buyer": admin.create_user("buyer"), "admin": admin,
            "manager": admin.create_user("manager", team_id=team["id"]),
            "rep": admin.create_user("sales_rep", team_id=team["id"])}


def _approved_request(people):
    rep, manager, admin = people["rep"], people["manager"], people["admin"]
    request = rep.ok("POST", REQUESTS, expect=201, json={
        "title": "Laptops for the new team", "justification": "Four hires start in March.",
        "currency": "EUR", "submit": True, "lines": [
            {"item": "Laptop", "quantity": "4", "unit": "pcs", "estimated_unit_price": "1450.00",
             "category": "IT", "needed_by": "2026-03-31"},
            {"item": "Dock", "quantity": "4", "unit": "pcs", "estimated_unit_price": "120.00",
             "category": "IT accessories"}]})
    assert (request["total"], [s["role"] for s in request["steps"]]) == (
        "6280.00", ["manager", "admin"])
    url = f"{REQUESTS}/{request['id']}"
    assert manager.ok("POST", f"{url}/approve", json={})["status"] == "pending_approval"
    assert admin.ok("POST", f"{url}/approve", json={"comment": "Budgeted"})["status"] == (
        "approved")
    return request


def _chosen_offer(buyer, request):
    suppliers = {name: buyer.ok("POST", SUPPLIERS, expect=201, json={
        "name": f"{name} {uuid.uuid4().hex[:8]}", "currency": "EUR", "categories": ["IT"]})
        for name in OFFERS}
    quotations = buyer.ok("POST", f"{REQUESTS}/{request['id']}/quotations", expect=(200, 201),
                          json={"supplier_ids": [s["id"] for s in suppliers.values()]})
    by_supplier = {q["supplier_id"]: q for q in quotations}
    laptop, dock = (line["id"] for line in request["lines"])
    for name, (laptop_price, dock_price, delivery) in OFFERS.items():
        quotation = by_supplier[suppliers[name]["id"]]
        buyer.ok("PUT", f"{BASE}/quotations/{quotation['id']}/offer", json={
            "currency": "EUR", "delivery_date": delivery, "lines": [
                {"request_line_id": laptop, "unit_price": laptop_price},
                {"request_line_id": dock, "unit_price": dock_price}]})
    compared = buyer.ok("GET", f"{REQUESTS}/{request['id']}/quotations/comparison")
    totals = {q["supplier_id"]: (q["total"], q["lowest"]) for q in compared["quotations"]}
    assert totals == {suppliers["Northwind"]["id"]: ("6040.00", False),
                      suppliers["Contoso"]["id"]: ("6020.00", True),
                      suppliers["Fabrikam"]["id"]: ("6080.00", False)}
    chosen_id = by_supplier[suppliers["Northwind"]["id"]]["id"]
    reason = "Delivers before the hires start; 20.00 above the lowest offer"
    chosen = buyer.ok("POST", f"{BASE}/quotations/{chosen_id}/choose", json={"reason": reason})
    assert (chosen["status"], chosen["reason"]) == ("chosen", reason)
    after = buyer.ok("GET", f"{REQUESTS}/{request['id']}/quotations/comparison")
    assert after["chosen_quotation_id"] == chosen_id
    assert sorted(q["status"] for q in after["quotations"]) == ["chosen", "declined", "declined"]
    return suppliers["Northwind"]


def _received_order(buyer, request):
    contract = buyer.ok("POST", f"{BASE}/purchase-contracts", expect=201,
                        json={"request_id": request["id"]})
    assert (contract["total"], contract["delivery_date"]) == ("6040.00", "2026-03-20")
    order = buyer.ok("POST", f"{BASE}/purchase-orders", expect=201,
                     json={"contract_id": contract["id"], "send": True})
    assert (order["status"], order["total"], order["expected_on"]) == ("sent", "6040.00",
                                                                       "2026-03-20")
    laptop, dock = (line["id"] for line in order["lines"])
    receipts = f"{BASE}/purchase-orders/{order['id']}/receipts"
    first = buyer.ok("POST", receipts, expect=201, json={"received_on": "2026-03-19", "lines": [
        {"order_line_id": laptop, "quantity_received": "2"},
        {"order_line_id": dock, "quantity_received": "4"}]})
    assert (first["on_time"], first["accepted_value"]) == (True, "3240.00")
    assert buyer.ok("GET", f"{BASE}/purchase-orders/{order['id']}")["status"] == (
        "partially_received")
    late = buyer.ok("POST", receipts, expect=201, json={"received_on": "2026-03-23", "lines": [
        {"order_line_id": laptop, "quantity_received": "2"}]})
    assert (late["on_time"], late["accepted_value"]) == (False, "2800.00")
    done = buyer.ok("GET", f"{BASE}/purchase-orders/{order['id']}")
    assert (done["status"], done["accepted_value"]) == ("received", "6040.00")
    return order


def test_request_to_received_order_to_the_suppliers_score_and_spend(people):
    buyer, manager, admin = people["buyer"], people["manager"], people["admin"]
    request = _approved_request(people)
    supplier = _chosen_offer(buyer, request)
    _received_order(buyer, request)

    rate = buyer.ok("GET", f"{SUPPLIERS}/{supplier['id']}/on-time-delivery")
    assert (rate["receipts"], rate["on_time"], rate["on_time_rate"]) == (2, 1, "50.00")
    evaluation = buyer.ok("POST", f"{SUPPLIERS}/{supplier['id']}/evaluations", expect=201, json={
        "period_start": "2026-03-01", "period_end": "2026-03-31", "scores": [
            {"criterion": "quality", "score": "90"}, {"criterion": "price", "score": "80"},
            {"criterion": "service", "score": "70"}]})
    scores = {s["criterion"]: s["score"] for s in evaluation["scores"]}
    assert scores["on_time_delivery"] == "50.00"
    # (90 × 40 + 50 × 30 + 80 × 20 + 70 × 10) / 100
    assert (evaluation["weighted_score"], evaluation["below_threshold"]) == ("74.00", False)

    def card():
        rows = manager.ok("GET", f"{REPORTS}/suppliers",
                          params={"supplier_id": supplier["id"]})["rows"]
        return rows[0] if rows and rows[0]["score"] == "74.00" and rows[0]["receipts"] == 2 \
            else None
    found = wait_until(card, timeout=30, message="the supplier's scorecard")
    assert (found["on_time"], found["on_time_rate"], found["flagged"], found["spend"]) == (
        1, "50.00", False, [{"currency": "EUR", "amount": "6040.00"}])
    spend = manager.ok("GET", f"{REPORTS}/spend", params={
        **SPRING, "supplier_id": supplier["id"], "group_by": "category",
        "granularity": "total"})["rows"]
    assert [(r["category"], r["currency"], r["spend"]) for r in spend] == [
        ("IT", "EUR", "5600.00"), ("IT accessories", "EUR", "440.00")]
    [on_time] = manager.ok("GET", f"{REPORTS}/on-time", params={
        **SPRING, "supplier_id": supplier["id"], "granularity": "total"})["rows"]
    assert (on_time["receipts"], on_time["on_time"], on_time["on_time_rate"]) == (
        2, 1, "50.00")

    job = admin.ok("POST", "reports/reconcile", expect=202)
    result = wait_until(lambda: (lambda j: j if j["status"] in ("done", "failed") else None)(
        admin.ok("GET", f"reports/jobs/{job['id']}")), timeout=90, message="reconcile")
    assert result["status"] == "done", result
    assert [d for d in result["result"]["differences"]
            if d["kpi"].startswith("procurement.")] == []
