"""The procurement reports against the real procurement service: a supplier evaluated under the
threshold (flagged, on hold), a request approved in two steps and another rejected through its
RPCs reach reporting over the broker; an order sent and two partial receipts (one late) are
written as procurement's tables hold them with the events its outbox would publish (their
producers are being built: services/procurement/orders/events.py is the agreed contract) — and
the reports show them, reconcile against procurement's reconcile_*_kpis is exact, and a
simulated drift is found. Reporting's database on SQLite and PostgreSQL."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import update

from services.chassis.auth import Principal
from services.chassis.errors import Forbidden
from services.procurement.events import EVENT_SCHEMAS
from services.procurement.models import Base as ProcurementBase
from services.procurement.orders.models import (GoodsReceipt, GoodsReceiptLine, PurchaseOrder,
                                                PurchaseOrderLine)
from services.reporting.domains.procurement.models import OrderFact
from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.support import ADMIN, MANAGER, REP_A
from tests.integration.reporting.test_reconcile import reconcile
from tests.unit.chassis.fakes import make_db

BUYER = Principal("u-buyer", "buyer")
LAPTOPS = {"title": "Laptops", "justification": "New hires", "currency": "EUR", "submit": True,
           "lines": [{"item": "Laptop", "quantity": "3", "unit": "pcs",
                      "estimated_unit_price": "1800.00", "category": "IT"}]}
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def evaluated_supplier(procurement):
    supplier = rpc(procurement, "create_supplier", BUYER, {"name": "Acme", "currency": "EUR"})
    rpc(procurement, "evaluate_supplier", BUYER, supplier["id"], {
        "period_start": "2026-01-01", "period_end": "2026-02-28", "hold_if_flagged": True,
        "scores": [{"criterion": key, "score": "40"} for key in
                   ("quality", "price", "service")]})
    return supplier


def decided_requests(procurement):
    approved = rpc(procurement, "create_purchase_request", REP_A, LAPTOPS)
    rpc(procurement, "approve_purchase_request", MANAGER, approved["id"], {})
    rpc(procurement, "approve_purchase_request", ADMIN, approved["id"], {})
    rejected = rpc(procurement, "create_purchase_request", REP_A, LAPTOPS)
    rpc(procurement, "reject_purchase_request", MANAGER, rejected["id"], {"comment": "No"})
    return approved, rejected


class Orders:
    """An order and its receipts written as procurement's handlers will: rows and outbox events
    in one unit of work of procurement's own database (reporting reads them off its log)."""

    def __init__(self, engine, supplier_id):
        self.db = make_db(engine, ProcurementBase.metadata, source="procurement",
                          event_schemas=EVENT_SCHEMAS)
        self.supplier_id = supplier_id

    def _moved(self, uow, order, to_status):
        from_status, order.status = order.status, to_status
        uow.emit("purchase_order_status_changed", {
            "order_id": order.id, "number": order.number, "supplier_id": order.supplier_id,
            "currency": order.currency, "total": order.total,
            "accepted_value": order.accepted_value, "from_status": from_status,
            "to_status": to_status, "reason": None, "changed_by": BUYER.user_id,
            "changed_at": NOW})

    def send(self, order_id, total, currency="EUR"):
        with self.db.unit_of_work(actor=BUYER.user_id) as uow:
            order = PurchaseOrder(
                id=order_id, number=f"PO-2026-{order_id}", contract_id="c", request_id="r",
                supplier_id=self.supplier_id, currency=currency, total=Decimal(total),
                accepted_value=Decimal(0), expected_on=date(2026, 3, 10), status="draft",
                created_by=BUYER.user_id, created_at=NOW, updated_at=NOW)
            uow.session.add(order)
            for position, category in ((1, "IT"), (2, None)):
                uow.session.add(PurchaseOrderLine(
                    id=f"{order_id}-l{position}", order_id=order_id, position=position,
                    contract_line_id="cl", item="x", unit="pcs", category=category,
                    quantity=Decimal(10), unit_price=Decimal(1), line_total=Decimal(10),
                    received_quantity=Decimal(0), rejected_quantity=Decimal(0)))
            self._moved(uow, order, "sent")

    def receive(self, receipt_id, order_id, day, values, to_status):
        """`values`: {line position: accepted value}."""
        with self.db.unit_of_work(actor=BUYER.user_id) as uow:
            order = uow.session.get(PurchaseOrder, order_id)
            received_on = date(2026, 3, day)
            accepted = sum(Decimal(v) for v in values.values())
            uow.session.add(GoodsReceipt(
                id=receipt_id, number=f"GR-{receipt_id}", order_id=order_id,
                supplier_id=order.supplier_id, received_on=received_on,
                on_time=received_on <= order.expected_on, accepted_value=accepted,
                recorded_by=BUYER.user_id, recorded_at=NOW))
            lines = []
            for position, value in values.items():
                line = uow.session.get(PurchaseOrderLine, f"{order_id}-l{position}")
                uow.session.add(GoodsReceiptLine(
                    id=f"{receipt_id}-{position}", receipt_id=receipt_id, order_line_id=line.id,
                    quantity_received=Decimal(1), quantity_rejected=Decimal(0),
                    accepted_value=Decimal(value)))
                lines.append({"order_line_id": line.id, "category": line.category,
                              "quantity_received": Decimal(1), "quantity_rejected": Decimal(0),
                              "unit_price": Decimal(value), "accepted_value": Decimal(value)})
            order.accepted_value += accepted
            uow.emit("goods_received", {
                "receipt_id": receipt_id, "number": f"GR-{receipt_id}", "order_id": order_id,
                "order_number": order.number, "supplier_id": order.supplier_id,
                "currency": order.currency, "received_on": received_on,
                "expected_on": order.expected_on, "on_time": received_on <= order.expected_on,
                "accepted_value": accepted, "lines": lines, "recorded_by": BUYER.user_id,
                "recorded_at": NOW})
            self._moved(uow, order, to_status)

    def cancel(self, order_id):
        with self.db.unit_of_work(actor=BUYER.user_id) as uow:
            self._moved(uow, uow.session.get(PurchaseOrder, order_id), "cancelled")


def report(reporting, name, principal=BUYER, **query):
    return rpc(reporting, name, principal, query)["rows"]


@pytest.mark.dialect_sensitive("the procurement facts' upserts and reconcile queries")
def test_procurement_reports_equal_procurements_rows_and_reconcile_is_exact(
        producers, databases, start_reporting):
    reporting, procurement = start_reporting(), producers["procurement"]
    supplier = evaluated_supplier(procurement)
    decided_requests(procurement)
    orders = Orders(databases["procurement"], supplier["id"])
    orders.send("o-1", "1000.00")
    orders.send("o-2", "300.00", currency="USD")
    orders.send("o-3", "50.00")
    orders.receive("g-1", "o-1", 9, {1: "400.00"}, "partially_received")          # on time
    orders.receive("g-2", "o-1", 12, {1: "300.00", 2: "100.00"}, "partially_received")  # late
    orders.cancel("o-3")

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
        ("EUR", 1, "200.00"), ("USD", 1, "300.00")]                # o-3 cancelled: nothing

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
        connection.execute(update(OrderFact).where(OrderFact.id == "o-3")
                           .values(status="sent"))
    result = reconcile(reporting)
    assert not result["ok"]
    assert {"kpi": "procurement.orders.status", "key": {"order_id": "o-3"},
            "expected": "cancelled", "actual": "sent"} in result["differences"]


def test_who_reads_the_procurement_reports(producers, databases, start_reporting):
    reporting = start_reporting()
    assert report(reporting, "procurement_commitments", BUYER) == []
    assert report(reporting, "procurement_scorecards", MANAGER) == []
    assert report(reporting, "procurement_spend", ADMIN) == []
    with pytest.raises(Forbidden):
        report(reporting, "procurement_spend", REP_A)
