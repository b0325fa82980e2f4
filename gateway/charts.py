"""Reports as charts (PNG or SVG, matplotlib's headless Agg backend): a measure over the
report's periods, one line per group and currency (never summed across currencies). Declared
per report in CHARTS; the gateway's report route offers `format=png|svg` for those only."""
import io
from dataclasses import dataclass
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")                       # no display: before pyplot is imported
from matplotlib.figure import Figure  # noqa: E402  (after the backend is chosen)

PNG, SVG = "image/png", "image/svg+xml"
MEDIA = {"png": PNG, "svg": SVG}


@dataclass(frozen=True)
class Chart:
    title: str
    x: str                      # the row member along the axis (a period's first day)
    y: str                      # the measure (a decimal string or a number)
    per: str = "currency"       # always its own series


CHARTS = {"sales_revenue": Chart("Won revenue by period", "period", "revenue")}


def series(report, chart):
    """{label: [(x, y)]} sorted by x: a line per group (the report's group_by, named where
    the report names it) and `chart.per`."""
    lines = {}
    for row in report.get("rows") or []:
        parts = [row.get(name.replace("_id", "_name")) or row.get(name)
                 for name in report.get("group_by") or []]
        label = " ".join(str(part) for part in [*parts, row.get(chart.per)] if part is not None)
        lines.setdefault(label or chart.y, []).append((row[chart.x], Decimal(str(row[chart.y]))))
    return {label: sorted(points) for label, points in sorted(lines.items())}


def render(report, chart, kind):
    """The chart's bytes as `kind` ("png" or "svg")."""
    figure = Figure(figsize=(8, 4.5), dpi=100)
    axes = figure.add_subplot()
    for label, points in series(report, chart).items():
        axes.plot([x for x, _ in points], [float(y) for _, y in points], marker="o", label=label)
    axes.set_title(chart.title)
    axes.set_xlabel(chart.x)
    axes.set_ylabel(chart.y)
    axes.tick_params(axis="x", labelrotation=45)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(fontsize="small")
    figure.tight_layout()
    out = io.BytesIO()
    # no timestamp, creator or random element ids in the file: the same report, the same bytes
    with matplotlib.rc_context({"svg.hashsalt": "report"}):
        figure.savefig(out, format=kind,
                       metadata={"Date": None} if kind == "svg" else {"Software": None})
    return out.getvalue()
