"""Deal amounts from line items (exact decimals) and the scoped pipeline board."""
from decimal import Decimal

import pytest

from services.chassis.errors import Conflict, Invalid
from services.sales.deals.handlers import board, deals, lines, moves, pipeline
from tests.unit.sales.support import (ADMIN, MANAGER, REP_A, REP_B, REP_C, call, deal, events,
                                      product)


def test_line_total_rounds_half_up_per_line():
    assert lines.line_total(3, Decimal("33.33"), Decimal("10.00")) == Decimal("89.99")
    assert lines.line_total(1, Decimal("0.05"), Decimal("50.00")) == Decimal("0.03")
    assert lines.line_total(7, Decimal("4821.00"), Decimal("0")) == Decimal("33747.00")


def test_amount_is_the_sum_of_the_lines_with_list_price_default_and_discounts(db):
    gtx = product(db, "GTX Pro", "4821.00")
    mg = product(db, "MG Special", "55.00")
    created = deal(db, lines=[{"product_id": gtx["id"], "quantity": 2, "discount_percent": "12.5"},
                              {"product_id": mg["id"], "quantity": 3, "unit_price": "50.10"}])
    assert created["amount"] == "8587.05"          # 9642.00 × 0.875 = 8436.75, + 150.30
    assert [(line["unit_price"], line["total"]) for line in created["lines"]] == [
        ("4821.00", "8436.75"), ("50.10", "150.30")]
    assert (created["currency"], created["weighted_amount"]) == ("USD", "858.71")
    assert events(db, "deal_created")[0][1]["amount"] == "8587.05"


def test_bad_lines_are_422_per_line_and_nothing_is_stored(db):
    eur = product(db, "Euro thing", "10.00", currency="EUR")
    retired = product(db, "Old", "1.00", active=False)
    with pytest.raises(Invalid) as error:
        deal(db, lines=[{"product_id": eur["id"], "quantity": 1},
                        {"product_id": retired["id"], "quantity": 1},
                        {"product_id": "nope", "quantity": 1}])
    assert set(error.value.details["lines"]) == {"0", "1", "2"}
    for bad in ({"quantity": 0}, {"quantity": 1.5}, {"discount_percent": "101"},
                {"unit_price": 9.99}, {"unit_price": "-1"}):
        with pytest.raises(Invalid):
            deal(db, lines=[{"product_id": eur["id"], "quantity": 1, **bad}], currency="EUR")
    assert call(db, deals.list_deals, ADMIN, {}, write=False)["items"] == []
    assert [event_type for event_type, _ in events(db)] == ["product_created"] * 2   # no deal


def test_changing_lines_recomputes_the_amount_and_a_closed_deal_is_final(db):
    gtx = product(db)
    created = deal(db, lines=[{"product_id": gtx["id"], "quantity": 1}])
    updated = call(db, deals.update_deal, REP_A, created["id"],
                   {"lines": [{"product_id": gtx["id"], "quantity": 3, "discount_percent": "50"}]})
    assert updated["amount"] == "7231.50"
    assert events(db, "deal_updated")[0][1]["changed"] == ["amount", "lines"]
    call(db, moves.move_deal, REP_A, created["id"], {"stage": "won"})
    with pytest.raises(Conflict):
        call(db, deals.update_deal, REP_A, created["id"], {"name": "renamed"})


def test_board_groups_by_stage_with_weighted_sums_in_the_callers_scope(db):
    gtx = product(db, "GTX Pro", "100.00")
    eur = product(db, "Euro thing", "10.00", currency="EUR")
    a1 = deal(db, REP_A, lines=[{"product_id": gtx["id"], "quantity": 1}])
    deal(db, REP_A, lines=[{"product_id": gtx["id"], "quantity": 3}])
    b1 = deal(db, REP_B, lines=[{"product_id": eur["id"], "quantity": 5}], currency="EUR")
    deal(db, REP_C, lines=[{"product_id": gtx["id"], "quantity": 1000}])
    call(db, moves.move_deal, REP_A, a1["id"], {"stage": "negotiation"})
    call(db, moves.move_deal, REP_B, b1["id"], {"stage": "won"})

    def column(result, key):
        return next(c for c in result["stages"] if c["key"] == key)
    mine = call(db, board.pipeline_board, REP_A, {}, write=False)
    assert [c["key"] for c in mine["stages"]] == [
        "initial_contact", "needs_analysis", "proposal", "negotiation", "won", "lost"]
    assert column(mine, "initial_contact")["totals"] == [
        {"currency": "USD", "count": 1, "amount": "300.00", "weighted_amount": "30.00"}]
    assert column(mine, "negotiation")["totals"][0]["weighted_amount"] == "75.00"
    assert mine["totals"] == [{"currency": "USD", "count": 2, "amount": "400.00",
                               "weighted_amount": "105.00"}]
    team = call(db, board.pipeline_board, MANAGER, {}, write=False)
    assert column(team, "won")["totals"] == [
        {"currency": "EUR", "count": 1, "amount": "50.00", "weighted_amount": "50.00"}]
    assert sum(c["count"] for c in team["stages"]) == 3           # not rep C's
    everything = call(db, board.pipeline_board, ADMIN, {}, write=False)
    assert sum(c["count"] for c in everything["stages"]) == 4


def test_the_board_sums_each_deals_weighted_amount(db):
    """Half-up per deal, then summed: 3 × 0.01 at 50 % is 3 × 0.01 (as each deal shows it),
    not half-up(0.03 × 50 %) = 0.02 — so any grouping of the deals (reporting's funnel) adds
    up to the same."""
    penny = product(db, "Penny", "0.01")
    made = [deal(db, REP_A, lines=[{"product_id": penny["id"], "quantity": 1}])
            for _ in range(3)]
    call(db, pipeline.update_stage, ADMIN, "initial_contact", {"probability": 50})
    shown = call(db, deals.get_deal, REP_A, made[0]["id"], write=False)["weighted_amount"]
    column = call(db, board.pipeline_board, REP_A, {}, write=False)["stages"][0]
    assert (shown, column["totals"][0]["weighted_amount"]) == ("0.01", "0.03")


def test_the_board_and_the_list_narrow_alike_by_owner_product_and_close_date(db):
    gtx, mg = product(db, "GTX Pro", "100.00"), product(db, "MG Special", "10.00")
    early = deal(db, REP_A, lines=[{"product_id": gtx["id"], "quantity": 1}],
                 expected_close_date="2017-03-31")
    deal(db, REP_A, lines=[{"product_id": mg["id"], "quantity": 2}], expected_close_date="2017-06-30")
    deal(db, REP_A, lines=[{"product_id": gtx["id"], "quantity": 4}])              # no close date
    deal(db, REP_B, lines=[{"product_id": gtx["id"], "quantity": 8}], expected_close_date="2017-03-01")

    def shown(query):
        found = call(db, board.pipeline_board, MANAGER, query, write=False)
        listed = call(db, deals.list_deals, MANAGER, query, write=False)["items"]
        assert sum(c["count"] for c in found["stages"]) == len(listed)
        return found["totals"][0]["amount"] if found["totals"] else None, sorted(d["amount"] for d in listed)
    assert shown({"product_id": gtx["id"]}) == ("1300.00", ["100.00", "400.00", "800.00"])
    assert shown({"product_id": gtx["id"], "owner_id": REP_A.user_id}) == ("500.00", ["100.00", "400.00"])
    assert shown({"close_from": "2017-03-15", "close_to": "2017-12-31"}) == ("120.00", ["100.00", "20.00"])
    assert shown({"close_to": "2017-03-31", "owner_id": REP_A.user_id}) == ("100.00", [early["amount"]])
    assert shown({"product_id": "no-such-product"}) == (None, [])
    with pytest.raises(Invalid) as error:
        call(db, board.pipeline_board, MANAGER, {"close_from": "31.03.2017"}, write=False)
    assert "close_from" in error.value.details
