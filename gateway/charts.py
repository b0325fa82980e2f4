"""Reports as charts (PNG or SVG, matplotlib's headless Agg backend). CHARTS says, per report,
which kind of chart, which measures and where its rows are; two kinds serve every report:

- "measure": the rows' measures — as lines over the periods when the rows carry two periods
  or more (a line per group, currency and measure), else as horizontal bars per group (the
  report's group_by plus `by`, ids shown by their names; a bar per currency and measure);
- "forecast": per group and currency the won history, then the forecast's mean with its
  prediction interval as a band.

Money is never summed across currencies: the currency is always part of a series. Reports whose
rows are single records known only by id (churn risk, open deals' odds) have no chart — a table
says more; the gateway's report route offers `format=png|svg` for the reports in CHARTS only.
Labels are cut to a readable length; the same report gives the same bytes."""
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

import matplotlib

matplotlib.use("Agg")                       # no display: before pyplot is imported
from matplotlib.figure import Figure  # noqa: E402  (after the backend is chosen)

PNG, SVG = "image/png", "image/svg+xml"
MEDIA = {"png": PNG, "svg": SVG}
LABEL, LEGEND = 28, 40          # characters shown of an axis label, of a legend entry
MAX_BARS, MAX_SERIES = 25, 8    # the first groups (the report's order: strongest, largest first)


@dataclass(frozen=True)
class Chart:
    title: str
    measures: tuple | Callable      # dotted paths in a row, or report → paths
    kind: str = "measure"           # or "forecast"
    rows: str = "rows"              # dotted path in the report; a mapping: rows {by[0], measure}
    by: tuple = ()                  # group fields besides the report's group_by
    per: tuple = ("currency",)      # always series of their own


AGING = ("current", "aging.1-30.amount", "aging.31-60.amount", "aging.61-90.amount",
         "aging.90+.amount")
CHARTS = {
    "customer_composition": Chart("Customers", ("count",)),
    "new_customers": Chart("New customers", ("count",)),
    "interaction_activity": Chart("Interactions", ("count",)),
    "sales_funnel": Chart("Pipeline by stage", ("amount", "weighted_amount")),
    "sales_win_rate": Chart("Win rate (won / closed)", ("win_rate",)),
    "sales_revenue": Chart("Won revenue", ("revenue",)),
    "sales_stage_conversion": Chart("Deals that entered each stage", ("entered",),
                                    rows="stages", by=("stage",)),
    "sales_time_in_stage": Chart("Days in stage", ("average_days", "median_days"),
                                 by=("stage",)),
    "sales_cash": Chart("Invoiced and collected", ("invoiced", "collected")),
    "sales_receivables": Chart("Open balances by days past due", AGING),
    "sales_targets": Chart("Target attainment", ("attainment",), by=("scope_value", "measure")),
    "sales_forecast": Chart("Won amount: history and forecast", ("won",), kind="forecast"),
    "customer_value_classes": Chart("Suggested value class (customers in scope)",
                                    ("customers",), rows="distribution.suggested",
                                    by=("class",)),
    "customer_repurchase": Chart("Repurchase rate", ("repurchase_rate",)),
    "customer_lifetime_value": Chart("Customer lifetime value", ("lifetime_value",)),
    "customer_groups": Chart("Customer groups: customers", ("size", "in_scope"), rows="groups",
                             by=("cluster", "description")),
    "sales_win_drivers": Chart("Odds of winning against the average deal", ("odds_ratio",),
                               rows="factors", by=("factor", "label")),
    "analytics_adhoc": Chart("Ad-hoc report", lambda report: tuple(report.get("measures") or ())[:1]),
    "marketing_campaigns": Chart("Campaign responses and leads", ("responses", "leads"),
                                 by=("campaign_id",)),
    "procurement_spend": Chart("Spend", ("spend",)),
    "procurement_commitments": Chart("Open commitments", ("committed",)),
    "procurement_approvals": Chart("Purchase requests decided", ("approved.count",
                                                                 "rejected.count")),
    "procurement_on_time": Chart("On-time delivery rate (%)", ("on_time_rate",)),
    "procurement_scorecards": Chart("Supplier score", ("score",)),
    "service_desk_tickets": Chart("Tickets created and resolved", ("tickets", "resolved")),
    "service_desk_backlog": Chart("Backlog", ("count",)),
    "service_desk_agents": Chart("Agents: backlog and resolved", ("backlog", "resolved")),
    "service_desk_satisfaction": Chart("CSAT average (0-100)", ("csat_average",)),
    "service_desk_followups": Chart("Follow-up visits", ("due", "done")),
}


def _cut(text, length):
    text = str(text)
    return text if len(text) <= length else text[:length - 1] + "…"


def _at(data, path):
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _number(value):
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(Decimal(str(value)))
    except ArithmeticError:
        return None                                 # not a number: no point


def _name(row, field):
    """A group member as words: an id's *_name (or the record's own name) where the row has it."""
    base = field.removesuffix("_id").removesuffix("_value")
    named = row.get(f"{base}_name") or (row.get("name") if field.endswith("_id") else None)
    value = named if named not in (None, "") else row.get(field)
    return None if value in (None, "") else str(value)


def _join(*parts):
    return " ".join(part for part in parts if part)


def rows_of(report, chart):
    found = _at(report, chart.rows)
    if isinstance(found, dict):             # a distribution: {key: value}
        return [{chart.by[0]: key, measures_of(report, chart)[0]: value}
                for key, value in found.items()]
    return [row for row in found or [] if isinstance(row, dict)]


def measures_of(report, chart):
    return tuple(chart.measures(report) if callable(chart.measures) else chart.measures)


def _groups(report, chart, row):
    fields = [name for name in (*(report.get("group_by") or report.get("dimensions") or ()),
                                *chart.by) if name != "period"]
    return _join(*(_name(row, name) for name in dict.fromkeys(fields)))


def table(report, chart):
    """(over_periods, [x in axis order], {series label: {x: value}}) of a "measure" chart."""
    rows, measures = rows_of(report, chart), measures_of(report, chart)
    over_periods = len({row.get("period") for row in rows} - {None}) >= 2
    xs, series = [], {}
    for row in rows:
        group = _groups(report, chart, row)
        per = _join(*(str(row[name]) for name in chart.per if row.get(name)))
        for measure in measures:
            value = _number(_at(row, measure))
            shown = _measure_label(measure) if len(measures) > 1 else ""
            if over_periods:
                x, label = row.get("period"), _join(group, per, shown) or _measure_label(measure)
            else:
                x, label = group or per or "all", _join(per if group else "", shown) or \
                    _measure_label(measure)
            if x is None or value is None:
                continue
            if x not in xs:
                xs.append(x)
            series.setdefault(label, {})[x] = value
    return over_periods, sorted(xs) if over_periods else xs[:MAX_BARS], series


def _measure_label(path):
    return path.removesuffix(".amount").replace(".", " ").replace("_", " ")


def _lines(axes, xs, series):
    for number, (label, points) in enumerate(sorted(series.items())[:MAX_SERIES]):
        at = [index for index, x in enumerate(xs) if x in points]
        line, = axes.plot(at, [points[xs[index]] for index in at], marker="o",
                          label=_cut(label, LEGEND))
        line.set_gid(f"line-{number}")
    axes.set_xticks(range(len(xs)), [_cut(x, LABEL) for x in xs])
    axes.tick_params(axis="x", labelrotation=45)


def _bars(axes, xs, series):
    shown = list(series.items())[:MAX_SERIES]
    height = 0.8 / max(len(shown), 1)
    for number, (label, points) in enumerate(shown):
        at = [index for index, x in enumerate(xs) if x in points]
        bars = axes.barh([index - 0.4 + height * (number + 0.5) for index in at],
                         [points[xs[index]] for index in at], height=height,
                         label=_cut(label, LEGEND))
        for index, bar in zip(at, bars):
            bar.set_gid(f"bar-{number}-{index}")
    axes.set_yticks(range(len(xs)), [_cut(x, LABEL) for x in xs])
    axes.invert_yaxis()                             # the first group on top


def _forecast(axes, report, chart):
    """Per row (group and currency): the history as a line, the forecast dashed in the same
    colour over its interval band."""
    rows = rows_of(report, chart)[:MAX_SERIES]
    xs = sorted({item["period"] for row in rows
                 for item in (*(row.get("history") or ()), *(row.get("periods") or ()))})
    for number, row in enumerate(rows):
        label = _cut(_join(_groups(report, chart, row), row.get("currency")), LEGEND)
        history = [(xs.index(item["period"]), _number(item.get("won")))
                   for item in row.get("history") or ()]
        history = [(x, y) for x, y in history if y is not None]
        ahead = [(xs.index(item["period"]), [_number(item["forecast"].get(name))
                                             for name in ("mean", "lower", "upper")])
                 for item in row.get("periods") or () if item.get("forecast")]
        ahead = [(x, values) for x, values in ahead if None not in values]
        line, = axes.plot([x for x, _ in history], [y for _, y in history], marker="o",
                          label=f"{label} won")
        line.set_gid(f"line-{number}")
        if ahead:
            at = [x for x, _ in ahead]
            axes.fill_between(at, [lower for _, (_m, lower, _u) in ahead],
                              [upper for _, (_m, _l, upper) in ahead], alpha=0.2,
                              color=line.get_color()).set_gid(f"band-{number}")
            axes.plot(at, [mean for _, (mean, _l, _u) in ahead], linestyle="--", marker="o",
                      color=line.get_color(), label=f"{label} forecast")[0].set_gid(
                f"forecast-{number}")
    axes.set_xticks(range(len(xs)), xs)
    axes.tick_params(axis="x", labelrotation=45)
    return bool(xs)


# no timestamp, creator or random element ids in the file: the same report, the same bytes;
# SVG text as text (searchable, read by screen readers), not as glyph outlines; a "$" in a name
# is a dollar sign, not the start of a formula
STYLE = {"svg.hashsalt": "report", "svg.fonttype": "none", "text.parse_math": False}


def render(report, chart, kind):
    """The chart's bytes as `kind` ("png" or "svg")."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(8, 4.5), dpi=100)
        axes = figure.add_subplot()
        if chart.kind == "forecast":
            drawn = _forecast(axes, report, chart)
        else:
            over_periods, xs, series = table(report, chart)
            drawn = bool(series)
            if over_periods:
                _lines(axes, xs, series)
            elif series:
                figure.set_figheight(max(3.0, 1.5 + 0.35 * len(xs)))
                _bars(axes, xs, series)
        if not drawn:
            axes.text(0.5, 0.5, "No data", ha="center", va="center", transform=axes.transAxes)
        axes.set_title(chart.title)
        if axes.get_legend_handles_labels()[0]:
            axes.legend(fontsize="small")
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format=kind,
                       metadata={"Date": None} if kind == "svg" else {"Software": None})
    return out.getvalue()
