"""A supplier scored per order (issue 14: "per evaluation period or per order"): an order of
the supplier whose deliveries are over (received, or closed short after receipts) is evaluated
once — its on-time delivery is that order's receipts' on-time rate, never typed —, a second
evaluation of it is a 409 naming the first, an order not the supplier's (or none) a 422, an
order still open (draft, sent, partially received) or cancelled a 409 naming the statuses
allowed; a period and an order together, or neither, a 422. Its event names the order and no
period. Period and order evaluations share one history: the supplier's score is the one with
the latest `as_of` (a period's end, an order's last receipt)."""
from datetime import date

import pytest

from services.chassis.errors import Conflict, Invalid
from services.procurement.evaluation import handlers as evaluation
from services.procurement.suppliers import handlers as suppliers
from tests.unit.procurement.orders_support import (clock, contract, move, order,  # noqa: F401
                                                   receive)
from tests.unit.procurement.support import BUYER, evaluate, events, procurement_db, read, write

SCORES = {"quality": "90", "price": "70", "service": "60"}     # on_time_delivery: computed
LINES = [("Toner", "4", "10.00", "Office supplies")]


@pytest.fixture
def db(clock):  # noqa: F811
    return procurement_db()


def evaluate_order(db, supplier_id, order_id, scores=SCORES, **extra):
    body = {"order_id": order_id,
            "scores": [{"criterion": key, "score": value} for key, value in scores.items()],
            **extra}
    return write(db, BUYER, evaluation.evaluate_supplier, supplier_id, body)


def delivered(db, dates, quantities=None, supplier_id=None, expected_on="2026-03-10"):
    """A sent order of 4 toner expected on `expected_on`, received on `dates` (one unit each
    unless `quantities`); returns the order (its supplier_id too)."""
    found = contract(db, supplier_id=supplier_id, lines=LINES)
    placed = order(db, found["id"], send=True, expected_on=expected_on)
    line = placed["lines"][0]["id"]
    for day, quantity in zip(dates, quantities or ["1"] * len(dates), strict=True):
        receive(db, placed["id"], [(line, quantity, "0")], received_on=date.fromisoformat(day))
    return {**placed, "supplier_id": found["supplier_id"]}


def test_an_order_is_scored_from_its_own_receipts(db):
    # the order: on time on 9 March, late on 12 March (2 and 2 of 4 → received)
    placed = delivered(db, ["2026-03-09", "2026-03-12"], ["2", "2"])
    sid = placed["supplier_id"]
    other = delivered(db, ["2026-03-01"], ["4"], supplier_id=sid)   # on time, another order
    scored = evaluate_order(db, sid, placed["id"], comment="Second box late")
    assert (scored["order_id"], scored["period_start"], scored["period_end"], scored["as_of"]) \
        == (placed["id"], None, None, "2026-03-12")
    assert scored["scores"][1] == {"criterion": "on_time_delivery", "score": "50.00",
                                   "weight": 30}
    assert scored["left_out"] == []
    # (90×40 + 50×30 + 70×20 + 60×10) / 100 = 71.00
    assert (scored["weighted_score"], scored["current"]) == ("71.00", True)
    [(_, published)] = events(db, "supplier_evaluated")
    assert (published["order_id"], published["period_start"], published["period_end"]) == (
        placed["id"], None, None)
    assert published["scores"]["on_time_delivery"] == "50.00"
    supplier = read(db, suppliers.get_supplier, sid)
    assert (supplier["score"], supplier["flagged"]) == ("71.00", False)
    [change] = [c for c in read(db, suppliers.list_history, sid, {})["items"]
                if c["action"] == "evaluated"]
    assert change["reason"] == f"order {placed['number']}"
    # the other order, all on time: 100
    assert evaluate_order(db, sid, other["id"])["scores"][1]["score"] == "100.00"


def test_an_order_is_evaluated_once_and_a_retry_is_a_409_naming_it(db):
    placed = delivered(db, ["2026-03-09"], ["4"])
    first = evaluate_order(db, placed["supplier_id"], placed["id"])
    with pytest.raises(Conflict) as again:
        evaluate_order(db, placed["supplier_id"], placed["id"], {**SCORES, "quality": "10"})
    assert again.value.details == {"id": first["id"]}
    assert len(events(db, "supplier_evaluated")) == 1


def test_only_the_suppliers_finished_orders(db):
    placed = delivered(db, ["2026-03-09"], ["1"])                 # partially received
    sid = placed["supplier_id"]
    with pytest.raises(Conflict) as open_order:
        evaluate_order(db, sid, placed["id"])
    assert open_order.value.details == {"id": placed["id"], "allowed": ["received", "closed"]}
    sent = delivered(db, [], supplier_id=sid)
    with pytest.raises(Conflict):
        evaluate_order(db, sid, sent["id"])
    move(db, sent["id"], "cancelled", reason="Not needed")
    with pytest.raises(Conflict):
        evaluate_order(db, sid, sent["id"])
    stranger = delivered(db, ["2026-03-09"], ["4"])             # received, another supplier's
    for order_id in (stranger["id"], "no-such-order"):
        with pytest.raises(Invalid) as not_mine:
            evaluate_order(db, sid, order_id)
        assert not_mine.value.details == {"order_id": [evaluation.NOT_THE_SUPPLIERS]}
    assert events(db, "supplier_evaluated") == []
    move(db, placed["id"], "closed", reason="The rest will not come")   # short-closed
    closed = evaluate_order(db, sid, placed["id"])
    assert (closed["as_of"], closed["scores"][1]["score"]) == ("2026-03-09", "100.00")


def test_a_period_or_an_order_never_both_never_neither_and_on_time_never_typed(db):
    placed = delivered(db, ["2026-03-09"], ["4"])
    sid = placed["supplier_id"]
    with pytest.raises(Invalid) as both:
        evaluate_order(db, sid, placed["id"], period_start="2026-01-01",
                       period_end="2026-03-31")
    assert set(both.value.details) == {"period_start", "period_end"}
    with pytest.raises(Invalid) as neither:
        write(db, BUYER, evaluation.evaluate_supplier, sid, {"scores": []})
    assert set(neither.value.details) >= {"period_start", "period_end"}
    with pytest.raises(Invalid) as typed:
        evaluate_order(db, sid, placed["id"], {**SCORES, "on_time_delivery": "100"})
    assert typed.value.details["scores"][0].startswith("on_time_delivery: computed")
    assert events(db, "supplier_evaluated") == []


def test_period_and_order_evaluations_share_the_history_by_as_of(db):
    placed = delivered(db, ["2026-03-12"], ["4"])                 # late: 0 on time
    sid = placed["supplier_id"]
    q1 = evaluate(db, sid, SCORES)                                # 2026-01-01 – 2026-03-31
    by_order = evaluate_order(db, sid, placed["id"], hold_if_flagged=True)
    assert (by_order["as_of"], by_order["current"]) == ("2026-03-12", False)   # before Q1's end
    assert read(db, suppliers.get_supplier, sid)["score"] == q1["weighted_score"]
    later = delivered(db, ["2026-04-02"], ["4"], supplier_id=sid)   # late again
    poor = evaluate_order(db, sid, later["id"], {"quality": "40", "price": "40", "service": "40"},
                          hold_if_flagged=True)
    assert (poor["as_of"], poor["current"], poor["weighted_score"]) == ("2026-04-02", True,
                                                                       "28.00")
    supplier = read(db, suppliers.get_supplier, sid)
    assert (supplier["score"], supplier["flagged"], supplier["status"]) == ("28.00", True,
                                                                           "on_hold")
    assert later["number"] in supplier["status_reason"]
    history = read(db, evaluation.list_evaluations, sid, {})["items"]
    assert [(e["id"], e["current"]) for e in history] == [
        (poor["id"], True), (by_order["id"], False), (q1["id"], False)]
    q2 = evaluate(db, sid, SCORES, start="2026-04-01", end="2026-06-30")
    assert q2["current"] is True and q2["as_of"] == "2026-06-30"
