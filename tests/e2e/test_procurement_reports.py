"""Reporting's procurement reports through the gateway against the real processes: a buyer
scores a new supplier under the threshold (flagged, on hold) and the supplier's scorecard shows
it; a rep's request approved by the team's manager and another rejected show in the approval
cycle time; managers, buyers and admins read the reports, a rep gets 403, bad parameters 422;
the reconcile job finds no difference in the procurement KPIs. An order made from a chosen
offer, sent and received in two deliveries (one late): its open commitment after the first,
then spend per category, on-time delivery 50.00 and the scorecard's receipts and spend."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from tests.e2e.test_procurement_orders import contract  # noqa: F401  (the fixture)
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e
REPORTS = "reports/procurement"
SCORES = ("quality", "price", "service")
REQUEST = {"title": "Paper", "justification": "Printer", "currency": "EUR", "submit": True,
           "lines": [{"item": "Paper", "quantity": "10", "unit": "box",
                      "estimated_unit_price": "25.00", "category": "Office"}]}


@pytest.fixture
def people(admin):
    team = admin.create_team(name=f"Buying KPIs {uuid.uuid4().hex[:6]}")
    return {"buyer": admin.create_user("buyer"),
            "manager": admin.create_user("manager", team_id=team["id"]),
            "rep": admin.create_user("sales_rep", team_id=team["id"]), "admin": admin}


def _days():
    today = datetime.now(timezone.utc).date()          # the services decide at their now
    return {"from": (today - timedelta(days=1)).isoformat(),
            "to": (today + timedelta(days=1)).isoformat(), "granularity": "total"}


def _decided(reader):
    rows = reader.ok("GET", f"{REPORTS}/approvals", params=_days())["rows"]
    return (rows[0]["approved"]["count"], rows[0]["rejected"]["count"]) if rows else (0, 0)


def test_scorecard_and_approval_cycle_through_the_gateway(people):
    buyer, manager, rep = people["buyer"], people["manager"], people["rep"]
    supplier = buyer.ok("POST", "procurement/suppliers", expect=201,
                        json={"name": f"KPI {uuid.uuid4().hex[:8]} GmbH", "currency": "EUR"})
    buyer.ok("POST", f"procurement/suppliers/{supplier['id']}/evaluations", expect=201, json={
        "period_start": "2026-01-01", "period_end": "2026-03-31", "hold_if_flagged": True,
        "scores": [{"criterion": key, "score": "45"} for key in SCORES]})

    def card():
        rows = manager.ok("GET", f"{REPORTS}/suppliers",
                          params={"supplier_id": supplier["id"]})["rows"]
        return rows[0] if rows and rows[0]["score"] and rows[0]["status"] == "on_hold" else None
    found = wait_until(card, timeout=30, message="the scorecard")
    assert (found["name"], found["score"], found["flagged"], found["receipts"],
            found["on_time_rate"], found["spend"]) == (supplier["name"], "45.00", True, 0,
                                                       None, [])
    assert [e["current"] for e in found["evaluations"]] == [True]

    before = _decided(buyer)
    approved = rep.ok("POST", "procurement/purchase-requests", json=REQUEST, expect=201)
    manager.ok("POST", f"procurement/purchase-requests/{approved['id']}/approve", json={})
    rejected = rep.ok("POST", "procurement/purchase-requests", json=REQUEST, expect=201)
    manager.ok("POST", f"procurement/purchase-requests/{rejected['id']}/reject",
               json={"comment": "Not now"})
    after = wait_until(lambda: (lambda got: got if got[0] > before[0] and got[1] > before[1]
                                else None)(_decided(buyer)), timeout=30, message="decisions")
    assert after == (before[0] + 1, before[1] + 1)

    admin = people["admin"]
    job = admin.ok("POST", "reports/reconcile", expect=202)
    done = wait_until(lambda: (lambda j: j if j["status"] in ("done", "failed") else None)(
        admin.ok("GET", f"reports/jobs/{job['id']}")), timeout=90, message="reconcile")
    assert done["status"] == "done", done
    result = done["result"]
    assert [d for d in result["differences"] if d["kpi"].startswith("procurement.")] == []
    assert result["checked"]["suppliers"] >= 1 and result["checked"]["requests_decided"] >= 2


def test_who_may_read_the_procurement_reports_and_bad_parameters(people):
    for report in ("spend", "commitments", "approvals", "on-time", "suppliers"):
        for reader in ("buyer", "manager", "admin"):
            assert people[reader].request("GET", f"{REPORTS}/{report}").status_code == 200
        assert people["rep"].request("GET", f"{REPORTS}/{report}").status_code == 403
    buyer = people["buyer"]
    assert buyer.request("GET", f"{REPORTS}/spend",
                         params={"group_by": "owner_id"}).status_code == 422
    assert buyer.request("GET", f"{REPORTS}/on-time",
                         params={"from": "2026-03-02", "to": "2026-03-01"}).status_code == 422
    assert buyer.request("GET", f"{REPORTS}/commitments",
                         params={"limit": "0"}).status_code == 422


def _rows(reader, report, **params):
    return reader.ok("GET", f"{REPORTS}/{report}", params=params)["rows"]


def test_an_orders_commitment_spend_and_on_time_rate(contract):  # noqa: F811
    buyer, manager, supplier_id = contract["buyer"], contract["manager"], contract["supplier_id"]
    order = buyer.ok("POST", "procurement/purchase-orders", expect=201,
                     json={"contract_id": contract["id"], "send": True})
    toner, desk = (line["id"] for line in order["lines"])
    url = f"procurement/purchase-orders/{order['id']}/receipts"

    def receive(day, toners, desks):
        return buyer.ok("POST", url, expect=201, json={"received_on": day, "lines": [
            {"order_line_id": toner, "quantity_received": toners},
            {"order_line_id": desk, "quantity_received": desks}]})
    assert receive("2026-03-30", "4", "1")["accepted_value"] == "413.29"       # on time

    def committed():
        rows = _rows(manager, "commitments", supplier_id=supplier_id)
        return rows if rows and rows[0]["accepted_value"] == "413.29" else None
    assert [(r["currency"], r["orders"], r["total"], r["committed"]) for r in wait_until(
        committed, timeout=30, message="the commitment")] == [("EUR", 1, "1199.89", "786.60")]
    receive("2026-04-02", "6", "2")                                               # late
    assert wait_until(lambda: _rows(manager, "commitments", supplier_id=supplier_id) == [],
                      timeout=30, message="received: nothing committed")

    spring = {"from": "2026-03-01", "to": "2026-04-30", "supplier_id": supplier_id}
    spend = _rows(buyer, "spend", group_by="category", granularity="total", **spring)
    assert [(r["category"], r["currency"], r["spend"], r["receipts"]) for r in spend] == [
        ("Furniture", "EUR", "999.99", 2), ("Office supplies", "EUR", "199.90", 2)]
    monthly = _rows(buyer, "on-time", **spring)
    assert [(r["period"], r["receipts"], r["on_time"], r["on_time_rate"]) for r in monthly] == [
        ("2026-03-01", 1, 1, "100.00"), ("2026-04-01", 1, 0, "0.00")]
    [total] = _rows(buyer, "on-time", granularity="total", **spring)
    assert (total["receipts"], total["on_time"], total["on_time_rate"]) == (2, 1, "50.00")
    [card] = _rows(manager, "suppliers", supplier_id=supplier_id)
    assert (card["receipts"], card["on_time"], card["on_time_rate"], card["spend"]) == (
        2, 1, "50.00", [{"currency": "EUR", "amount": "1199.89"}])
