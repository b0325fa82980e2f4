"""The forecast's pure half on hand-checked series: the error measures, the naive baselines,
the back-test's split, and the model's shape (interval around the mean, season found)."""
import pytest

from services.reporting.domains.sales.forecast import series


def test_naive_last_period_errors_are_the_hand_computed_ones():
    # train 10, 20, 30 → both held-out months forecast as 30; actual 40, 20
    result = series.backtest([10, 20, 30, 40, 20], cutoff=3, horizon=2)
    naive = result["methods"]["naive_last_period"]
    assert naive["forecast"] == [30, 30]
    assert naive["mae"] == 10                      # (|40-30| + |20-30|) / 2
    assert naive["mape"] == pytest.approx(37.5)    # (10/40 + 10/20) / 2 · 100
    assert (result["train_periods"], result["test_periods"], result["actual"]) == (3, 2, [40, 20])


def test_same_period_one_cycle_earlier_and_a_year_needs_a_year():
    assert series.naive_seasonal([1, 2, 3, 4], 3, 2) == [3, 4, 3]
    assert series.naive_seasonal([1, 2, 3], 1, 12) is None
    result = series.backtest(list(range(1, 16)), cutoff=13, horizon=2)
    assert result["methods"]["naive_same_period_last_year"]["forecast"] == [2, 3]
    assert result["methods"]["naive_same_period_last_year"]["mae"] == 12


def test_mape_skips_periods_that_sold_nothing_and_the_horizon_is_what_the_history_has():
    assert series.mape([0, 50], [10, 40]) == pytest.approx(20)
    assert series.mape([0], [10]) is None
    assert series.mae([0, 50], [10, 40]) == 10
    assert series.backtest([5, 6, 7, 8], cutoff=3, horizon=5)["test_periods"] == 1


def test_season_is_the_longest_with_two_cycles_in_the_history():
    assert series.season_length("month", 24) == 12
    assert series.season_length("month", 23) == 3
    assert series.season_length("month", 5) is None
    assert series.season_length("quarter", 8) == 4
    assert series.season_length("quarter", 7) is None


def test_the_model_follows_a_quarter_end_season_with_an_interval_around_it():
    pattern = [100, 50, 80]
    history = [value + wobble for value, wobble in zip(pattern * 4, [1, -2, 2, -1, 0, 1, 2, -1,
                                                                     -2, 1, 0, -1])]
    points = series.forecast(history, 4, "month")
    assert len(points) == 4
    for point, expected in zip(points, [100, 50, 80, 100]):
        assert point.lower < point.mean < point.upper
        assert point.mean == pytest.approx(expected, abs=8)
    assert points[0].mean > points[2].mean > points[1].mean     # the season, not a flat line


def test_too_short_a_history_gives_no_model():
    assert series.forecast([5, 6], 3) is None
    assert series.backtest([5, 6, 7], cutoff=2, horizon=1)["methods"]["model"]["mae"] is None
