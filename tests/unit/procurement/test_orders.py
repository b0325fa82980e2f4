"""Purchase orders: placed under an active contract of an active supplier (numbered without
gaps, the contract's unit prices, exact totals, never more than a contract line has left —
409 — and by default all of it), expected on the contract's delivery date unless told; the
moves a person makes (409 naming the allowed ones, reasons where required), a cancellation
giving its quantities back; every move published; scopes."""
from decimal import Decimal

import pytest

from services.chassis.errors import Conflict, Invalid, NotFound
from services.procurement.orders import statuses
from services.procurement.orders.handlers import lists
from tests.unit.procurement.orders_support import (EXPECTED, clock, contract,  # noqa: F401
                                                   get_order, move, order)
from tests.unit.procurement.support import (BUYER, MANAGER, REP, events, new_request,
                                            procurement_db, read, supplier_status)


@pytest.fixture
def db(clock):  # noqa: F811
    return procurement_db()


def _ordered(db, contract_id):
    from services.procurement.orders.models import PurchaseContractLine
    with db.read_only() as session:
        return [line.ordered_quantity for line in session.query(PurchaseContractLine)
                .filter_by(contract_id=contract_id).order_by(PurchaseContractLine.position)]


def test_the_manual_moves_and_who_needs_a_reason():
    assert statuses.MANUAL[statuses.DRAFT] == (statuses.SENT, statuses.CANCELLED)
    assert statuses.MANUAL[statuses.SENT] == (statuses.CANCELLED,)
    assert statuses.MANUAL[statuses.PARTIALLY_RECEIVED] == (statuses.CLOSED,)
    assert statuses.MANUAL[statuses.RECEIVED] == (statuses.CLOSED,)
    assert statuses.MANUAL[statuses.CLOSED] == statuses.MANUAL[statuses.CANCELLED] == ()
    assert statuses.needs_reason(statuses.SENT, statuses.CANCELLED)
    assert statuses.needs_reason(statuses.PARTIALLY_RECEIVED, statuses.CLOSED)
    assert not statuses.needs_reason(statuses.RECEIVED, statuses.CLOSED)
    assert not statuses.needs_reason(statuses.DRAFT, statuses.SENT)


def test_an_order_takes_everything_left_at_the_contract_prices(db):
    found = contract(db)
    placed = order(db, found["id"])
    assert (placed["number"], placed["status"], placed["expected_on"]) == (
        "PO-2026-00001", "draft", EXPECTED.isoformat())
    assert placed["total"] == "1199.89" and placed["accepted_value"] == "0.00"
    assert [(line["quantity"], line["unit_price"], line["line_total"], line["category"])
            for line in placed["lines"]] == [("10.000", "19.99", "199.90", "Office supplies"),
                                             ("3.000", "333.33", "999.99", "Furniture")]
    assert _ordered(db, found["id"]) == [Decimal("10"), Decimal("3")]
    [(_, created)] = events(db, "purchase_order_created")
    assert (created["number"], created["total"], created["status"], created["supplier_id"]) == (
        "PO-2026-00001", "1199.89", "draft", found["supplier_id"])
    with pytest.raises(Conflict) as nothing_left:
        order(db, found["id"])
    assert "ordered already" in nothing_left.value.message
    assert order(db, contract(db)["id"])["number"] == "PO-2026-00002"


def test_part_of_a_line_never_more_than_remains(db):
    found = contract(db)
    toner, desk = found["lines"]
    first = order(db, found["id"], lines=[{"contract_line_id": toner, "quantity": "2.5"}],
                  expected_on="2026-05-02")
    assert (first["total"], first["expected_on"]) == ("49.98", "2026-05-02")   # 49.975 half up
    with pytest.raises(Conflict) as too_much:
        order(db, found["id"], lines=[{"contract_line_id": toner, "quantity": "7.501"}])
    assert too_much.value.details == {"id": toner, "remaining": "7.500"}
    rest = order(db, found["id"], lines=[{"contract_line_id": toner},
                                         {"contract_line_id": desk, "quantity": "1"}])
    assert [line["quantity"] for line in rest["lines"]] == ["7.500", "1.000"]
    assert _ordered(db, found["id"]) == [Decimal("10"), Decimal("1")]
    with pytest.raises(Conflict) as none_left:
        order(db, found["id"], lines=[{"contract_line_id": toner}])
    assert none_left.value.details == {"id": toner, "remaining": "0.000"}
    assert "nothing left to order" in none_left.value.message
    for lines, message in (([{"contract_line_id": "nope"}], "not a line"),
                           ([{"contract_line_id": desk}, {"contract_line_id": desk}], "twice")):
        with pytest.raises(Invalid) as wrong:
            order(db, found["id"], lines=lines)
        assert message in wrong.value.details["lines"][0]
    assert len(events(db, "purchase_order_created")) == 2


def test_only_active_contracts_and_suppliers_and_a_date_to_expect(db):
    with pytest.raises(NotFound):
        order(db, "no-such-contract")
    closed = contract(db, status="completed")
    with pytest.raises(Conflict) as refused:
        order(db, closed["id"])
    assert refused.value.details == {"id": closed["id"], "allowed": ["active"]}
    undated = contract(db, delivery_date=None)
    with pytest.raises(Invalid) as no_date:
        order(db, undated["id"])
    assert "expected_on" in no_date.value.details
    assert order(db, undated["id"], expected_on="2026-06-01")["expected_on"] == "2026-06-01"
    held = contract(db)
    supplier_status(db, BUYER, held["supplier_id"], "on_hold", "Late twice")
    with pytest.raises(Conflict) as on_hold:
        order(db, held["id"])
    assert on_hold.value.details == {"id": held["supplier_id"], "allowed": ["active"]}
    assert "is on_hold" in on_hold.value.message
    assert _ordered(db, held["id"]) == [Decimal("0"), Decimal("0")]


def test_send_cancel_close_and_illegal_moves(db):
    found = contract(db)
    placed = order(db, found["id"], send=True)
    assert placed["status"] == "sent" and placed["sent_at"]
    with pytest.raises(Conflict) as illegal:
        move(db, placed["id"], "closed")
    assert illegal.value.details == {"id": placed["id"], "allowed": ["cancelled"]}
    with pytest.raises(Invalid):
        move(db, placed["id"], "cancelled")                 # no reason
    cancelled = move(db, placed["id"], "cancelled", "Supplier cannot deliver")
    assert (cancelled["status"], cancelled["status_reason"]) == ("cancelled",
                                                                 "Supplier cannot deliver")
    assert _ordered(db, found["id"]) == [Decimal("0"), Decimal("0")]     # released
    moved = [(p["from_status"], p["to_status"], p["reason"], p["accepted_value"])
             for _, p in events(db, "purchase_order_status_changed")]
    assert moved == [("draft", "sent", None, "0.00"),
                     ("sent", "cancelled", "Supplier cannot deliver", "0.00")]
    with pytest.raises(Conflict) as final:
        move(db, placed["id"], "sent")
    assert final.value.details["allowed"] == []
    again = order(db, found["id"])                          # the released quantities
    assert again["total"] == "1199.89"


def test_scopes_and_filters(db):
    teams = contract(db, request_id=new_request(db, REP)["id"])
    placed = order(db, teams["id"])
    other = order(db, contract(db)["id"])
    # a manager sees the orders of the requests they see (their team's), nobody else's
    assert get_order(db, placed["id"], principal=MANAGER)["id"] == placed["id"]
    with pytest.raises(NotFound):
        get_order(db, other["id"], principal=MANAGER)
    assert [o["id"] for o in read(db, lists.list_orders, MANAGER, {})["items"]] == [placed["id"]]
    listed = read(db, lists.list_orders, BUYER, {"supplier_id": teams["supplier_id"]})
    assert [o["id"] for o in listed["items"]] == [placed["id"]]
    assert [o["id"] for o in read(db, lists.list_orders, BUYER, {})["items"]] == [
        other["id"], placed["id"]]
    page = read(db, lists.list_orders, BUYER, {"limit": 1})
    following = read(db, lists.list_orders, BUYER, {"limit": 1, "cursor": page["next_cursor"]})
    assert [o["id"] for o in following["items"]] == [placed["id"]]
    assert read(db, lists.list_orders, BUYER, {"status": "sent"})["items"] == []
    assert [o["id"] for o in read(db, lists.list_orders, BUYER, {
        "contract_id": teams["id"], "status": "draft"})["items"]] == [placed["id"]]
