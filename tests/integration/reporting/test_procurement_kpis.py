"""The procurement reports against the real procurement service, everything through its RPCs
and over the broker: orders placed under contracts (written as a chosen quotation makes them),
sent, one received in two deliveries — one on time, one late, the second moving no status —
one in USD left open, one cancelled; the supplier then scored under the threshold (flagged, on
hold); a request approved in two steps and another rejected. The reports show spend per
category and currency, open commitments, on-time delivery 50.00, the scorecard and the
approval cycle; reconcile against procurement's reconcile_*_kpis is exact, and a simulated
drift is found. Reporting's database on SQLite and PostgreSQL."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from services.chassis.auth import Principal
from services.chassis.errors import Forbidden
from services.reporting.domains.procurement.models import OrderFact
from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.support import ADMIN, MANAGER, REP_A
from tests.integration.reporting.test_reconcile import reconcile
from tests.unit.procurement.contracts import insert_contract_into

BUYER = Principal("u-buyer", "buyer")
LAPTOPS = {"title": "Laptops", "justification": "New hires", "currency": "EUR", "submit": True,
           "lines": [{"item": "Laptop", "quantity": "3", "unit": "pcs",
                      "estimated_unit_price": "1800.00", "category": "IT"}]}
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def evaluate(procurement, supplier):
    """Scored under the threshold for a period without receipts: flagged, put on hold."""
    rpc(procurement, "evaluate_supplier", BUYER, supplier["id"], {
        "period_start": "2026-01-01", "period_end": "2026-02-28", "hold_if_flagged": True,
        "scores": [{"criterion": key, "score": "40"} for key in
                   ("quality", "price", "service")]})


def decided_requests(procurement):
    approved = rpc(procurement, "create_purchase_request", REP_A, LAPTOPS)
    rpc(procurement, "approve_purchase_request", MANAGER, approved["id"], {})
    rpc(procurement, "approve_purchase_request", ADMIN, approved["id"], {})
    rejected = rpc(procurement, "create_purchase_request", REP_A, LAPTOPS)
    rpc(procurement, "reject_purchase_request", MANAGER, rejected["id"], {"comment": "No"})
    return approved, rejected


class Orders:
    """Orders placed, sent, received and cancelled through procurement's own RPCs, under
    contracts written as a chosen quotation makes them (sourcing is tested on its own)."""

    def __init__(self, procurement, engine, supplier_id):
        self.procurement, self.engine, self.supplier_id = procurement, engine, supplier_id

    def send(self, lines, currency="EUR"):
        """`lines`: [(item, quantity, unit price, category)]; due 10 March 2026."""
        contract = insert_contract_into(self.engine, self.supplier_id, lines,
                                        delivery_date=date(2026, 3, 10), currency=currency)
        return rpc(self.procurement, "create_purchase_order", BUYER,
                   {"contract_id": contract["id"], "send": True})

    def receive(self, order, day, quantities):
        """`quantities`: {line position: quantity accepted}."""
        return rpc(self.procurement, "record_goods_receipt", BUYER, order["id"], {
            "received_on": date(2026, 3, day).isoformat(),
            "lines": [{"order_line_id": order["lines"][position - 1]["id"],
                       "quantity_received": quantity, "quantity_rejected": "0"}
                      for position, quantity in quantities.items()]})

    def cancel(self, order):
        rpc(self.procurement, "change_purchase_order_status", BUYER, order["id"],
            {"status": "cancelled", "reason": "Not needed"})


def report(reporting, name, principal=BUYER, **query):
    return rpc(reporting, name, principal, query)["rows"]


@pytest.mark.dialect_sensitive("the procurement facts' upserts and reconcile queries")
def test_procurement_reports_equal_procurements_rows_and_reconcile_is_exact(
        producers, databases, start_reporting):
    reporting, procurement = start_reporting(), producers["procurement"]
    supplier = rpc(procurement, "create_supplier", BUYER, {"name": "Acme", "currency": "EUR"})
    orders = Orders(procurement, databases["procurement"], supplier["id"])
    laptops = orders.send([("Laptop", "10", "100.00", "IT"), ("Cable", "10", "10.00", None)])
    orders.send([("Chair", "1", "300.00", "Furniture")], currency="USD")
    desks = orders.send([("Desk", "1", "50.00", "Furniture")])
    assert orders.receive(laptops, 9, {1: "4"})["on_time"] is True               # 400.00
    assert orders.receive(laptops, 12, {1: "3", 2: "10"})["on_time"] is False    # 300 + 100
    assert rpc(procurement, "get_purchase_order", BUYER, laptops["id"])["status"] == \
        "partially_received"          # the second delivery moved no status: no status event
    orders.cancel(desks)
    evaluate(procurement, supplier)
    decided_requests(procurement)

    def caught_up():
        rpc(reporting, "catch_up_events", ADMIN)          # the catch-up timer's tick, now
        rows = report(reporting, "procurement_on_time", **MARCH)
        return rows if rows and rows[0]["receipts"] == 2 else None
    on_time = wait_until(caught_up, timeout=30, message="the receipts reported")
    assert [(r["supplier_name"], r["receipts"], r["on_time"], r["on_time_rate"])
            for r in on_time] == [("Acme", 2, 1, "50.00")]
    spend = report(reporting, "procurement_spend", group_by=["category"], **MARCH)
    assert [(r["category"], r["currency"], r["spend"]) for r in spend] == [
        ("IT", "EUR", "700.00"), ("uncategorised", "EUR", "100.00")]
    commitments = report(reporting, "procurement_commitments", MANAGER)
    assert [(r["currency"], r["orders"], r["committed"]) for r in commitments] == [
        ("EUR", 1, "300.00"), ("USD", 1, "300.00")]        # the desk's order cancelled: nothing

    def decisions():
        today = datetime.now(timezone.utc).date()          # the real service decides now
        rows = report(reporting, "procurement_approvals", granularity="total", **{
            "from": (today - timedelta(days=1)).isoformat(),
            "to": (today + timedelta(days=1)).isoformat()})
        return rows if rows and rows[0]["approved"]["count"] == 1 and \
            rows[0]["rejected"]["count"] == 1 else None
    assert wait_until(decisions, timeout=30, message="the decisions reported")
    card = report(reporting, "procurement_scorecards", supplier_id=supplier["id"])[0]
    assert (card["name"], card["status"], card["score"], card["flagged"]) == (
        "Acme", "on_hold", "40.00", True)
    assert (card["receipts"], card["on_time_rate"], card["spend"]) == (
        2, "50.00", [{"currency": "EUR", "amount": "800.00"}])

    result = reconcile(reporting)
    assert result["ok"] and result["stable"], result
    counted = ("suppliers", "supplier_evaluations", "requests_decided", "orders", "receipts")
    assert [result["checked"][name] for name in counted] == [1, 1, 2, 3, 2]

    with databases["reporting"].begin() as connection:          # a bug, simulated
        connection.execute(update(OrderFact).where(OrderFact.id == desks["id"])
                           .values(status="sent"))
    result = reconcile(reporting)
    assert not result["ok"]
    assert {"kpi": "procurement.orders.status", "key": {"order_id": desks["id"]},
            "expected": "cancelled", "actual": "sent"} in result["differences"]


def test_who_reads_the_procurement_reports(producers, databases, start_reporting):
    reporting = start_reporting()
    assert report(reporting, "procurement_commitments", BUYER) == []
    assert report(reporting, "procurement_scorecards", MANAGER) == []
    assert report(reporting, "procurement_spend", ADMIN) == []
    with pytest.raises(Forbidden):
        report(reporting, "procurement_spend", REP_A)
