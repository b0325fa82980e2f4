"""Payments: exact cents, partial payments up to paid, overpayment refused (422, nothing
changed), a repeated client reference refused (409), the payment_received event; overdue
detection emits once per invoice; reporting's cash facts."""
from datetime import timedelta

import pytest

from services.chassis.errors import Conflict, Invalid, NotFound
from services.sales.cash.handlers import invoices, overdue
from services.sales.cash.handlers import reconcile as reconcile_cash
from tests.unit.sales.cash_support import invoice, pay, read, won_deal
from tests.unit.sales.support import MANAGER, REP_A, REP_B, REP_C, call, events


def test_partial_payments_in_exact_cents_until_paid(db):
    issued = invoice(db, deal_id=won_deal(db, price="0.10", quantity=3)["id"])   # 0.30
    assert issued["total"] == "0.30"
    first = pay(db, issued["id"], "0.10", method="card", reference="r-1", received_on="2026-01-05")
    assert (first["outstanding_after"], first["invoice_status"]) == ("0.20", "partially_paid")
    second = pay(db, issued["id"], "0.2")                                    # 0.1 + 0.2 = 0.3
    assert (second["outstanding_after"], second["invoice_status"]) == ("0.00", "paid")
    done = read(db, issued["id"])
    assert (done["status"], done["paid"], done["outstanding"]) == ("paid", "0.30", "0.00")
    assert [p["amount"] for p in done["payments"]] == ["0.10", "0.20"]
    received = [payload for _, payload in events(db, "payment_received")]
    assert [(p["amount"], p["outstanding_after"], p["invoice_status"]) for p in received] == [
        ("0.10", "0.20", "partially_paid"), ("0.20", "0.00", "paid")]
    assert received[0]["invoice_number"] == issued["number"]
    assert (received[0]["received_on"], received[0]["method"], received[0]["reference"]) == (
        "2026-01-05", "card", "r-1")
    assert received[1]["received_on"] == invoices.today().isoformat()
    assert received[0]["owner_id"] == issued["owner_id"] and received[0]["currency"] == "USD"


def test_overpaying_and_bad_amounts_are_refused_and_change_nothing(db):
    issued = invoice(db, deal_id=won_deal(db, price="100.00")["id"])
    pay(db, issued["id"], "60.00")
    with pytest.raises(Invalid) as error:
        pay(db, issued["id"], "40.01")
    assert "40.00" in error.value.details["amount"][0] and "40.00" in error.value.message
    tomorrow = (invoices.today() + timedelta(days=1)).isoformat()
    for bad in ({"amount": "0"}, {"amount": "-1"}, {"amount": 1.5}, {"amount": "1.001"},
                {"amount": "1", "currency": "EUR"}, {"amount": "1", "received_on": tomorrow},
                {"amount": "1", "method": "barter"}, {"amount": "1", "extra": True}):
        amount = bad.pop("amount")
        with pytest.raises(Invalid):
            pay(db, issued["id"], amount, **bad)
    state = read(db, issued["id"])
    assert (state["paid"], state["status"], len(state["payments"])) == (
        "60.00", "partially_paid", 1)
    pay(db, issued["id"], "40.00")
    with pytest.raises(Invalid):                      # paid: nothing is outstanding
        pay(db, issued["id"], "0.01")
    assert len(events(db, "payment_received")) == 2


def test_the_same_reference_twice_is_a_conflict_not_a_second_payment(db):
    issued = invoice(db, deal_id=won_deal(db, price="100.00")["id"])
    other = invoice(db, deal_id=won_deal(db, price="100.00")["id"])
    pay(db, issued["id"], "100.00", reference="BANK-42")
    with pytest.raises(Conflict) as error:              # a retry after it was paid in full
        pay(db, issued["id"], "100.00", reference="BANK-42")
    assert error.value.details["reference"] == "BANK-42"
    pay(db, other["id"], "10.00", reference="BANK-42")  # per invoice
    pay(db, other["id"], "10.00")
    pay(db, other["id"], "10.00")                       # no reference: no duplicate check
    assert len(read(db, issued["id"])["payments"]) == 1
    assert len(events(db, "payment_received")) == 4


def test_payments_follow_the_invoice_scope(db):
    issued = invoice(db)
    for outsider in (REP_B, REP_C):
        with pytest.raises(NotFound):
            pay(db, issued["id"], "1.00", principal=outsider)
    pay(db, issued["id"], "1.00", principal=MANAGER)
    assert len(call(db, invoices.list_payments, REP_A, issued["id"], write=False)) == 1
    with pytest.raises(NotFound):
        call(db, invoices.list_payments, REP_C, issued["id"], write=False)


def test_overdue_is_detected_once_per_invoice(db):
    late = invoice(db, issued_on="2020-01-01")                     # due 2020-01-31
    due_today = invoice(db, issued_on="2020-01-01", due_on=invoices.today().isoformat())
    paid_late = invoice(db, issued_on="2020-01-01")
    pay(db, paid_late["id"], paid_late["total"])
    assert overdue.detect_overdue(db) == 1
    assert overdue.detect_overdue(db) == 0                          # marked: not again
    [(_, payload)] = events(db, "invoice_overdue")
    assert (payload["id"], payload["number"], payload["outstanding"], payload["due_on"]) == (
        late["id"], late["number"], late["total"], "2020-01-31")
    assert read(db, late["id"])["overdue_at"] is not None
    assert read(db, due_today["id"])["overdue_at"] is None
    later = invoices.today() + timedelta(days=1)
    assert overdue.detect_overdue(db, on=later) == 1                # due_today's turn
    assert len(events(db, "invoice_overdue")) == 2


def test_a_second_marker_loses_the_conditional_update(db):
    late = invoice(db, issued_on="2020-01-01")
    on = invoices.today()
    with db.unit_of_work() as uow:
        assert overdue.mark_overdue(uow, late["id"], on) is True
    with db.unit_of_work() as uow:                                  # the other replica
        assert overdue.mark_overdue(uow, late["id"], on) is False
    assert len(events(db, "invoice_overdue")) == 1


def test_overdue_batches_cover_every_invoice(db):
    for _ in range(5):
        invoice(db, issued_on="2020-01-01")
    assert overdue.detect_overdue(db, batch=2) == 5
    assert len(events(db, "invoice_overdue")) == 5


def test_cash_facts_for_reconciliation(db):
    first = invoice(db, deal_id=won_deal(db, price="10.00")["id"], issued_on="2026-01-01")
    second = invoice(db, deal_id=won_deal(db, price="20.00")["id"])
    pay(db, first["id"], "2.50", received_on="2026-01-10")
    with db.read_only() as session:
        page = reconcile_cash.cash_facts(session, None, 1)
        rest = reconcile_cash.cash_facts(session, page["next_cursor"], 1)
        with pytest.raises(Invalid):
            reconcile_cash.cash_facts(session, None, 0)
    facts = {item["id"]: item for item in page["items"] + rest["items"]}
    assert rest["next_cursor"] is None and page["sequence"] == rest["sequence"] > 0
    assert facts[first["id"]] == {
        "id": first["id"], "number": first["number"], "deal_id": first["deal_id"],
        "order_id": None, "customer_id": first["customer_id"], "owner_id": first["owner_id"],
        "currency": "USD", "total": "10.00", "paid": "2.50", "issued_on": "2026-01-01",
        "due_on": "2026-01-31", "status": "partially_paid", "overdue_at": None,
        "payments": [{"id": facts[first["id"]]["payments"][0]["id"], "amount": "2.50",
                      "received_on": "2026-01-10"}]}
    assert facts[second["id"]]["paid"] == "0.00" and facts[second["id"]]["payments"] == []
