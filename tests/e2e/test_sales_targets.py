"""Sales targets over HTTP against the real processes: admin sets the company and region
targets, the region's manager the rep's (a part above its parent is a 409 until allowed), the
rep's deal is won in the target's month, and the attainment reads the same in sales
(/targets/{id}) and in reporting (/reports/sales/targets, from the target_set events and the
deal facts); reporting's reconciliation reads sales' reconcile_target_facts and finds no
difference.

The month is fixed, never the current one: the deal is won in it through the import (its stages
at their business times), so the test means the same whatever day it runs."""
import uuid

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e
CURRENCY = "CHF"            # no other e2e test uses it: the company target is this test's own
MONTH = "2025-05-01"


def body(scope, value, amount, **extra):
    return {"period_kind": "month", "period_start": MONTH, "scope": scope,
            "scope_value": value, "measure": "won_revenue", "amount": amount,
            "currency": CURRENCY, **extra}


def test_targets_split_and_attained_in_sales_and_reporting(admin, region):
    region_name, team = region
    manager = admin.create_user("manager", region=region_name, team_id=team["id"])
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    company = admin.ok("POST", "targets", json=body("company", None, "100000.00"))
    regional = admin.ok("POST", "targets", json=body("region", region_name, "1000.00"))
    mine = manager.ok("POST", "targets", json=body("rep", rep.user["id"], "800.00"))
    assert (regional["parent_id"], mine["parent_id"]) == (company["id"], regional["id"])
    refused = manager.post("targets", json=body("rep", rep.user["id"], "1200.00"))
    assert refused.status_code == 409, refused.text
    assert rep.post("targets", json=body("rep", rep.user["id"], "1.00")).status_code == 403
    bad = admin.post("targets", json={**body("company", None, "1.00"),
                                      "period_start": "2026-01-15"})
    assert bad.status_code == 422 and "period_start" in bad.json()["errors"]

    item = admin.ok("POST", "products", expect=201, json={
        "name": f"Item {uuid.uuid4().hex[:8]}", "list_price": "250.00", "currency": CURRENCY})
    row = {"external_ref": f"target-{uuid.uuid4().hex[:8]}", "name": "Target",
           "customer_id": rep.create_customer()["id"], "owner_id": rep.user["id"],
           "currency": CURRENCY, "lines": [{"product_id": item["id"], "quantity": 2}],
           "history": [{"stage": "initial_contact", "at": "2025-05-05T09:00:00Z"},
                       {"stage": "won", "at": "2025-05-12T15:00:00Z"}]}

    def imported():     # the new rep is an owner once identity's user_created reached sales
        (result,) = admin.ok("POST", "deals/import", json={"rows": [row]})["results"]
        return result["status"] == "created"
    wait_until(imported, timeout=30, message="the deal won in the target's month imported")

    seen = rep.ok("GET", f"targets/{mine['id']}")
    assert (seen["attained"], seen["attainment_percent"]) == ("500.00", 62.5)
    assert seen["pace"]["expected_by_now"] and seen["period_end"] > seen["period_start"]
    split = admin.ok("GET", f"targets/{regional['id']}")
    assert split["attained"] == "500.00" and split["splits"] == [
        {"by": "rep", "parts": 1, "parts_sum": "800.00", "unallocated": "200.00",
         "parts_exceed_by": "0.00"}]
    assert {t["id"] for t in rep.ok("GET", "targets")["items"]} >= {company["id"], mine["id"]}

    def reported():
        rows = admin.ok("GET", "reports/sales/targets", params={
            "period_kind": "month", "period_start": MONTH})["rows"]
        return {row["id"]: row["attained"] for row in rows
                if row["id"] in (company["id"], regional["id"], mine["id"])}
    wait_until(lambda: reported() == {company["id"]: "500.00", regional["id"]: "500.00",
                                      mine["id"]: "500.00"},
               timeout=30, message="reporting's target attainment")
    job = admin.ok("POST", "reports/reconcile", expect=202)
    result = wait_until(lambda: (lambda j: j if j["status"] in ("done", "failed") else None)(
        admin.ok("GET", f"reports/jobs/{job['id']}")), timeout=60, message="reconcile")["result"]
    assert result["not_reconciled"] == [] and result["checked"]["targets"] >= 3
    assert result["ok"], result["differences"]
    document = admin.ok("GET", "/openapi.json")
    assert {"/api/v1/targets", "/api/v1/targets/{target_id}"} <= set(document["paths"])
