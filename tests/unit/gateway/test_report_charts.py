"""Reports as charts (gateway/charts.py): each kind drawn from a small fixed report — lines over
periods, bars per group (also from a distribution), the forecast with its band, the ad-hoc
report's first measure by its first dimension — as a PNG of the expected size and an SVG that
parses, names what it shows and has one element per line or bar; the same report gives the
same bytes; a report with nothing to chart refuses png / svg."""
import struct
import xml.etree.ElementTree as ElementTree

import pytest

from gateway import charts
from gateway.routes import reports
from services.reporting.domains import REPORTS

LONG = "Consolidated Widgets of the Northern Hemisphere Ltd"
REVENUE = {"group_by": ["owner_id"], "rows": [
    {"period": "2025-01-01", "owner_id": "u-a", "owner_name": "Ann", "currency": "EUR",
     "revenue": "150.50"},
    {"period": "2025-02-01", "owner_id": "u-a", "owner_name": "Ann", "currency": "EUR",
     "revenue": "80.00"},
    {"period": "2025-02-01", "owner_id": "u-b", "owner_name": "Bea", "currency": "USD",
     "revenue": "-3.00"}]}
FUNNEL = {"group_by": ["stage"], "rows": [
    {"stage": "qualification", "currency": "EUR", "amount": "100.00", "weighted_amount": "10.00"},
    {"stage": "proposal", "currency": "EUR", "amount": "50.00", "weighted_amount": "25.00"},
    {"stage": "proposal", "currency": "USD", "amount": "70.00", "weighted_amount": None}]}
SCORES = {"group_by": ["supplier_id"], "rows": [
    {"supplier_id": "s-1", "name": LONG, "score": 4.5},
    {"supplier_id": "s-2", "name": "Acme $ & $ Co", "score": "3.25"}]}
CLASSES = {"distribution": {"suggested": {"A": 3, "B": 5, "C": 9}, "current": {"A": 1}}}
FORECAST = {"group_by": [], "rows": [{
    "currency": "EUR",
    "history": [{"period": "2025-01-01", "won": "10.00"}, {"period": "2025-02-01", "won": "12.00"}],
    "periods": [{"period": "2025-03-01", "forecast": {"mean": "11.00", "lower": "5.00",
                                                      "upper": "17.00", "level": 0.95}},
                {"period": "2025-04-01", "forecast": {"mean": "11.50", "lower": "4.00",
                                                      "upper": "19.00", "level": 0.95}}]}]}
ADHOC = {"measures": ["count", "amount_sum"], "dimensions": ["rep"], "rows": [
    {"rep": "u-a", "rep_name": "Ann", "currency": "EUR", "count": 2, "amount_sum": "9.00"},
    {"rep": "u-b", "rep_name": "Bea", "currency": "EUR", "count": 5, "amount_sum": "1.00"}]}


def png_size(data):
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", data[16:24])                # IHDR: width, height


def svg_of(report, rpc):
    data = charts.render(report, charts.CHARTS[rpc], "svg")
    assert charts.render(report, charts.CHARTS[rpc], "svg") == data      # reproducible
    root = ElementTree.fromstring(data)
    ids = [element.get("id") or "" for element in root.iter()]
    return " ".join(root.itertext()), ids


def count(ids, prefix):
    return sum(name.startswith(prefix) for name in ids)


def test_a_time_series_is_a_line_per_group_and_currency_over_the_periods():
    over_periods, xs, series = charts.table(REVENUE, charts.CHARTS["sales_revenue"])
    assert over_periods and xs == ["2025-01-01", "2025-02-01"]
    assert series == {"Ann EUR": {"2025-01-01": 150.5, "2025-02-01": 80.0},
                      "Bea USD": {"2025-02-01": -3.0}}
    assert png_size(charts.render(REVENUE, charts.CHARTS["sales_revenue"], "png")) == (800, 450)
    text, ids = svg_of(REVENUE, "sales_revenue")
    assert count(ids, "line-") == 2
    assert all(label in text for label in ("Won revenue", "Ann EUR", "Bea USD", "2025-02-01"))


def test_a_breakdown_is_bars_per_group_with_a_bar_per_currency_and_measure():
    over_periods, xs, series = charts.table(FUNNEL, charts.CHARTS["sales_funnel"])
    assert not over_periods and xs == ["qualification", "proposal"]        # the report's order
    assert series == {"EUR amount": {"qualification": 100.0, "proposal": 50.0},
                      "EUR weighted amount": {"qualification": 10.0, "proposal": 25.0},
                      "USD amount": {"proposal": 70.0}}     # no value, no bar
    text, ids = svg_of(FUNNEL, "sales_funnel")
    assert count(ids, "bar-") == 5
    assert all(label in text for label in ("Pipeline by stage", "qualification", "USD amount"))
    width, height = png_size(charts.render(FUNNEL, charts.CHARTS["sales_funnel"], "png"))
    assert width == 800 and height >= 300


def test_bars_name_records_by_their_names_as_written_cut_to_a_readable_length():
    text, ids = svg_of(SCORES, "procurement_scorecards")
    assert count(ids, "bar-") == 2
    assert "Acme $ & $ Co" in text                         # dollars, not a formula
    assert LONG[:charts.LABEL - 1] + "…" in text and LONG not in text


def test_a_distribution_is_bars_per_key():
    over_periods, xs, series = charts.table(CLASSES, charts.CHARTS["customer_value_classes"])
    assert (over_periods, xs, series) == (False, ["A", "B", "C"],
                                          {"customers": {"A": 3.0, "B": 5.0, "C": 9.0}})
    assert count(svg_of(CLASSES, "customer_value_classes")[1], "bar-") == 3


def test_the_forecast_is_the_history_then_the_mean_over_its_interval_band():
    text, ids = svg_of(FORECAST, "sales_forecast")
    assert [count(ids, prefix) for prefix in ("line-", "forecast-", "band-")] == [1, 1, 1]
    assert "EUR won" in text and "EUR forecast" in text and "2025-04-01" in text
    assert png_size(charts.render(FORECAST, charts.CHARTS["sales_forecast"], "png")) == (800, 450)


def test_the_adhoc_report_is_its_first_measure_by_its_first_dimension():
    over_periods, xs, series = charts.table(ADHOC, charts.CHARTS["analytics_adhoc"])
    assert (over_periods, xs, series) == (False, ["Ann", "Bea"], {"EUR": {"Ann": 2.0, "Bea": 5.0}})
    by_period = {**ADHOC, "dimensions": ["period", "rep"], "rows": [
        {**row, "period": period} for row, period in zip(ADHOC["rows"], ("2025-01-01", "2025-02-01"))]}
    assert charts.table(by_period, charts.CHARTS["analytics_adhoc"])[:2] == (
        True, ["2025-01-01", "2025-02-01"])


def test_a_report_without_rows_is_an_image_saying_so():
    text, ids = svg_of({"group_by": [], "rows": []}, "sales_revenue")
    assert "No data" in text and count(ids, "line-") == 0


def test_every_chart_reads_fields_its_report_has_and_the_worklists_have_none():
    assert set(charts.CHARTS) <= set(REPORTS)
    assert set(REPORTS) - set(charts.CHARTS) == {"customers_churn_risk", "sales_open_deal_odds"}


@pytest.mark.parametrize("rpc", ["customers_churn_risk", "sales_open_deal_odds"])
def test_a_report_with_nothing_to_chart_refuses_png_and_svg(rpc):
    query = reports._query_with_format(REPORTS[rpc])
    for kind in ("png", "svg"):
        assert "format" in query().validate({"format": kind})
    assert not query().validate({"format": "csv"})
