"""Target attainment per scope and measure (the target's currency only), pace at fixed clocks,
target_at_risk at most once per target per day, and reporting's target facts."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from services.sales.deals.handlers import deals, moves
from services.sales.targets.handlers import reconcile as reconcile_targets
from services.sales.targets.handlers import risk as target_risk
from services.sales.targets.handlers import targets
from services.sales.targets.handlers.periods import pace
from tests.unit.sales.cash_support import invoice, pay, won_deal
from tests.unit.sales.support import ADMIN, REP_A, REP_B, REP_C, call, deal, events, product
from tests.unit.sales.target_support import IN_MONTH, MONTH, read, target

UTC = timezone.utc


def test_won_revenue_per_scope_in_the_targets_currency_only(db):
    won_deal(db, REP_A, price="100.00", at=IN_MONTH)
    won_deal(db, REP_B, price="200.00", at=IN_MONTH)
    won_deal(db, REP_C, price="400.00", at=IN_MONTH)
    won_deal(db, REP_A, price="800.00", currency="EUR", at=IN_MONTH)     # EUR: not counted
    won_deal(db, REP_A, price="1600.00", at=IN_MONTH + timedelta(days=30))   # the next month
    item = product(db, "Open item", "5000.00")
    open_deal = deal(db, REP_A, lines=[{"product_id": item["id"], "quantity": 1}])
    lost = deal(db, REP_A, lines=[{"product_id": item["id"], "quantity": 1}])
    call(db, moves.move_deal, REP_A, lost["id"], {"stage": "lost", "lost_reason": "price"},
         IN_MONTH)
    assert open_deal["id"]
    company = target(db, amount="10000.00")
    eu = target(db, scope="region", scope_value="EU", amount="1000.00")
    rep_a = target(db, scope="rep", scope_value="u-rep-a", amount="500.00")
    rep_c = target(db, scope="rep", scope_value="u-rep-c", amount="500.00")
    assert read(db, company["id"])["attained"] == "700.00"
    assert read(db, eu["id"])["attained"] == "300.00"
    assert read(db, rep_a["id"])["attained"] == "100.00"
    assert read(db, rep_a["id"])["attainment_percent"] == 20.0
    assert read(db, rep_c["id"])["attained"] == "400.00"
    assert read(db, target(db, currency="EUR")["id"])["attained"] == "800.00"


def test_a_deal_won_outside_the_period_does_not_count(db):
    won_deal(db, REP_A, price="100.00", at=IN_MONTH)
    last_month = (MONTH - timedelta(days=1)).replace(day=1)
    assert read(db, target(db, period_start=last_month.isoformat())["id"])["attained"] == "0.00"
    year = date(MONTH.year, 1, 1)
    assert read(db, target(db, period_kind="year", period_start=year.isoformat())["id"])[
        "attained"] == "100.00"


def test_product_line_counts_the_won_deals_line_totals_of_that_series(db, product_series):
    made = call(db, deals.create_deal, REP_A, {
        "name": "mixed", "customer_id": "c-1", "currency": "USD",
        "lines": [{"product_id": product_series["GTX"]["id"], "quantity": 2},
                  {"product_id": product_series["MG"]["id"], "quantity": 3}]})
    call(db, moves.move_deal, REP_A, made["id"], {"stage": "won"}, IN_MONTH)
    gtx = target(db, scope="product_line", scope_value="GTX", amount="1000.00")
    mg = target(db, scope="product_line", scope_value="MG", amount="1000.00")
    assert read(db, gtx["id"])["attained"] == "200.00"
    assert read(db, mg["id"])["attained"] == "150.00"
    cash = target(db, scope="product_line", scope_value="GTX", amount="1000.00",
                  measure="cash_collected")
    assert read(db, cash["id"])["attained"] is None and read(db, cash["id"])["pace"] is None


def test_cash_collected_counts_payments_received_in_the_period_by_owner(db):
    received = IN_MONTH.date().isoformat()
    pay(db, invoice(db, REP_A)["id"], "300.00", received_on=received)
    pay(db, invoice(db, REP_C)["id"], "50.00", principal=REP_C, received_on=received)
    pay(db, invoice(db, REP_C)["id"], "70.00", principal=REP_C,
        received_on=(MONTH - timedelta(days=1)).isoformat())            # the month before
    company = target(db, measure="cash_collected")
    eu = target(db, scope="region", scope_value="EU", measure="cash_collected", amount="500.00")
    rep_c = target(db, scope="rep", scope_value="u-rep-c", measure="cash_collected",
                   amount="100.00")
    assert read(db, company["id"])["attained"] == "350.00"
    assert read(db, eu["id"])["attained"] == "300.00"
    assert read(db, rep_c["id"])["attained"] == "50.00"


@pytest.mark.parametrize("now, expected, percent, at_risk", [
    (datetime(2026, 4, 1, tzinfo=UTC), "0.00", None, False),              # nothing elapsed
    (datetime(2026, 4, 4, tzinfo=UTC), "100.00", 150, False),             # 10%: too early
    (datetime(2026, 4, 7, tzinfo=UTC), "200.00", 75, True),               # 20%, 150 < 160
    (datetime(2026, 4, 16, tzinfo=UTC), "500.00", 30, True),
    (datetime(2026, 5, 9, tzinfo=UTC), "1000.00", 15, True)])             # after: all of it
def test_pace_at_fixed_clocks(now, expected, percent, at_risk):
    found = pace(Decimal("1000.00"), Decimal("150.00"), date(2026, 4, 1), date(2026, 4, 30), now)
    assert (str(found["expected_by_now"]), found["pace_percent"], found["at_risk"]) == (
        expected, percent, at_risk)


def test_pace_respects_the_configured_ratio(monkeypatch):
    now = datetime(2026, 4, 16, tzinfo=UTC)                     # expected 500
    monkeypatch.setenv("SALES_TARGET_RISK_RATIO", "0.25")
    assert not pace(Decimal("1000"), Decimal("150"), date(2026, 4, 1), date(2026, 4, 30), now)[
        "at_risk"]


def test_a_reader_sees_the_pace_at_the_time_given(db):
    won_deal(db, REP_A, price="100.00", at=IN_MONTH)
    made = target(db, scope="rep", scope_value="u-rep-a", amount="1000.00")
    halfway = datetime(2025, 3, 16, 12, tzinfo=UTC)                # 15.5 of March's 31 days
    seen = call(db, targets.get_target, ADMIN, made["id"], halfway, write=False)["pace"]
    assert seen == {"elapsed_fraction": 0.5, "expected_by_now": "500.00", "pace_percent": 20,
                    "at_risk": True}
    (listed,) = call(db, targets.list_targets, ADMIN, {}, halfway, write=False)["items"]
    assert listed["pace"] == seen
    before = call(db, targets.get_target, ADMIN, made["id"], halfway - timedelta(days=30),
                  write=False)["pace"]
    assert (before["expected_by_now"], before["at_risk"]) == ("0.00", False)


def test_at_risk_is_announced_once_per_target_per_day_for_reps_and_regions(db):
    won_deal(db, REP_A, price="100.00", at=IN_MONTH)
    won_deal(db, REP_B, price="100.00", at=IN_MONTH)
    start = MONTH
    target(db, amount="100000.00")                               # company: not watched
    rep_a = target(db, scope="rep", scope_value="u-rep-a", amount="1000.00")
    eu = target(db, scope="region", scope_value="EU", amount="2000.00")
    on_track = target(db, scope="rep", scope_value="u-rep-b", amount="1.00")
    assert on_track
    noon = datetime.combine(start + timedelta(days=15), datetime.min.time(),
                            UTC) + timedelta(hours=12)
    assert target_risk.detect_at_risk(db, noon) == 2
    assert target_risk.detect_at_risk(db, noon + timedelta(hours=3)) == 0          # same day
    sent = {payload["id"]: payload for _type, payload in events(db, "target_at_risk")}
    assert set(sent) == {rep_a["id"], eu["id"]}
    assert sent[rep_a["id"]]["attained"] == "100.00" and sent[rep_a["id"]]["scope"] == "rep"
    assert Decimal(sent[rep_a["id"]]["expected_by_now"]) > Decimal("400")
    assert sent[rep_a["id"]]["pace_percent"] < 80
    assert target_risk.detect_at_risk(db, noon + timedelta(days=1)) == 2          # the next day


def test_at_risk_needs_a_fifth_of_the_period_elapsed(db):
    target(db, scope="rep", scope_value="u-rep-a", amount="1000.00")
    early = datetime.combine(MONTH + timedelta(days=2), datetime.min.time(), UTC)
    assert target_risk.detect_at_risk(db, early) == 0


def test_reconcile_target_facts_pages_the_live_targets(db):
    company = target(db, amount="1000.00")
    eu = target(db, scope="region", scope_value="EU", amount="500.00")
    with db.read_only() as session:
        first = reconcile_targets.target_facts(session, None, 1)
        rest = reconcile_targets.target_facts(session, first["next_cursor"], 1)
    items = {item["id"]: item for item in first["items"] + rest["items"]}
    assert set(items) == {company["id"], eu["id"]} and rest["next_cursor"] is None
    assert items[eu["id"]]["parent_id"] == company["id"]
    assert items[company["id"]]["scope_value"] is None and items[eu["id"]]["amount"] == "500.00"
    assert first["sequence"] == rest["sequence"] > 0
