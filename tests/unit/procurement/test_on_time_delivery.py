"""On-time delivery is computed from goods receipts, not typed: a period evaluation scores it
100 × on-time receipts / receipts received in the period (half up to 2 decimals); typed, it is
a 422 saying so; with no receipts in the period it is left out (the evaluation says so, its
event's scores and weights omit it) and the other weights count alone; the supplier's on-time
rate over all its receipts."""
from datetime import date
from decimal import Decimal

import pytest

from services.chassis.errors import Invalid
from services.procurement.evaluation import handlers as evaluation, on_time
from tests.unit.procurement.orders_support import clock, contract, order, receive  # noqa: F401
from tests.unit.procurement.support import BUYER, evaluate, events, procurement_db, read, write

SCORES = {"quality": "90", "price": "70", "service": "60"}     # on_time_delivery: computed


@pytest.fixture
def db(clock):  # noqa: F811
    return procurement_db()


def _receipts(db, dates, expected_on="2026-02-15"):
    """One sent order per receipt date (one unit each), from one supplier; returns its id."""
    found = contract(db, lines=[("Toner", str(len(dates)), "10.00", None)])
    placed = order(db, found["id"], send=True, expected_on=expected_on)
    for received_on in dates:
        receive(db, placed["id"], [(placed["lines"][0]["id"], "1", "0")],
                received_on=date.fromisoformat(received_on))
    return found["supplier_id"]


def test_the_rate_is_exact_and_half_up():
    assert on_time.rate(0, 0) is None
    assert (on_time.rate(1, 3), on_time.rate(2, 3), on_time.rate(1, 8)) == (
        Decimal("33.33"), Decimal("66.67"), Decimal("12.50"))
    assert on_time.rate(3, 3) == Decimal("100.00") and on_time.rate(0, 7) == Decimal("0.00")


def test_typed_on_time_delivery_is_refused(db):
    supplier_id = contract(db)["supplier_id"]
    with pytest.raises(Invalid) as typed:
        evaluate(db, supplier_id, dict(SCORES, on_time_delivery="80"))
    [message] = typed.value.details["scores"]
    assert message.startswith("on_time_delivery: computed from the supplier's goods receipts")
    assert events(db, "supplier_evaluated") == []


def test_the_period_receipts_score_it(db):
    # in Q1: 2026-02-10 on time, 2026-03-01 late, 2026-02-15 on time (the day itself);
    # 2026-04-02 is outside the period
    supplier_id = _receipts(db, ["2026-02-10", "2026-03-01", "2026-02-15", "2026-04-02"])
    scored = evaluate(db, supplier_id, SCORES)          # 2026-01-01 – 2026-03-31
    assert scored["scores"][1] == {"criterion": "on_time_delivery", "score": "66.67",
                                   "weight": 30}
    assert scored["left_out"] == []
    # (90×40 + 66.67×30 + 70×20 + 60×10) / 100 = 76.001 → 76.00
    assert scored["weighted_score"] == "76.00"
    [(_, published)] = events(db, "supplier_evaluated")
    assert published["scores"]["on_time_delivery"] == "66.67"
    assert published["weights"]["on_time_delivery"] == 30
    assert read(db, evaluation.get_on_time_delivery, supplier_id) == {
        "supplier_id": supplier_id, "receipts": 4, "on_time": 2, "on_time_rate": "50.00"}


def test_no_receipts_in_the_period_leave_it_out(db):
    supplier_id = _receipts(db, ["2026-04-02"])
    scored = evaluate(db, supplier_id, SCORES)
    assert [s["criterion"] for s in scored["scores"]] == ["quality", "price", "service"]
    assert scored["left_out"] == [{"criterion": "on_time_delivery",
                                   "reason": on_time.NO_RECEIPTS}]
    assert scored["weighted_score"] == "80.00"          # (3600 + 1400 + 600) / 70
    [(_, published)] = events(db, "supplier_evaluated")
    assert "on_time_delivery" not in published["scores"]
    assert published["weights"] == {"quality": 40, "price": 20, "service": 10}
    history = read(db, evaluation.list_evaluations, supplier_id, {})["items"]
    assert history[0]["left_out"][0]["criterion"] == "on_time_delivery"


def test_on_time_delivery_alone_needs_receipts(db):
    write(db, BUYER, evaluation.set_criteria, {"flag_threshold": "60", "criteria": [
        {"key": "on_time_delivery", "name": "On-time delivery", "weight": 1}]})
    supplier_id = _receipts(db, ["2026-02-01", "2026-02-20"])
    with pytest.raises(Invalid) as nothing:
        evaluate(db, supplier_id, {}, start="2025-01-01", end="2025-12-31")
    assert "nothing to score" in nothing.value.details["period_end"][0]
    scored = evaluate(db, supplier_id, {})
    assert (scored["weighted_score"], scored["below_threshold"]) == ("50.00", True)
    assert read(db, evaluation.get_on_time_delivery, contract(db)["supplier_id"])[
        "on_time_rate"] is None
