"""Evaluation: the default criteria until a buyer sets them (each key once; the change
published); a period's weighted score (Σ score × weight / Σ weight, half up to cents) with the
weights of the day kept; each criterion scored once and nothing else (422); one evaluation per
period (409); the supplier's score follows its latest period — under the threshold it is
flagged (supplier_flagged) and, if asked, put on hold; back above, the flag clears; a late
evaluation of an older period changes the history, not the score."""
from decimal import Decimal

import pytest

from services.chassis.errors import Conflict, Invalid
from services.procurement.evaluation import criteria, handlers as evaluation
from services.procurement.suppliers import handlers as suppliers
from tests.unit.procurement.support import (BUYER, evaluate, events, new_supplier,
                                            procurement_db, read, write)

# on_time_delivery is computed from receipts: none here, so it is left out and quality 40,
# price 20, service 10 count alone
GOOD = {"quality": "90", "price": "70", "service": "60"}
POOR = {"quality": "50", "price": "70", "service": "55.5"}


@pytest.fixture
def db():
    return procurement_db()


def test_the_weighted_score_is_exact_and_half_up():
    weights = {"a": 3, "b": 1, "c": 1}
    assert criteria.weighted({"a": Decimal("100"), "b": Decimal("0"), "c": Decimal("0.01")},
                             weights) == Decimal("60.00")           # 300.01 / 5 = 60.002
    assert criteria.weighted({"a": Decimal("0.01"), "b": Decimal("0"), "c": Decimal("0")},
                             {"a": 1, "b": 1, "c": 2}) == Decimal("0.00")   # 0.0025 → 0.00
    assert criteria.weighted({"a": Decimal("0.02")}, {"a": 1}) == Decimal("0.02")
    assert criteria.weighted({"a": Decimal("0.01"), "b": Decimal("0.01")},
                             {"a": 1, "b": 3}) == Decimal("0.01")


def test_default_criteria_then_configured_and_published(db):
    assert read(db, evaluation.get_criteria)["flag_threshold"] == "60.00"
    with pytest.raises(Invalid):
        write(db, BUYER, evaluation.set_criteria, {"flag_threshold": "70", "criteria": [
            {"key": "quality", "name": "Q", "weight": 1},
            {"key": "quality", "name": "Q2", "weight": 2}]})
    config = write(db, BUYER, evaluation.set_criteria, {"flag_threshold": "70", "criteria": [
        {"key": "quality", "name": "Quality", "weight": 3},
        {"key": "price", "name": "Price", "weight": 1}]})
    assert [c["key"] for c in config["criteria"]] == ["quality", "price"]
    assert config["flag_threshold"] == "70.00" and config["updated_by"] == BUYER.user_id
    [(_, payload)] = events(db, "evaluation_criteria_changed")
    assert payload["flag_threshold"] == "70.00" and len(payload["criteria"]) == 2


def test_an_evaluation_scores_each_criterion_once(db):
    sid = new_supplier(db)["id"]
    for scores, message in ((dict(GOOD, colour="1"), "colour"), ({"quality": "90"}, "Not scored")):
        with pytest.raises(Invalid) as refused:
            evaluate(db, sid, scores)
        assert message in " ".join(refused.value.details["scores"])
    with pytest.raises(Invalid):
        evaluate(db, sid, GOOD, start="2026-04-01", end="2026-03-31")
    with pytest.raises(Invalid):
        evaluate(db, sid, dict(GOOD, quality="100.5"))
    assert events(db, "supplier_evaluated") == []


def test_score_flag_hold_history_and_a_late_older_period(db):
    sid = new_supplier(db)["id"]
    first = evaluate(db, sid, GOOD)                       # (3600 + 1400 + 600) / 70 = 80
    assert (first["weighted_score"], first["below_threshold"], first["current"]) == (
        "80.00", False, True)
    supplier = read(db, suppliers.get_supplier, sid)
    assert (supplier["score"], supplier["flagged"]) == ("80.00", False)
    with pytest.raises(Conflict) as again:
        evaluate(db, sid, POOR)
    assert again.value.details == {"id": first["id"]}

    poor = evaluate(db, sid, POOR, start="2026-04-01", end="2026-06-30", hold_if_flagged=True)
    assert poor["weighted_score"] == "56.50" and poor["below_threshold"] is True  # 3955 / 70
    supplier = read(db, suppliers.get_supplier, sid)
    assert (supplier["score"], supplier["flagged"], supplier["status"]) == ("56.50", True,
                                                                           "on_hold")
    assert "56.50" in supplier["status_reason"]
    [(_, flagged)] = events(db, "supplier_flagged")
    assert (flagged["supplier_id"], flagged["weighted_score"], flagged["threshold"]) == (
        sid, "56.50", "60.00")

    late = evaluate(db, sid, GOOD, start="2025-10-01", end="2025-12-31")   # an older period
    assert late["current"] is False
    assert read(db, suppliers.get_supplier, sid)["score"] == "56.50"

    better = evaluate(db, sid, GOOD, start="2026-07-01", end="2026-09-30")
    assert better["current"] is True
    supplier = read(db, suppliers.get_supplier, sid)
    assert (supplier["score"], supplier["flagged"], supplier["status"]) == ("80.00", False,
                                                                           "on_hold")
    assert [p["evaluation_id"] for _, p in events(db, "supplier_flag_cleared")] == [better["id"]]
    history = read(db, evaluation.list_evaluations, sid, {})["items"]
    assert [e["id"] for e in history] == [better["id"], late["id"], poor["id"], first["id"]]
    assert [e["current"] for e in history] == [True, False, False, False]
    assert history[0]["scores"][0] == {"criterion": "quality", "score": "90.00", "weight": 40}


def test_weights_of_the_day_stay_with_an_evaluation(db):
    sid = new_supplier(db)["id"]
    before = evaluate(db, sid, GOOD)
    write(db, BUYER, evaluation.set_criteria, {"flag_threshold": "85", "criteria": [
        {"key": "quality", "name": "Quality", "weight": 1}]})
    after = evaluate(db, sid, {"quality": "90"}, start="2026-04-01", end="2026-06-30")
    assert after["weighted_score"] == "90.00" and after["threshold"] == "85.00"
    kept = read(db, evaluation.list_evaluations, sid, {})["items"][-1]
    assert kept["id"] == before["id"] and kept["weighted_score"] == "80.00"
    assert [s["weight"] for s in kept["scores"]] == [40, 20, 10]
