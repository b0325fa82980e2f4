"""Invoices from a won deal: lines copied, gapless numbers per year, due date from the payment
terms, one live invoice per deal, scopes like deals, cancellation while unpaid."""
from datetime import timedelta

import pytest

from services.chassis.errors import Conflict, Invalid, NotFound
from services.sales.cash.handlers import invoices
from services.sales.deals.handlers import moves
from services.sales.documents.handlers import numbering
from tests.unit.sales.cash_support import invoice, pay, read, won_deal
from tests.unit.sales.support import (ADMIN, MANAGER, REP_A, REP_B, REP_C, call, deal, events,
                                      product)


def test_a_won_deal_is_invoiced_with_its_lines_and_default_dates(db, monkeypatch):
    monkeypatch.setenv("SALES_PAYMENT_TERMS_DAYS", "14")
    won = won_deal(db, price="33.33", quantity=3)
    issued = invoice(db, deal_id=won["id"])
    today = invoices.today()
    assert issued["number"] == f"INV-{today.year}-00001"
    assert (issued["status"], issued["total"], issued["paid"], issued["outstanding"]) == (
        "issued", "99.99", "0.00", "99.99")
    assert (issued["deal_id"], issued["customer_id"], issued["owner_id"], issued["currency"]) == (
        won["id"], won["customer_id"], REP_A.user_id, "USD")
    assert issued["issued_on"] == today.isoformat()
    assert issued["due_on"] == (today + timedelta(days=14)).isoformat()
    assert [(line["quantity"], line["unit_price"], line["total"]) for line in issued["lines"]] == [
        (3, "33.33", "99.99")]
    assert issued["payments"] == [] and issued["overdue"] is False
    [(_, payload)] = events(db, "invoice_issued")
    assert payload["number"] == issued["number"] and payload["total"] == "99.99"
    assert payload["issued_on"] == today.isoformat() and payload["issued_by"] == REP_A.user_id
    assert payload["lines"][0]["total"] == "99.99" and payload["order_id"] is None


def test_numbers_are_gapless_per_year_and_a_refused_issue_gives_nothing_away(db):
    first = invoice(db, issued_on="2025-12-31")
    with pytest.raises(Invalid):
        invoice(db, issued_on="2025-06-01", due_on="2025-05-01")     # due before issue
    second = invoice(db, issued_on="2025-03-01", due_on="2025-03-01")
    third = invoice(db, issued_on="2026-01-02")
    assert [first["number"], second["number"], third["number"]] == [
        "INV-2025-00001", "INV-2025-00002", "INV-2026-00001"]
    assert first["due_on"] == "2026-01-30"
    with db.unit_of_work() as uow:             # any document kind has its own sequence
        assert numbering.next_number(uow.session, "Q", 2025) == "Q-2025-00001"


def test_only_a_won_deal_once_and_only_in_scope(db):
    open_deal = deal(db, REP_A, lines=[{"product_id": product(db)["id"], "quantity": 1}])
    with pytest.raises(Conflict):
        invoice(db, deal_id=open_deal["id"])
    won = won_deal(db, REP_A)
    for outsider in (REP_B, REP_C):
        with pytest.raises(NotFound):
            invoice(db, outsider, deal_id=won["id"])
    issued = invoice(db, MANAGER, deal_id=won["id"])       # a manager for the team's rep
    assert issued["owner_id"] == REP_A.user_id
    with pytest.raises(Conflict) as twice:
        invoice(db, deal_id=won["id"])
    assert twice.value.details["number"] == issued["number"]
    empty = deal(db, REP_A)
    call(db, moves.move_deal, REP_A, empty["id"], {"stage": "won"})
    with pytest.raises(Conflict):
        invoice(db, deal_id=empty["id"])                    # nothing to invoice
    for bad in ({}, {"deal_id": won["id"], "order_id": "o-1"}, {"deal_id": won["id"], "x": 1}):
        with pytest.raises(Invalid):
            call(db, invoices.issue_invoice, REP_A, bad)
    assert len(events(db, "invoice_issued")) == 1


def test_scoped_reads_lists_and_filters(db):
    mine = invoice(db, REP_A)
    theirs = invoice(db, REP_B)
    other_team = invoice(db, REP_C)

    def listed(principal, **query):
        return {i["id"] for i in call(db, invoices.list_invoices, principal, query,
                                      write=False)["items"]}
    assert listed(REP_A) == {mine["id"]}
    assert listed(MANAGER) == {mine["id"], theirs["id"]}
    assert listed(ADMIN) == {mine["id"], theirs["id"], other_team["id"]}
    assert listed(ADMIN, deal_id=theirs["deal_id"]) == {theirs["id"]}
    assert listed(ADMIN, customer_id="nobody") == set()
    pay(db, mine["id"], "1.00")
    assert listed(MANAGER, status="partially_paid") == {mine["id"]}
    with pytest.raises(NotFound):
        read(db, other_team["id"], MANAGER)
    with pytest.raises(Invalid):
        call(db, invoices.list_invoices, ADMIN, {"status": "lost"}, write=False)
    page = call(db, invoices.list_invoices, ADMIN, {"limit": 2}, write=False)
    rest = call(db, invoices.list_invoices, ADMIN, {"limit": 2, "cursor": page["next_cursor"]},
                write=False)
    assert len(page["items"]) == 2 and len(rest["items"]) == 1 and rest["next_cursor"] is None


def test_overdue_filter_is_live(db):
    late = invoice(db, issued_on="2020-01-01")
    current = invoice(db)
    paid_late = invoice(db, issued_on="2020-01-01")
    pay(db, paid_late["id"], paid_late["total"])
    query = {"overdue": True}
    assert [i["id"] for i in call(db, invoices.list_invoices, ADMIN, query, write=False)["items"]] \
        == [late["id"]]
    assert [i["id"] for i in call(db, invoices.list_overdue_invoices, ADMIN, {},
                                  write=False)["items"]] == [late["id"]]
    not_overdue = call(db, invoices.list_invoices, ADMIN, {"overdue": False}, write=False)
    assert {i["id"] for i in not_overdue["items"]} == {current["id"], paid_late["id"]}
    assert read(db, late["id"])["overdue"] is True


def test_cancel_only_while_unpaid(db):
    unpaid, partly = invoice(db), invoice(db)
    pay(db, partly["id"], "0.01")
    with pytest.raises(Conflict):
        call(db, invoices.cancel_invoice, REP_A, partly["id"], {"reason": "wrong"})
    with pytest.raises(Invalid):
        call(db, invoices.cancel_invoice, REP_A, unpaid["id"], {})
    cancelled = call(db, invoices.cancel_invoice, REP_A, unpaid["id"], {"reason": "Typo"})
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "Typo")
    [(_, payload)] = events(db, "invoice_cancelled")
    assert (payload["number"], payload["reason"], payload["cancelled_by"]) == (
        unpaid["number"], "Typo", REP_A.user_id)
    with pytest.raises(Conflict):
        pay(db, unpaid["id"], "1.00")
    again = invoice(db, deal_id=unpaid["deal_id"])          # a cancelled one may be replaced
    assert again["number"] != unpaid["number"]


def test_a_won_deal_without_a_customer_is_refused(db):
    from services.sales.models import Deal
    won = won_deal(db)
    with db.unit_of_work() as uow:
        uow.session.get(Deal, won["id"]).customer_id = None     # as an imported deal may be
    with pytest.raises(Conflict) as error:
        invoice(db, deal_id=won["id"])
    assert "customer" in error.value.message
