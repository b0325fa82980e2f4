"""Reporting's procurement reports from crafted event sequences (payloads dumped by
procurement's own schemas): the arithmetic of spend, open commitments, approval cycle time,
on-time delivery and scorecards; order independence and repeats; and the reconcile against
procurement's own rows (its real handlers for suppliers, evaluations and requests; orders and
receipts written as its tables hold them until their producers land). Fixed clock: T0."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from services.chassis.auth import Principal
from services.chassis.errors import Invalid
from services.chassis.outbox import OutboxEvent, envelope
from services.procurement.evaluation import handlers as evaluation
from services.procurement.kpis import handlers as kpis
from services.procurement.orders.models import (GoodsReceipt, GoodsReceiptLine, PurchaseOrder,
                                                PurchaseOrderLine)
from services.reporting.domains.procurement import REPORTS, queries, reconcile
from services.reporting.domains.procurement.models import EvaluationFact, SupplierFact
from services.reporting.reconcile import differences
from services.reporting.service import ReportingService
from tests.unit.procurement import orders_support as orders, support as proc
from tests.unit.procurement.orders_support import clock  # noqa: F401
from tests.unit.reporting.procurement_support import T0, Procurement
from tests.unit.reporting.support import apply

BUYER = Principal("u-buyer", "buyer")
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
H = timedelta(hours=1)
RPCS = ("procurement_spend", "procurement_commitments", "procurement_approvals",
        "procurement_on_time", "procurement_scorecards")


def report(db, run, principal=BUYER, **query):
    with db.read_only() as session:
        return run(session, principal, query)


def rows(db, run, **query):
    return report(db, run, **query)["rows"]


def two_partial_receipts(log):
    """PO o-1 (s-1, EUR 1000.00, expected 10 March) sent; 400.00 received on time on the 9th
    (parts), 600.00 late on the 12th (400.00 parts, 200.00 uncategorised) → received."""
    log.supplier("s-1", "Acme")
    log.order_status("o-1", "s-1", "sent", "1000.00")
    log.received("r-1", "o-1", "s-1", date(2026, 3, 9), date(2026, 3, 10),
                 [("l-1", "parts", "400.00")])
    log.order_status("o-1", "s-1", "partially_received", "1000.00", "400.00", from_status="sent")
    first = list(log.events)
    log.received("r-2", "o-1", "s-1", date(2026, 3, 12), date(2026, 3, 10),
                 [("l-1", "parts", "400.00"), ("l-2", None, "200.00")])
    log.order_status("o-1", "s-1", "received", "1000.00", "1000.00",
                     from_status="partially_received")
    return first


def test_two_partial_receipts_one_late_is_fifty_percent_on_time_and_spend_by_category(db):
    log = Procurement()
    first = two_partial_receipts(log)
    apply(db, *first)
    assert rows(db, queries.commitments) == [{
        "supplier_id": "s-1", "supplier_name": "Acme", "currency": "EUR", "orders": 1,
        "total": "1000.00", "accepted_value": "400.00", "committed": "600.00"}]
    apply(db, *log.events[len(first):])
    assert rows(db, queries.on_time, **MARCH) == [{
        "period": "2026-03-01", "supplier_id": "s-1", "supplier_name": "Acme", "receipts": 2,
        "on_time": 1, "late": 1, "on_time_rate": "50.00"}]
    spend = rows(db, queries.spend, group_by=["supplier_id", "category"], **MARCH)
    assert [(r["category"], r["currency"], r["spend"], r["receipts"]) for r in spend] == [
        ("parts", "EUR", "800.00", 2), ("uncategorised", "EUR", "200.00", 1)]
    assert rows(db, queries.commitments) == []            # received: nothing left committed
    card = rows(db, queries.scorecards)[0]
    assert (card["receipts"], card["on_time"], card["on_time_rate"], card["spend"]) == (
        2, 1, "50.00", [{"currency": "EUR", "amount": "1000.00"}])


def test_a_second_partial_receipt_that_moves_no_status_still_lowers_the_commitment(db):
    log = Procurement()
    log.order_status("o-1", "s-1", "sent", "1000.00")
    log.received("r-1", "o-1", "s-1", date(2026, 3, 9), date(2026, 3, 10), [("l", "x", "100")])
    log.order_status("o-1", "s-1", "partially_received", "1000.00", "100.00", from_status="sent")
    log.received("r-2", "o-1", "s-1", date(2026, 3, 9), date(2026, 3, 10), [("l", "x", "50")])
    apply(db, *log.events)
    assert rows(db, queries.commitments)[0]["committed"] == "850.00"


def test_a_cancelled_order_commits_nothing_and_currencies_stay_apart(db):
    log = Procurement()
    log.supplier("s-1", "Acme")
    log.order_status("o-eur", "s-1", "sent", "1000.00")
    log.order_status("o-usd", "s-1", "sent", "250.50", currency="USD")
    log.order_status("o-gone", "s-1", "sent", "999.99")
    log.received("r-1", "o-usd", "s-1", date(2026, 3, 3), date(2026, 3, 5),
                 [("l-1", "parts", "100.25")], currency="USD")
    log.received("r-2", "o-eur", "s-1", date(2026, 3, 3), date(2026, 3, 5),
                 [("l-2", "parts", "100.25")])
    apply(db, *log.events)
    assert {r["currency"]: r["committed"] for r in rows(db, queries.commitments)} == {
        "EUR": "1899.74", "USD": "150.25"}
    apply(db, log.order_status("o-gone", "s-1", "cancelled", "999.99", from_status="sent"))
    assert {r["currency"]: r["committed"] for r in rows(db, queries.commitments)} == {
        "EUR": "899.75", "USD": "150.25"}
    spend = rows(db, queries.spend, group_by=["supplier_id"], **MARCH)
    assert [(r["currency"], r["spend"]) for r in spend] == [("EUR", "100.25"), ("USD", "100.25")]


def test_approval_cycle_time_of_approved_and_rejected_requests_by_month(db):
    log = Procurement()
    log.approved("q-1", T0, T0 + 2 * H + timedelta(minutes=30))       # 2.5 h
    log.submitted("q-2", T0)
    log.approved("q-2", T0, T0 + H)                                    # 1 h
    log.approved("q-3", T0, T0 + 4 * H)                                # 4 h
    log.rejected("q-4", T0 + 3 * H)                                    # before its submission…
    log.submitted("q-4", T0)                                           # …is seen: 3 h
    log.approved("q-5", T0 + 40 * 24 * H, T0 + 41 * 24 * H)            # April
    log.submitted("q-6", T0)                                           # undecided
    apply(db, *log.events)
    got = rows(db, queries.approval_cycle, **MARCH)
    assert got == [{"period": "2026-03-01",
                    "approved": {"count": 3, "mean_hours": "2.50", "median_hours": "2.50"},
                    "rejected": {"count": 1, "mean_hours": "3.00", "median_hours": "3.00"}}]
    year = rows(db, queries.approval_cycle, granularity="total", **{"from": "2026-01-01",
                                                                    "to": "2026-12-31"})
    assert year[0]["approved"] == {"count": 4, "mean_hours": "7.88", "median_hours": "3.25"}


def test_scorecard_current_score_flag_status_and_history(db):
    log = Procurement()
    log.supplier("s-1", "Acme")
    log.evaluated("e-1", "s-1", "55.00", current=True)                 # under 60: flagged
    log.evaluated("e-old", "s-1", "90.00", current=False, period_end=date(2025, 12, 31))
    log.status("s-1", "on_hold")
    log.supplier("s-1", "Acme GmbH", status="on_hold", event="supplier_updated")
    apply(db, *log.events)
    card = rows(db, queries.scorecards)[0]
    assert (card["name"], card["status"], card["score"], card["flagged"]) == (
        "Acme GmbH", "on_hold", "55.00", True)
    assert {e["evaluation_id"]: e["current"] for e in card["evaluations"]} == {
        "e-1": True, "e-old": False}
    assert (card["receipts"], card["on_time_rate"], card["spend"]) == (0, None, [])
    apply(db, log.evaluated("e-2", "s-1", "70.00", current=True, period_end=date(2026, 3, 31)))
    card = rows(db, queries.scorecards, status="on_hold")[0]
    assert (card["score"], card["flagged"]) == ("70.00", False)
    assert rows(db, queries.scorecards, status="active") == []


def _all_reports(db):
    return {run.__name__: rows(db, run, **query) for run, query in (
        (queries.spend, {"group_by": ["period", "supplier_id", "category"], **MARCH}),
        (queries.commitments, {}), (queries.approval_cycle, MARCH),
        (queries.on_time, MARCH), (queries.scorecards, {}))}


def test_events_applied_twice_or_in_reverse_order_give_the_same_reports(db, fresh_db):
    log = Procurement()
    two_partial_receipts(log)
    log.evaluated("e-1", "s-1", "80.00", current=True)
    log.submitted("q-1", T0)
    log.rejected("q-1", T0 + H)
    apply(db, *log.events)
    want = _all_reports(db)
    apply(db, *log.events)
    assert _all_reports(db) == want
    other = fresh_db()
    apply(other, *reversed(log.events))
    assert _all_reports(other) == want


def test_who_reads_the_procurement_reports_and_bad_queries(db):
    assert {name: getattr(ReportingService, name) is not None for name in RPCS} == {
        name: True for name in RPCS}
    assert all(found.roles == ("manager", "buyer") for found in REPORTS)
    with pytest.raises(Invalid):
        report(db, queries.spend, group_by=["owner_id"])
    with pytest.raises(Invalid):
        report(db, queries.on_time, **{"from": "2026-03-02", "to": "2026-03-01"})
    with pytest.raises(Invalid):
        report(db, queries.commitments, currency=[])


# --- reconcile against procurement's own rows ---------------------------------------------------
def _procurement_rows(pdb, log):
    """An order and two receipts as procurement's tables hold them (their producers are being
    built), matching the events `two_partial_receipts` crafted."""
    with pdb.unit_of_work(actor="u-buyer") as uow:
        add = uow.session.add
        add(PurchaseOrder(id="o-1", number="PO-2026-00001", contract_id="c-1", request_id="q",
                          supplier_id="s-1", currency="EUR", total=Decimal("1000.00"),
                          accepted_value=Decimal("1000.00"), expected_on=date(2026, 3, 10),
                          status="received", created_by="u-buyer", created_at=T0,
                          updated_at=T0))
        for line, category in (("l-1", "parts"), ("l-2", None)):
            add(PurchaseOrderLine(id=line, order_id="o-1", position=int(line[-1]),
                                  contract_line_id="cl", item="x", unit="pcs", category=category,
                                  quantity=Decimal(1), unit_price=Decimal(1),
                                  line_total=Decimal(1), received_quantity=Decimal(1),
                                  rejected_quantity=Decimal(0)))
        for receipt, day, values in (("r-1", 9, (("l-1", "400.00"),)),
                                     ("r-2", 12, (("l-1", "400.00"), ("l-2", "200.00")))):
            add(GoodsReceipt(id=receipt, number=f"GR-{receipt}", order_id="o-1",
                             supplier_id="s-1", received_on=date(2026, 3, day),
                             on_time=day <= 10, accepted_value=sum(Decimal(v) for _l, v in values),
                             recorded_by="u-buyer", recorded_at=T0))
            for line, value in values:
                add(GoodsReceiptLine(id=f"{receipt}-{line}", receipt_id=receipt,
                                     order_line_id=line, quantity_received=Decimal(1),
                                     quantity_rejected=Decimal(0), accepted_value=Decimal(value)))


def _pages(pdb):
    with pdb.read_only() as session:
        return {reconcile.SUPPLIERS: kpis.supplier_kpis(session)["items"],
                reconcile.REQUESTS: kpis.request_kpis(session)["items"],
                reconcile.ORDERS: kpis.order_kpis(session)["items"],
                reconcile.RECEIPTS: kpis.receipt_kpis(session)["items"]}


def test_reconcile_against_procurements_own_rows_is_exact_and_finds_a_wrong_fact(db):
    pdb = proc.procurement_db()
    supplier = proc.new_supplier(pdb, name="Acme")
    proc.evaluate(pdb, supplier["id"], {"quality": 50, "price": 50,
                                        "service": 50})
    proc.evaluate(pdb, supplier["id"], {"quality": 90, "price": 90,
                                        "service": 90}, start="2025-01-01", end="2025-03-31")
    approved = proc.new_request(pdb)
    proc.approve(pdb, proc.MANAGER, approved["id"])
    rejected = proc.new_request(pdb)
    proc.reject(pdb, proc.MANAGER, rejected["id"])
    proc.new_request(pdb)                                        # pending: not decided
    with pdb.read_only() as session:
        published = [envelope(row, "procurement") for row in session.query(OutboxEvent)
                     .order_by(OutboxEvent.sequence)]
    apply(db, *published)
    log = Procurement()
    two_partial_receipts(log)
    for event in log.events[1:]:                                  # the supplier is the real one
        event["payload"] = {**event["payload"], "supplier_id": supplier["id"]}
        event["sequence"] += len(published)
    apply(db, *log.events[1:])
    _procurement_rows(pdb, log)
    with pdb.unit_of_work(actor="t") as uow:
        uow.session.execute(update(PurchaseOrder).values(supplier_id=supplier["id"]))
        uow.session.execute(update(GoodsReceipt).values(supplier_id=supplier["id"]))

    data = _pages(pdb)
    assert len(data[reconcile.REQUESTS]) == 2 and len(data[reconcile.RECEIPTS]) == 2
    with db.read_only() as session:
        want, have = reconcile.expected(session, data), reconcile.actual(session)
    assert differences(want, have, reconcile.KEYS) == []
    assert want["procurement.suppliers.flagged"][(supplier["id"],)] is True
    assert want["procurement.suppliers.on_time_rate"][(supplier["id"],)] == "50.00"
    assert want["procurement.spend"][(supplier["id"], "uncategorised", "EUR",
                                      "2026-03-01")] == "200.00"

    with db.unit_of_work(actor="bug") as uow:                    # a bug, simulated
        uow.session.execute(update(SupplierFact).values(flagged=False))
    with db.read_only() as session:
        found = differences(want, reconcile.actual(session), reconcile.KEYS)
    assert found == [{"kpi": "procurement.suppliers.flagged", "key": {"supplier_id": supplier["id"]},
                      "expected": True, "actual": False}]


def test_an_order_evaluation_reaches_the_scorecard_and_reconciles_with_its_order(db, clock):  # noqa: F811
    """Procurement's real handlers: an order received late then evaluated (current: its last
    receipt is the supplier's latest as_of); the scorecard names the order, no period, and
    the reconcile compares the order each evaluation is of."""
    pdb = proc.procurement_db()
    found = orders.contract(pdb, lines=[("Toner", "2", "10.00", "parts")])
    placed = orders.order(pdb, found["id"], send=True, expected_on="2026-03-10")
    orders.receive(pdb, placed["id"], [(placed["lines"][0]["id"], "2", "0")],
                   received_on=date(2026, 3, 12))
    sid = found["supplier_id"]
    proc.evaluate(pdb, sid, {"quality": 80, "price": 80, "service": 80},
                  start="2026-01-01", end="2026-02-28")
    scored = proc.write(pdb, proc.BUYER, evaluation.evaluate_supplier, sid, {
        "order_id": placed["id"], "scores": [{"criterion": key, "score": "80"}
                                             for key in ("quality", "price", "service")]})
    assert (scored["weighted_score"], scored["current"]) == ("56.00", True)   # on time: 0
    with pdb.read_only() as session:
        apply(db, *[envelope(row, "procurement") for row in session.query(OutboxEvent)
                    .order_by(OutboxEvent.sequence)])
    card = rows(db, queries.scorecards)[0]
    assert (card["score"], card["flagged"]) == ("56.00", True)
    assert [(e["order_id"], e["period_end"], e["current"]) for e in card["evaluations"]] == [
        (placed["id"], None, True), (None, "2026-02-28", False)]
    data = _pages(pdb)
    with db.read_only() as session:
        want = reconcile.expected(session, data)
        assert differences(want, reconcile.actual(session), reconcile.KEYS) == []
    assert want["procurement.evaluations.order_id"][(scored["id"],)] == placed["id"]
    with db.unit_of_work(actor="bug") as uow:                    # a bug, simulated
        uow.session.execute(update(EvaluationFact).values(order_id=None))
    with db.read_only() as session:
        assert differences(want, reconcile.actual(session), reconcile.KEYS) == [
            {"kpi": "procurement.evaluations.order_id", "key": {"evaluation_id": scored["id"]},
             "expected": placed["id"], "actual": None}]
