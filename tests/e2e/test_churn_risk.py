"""Churn risk through the gateway: each rep sees their own customers' scores with the factors
in words, the manager the team's; bad parameters are 422; the route is in the API document."""
import uuid

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e

PATH = "reports/customers/churn-risk"


def scores(client, **params):
    """{customer id: row} of the report's rows, or None while unreachable."""
    response = client.get(PATH, params={"limit": 500, **params})
    if response.status_code != 200:
        return None
    return {row["customer_id"]: row for row in response.json()["rows"]}


def test_churn_risk_is_scoped_and_explained(admin, region):
    region_name, team = region
    manager = admin.create_user("manager", region=region_name, team_id=team["id"])
    rep_a = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    rep_b = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    tag = uuid.uuid4().hex[:8]
    customer_a = rep_a.create_customer(region=region_name)
    customer_b = rep_b.create_customer(region=region_name)
    deal = rep_a.ok("POST", "deals", expect=201, json={
        "name": f"Churn {tag}", "customer_id": customer_a["id"], "currency": "EUR"})["id"]
    rep_a.ok("POST", f"deals/{deal}/stage", json={"stage": "lost", "lost_reason": "price"})

    def lost_counted():
        rows = scores(manager)
        if not rows or customer_a["id"] not in rows or customer_b["id"] not in rows:
            return None
        return rows if rows[customer_a["id"]]["score"] == 5 else None
    team_rows = wait_until(lost_counted, timeout=30, message="the lost deal scores 5 points")
    factors = {f["factor"]: f for f in team_rows[customer_a["id"]]["factors"]}
    assert factors["lost_deals"]["points"] == 5.0
    assert factors["lost_deals"]["detail"] == "1 deal(s) lost in the last 90 days"
    assert team_rows[customer_a["id"]]["owner_id"] == rep_a.user["id"]
    assert team_rows[customer_b["id"]]["score"] == 0

    assert set(scores(rep_a)) == {customer_a["id"]}
    assert set(scores(rep_b)) == {customer_b["id"]}
    assert set(scores(manager, min_score=5)) == {customer_a["id"]}
    assert set(scores(manager, owner_id=rep_b.user["id"])) == {customer_b["id"]}
    report = rep_a.ok("GET", PATH, params={"as_of": "2020-01-01"})
    assert report["as_of"] == "2020-01-01" and report["threshold"] == 70
    assert report["total"] == 0                   # the customer did not exist yet

    for params in ({"min_score": 101}, {"min_score": "x"}, {"as_of": "yesterday"},
                   {"tz": "Nowhere/City"}, {"limit": 0}, {"group_by": "owner_id"}):
        response = rep_a.get(PATH, params=params)
        assert response.status_code == 422, (params, response.text)
        assert "errors" in response.json()
    assert f"/api/v1/{PATH}" in admin.ok("GET", "/openapi.json")["paths"]
