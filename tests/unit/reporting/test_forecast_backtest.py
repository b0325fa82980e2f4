"""The forecast's back-test on the demo dataset (services/reporting/forecast_backtest.py over
data/maven-crm-sales): the monthly won amounts and the naive baselines' errors checked by hand,
the model's to the dollar, the model beating "same as last period" and level with the seasonal
naive forecast as the README says, and the README's table being exactly the script's output."""
import re
from decimal import Decimal
from pathlib import Path

import pytest

from services.reporting import forecast_backtest as backtest

README = Path(backtest.__file__).resolve().parents[2] / "README.md"
WON = {"2017-03": 1134672, "2017-04": 721932, "2017-05": 1025713, "2017-06": 1338466,
       "2017-07": 696932, "2017-08": 1050059, "2017-09": 1235264, "2017-10": 731980,
       "2017-11": 938943, "2017-12": 1131573}


@pytest.fixture(scope="module")
def monthly():
    return backtest.monthly_won()


def test_the_won_amount_per_month_is_the_datasets(monthly):
    assert monthly == [(month, Decimal(amount)) for month, amount in WON.items()]
    # 4,238 won opportunities, 10,005,534 USD in all (sum of close_value over deal_stage Won)
    assert sum(amount for _, amount in monthly) == 10_005_534


def test_three_months_ahead_per_cut_off_by_hand_and_the_model_to_the_dollar(monthly):
    first, second = backtest.backtests(monthly, 3)
    assert (first["trained_up_to"], first["scored"], first["train_periods"]) == (
        "2017-08", ["2017-09", "2017-10", "2017-11"], 6)
    assert (second["trained_up_to"], first["season_length"], second["season_length"]) == (
        "2017-09", 3, 3)
    last, season = first["methods"]["naive_last_period"], first["methods"]["naive_same_period_last_cycle"]
    assert last["forecast"] == [1050059] * 3          # August
    assert last["mae"] == 204800                       # (185,205 + 318,079 + 111,116) / 3
    assert last["mape"] == pytest.approx(100 * (185205 / 1235264 + 318079 / 731980
                                                + 111116 / 938943) / 3)
    assert season["forecast"] == [1338466, 696932, 1050059]      # June, July, August
    assert season["mae"] == 83122                      # (103,202 + 35,048 + 111,116) / 3
    assert first["methods"]["naive_same_period_last_year"]["mae"] is None   # no year before
    assert second["methods"]["naive_last_period"]["mae"] == pytest.approx(
        (503284 + 296321 + 103691) / 3)               # September 1,235,264 against Oct–Dec
    assert first["methods"]["model"]["mae"] == pytest.approx(82937, abs=1)
    assert second["methods"]["model"]["mae"] == pytest.approx(83119, abs=1)


@pytest.mark.parametrize("horizon, cutoffs", [(3, 2), (1, 4)])
def test_the_model_beats_the_last_period_and_is_level_with_the_season(monthly, horizon, cutoffs):
    results = backtest.backtests(monthly, horizon)
    assert len(results) == cutoffs
    means = backtest.means(results)
    model, last, season = (means[name][0] for name in (
        "model", "naive_last_period", "naive_same_period_last_cycle"))
    assert model < 0.35 * last                         # "cuts the last-period error by about 2/3"
    assert model <= season and model > 0.98 * season   # level with the seasonal naive
    assert means["naive_same_period_last_year"] is None


def test_the_readme_table_is_exactly_what_the_script_prints(monthly):
    found = re.search(r"<!-- forecast-backtest:begin -->\n(.*?)\n<!-- forecast-backtest:end -->",
                      README.read_text(), re.S)
    assert found, "the README's forecast-backtest markers"
    assert found.group(1).splitlines() == backtest.markdown(monthly), (
        "regenerate with python -m services.reporting.forecast_backtest --markdown")
    assert "| **mean, 1 month ahead** (4 cut-offs) | | **87,865 / 8.5 %** |" in found.group(1)


def test_markdown_option_prints_the_block(monthly, capsys):
    backtest.main(["--markdown"])
    assert capsys.readouterr().out.splitlines() == backtest.markdown(monthly)
