"""The forecast's back-test on the demo dataset (data/maven-crm-sales): the won amount per
month (close_value of the Won opportunities, by close_date — what `make run`'s demo loader
imports as won deals), the model trained up to each cut-off and scored on the next months,
next to the naive baselines. Prints the README's "Forecast" table: with `--markdown` exactly
the block between the README's `forecast-backtest` markers (a test keeps the two equal).

    python -m services.reporting.forecast_backtest [--markdown] [--horizon 3] [--csv PATH]
"""
import argparse
import csv
from collections import Counter
from decimal import Decimal
from pathlib import Path

from services.reporting.domains.sales.forecast import series

DATASET = Path(__file__).resolve().parents[2] / "data" / "maven-crm-sales" / "sales_pipeline.csv"
METHODS = ("model", "naive_last_period", "naive_same_period_last_cycle",
           "naive_same_period_last_year")
HEADINGS = {"model": "model (ETS) MAE / MAPE", "naive_last_period": "last period",
            "naive_same_period_last_cycle": "same month one season earlier",
            "naive_same_period_last_year": "same month last year"}
FIRST_CUTOFF = 2 * series.SEASONS["month"][-1]     # two cycles of the shortest season: 6 months


def monthly_won(path=DATASET):
    """[(month 'YYYY-MM', won amount)] with every month from the first win to the last."""
    won = Counter()
    with open(path, newline="") as rows:
        for row in csv.DictReader(rows):
            if row["deal_stage"] == "Won":
                won[row["close_date"][:7]] += Decimal(row["close_value"])
    months, (year, month) = [], map(int, min(won).split("-"))
    while f"{year:04d}-{month:02d}" <= max(won):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [(label, won[label]) for label in months]


def backtests(monthly, horizon):
    """One series.backtest per cut-off that leaves `horizon` months to score (the first one
    trains on FIRST_CUTOFF months), each with its "trained_up_to" and "scored" months."""
    values = [float(amount) for _, amount in monthly]
    found = []
    for cutoff in range(FIRST_CUTOFF, len(values) - horizon + 1):
        result = series.backtest(values, cutoff, horizon, "month")
        found.append({**result, "trained_up_to": monthly[cutoff - 1][0],
                      "scored": [label for label, _ in monthly[cutoff:cutoff + horizon]]})
    return found


def means(results):
    """{method: (mean MAE, mean MAPE) over the cut-offs, or None where it never forecast}."""
    answer = {}
    for name in METHODS:
        scored = [(r["methods"][name]["mae"], r["methods"][name]["mape"]) for r in results
                  if r["methods"][name]["mae"] is not None]
        answer[name] = (sum(m for m, _ in scored) / len(scored),
                        sum(p for _, p in scored) / len(scored)) if scored else None
    return answer


def _cell(figures, bold=False):
    if figures is None:
        return "n/a"
    text = f"{figures[0]:,.0f} / {figures[1]:.1f} %"
    return f"**{text}**" if bold else text


def _months(labels):
    return labels[0] if len(labels) == 1 else f"{labels[0]} – {labels[-1]}"


def table(monthly, horizon=3, also=(1,)):
    """Markdown lines: a row per cut-off scored on the next `horizon` months, then the mean
    over those cut-offs and, for each horizon in `also`, the mean over its own cut-offs."""
    lines = ["| trained up to | scored | " + " | ".join(HEADINGS[n] for n in METHODS) + " |",
             "|---|---|" + "---|" * len(METHODS)]
    results = backtests(monthly, horizon)
    for result in results:
        figures = result["methods"]
        lines.append(f"| {result['trained_up_to']} (season {result['season_length']}) | "
                     f"{_months(result['scored'])} | " + " | ".join(
                         _cell(None if figures[n]["mae"] is None
                               else (figures[n]["mae"], figures[n]["mape"])) for n in METHODS)
                     + " |")
    for ahead in (horizon, *(h for h in also if h != horizon)):
        scored = results if ahead == horizon else backtests(monthly, ahead)
        average = means(scored)
        word = "month" if ahead == 1 else "months"
        lines.append(f"| **mean, {ahead} {word} ahead** ({len(scored)} cut-offs) | | " + " | ".join(
            _cell(average[n], bold=n == "model") for n in METHODS) + " |")
    return lines


def markdown(monthly, horizon=3):
    """The README block: the data, then the table."""
    return ["Won per month (USD): " + ", ".join(f"{m} {a:,.0f}" for m, a in monthly) + ".", "",
            *table(monthly, horizon)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--horizon", type=int, default=3)
    parser.add_argument("--csv", type=Path, default=DATASET)
    parser.add_argument("--markdown", action="store_true",
                        help="only the README block (between its forecast-backtest markers)")
    args = parser.parse_args(argv)
    monthly = monthly_won(args.csv)
    if args.markdown:
        print("\n".join(markdown(monthly, args.horizon)))
        return
    print("won per month (USD): " + ", ".join(f"{m} {a:,.0f}" for m, a in monthly))
    for result in backtests(monthly, args.horizon):      # what each method forecast
        print(f"trained up to {result['trained_up_to']}, actual "
              + ", ".join(f"{a:,.0f}" for a in result["actual"]) + "; " + "; ".join(
                  f"{name} " + (", ".join(f"{p:,.0f}" for p in forecast) if forecast else "n/a")
                  for name in METHODS for forecast in [result["methods"][name]["forecast"]]))
    print("\n".join(table(monthly, args.horizon)))


if __name__ == "__main__":
    main()
