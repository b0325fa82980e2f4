"""The time-series half of the forecast, pure functions over a list of per-period totals (one
currency, oldest first, no gaps): an exponential-smoothing state-space model (statsmodels'
ETSModel — additive error, level, and an additive season when the history holds two full
cycles) with its prediction interval, and the back-test that says how good it is here: train
up to a cut-off, forecast the next periods, compare with what happened, next to the naive
baselines (last period; same period last year; same period last cycle).

Why ETS and not SARIMAX: the series are short (the demo has ten months) and ETS has few
parameters to fit and a closed-form interval for the additive model; SARIMAX's seasonal
differencing eats a whole cycle of an already short history.

Floats are right here (a model's estimate is no sum); the report rounds them to the cent.
"""
import warnings
from dataclasses import dataclass

SEASONS = {"month": (12, 3), "quarter": (4,)}      # season lengths tried, longest first
# Monthly B2B sales often peak at each quarter's end: a 3-month cycle is the season a short
# monthly history can show (the demo data does: Mar, Jun, Sep, Dec are the highs).
YEAR = {"month": 12, "quarter": 4}
MIN_HISTORY = 3                 # fewer periods: no model, only the naive forecasts


@dataclass(frozen=True)
class Point:
    mean: float
    lower: float
    upper: float


def season_length(granularity, history_length):
    """The longest season of the granularity with two full cycles in the history, else None."""
    for length in SEASONS[granularity]:
        if history_length >= 2 * length:
            return length
    return None


def forecast(values, horizon, granularity="month", level=0.95):
    """[Point] for the `horizon` periods after `values` (None when the history is too short
    for a model). The interval is the model's `level` prediction interval."""
    values = [float(v) for v in values]
    if len(values) < MIN_HISTORY or horizon < 1:
        return None
    import pandas              # heavy: loaded on the first forecast, not with the service
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    season = season_length(granularity, len(values))
    model = ETSModel(pandas.Series(values, dtype=float), error="add", trend=None,
                     seasonal="add" if season else None, seasonal_periods=season)
    with warnings.catch_warnings():       # convergence chatter on short series, not an error
        warnings.simplefilter("ignore")
        fitted = model.fit(disp=False)
        frame = fitted.get_prediction(start=len(values),
                                      end=len(values) + horizon - 1).summary_frame(
            alpha=1 - level)
    return [Point(float(row["mean"]), float(row["pi_lower"]), float(row["pi_upper"]))
            for _, row in frame.iterrows()]


def mae(actual, predicted):
    pairs = _pairs(actual, predicted)
    return sum(abs(a - p) for a, p in pairs) / len(pairs) if pairs else None


def mape(actual, predicted):
    """Mean absolute percentage error in percent, over the periods whose actual is not 0
    (a percentage of nothing is undefined); None when there are none."""
    pairs = [(a, p) for a, p in _pairs(actual, predicted) if a]
    return 100 * sum(abs(a - p) / abs(a) for a, p in pairs) / len(pairs) if pairs else None


def _pairs(actual, predicted):
    return [(float(a), float(p)) for a, p in zip(actual, predicted) if p is not None]


def naive_last(train, horizon):
    """Every future period as the last one seen."""
    return [float(train[-1])] * horizon if train else None


def naive_seasonal(train, horizon, length):
    """Each future period as the same period one cycle (`length` periods) earlier; None when
    the history is shorter than one cycle."""
    if not length or len(train) < length:
        return None
    series = [float(v) for v in train]
    for _ in range(horizon):
        series.append(series[-length])
    return series[len(train):]


def backtest(values, cutoff, horizon, granularity="month"):
    """Train on values[:cutoff], forecast the next `horizon` periods (as many as the history
    has), compare with values[cutoff:cutoff + horizon]. {method: {mae, mape, forecast}} for the
    model and the baselines; a method that cannot forecast here has None figures."""
    train, actual = list(values[:cutoff]), list(values[cutoff:cutoff + horizon])
    horizon = len(actual)
    model = forecast(train, horizon, granularity) if horizon else None
    season = season_length(granularity, len(train))
    methods = {
        "model": [p.mean for p in model] if model else None,
        "naive_last_period": naive_last(train, horizon),
        "naive_same_period_last_year": naive_seasonal(train, horizon, YEAR[granularity]),
        "naive_same_period_last_cycle": naive_seasonal(train, horizon, season),
    }
    return {"train_periods": len(train), "test_periods": horizon, "season_length": season,
            "actual": actual, "methods": {
                name: {"mae": mae(actual, predicted) if predicted else None,
                       "mape": mape(actual, predicted) if predicted else None,
                       "forecast": predicted}
                for name, predicted in methods.items()}}
