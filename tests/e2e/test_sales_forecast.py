"""The sales forecast through the gateway: a rep sees their own won deals in the current
month's "won so far" and their own open pipeline, the manager the team's; bad parameters are
422; the route is in the API document."""
import uuid
from collections import Counter
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e

PATH = "reports/sales/forecast"


def won_in_month(deals, today):
    """{currency: won amount} of the deals closed in `today`'s month (the report's own today,
    so a run across a month's end compares like with like)."""
    won = Counter()
    for deal in (d for d in deals if d["stage"] == "won"):
        closed = datetime.fromisoformat(deal["closed_at"]).astimezone(timezone.utc).date()
        if closed.replace(day=1) == today.replace(day=1):
            won[deal["currency"]] += Decimal(deal["amount"])
    return {currency: str(amount) for currency, amount in won.items()}


def current(client, deals, owners):
    """(reported won so far, expected) for the current month, or None while unreachable."""
    response = client.get(PATH, params={"periods": 2, "group_by": "owner_id"})
    if response.status_code != 200:
        return None
    report = response.json()
    today = date.fromisoformat(report["today"])
    reported = {}
    for row in report["rows"]:
        if row["owner_id"] in owners and Decimal(row["periods"][0]["won_so_far"]):
            reported[(row["owner_id"], row["currency"])] = row["periods"][0]["won_so_far"]
    expected = {}
    for owner in owners:
        for currency, amount in won_in_month([d for d in deals if d["owner_id"] == owner],
                                             today).items():
            expected[(owner, currency)] = amount
    return reported, expected, report


def test_forecast_is_scoped_like_every_sales_report(admin, region):
    region_name, team = region
    manager = admin.create_user("manager", region=region_name, team_id=team["id"])
    rep_a = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    rep_b = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    tag = uuid.uuid4().hex[:8]
    euro = admin.ok("POST", "products", expect=201, json={
        "name": f"Forecast widget {tag}", "list_price": "19.99", "currency": "EUR"})

    def deal(rep, quantity):
        customer = rep.create_customer(region=region_name)
        return rep.ok("POST", "deals", expect=201, json={
            "name": f"Forecast {tag} {quantity}", "customer_id": customer["id"],
            "currency": "EUR", "lines": [{"product_id": euro["id"], "quantity": quantity}]})["id"]
    won_a, open_a, won_b = deal(rep_a, 3), deal(rep_a, 10), deal(rep_b, 5)
    for deal_id, rep in ((won_a, rep_a), (won_b, rep_b)):
        rep.ok("POST", f"deals/{deal_id}/stage", json={"stage": "won"})
    rep_a.ok("POST", f"deals/{open_a}/stage", json={"stage": "proposal"})
    deals = [admin.ok("GET", f"deals/{deal_id}") for deal_id in (won_a, open_a, won_b)]
    owners = {rep_a.user["id"], rep_b.user["id"]}

    def caught_up():
        answer = current(manager, deals, owners)
        return answer if answer and answer[0] == answer[1] and answer[0] else None
    _reported, _expected, team_report = wait_until(caught_up, timeout=30,
                                                   message="the forecast shows the team's wins")
    mine, expected_mine, report = current(rep_a, deals, owners)
    assert mine == {key: value for key, value in expected_mine.items()
                    if key[0] == rep_a.user["id"]}
    assert {row["owner_id"] for row in report["rows"]} == {rep_a.user["id"]}
    (row,) = [r for r in report["rows"] if r["currency"] == "EUR"]
    assert row["open_pipeline"]["open_deals"] == 1
    assert row["open_pipeline"]["amount"] == "199.90"
    assert row["open_pipeline"]["weighted_configured"] == str(
        Decimal(deals[1]["weighted_amount"]))
    assert [p["current"] for p in row["periods"]] == [True, False]
    assert {r["owner_id"] for r in team_report["rows"]} >= owners

    for params in ({"periods": 0}, {"periods": 13}, {"granularity": "week"},
                   {"group_by": "stage"}, {"periods": "x"}):
        response = rep_a.get(PATH, params=params)
        assert response.status_code == 422, (params, response.text)
    assert f"/api/v1/{PATH}" in admin.ok("GET", "/openapi.json")["paths"]
