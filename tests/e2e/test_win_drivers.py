"""What drives winning through the gateway: a rep whose GTX deals mostly win and whose MG deals
mostly lose sees that in the model fitted on their own deals, their open deals ranked by it; a
rep without enough closed deals is told why; bad parameters are 422; both routes are in the API
document."""
import uuid

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e

DRIVERS, ODDS = "reports/sales/win-drivers", "reports/sales/open-deal-odds"


def test_win_drivers_and_open_deal_odds(admin, region):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    other = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    tag = uuid.uuid4().hex[:8]
    products = {name: admin.ok("POST", "products", expect=201, json={
        "name": f"{name} {tag}", "list_price": "10.00", "currency": "EUR"})["id"]
        for name in ("GTX", "MG")}
    customer = rep.create_customer(region=region_name)

    def deal(product, stage=None):
        deal_id = rep.ok("POST", "deals", expect=201, json={
            "name": f"Drivers {tag}", "customer_id": customer["id"], "currency": "EUR",
            "lines": [{"product_id": products[product], "quantity": 1}]})["id"]
        if stage:
            rep.ok("POST", f"deals/{deal_id}/stage",
                   json={"stage": stage, **({"lost_reason": "price"} if stage == "lost" else {})})
        return deal_id
    for number in range(12):            # GTX wins 10 of 12, MG 2 of 12
        deal("GTX", "won" if number < 10 else "lost")
        deal("MG", "won" if number < 2 else "lost")
    open_gtx, open_mg = deal("GTX"), deal("MG")

    def fitted():
        report = rep.get(DRIVERS, params={"factor": "product"})
        return report.json() if report.status_code == 200 and \
            report.json()["closed_deals"] == 24 else None
    report = wait_until(fitted, timeout=30, message="the rep's 24 closed deals are modelled")
    factors = {f["label"]: f for f in report["factors"]}
    assert factors[f"GTX {tag}"]["odds_ratio"] > 1 > factors[f"MG {tag}"]["odds_ratio"]
    assert factors[f"GTX {tag}"]["detail"].startswith(f"Deals for GTX {tag} have ")
    assert report["base_rate"] == 0.5 and report["holdout"]["test"] == 6
    assert 0 <= report["holdout"]["auc"] <= 1

    def scored():                       # the open deals' events may come a linger later
        odds = rep.ok("GET", ODDS)
        return odds if len(odds["rows"]) == 2 else None
    odds = wait_until(scored, timeout=30, message="the rep's two open deals are scored")
    assert [row["deal_id"] for row in odds["rows"]] == [open_gtx, open_mg]
    assert odds["rows"][0]["win_probability"] > odds["rows"][1]["win_probability"]
    assert odds["rows"][0]["top_factors"][0]["factor"] in ("product", "rep", "age", "region",
                                                           "industry", "size")
    assert other.ok("GET", DRIVERS)["reason"].startswith("Too few closed deals")
    assert other.ok("GET", ODDS)["rows"] == []

    for path, params in ((DRIVERS, {"factor": "colour"}), (DRIVERS, {"min_deals": 0}),
                         (DRIVERS, {"limit": "x"}), (ODDS, {"limit": 501}), (ODDS, {"sort": "x"})):
        response = rep.get(path, params=params)
        assert response.status_code == 422, (path, params, response.text)
        assert "errors" in response.json()
    paths = admin.ok("GET", "/openapi.json")["paths"]
    assert f"/api/v1/{DRIVERS}" in paths and f"/api/v1/{ODDS}" in paths
