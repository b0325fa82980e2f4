"""Contracts from an accepted quote or a won deal (term, value, renewal once by the timer with
its task), orders from a contract / accepted quote / won deal (lines copied; open or lost deal
refused), and an invoice issued from an order."""
import itertools
from datetime import date

import pytest

from services.chassis.errors import Conflict, Invalid, NotFound
from services.sales.cash.handlers import invoices
from services.sales.deals.handlers import moves
from services.sales.documents.handlers import contracts, orders, quotes
from tests.unit.sales.support import MANAGER, REP_A, REP_C, call, deal, events, product

_names = itertools.count(1)


def a_deal(db, stage=None, price="100.00", quantity=2):
    item = product(db, f"Doc item {next(_names)}", price)
    made = deal(db, REP_A, lines=[{"product_id": item["id"], "quantity": quantity}])
    if stage:
        data = {"stage": stage, **({"lost_reason": "Price"} if stage == "lost" else {})}
        made = call(db, moves.move_deal, REP_A, made["id"], data)
    return made


def accepted_quote(db):
    made = call(db, quotes.create_quote, REP_A, a_deal(db)["id"], {})
    call(db, quotes.send_quote, REP_A, made["id"])
    return call(db, quotes.accept_quote, REP_A, made["id"])


def test_a_contract_from_an_accepted_quote_takes_its_total_and_term(db):
    quote = accepted_quote(db)
    signed = call(db, contracts.sign_contract, REP_A, {
        "quote_id": quote["id"], "starts_on": "2026-01-15", "term_months": 12})
    assert (signed["number"], signed["value"], signed["ends_on"]) == (
        "C-2026-00001", "200.00", "2027-01-14")
    assert (signed["renewal_notice_days"], signed["quote_id"], signed["deal_id"]) == (
        30, quote["id"], quote["deal_id"])
    [(_, payload)] = events(db, "contract_signed")
    assert payload["value"] == "200.00" and payload["signed_by"] == REP_A.user_id


def test_contract_sources_are_checked(db):
    draft = call(db, quotes.create_quote, REP_A, a_deal(db)["id"], {})
    with pytest.raises(Conflict):
        call(db, contracts.sign_contract, REP_A, {"quote_id": draft["id"], "term_months": 1})
    with pytest.raises(Conflict):
        call(db, contracts.sign_contract, REP_A, {"deal_id": a_deal(db)["id"], "term_months": 1})
    won = a_deal(db, "won")
    with pytest.raises(NotFound):
        call(db, contracts.sign_contract, REP_C, {"deal_id": won["id"], "term_months": 1})
    with pytest.raises(Invalid):
        call(db, contracts.sign_contract, REP_A, {"deal_id": won["id"]})    # no term
    with pytest.raises(Invalid):
        call(db, contracts.sign_contract, REP_A, {"deal_id": won["id"], "starts_on": "2026-02-01",
                                                  "ends_on": "2026-01-01"})
    signed = call(db, contracts.sign_contract, MANAGER, {
        "deal_id": won["id"], "ends_on": "2026-12-31", "value": "150.00"})
    assert (signed["value"], signed["owner_id"]) == ("150.00", REP_A.user_id)
    assert len(events(db, "contract_signed")) == 1


def test_renewal_falls_due_once_with_its_task(db):
    won = a_deal(db, "won")
    signed = call(db, contracts.sign_contract, REP_A, {
        "deal_id": won["id"], "starts_on": "2026-01-01", "ends_on": "2026-12-31",
        "renewal_notice_days": 60})
    assert contracts.detect_renewals(db, on=date(2026, 10, 31)) == 0    # due on 2026-11-01
    assert contracts.detect_renewals(db, on=date(2026, 11, 1)) == 1
    assert contracts.detect_renewals(db, on=date(2026, 11, 3)) == 0     # once
    [(_, payload)] = events(db, "contract_renewal_due")
    assert (payload["id"], payload["ends_on"], payload["value"]) == (
        signed["id"], "2026-12-31", "200.00")
    [(_, task)] = events(db, "task_created")
    assert (task["origin"], task["assignee_id"]) == ("renewal", REP_A.user_id)


def test_orders_from_each_source_and_refused_for_open_or_lost_deals(db):
    for stage in (None, "lost"):
        with pytest.raises(Conflict) as refused:
            call(db, orders.place_order, REP_A, {"deal_id": a_deal(db, stage)["id"]})
        assert "won deal" in str(refused.value)
    from_deal = call(db, orders.place_order, REP_A, {"deal_id": a_deal(db, "won")["id"]})
    quote = accepted_quote(db)
    from_quote = call(db, orders.place_order, REP_A, {"quote_id": quote["id"]})
    signed = call(db, contracts.sign_contract, REP_A, {"quote_id": quote["id"],
                                                       "term_months": 12})
    from_contract = call(db, orders.place_order, REP_A, {"contract_id": signed["id"]})
    year = orders.utcnow().year
    assert [o["number"] for o in (from_deal, from_quote, from_contract)] == [
        f"O-{year}-00001", f"O-{year}-00002", f"O-{year}-00003"]
    assert (from_contract["contract_id"], from_contract["quote_id"]) == (signed["id"],
                                                                         quote["id"])
    assert from_quote["total"] == "200.00" and from_quote["lines"][0]["quantity"] == 2
    placed = [p for _, p in events(db, "order_placed")]
    assert [p["id"] for p in placed] == [from_deal["id"], from_quote["id"], from_contract["id"]]
    assert placed[0]["lines"][0]["total"] == "200.00"
    with pytest.raises(NotFound):
        call(db, orders.get_order, REP_C, from_deal["id"], write=False)
    listed = call(db, orders.list_orders, REP_A, {"deal_id": from_deal["deal_id"]}, write=False)
    assert [o["id"] for o in listed["items"]] == [from_deal["id"]]


def test_an_order_is_invoiced_once_with_its_lines(db):
    order = call(db, orders.place_order, REP_A, {"deal_id": a_deal(db, "won")["id"]})
    issued = call(db, invoices.issue_invoice, REP_A, {"order_id": order["id"]})
    assert (issued["order_id"], issued["deal_id"], issued["total"]) == (
        order["id"], order["deal_id"], "200.00")
    assert [line["total"] for line in issued["lines"]] == ["200.00"]
    with pytest.raises(Conflict):
        call(db, invoices.issue_invoice, REP_A, {"order_id": order["id"]})
    with pytest.raises(NotFound):
        call(db, invoices.issue_invoice, REP_A, {"order_id": "nope"})


def test_quotes_contracts_and_orders_listed_by_customer_within_the_callers_scope(db):
    """The customer 360 view asks sales for one customer's documents (customer_id filter)."""
    item = product(db, f"Doc item {next(_names)}", "50.00")
    theirs = {}
    for customer_id in ("c-1", "c-2"):
        made = deal(db, REP_A, customer_id=customer_id,
                    lines=[{"product_id": item["id"], "quantity": 1}])
        quote = call(db, quotes.create_quote, REP_A, made["id"], {})
        call(db, quotes.send_quote, REP_A, quote["id"])
        call(db, quotes.accept_quote, REP_A, quote["id"])
        signed = call(db, contracts.sign_contract, REP_A, {"quote_id": quote["id"],
                                                           "term_months": 12})
        order = call(db, orders.place_order, REP_A, {"contract_id": signed["id"]})
        theirs[customer_id] = (quote["id"], signed["id"], order["id"])
    for index, listing in enumerate((quotes.list_quotes, contracts.list_contracts,
                                     orders.list_orders)):
        for customer_id, ids in theirs.items():
            listed = call(db, listing, REP_A, {"customer_id": customer_id}, write=False)
            assert [row["id"] for row in listed["items"]] == [ids[index]], listing.__name__
        assert call(db, listing, REP_C, {"customer_id": "c-1"}, write=False)["items"] == []
