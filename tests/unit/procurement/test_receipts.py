"""Goods receipts: against sent or partially received orders only (409 otherwise); dated not
after the service's today; per line received and rejected (rejected ≤ received, the accepted
total never above the ordered quantity: 422, nothing changed); numbered; on time when on or
before the order's expected date; the accepted value exact, half up; the order partially
received then received (goods_received, then the status move), short-closed with a reason;
the contract completed once all of it is ordered and every order is done."""
from datetime import date, timedelta

import pytest

from services.chassis.errors import Conflict, Invalid
from services.procurement.orders.handlers import receipts
from tests.unit.procurement.orders_support import (EXPECTED, TODAY, clock, contract,  # noqa: F401
                                                   get_order, move, order, receive)
from tests.unit.procurement.support import BUYER, events, procurement_db, read

ORDER_EVENTS = ("goods_received", "purchase_order_status_changed",
                "purchase_contract_status_changed")


@pytest.fixture
def db(clock):  # noqa: F811
    return procurement_db()


@pytest.fixture
def sent(db):
    found = contract(db)
    placed = order(db, found["id"], send=True)
    return {**placed, "toner": placed["lines"][0]["id"], "desk": placed["lines"][1]["id"]}


def test_two_receipts_one_late_then_received_and_the_contract_completed(db, sent):
    first = receive(db, sent["id"], [(sent["toner"], "4", "1"), (sent["desk"], "1", "0")],
                    received_on=EXPECTED, note="Box 1 of 2")
    assert (first["number"], first["on_time"], first["received_on"]) == (
        "GR-2026-00001", True, "2026-03-31")
    assert first["accepted_value"] == "393.30"          # 3 × 19.99 + 1 × 333.33
    assert [line["accepted_value"] for line in first["lines"]] == ["59.97", "333.33"]
    now = get_order(db, sent["id"])
    assert (now["status"], now["accepted_value"]) == ("partially_received", "393.30")
    assert [(line["received_quantity"], line["rejected_quantity"], line["accepted_quantity"])
            for line in now["lines"]] == [("4.000", "1.000", "3.000"), ("1.000", "0.000", "1.000")]

    late = receive(db, sent["id"], [(sent["toner"], "7", "0"), (sent["desk"], "2", "0")],
                   received_on=EXPECTED + timedelta(days=1))
    assert (late["number"], late["on_time"], late["accepted_value"]) == (
        "GR-2026-00002", False, "806.59")                # 139.93 + 666.66
    done = get_order(db, sent["id"])
    assert (done["status"], done["accepted_value"], done["total"]) == (
        "received", "1199.89", "1199.89")
    published = [(kind, p.get("to_status"), p.get("on_time")) for kind, p in
                 events(db, *ORDER_EVENTS)]
    assert published == [
        ("purchase_order_status_changed", "sent", None),
        ("goods_received", None, True), ("purchase_order_status_changed", "partially_received",
                                         None),
        ("goods_received", None, False), ("purchase_order_status_changed", "received", None),
        ("purchase_contract_status_changed", "completed", None)]
    [(_, received)] = events(db, "goods_received")[1:]
    assert (received["order_number"], received["expected_on"], received["lines"][0]) == (
        sent["number"], "2026-03-31",
        {"order_line_id": sent["toner"], "category": "Office supplies",
         "quantity_received": "7.000", "quantity_rejected": "0.000", "unit_price": "19.99",
         "accepted_value": "139.93"})
    assert [r["number"] for r in read(db, receipts.list_receipts, BUYER, sent["id"],
                                      {})["items"]] == ["GR-2026-00001", "GR-2026-00002"]
    closed = move(db, sent["id"], "closed")
    assert closed["status"] == "closed" and closed["finished_at"]
    with pytest.raises(Conflict) as after:
        receive(db, sent["id"], [(sent["toner"], "1", "0")])
    assert after.value.details == {"id": sent["id"],
                                   "allowed": ["sent", "partially_received"]}


def test_bad_receipts_change_nothing(db, sent):
    for lines, message in (([(sent["toner"], "2", "3")], "rejected"),
                           ([(sent["toner"], "11", "0")], "too much"),
                           ([(sent["toner"], "12", "1.5")], "too much"),
                           ([("nope", "1", "0")], "not a line"),
                           ([(sent["desk"], "1", "0"), (sent["desk"], "1", "0")], "twice")):
        with pytest.raises(Invalid) as refused:
            receive(db, sent["id"], lines)
        assert message in " ".join(refused.value.details["lines"])
    with pytest.raises(Invalid) as future:
        receive(db, sent["id"], [(sent["toner"], "1", "0")], received_on=TODAY + timedelta(1))
    assert "future" in future.value.details["received_on"][0]
    assert receive(db, sent["id"], [(sent["toner"], "1", "0")])["received_on"] == str(TODAY)
    # rejected goods do not count: all 10 may still be accepted after 2 came and 2 were refused
    receive(db, sent["id"], [(sent["toner"], "2", "2")])
    assert receive(db, sent["id"], [(sent["toner"], "9", "0")])["accepted_value"] == "179.91"
    assert len(events(db, "goods_received")) == 3
    assert get_order(db, sent["id"])["status"] == "partially_received"


def test_a_draft_is_not_received_and_a_short_close_needs_a_reason(db):
    found = contract(db)
    draft = order(db, found["id"])
    with pytest.raises(Conflict):
        receive(db, draft["id"], [(draft["lines"][0]["id"], "1", "0")])
    move(db, draft["id"], "sent")
    receive(db, draft["id"], [(draft["lines"][0]["id"], "1", "0")], received_on=date(2026, 4, 1))
    with pytest.raises(Invalid) as why:
        move(db, draft["id"], "closed")
    assert "before everything came" in why.value.details["reason"][0]
    with pytest.raises(Conflict):
        move(db, draft["id"], "cancelled", "Too late")   # goods came: not cancelled any more
    closed = move(db, draft["id"], "closed", "The rest is discontinued")
    assert (closed["status"], closed["accepted_value"]) == ("closed", "19.99")
    [(_, completed)] = events(db, "purchase_contract_status_changed")
    assert (completed["contract_id"], completed["from_status"], completed["to_status"]) == (
        found["id"], "active", "completed")


def test_a_contract_with_something_left_to_order_stays_active(db):
    found = contract(db)
    part = order(db, found["id"], send=True, lines=[{"contract_line_id": found["lines"][0]}])
    receive(db, part["id"], [(part["lines"][0]["id"], "10", "0")])
    assert get_order(db, part["id"])["status"] == "received"
    assert events(db, "purchase_contract_status_changed") == []
    rest = order(db, found["id"], send=True)
    assert [line["item"] for line in rest["lines"]] == ["Desk"]
    receive(db, rest["id"], [(rest["lines"][0]["id"], "3", "0")])
    assert len(events(db, "purchase_contract_status_changed")) == 1


def test_a_rejected_quantity_may_be_zero_and_the_document_says_what_is_accepted():
    import re

    from marshmallow import ValidationError

    from services.procurement.orders.schemas import QuantityOrZero

    field, pattern = QuantityOrZero(), re.compile(QuantityOrZero.json_schema["pattern"])
    for value in ("0", "0.0", "0.000", ".0", "0.001", "2.5", "999999999.999", "-0", "0.0001",
                  "00", "", "1.2345", "1000000000"):
        try:
            accepted = field.deserialize(value) is not None
        except ValidationError:
            accepted = False
        assert accepted == bool(pattern.match(value)), value
    assert field.deserialize(0) == 0 and field.deserialize("0") == 0
