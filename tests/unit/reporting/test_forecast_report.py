"""The forecast report over reporting's deal facts, with a fixed clock: calibration from a
hand-made stage history, won so far and the weighted pipeline (exact, per currency), the
time series' shape and the rep's scope."""
from datetime import datetime, timezone

import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Invalid
from services.reporting.domains.sales.forecast import calibration
from services.reporting.domains.sales.forecast.report import forecast
from tests.unit.reporting.support import apply

ADMIN = Principal("u-admin", "admin")
REP_A = Principal("u-a", "sales_rep", team_id="t1")
NOW = datetime(2025, 12, 10, 9, 0, tzinfo=timezone.utc)


def month(number, day=15):
    return datetime(2025, number, day, 12, 0, tzinfo=timezone.utc)


def test_calibration_counts_each_closed_deal_once_per_stage():
    entries = [("d1", "initial_contact", "won"), ("d1", "proposal", "won"),
               ("d1", "proposal", "won"), ("d1", "won", "won"),
               ("d2", "initial_contact", "lost"), ("d2", "proposal", "lost"),
               ("d3", "initial_contact", "lost"), ("d4", "initial_contact", "open")]
    counts = calibration.calibrate(entries)
    assert counts == {"initial_contact": (1, 3), "proposal": (1, 2)}
    assert float(calibration.rate(counts, "initial_contact")) == pytest.approx(1 / 3)
    assert calibration.rate(counts, "negotiation") is None


@pytest.fixture
def history(sales):
    """u-a won 100.00 in each month Jan–Nov 2025 (200.00 at each quarter's end) and 30.00 on
    2025-12-05; lost one from proposal; has an open 1,000.00 EUR deal in proposal expected to
    close on 2026-01-20 and an open 50.00 USD one with no expected date. u-b won 999.00 in November."""
    events = []
    for number in range(1, 12):
        deal = f"w{number}"
        amount = "200.00" if number % 3 == 0 else "100.00"
        events += sales.create(deal, "u-a", amount, created_at=month(number, 1))
        events += sales.move(deal, "proposal", month(number, 2)) + sales.move(deal, "won", month(number))
    events += sales.create("now", "u-a", "30.00", created_at=month(12, 1))
    events += sales.move("now", "won", datetime(2025, 12, 5, 12, 0, tzinfo=timezone.utc))
    events += sales.create("l1", "u-a", created_at=month(3, 1))
    events += sales.move("l1", "proposal", month(3, 2)) + sales.move("l1", "lost", month(3), "price")
    events += sales.create("o1", "u-a", "1000.00", created_at=month(11, 1))
    events += sales.move("o1", "proposal", month(11, 2))
    events += sales.update("o1", expected_close_date="2026-01-20")
    events += sales.create("o2", "u-a", "50.00", currency="USD", created_at=month(11, 1))
    events += sales.create("b1", "u-b", "999.00", created_at=month(11, 1))
    events += sales.move("b1", "won", month(11))
    return events


def run(db, principal, **query):
    with db.read_only() as session:
        return forecast(session, principal, query, now=NOW)


def test_rep_sees_own_won_so_far_pipeline_and_forecast(db, history):
    apply(db, *history)
    result = run(db, REP_A, periods=2)
    assert result["today"] == "2025-12-10"
    rows = {row["currency"]: row for row in result["rows"]}
    eur = rows["EUR"]
    assert [p["period"] for p in eur["periods"]] == ["2025-12-01", "2026-01-01"]
    assert [p["won_so_far"] for p in eur["periods"]] == ["30.00", "0.00"]   # not u-b's 999
    assert eur["history"][0] == {"period": "2025-01-01", "won": "100.00"}
    assert [h["won"] for h in eur["history"]][-3:] == ["200.00", "100.00", "100.00"]
    assert len(eur["history"]) == 11
    # proposal: 11 won, 1 lost → 11/12; configured 50 %
    weighted = {"open_deals": 1, "amount": "1000.00", "weighted_configured": "500.00",
                "weighted_calibrated": "916.67"}
    nothing = {"open_deals": 0, "amount": "0.00", "weighted_configured": "0.00",
               "weighted_calibrated": "0.00"}
    assert eur["open_pipeline"] == {**weighted, "undated": nothing}
    assert [p["pipeline"] for p in eur["periods"]] == [nothing, weighted]   # January
    forecast_point = eur["periods"][0]["forecast"]
    assert float(forecast_point["lower"]) <= float(forecast_point["mean"]) <= float(
        forecast_point["upper"])
    assert eur["backtest"]["test_periods"] == 2
    assert eur["backtest"]["methods"]["naive_last_period"]["mae"] is not None
    # USD has no history; its deal is in initial_contact: 13 closed deals of u-a entered it, 12
    # won (w1–w11 and "now")
    usd = rows["USD"]
    assert usd["history"] == [] and usd["backtest"] is None
    assert usd["periods"][0]["forecast"] is None
    assert usd["open_pipeline"]["weighted_calibrated"] == "46.15"      # 50 × 12/13
    assert usd["open_pipeline"]["undated"]["weighted_calibrated"] == "46.15"
    assert usd["periods"][0]["pipeline"]["open_deals"] == 0
    stages = {row["stage"]: row for row in result["probabilities"]}
    assert (stages["proposal"]["won"], stages["proposal"]["closed"]) == (11, 12)
    assert stages["proposal"]["configured"] == 50


def test_admin_per_owner_and_quarters(db, history):
    apply(db, *history)
    result = run(db, ADMIN, granularity="quarter", periods=1, group_by=["owner_id"])
    by_owner = {(row["owner_id"], row["currency"]): row for row in result["rows"]}
    assert by_owner[("u-b", "EUR")]["periods"][0]["won_so_far"] == "999.00"
    assert by_owner[("u-a", "EUR")]["periods"][0]["period"] == "2025-10-01"
    assert by_owner[("u-a", "EUR")]["periods"][0]["won_so_far"] == "230.00"   # Oct, Nov, Dec 5
    assert [h["won"] for h in by_owner[("u-a", "EUR")]["history"]] == [
        "400.00", "400.00", "400.00"]
    # 2026-01-20 lies beyond the one quarter asked for: in the total only
    assert by_owner[("u-a", "EUR")]["periods"][0]["pipeline"]["open_deals"] == 0
    assert by_owner[("u-a", "EUR")]["open_pipeline"]["open_deals"] == 1


@pytest.mark.parametrize("query", [{"granularity": "week"}, {"periods": 0}, {"periods": 13},
                                   {"group_by": ["stage"]}, {"tz": "Mars/Base"}])
def test_bad_parameters_are_refused(db, query):
    with pytest.raises(Invalid):
        run(db, ADMIN, **query)


def test_as_of_a_past_day_counts_only_what_had_happened_by_its_end(db, history):
    """As of 2025-11-14 (NOW is 2025-12-10): November is the current month; w11 (won on
    Nov 15) was open in proposal, "now" (created Dec 1) did not exist; the stage rates are
    those of the deals closed by then: w1–w10 won, l1 lost → 10/11 from proposal and from
    initial_contact."""
    apply(db, *history)
    result = run(db, REP_A, periods=3, as_of="2025-11-14")
    assert (result["today"], result["as_of"]) == ("2025-12-10", "2025-11-14")
    stages = {row["stage"]: (row["won"], row["closed"]) for row in result["probabilities"]}
    assert stages["proposal"] == (10, 11) and stages["initial_contact"] == (10, 11)
    rows = {row["currency"]: row for row in result["rows"]}
    eur = rows["EUR"]
    assert [p["period"] for p in eur["periods"]] == ["2025-11-01", "2025-12-01", "2026-01-01"]
    assert [p["current"] for p in eur["periods"]] == [True, False, False]
    assert [p["won_so_far"] for p in eur["periods"]] == ["0.00", "0.00", "0.00"]
    assert [h["won"] for h in eur["history"]] == [
        "100.00", "100.00", "200.00", "100.00", "100.00", "200.00", "100.00", "100.00",
        "200.00", "100.00"]                                          # Jan–Oct
    o1 = {"open_deals": 1, "amount": "1000.00", "weighted_configured": "500.00",
          "weighted_calibrated": "909.09"}                           # 1,000 × 10/11
    w11 = {"open_deals": 1, "amount": "100.00", "weighted_configured": "50.00",
           "weighted_calibrated": "90.91"}                           # in proposal then, undated
    assert eur["open_pipeline"] == {"open_deals": 2, "amount": "1100.00",
                                    "weighted_configured": "550.00",
                                    "weighted_calibrated": "1000.00", "undated": w11}
    assert eur["periods"][2]["pipeline"] == o1
    # the back-test holds out Aug–Oct (100, 200, 100), trained on Jan–Jul: the last period
    # (July, 100) misses September by 100; one season earlier (May–Jul) hits all three
    backtest = eur["backtest"]
    assert (backtest["train_periods"], backtest["test_periods"], backtest["season_length"]) == (
        7, 3, 3)
    assert backtest["methods"]["naive_last_period"] == {"mae": "33.33", "mape": 16.67}
    assert backtest["methods"]["naive_same_period_last_cycle"] == {"mae": "0.00", "mape": 0.0}
    assert rows["USD"]["open_pipeline"]["weighted_calibrated"] == "45.45"    # 50 × 10/11


def test_as_of_today_is_the_default_and_a_day_after_today_is_refused(db, history):
    apply(db, *history)
    assert run(db, REP_A, as_of="2025-12-10") == run(db, REP_A)
    # 09:00 UTC on Dec 10 is already Dec 10 22:00 in Auckland, still Dec 9 in Honolulu
    for tz, day in (("UTC", "2025-12-11"), ("Pacific/Honolulu", "2025-12-10")):
        with pytest.raises(Invalid) as error:
            run(db, REP_A, as_of=day, tz=tz)
        assert list(error.value.details) == ["as_of"]
    assert run(db, REP_A, as_of="2025-12-10", tz="Pacific/Auckland")["as_of"] == "2025-12-10"


def test_as_of_the_end_of_the_demo_data_back_tests_its_months(db, sales):
    """One won deal per month of the demo dataset with that month's won amount: as of its last
    day (2017-12-31) the history is Mar–Nov 2017 and the back-test is the README table's first
    cut-off (trained up to August, scored Sep–Nov); without as_of, years later, the history
    runs on in zeros to the month before today."""
    from services.reporting import forecast_backtest
    events = []
    for number, (month_label, amount) in enumerate(forecast_backtest.monthly_won()):
        year, month_number = map(int, month_label.split("-"))
        day = datetime(year, month_number, 15, 12, 0, tzinfo=timezone.utc)
        events += sales.create(f"m{number}", "u-a", f"{amount}.00", "USD", created_at=day)
        events += sales.move(f"m{number}", "won", day)
    apply(db, *events)
    with db.read_only() as session:
        result = forecast(session, ADMIN, {"as_of": "2017-12-31"},
                          now=datetime(2026, 12, 7, tzinfo=timezone.utc))
        stale = forecast(session, ADMIN, {}, now=datetime(2026, 12, 7, tzinfo=timezone.utc))
    (row,) = result["rows"]
    assert [h["period"][:7] for h in row["history"]] == [
        "2017-03", "2017-04", "2017-05", "2017-06", "2017-07", "2017-08", "2017-09", "2017-10",
        "2017-11"]
    assert row["periods"][0] == {**row["periods"][0], "period": "2017-12-01",
                                 "won_so_far": "1131573.00"}
    methods = row["backtest"]["methods"]
    assert methods["naive_last_period"]["mae"] == "204800.00"
    assert methods["naive_same_period_last_cycle"]["mae"] == "83122.00"
    assert float(methods["model"]["mae"]) == pytest.approx(82937, abs=1)
    (old,) = stale["rows"]
    assert len(old["history"]) == 9 * 12 + 9 and old["history"][-1] == {
        "period": "2026-11-01", "won": "0.00"}
    assert old["backtest"]["methods"]["naive_last_period"]["mae"] == "0.00"   # zeros vs zeros


@pytest.mark.parametrize("won, calibrated, mean, remainder, total", [
    (3000, 0, 250.0, 22000, 25000),           # 30.00 won, run rate 250.00: 220.00 to come
    (0, 91667, 120.0, 0, 91667),              # the pipeline alone exceeds the run rate
    (1000, 2000, 100.004, 7000, 10000),       # the mean as shown, 100.00
    (1000, 2000, 100.005, 7001, 10001),       # half-up: 100.01
    (1000, 2000, -40.0, 0, 3000),             # a negative run rate adds nothing
    (1000, 2000, None, None, 3000),           # no forecast: what is known
])
def test_expected_total_is_won_plus_calibrated_pipeline_plus_the_run_rate_remainder(
        won, calibrated, mean, remainder, total):
    from services.reporting.domains.sales.forecast.report import expected
    assert expected(won, calibrated, mean) == (remainder, total)


def test_each_period_carries_its_expected_total(db, history, monkeypatch):
    """With the model's means fixed at 250.00 (December) and 120.00 (January): December has
    30.00 won and no pipeline → 220.00 more expected, 250.00 in all; January has o1's
    1,000.00 × 11/12 = 916.67 calibrated → more than the run rate, nothing added; USD has no
    history, so no forecast: its total is what is known (nothing in either month)."""
    from services.reporting.domains.sales.forecast import series
    monkeypatch.setattr(series, "forecast", lambda values, horizon, *args: [
        series.Point(mean, mean - 50, mean + 50) for mean in (250.0, 120.0)][:horizon]
        if len(values) >= series.MIN_HISTORY else None)
    apply(db, *history)
    rows = {row["currency"]: row for row in run(db, REP_A, periods=2)["rows"]}
    december, january = rows["EUR"]["periods"]
    assert (december["won_so_far"], december["pipeline"]["weighted_calibrated"],
            december["forecast"]["mean"]) == ("30.00", "0.00", "250.00")
    assert (december["run_rate_remainder"], december["expected_total"]) == ("220.00", "250.00")
    assert (january["pipeline"]["weighted_calibrated"], january["run_rate_remainder"],
            january["expected_total"]) == ("916.67", "0.00", "916.67")
    assert [(p["run_rate_remainder"], p["expected_total"]) for p in rows["USD"]["periods"]] == [
        (None, "0.00"), (None, "0.00")]


@pytest.mark.parametrize("day", ["0001-01-01", "0109-11-11", "1899-12-31"])
def test_as_of_before_any_deal_is_an_empty_forecast_not_an_error(db, history, day):
    """Any date the document allows (format: date) is a forecast: before the first deal there is
    nothing won, nothing open and no history to learn from (schemathesis sent year 109)."""
    apply(db, *history)
    for granularity in ("month", "quarter"):
        result = run(db, ADMIN, as_of=day, granularity=granularity, periods=12)
        assert result["as_of"] == day and result["rows"] == [], result
