"""Analytics reports through the gateway (issue 17 §7, §9): the ad-hoc report's figures equal
the deals the reps made, scoped (a rep sees their own, the manager the team's); a name outside
its whitelist is a 422 naming the field; a report exported as CSV and as XLSX reads back to its
JSON rows; revenue by month, the ad-hoc report and the funnel are also PNG and SVG charts, and a
report with nothing to chart (churn risk) refuses them."""
import csv
import io
import uuid
import xml.etree.ElementTree as ElementTree
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e

ADHOC = "reports/analytics/adhoc"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def team_deals(admin, region, sales_team):
    """A team of two reps and their manager: rep A won 59.97 EUR and has 199.90 open; rep B
    won 99.95 EUR and lost 19.99. The ad-hoc report by rep, once caught up."""
    region_name, team = region
    manager, rep_a, rep_b = sales_team
    euro = admin.ok("POST", "products", expect=201, json={
        "name": f"Adhoc widget {uuid.uuid4().hex[:8]}", "list_price": "19.99", "currency": "EUR"})

    def deal(rep, quantity, stage=None):
        customer = rep.create_customer(region=region_name)
        made = rep.ok("POST", "deals", expect=201, json={
            "name": f"Adhoc {quantity}", "customer_id": customer["id"], "currency": "EUR",
            "lines": [{"product_id": euro["id"], "quantity": quantity}]})
        if stage:
            rep.ok("POST", f"deals/{made['id']}/stage", json={
                "stage": stage, **({"lost_reason": "Price"} if stage == "lost" else {})})
        return made
    deal(rep_a, 3, "won"), deal(rep_a, 10), deal(rep_b, 5, "won"), deal(rep_b, 1, "lost")
    expected = {(rep_a.user["id"], "EUR"): {"count": 2, "amount_sum": "259.87", "win_rate": 1.0},
                (rep_b.user["id"], "EUR"): {"count": 2, "amount_sum": "119.94", "win_rate": 0.5}}
    params = {"measure": "count,amount_sum,win_rate", "dimension": "rep", "team": team["id"]}

    def caught_up():
        report = manager.ok("GET", ADHOC, params=params)
        return report if by_rep(report) == expected else None
    report = wait_until(caught_up, timeout=30, message="the ad-hoc report shows the team's deals")
    return {"manager": manager, "rep_a": rep_a, "params": params, "expected": expected,
            "report": report, "team": team}


def by_rep(report):
    return {(row["rep"], row["currency"]): {name: row[name] for name in report["measures"]}
            for row in report["rows"]}


def test_adhoc_report_is_scoped_and_validated(team_deals):
    rep_a, params = team_deals["rep_a"], team_deals["params"]
    mine = rep_a.ok("GET", ADHOC, params=params)
    assert by_rep(mine) == {key: value for key, value in team_deals["expected"].items()
                            if key[0] == rep_a.user["id"]}
    assert [row["rep_name"] for row in mine["rows"]] == [rep_a.user["name"]]
    refused = rep_a.get(ADHOC, params={"measure": "count,cost_sum", "dimension": "category"})
    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    errors = refused.json()["errors"]
    assert set(errors) == {"measure", "dimension"}, errors
    unknown = rep_a.get(ADHOC, params={"measure": "profit"})
    assert unknown.status_code == 422 and "measure" in unknown.json()["errors"]
    paged = team_deals["manager"].ok("GET", ADHOC, params={**params, "limit": 1, "offset": 1})
    assert (paged["total"], paged["rows"]) == (2, team_deals["report"]["rows"][1:])


def as_text(value):
    return "" if value is None else str(value)


def test_a_report_exported_as_csv_and_xlsx_equals_its_json(team_deals):
    manager, params, report = team_deals["manager"], team_deals["params"], team_deals["report"]
    as_csv = manager.get(ADHOC, params={**params, "format": "csv"})
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    assert 'filename="analytics-adhoc.csv"' in as_csv.headers["Content-Disposition"]
    parsed = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert parsed == [{name: as_text(value) for name, value in row.items()}
                      for row in report["rows"]]

    as_xlsx = manager.get(ADHOC, params={**params, "format": "xlsx"})
    assert as_xlsx.status_code == 200
    assert as_xlsx.headers["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(as_xlsx.content))["rows"]
    header, *cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header == list(report["rows"][0])
    for row, values in zip(report["rows"], cells, strict=True):
        for name, cell in zip(header, values):
            expected = row[name]
            if isinstance(expected, str) and expected.replace(".", "", 1).isdigit():
                assert Decimal(str(cell)) == Decimal(expected), name     # a number in XLSX
            else:
                assert cell == expected, name


def test_revenue_by_month_as_csv_and_as_a_chart(team_deals):
    manager = team_deals["manager"]
    params = {"granularity": "month", "group_by": "owner_id", "team_id": team_deals["team"]["id"]}
    report = manager.ok("GET", "reports/sales/revenue", params=params)
    assert {row["owner_id"] for row in report["rows"]} == {
        rep for rep, _currency in team_deals["expected"]}
    parsed = list(csv.DictReader(io.StringIO(manager.get(
        "reports/sales/revenue", params={**params, "format": "csv"}).text)))
    assert [(row["owner_id"], row["revenue"]) for row in parsed] == [
        (row["owner_id"], row["revenue"]) for row in report["rows"]]
    png = manager.get("reports/sales/revenue", params={**params, "format": "png"})
    assert (png.status_code, png.headers["Content-Type"]) == (200, "image/png")
    assert png.content.startswith(b"\x89PNG")
    svg = manager.get("reports/sales/revenue", params={**params, "format": "svg"})
    assert svg.headers["Content-Type"].startswith("image/svg+xml") and b"<svg" in svg.content


def test_adhoc_and_funnel_as_charts_and_a_worklist_refuses_one(team_deals):
    manager, params = team_deals["manager"], team_deals["params"]
    svg = manager.get(ADHOC, params={**params, "format": "svg"})
    assert svg.status_code == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(svg.content)
    text = " ".join(root.itertext())
    bars = [element for element in root.iter() if (element.get("id") or "").startswith("bar-")]
    assert len(bars) == len(team_deals["report"]["rows"]) == 2      # count by rep
    assert all(row["rep_name"][:20] in text for row in team_deals["report"]["rows"])
    funnel = manager.get("reports/sales/funnel", params={"format": "png"})
    assert (funnel.status_code, funnel.headers["Content-Type"]) == (200, "image/png")
    assert funnel.content.startswith(b"\x89PNG")
    refused = manager.get("reports/customers/churn-risk", params={"format": "png"})
    assert refused.status_code == 422 and "format" in refused.json()["errors"]
