"""The forecast's back-test on the demo dataset (data/maven-crm-sales): the won amount per
month (close_value of the Won opportunities, by close_date — what `make run`'s demo loader
imports as won deals), the model trained up to each cut-off and scored on the next months,
next to the naive baselines. Prints a Markdown table (the README's "Forecast" section).

    python -m services.reporting.forecast_backtest [--horizon 3] [--csv PATH]
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


def table(monthly, horizon):
    """Markdown rows: each cut-off that leaves `horizon` months to score, and their average."""
    values = [float(amount) for _, amount in monthly]
    lines = ["| trained up to | scored months | " + " | ".join(
        f"{name} MAE / MAPE" for name in METHODS) + " |",
        "|---|---|" + "---|" * len(METHODS)]
    totals = {name: [] for name in METHODS}
    for cutoff in range(series.MIN_HISTORY + 3, len(values) - horizon + 1):
        result = series.backtest(values, cutoff, horizon, "month")
        cells = []
        for name in METHODS:
            figures = result["methods"][name]
            if figures["mae"] is None:
                cells.append("n/a")
                continue
            totals[name].append((figures["mae"], figures["mape"]))
            cells.append(f"{figures['mae']:,.0f} / {figures['mape']:.1f} %")
        scored = f"{monthly[cutoff][0]}…{monthly[cutoff + horizon - 1][0]}"
        lines.append(f"| {monthly[cutoff - 1][0]} (season {result['season_length']}) | {scored} | "
                     + " | ".join(cells) + " |")
    lines.append("| **mean** | | " + " | ".join(
        f"**{sum(m for m, _ in t) / len(t):,.0f} / {sum(p for _, p in t) / len(t):.1f} %**"
        if t else "n/a" for t in totals.values()) + " |")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--horizon", type=int, default=3)
    parser.add_argument("--csv", type=Path, default=DATASET)
    args = parser.parse_args(argv)
    monthly = monthly_won(args.csv)
    print("won per month (USD): " + ", ".join(f"{m} {a:,.0f}" for m, a in monthly))
    print("\n".join(table(monthly, args.horizon)))


if __name__ == "__main__":
    main()
