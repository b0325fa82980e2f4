"""Customer value through the gateway: value classes suggested from the won deals — a rep sees
only their own customers, the manager the team's and applies a suggestion through the
customers API (the report then shows it unchanged); the repurchase rate, lifetime value and
customer groups in a rep's scope; bad parameters are 422; the routes are in the API document."""
import uuid
from decimal import Decimal

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e

CLASSES = "reports/customers/value-classes"
REPURCHASE = "reports/customers/repurchase"
LIFETIME = "reports/customers/lifetime-value"
GROUPS = "reports/customers/groups"


def rows(client, path, **params):
    response = client.get(path, params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return {row["customer_id"]: row for row in response.json()["rows"]}


@pytest.fixture
def bought(admin, region):
    """rep_a's customer won two deals (3 + 1 widgets), rep_b's one (5 widgets)."""
    region_name, team = region
    manager = admin.create_user("manager", region=region_name, team_id=team["id"])
    rep_a = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    rep_b = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    tag = uuid.uuid4().hex[:8]
    widget = admin.ok("POST", "products", expect=201, json={
        "name": f"Value widget {tag}", "list_price": "19.99", "currency": "EUR"})
    customers = {}
    for rep, quantities in ((rep_a, (3, 1)), (rep_b, (5,))):
        customer = rep.create_customer(region=region_name)
        customers[rep.user["id"]] = customer["id"]
        for quantity in quantities:
            deal = rep.ok("POST", "deals", expect=201, json={
                "name": f"Value {tag} {quantity}", "customer_id": customer["id"],
                "currency": "EUR", "lines": [{"product_id": widget["id"], "quantity": quantity}]})
            rep.ok("POST", f"deals/{deal['id']}/stage", json={"stage": "won"})
    return manager, rep_a, rep_b, customers


def test_value_classes_are_scoped_and_applied_through_customers(admin, bought):
    manager, rep_a, rep_b, customers = bought
    mine, theirs = customers[rep_a.user["id"]], customers[rep_b.user["id"]]
    expected = {mine: (2, "79.96"), theirs: (1, "99.95")}

    def caught_up():
        found = rows(manager, CLASSES)
        return found if {key: (found[key]["frequency"], found[key]["monetary"])
                         for key in expected if key in found} == expected else None
    team = wait_until(caught_up, timeout=30, message="the classes see the team's won deals")
    assert set(rows(rep_a, CLASSES)) == {mine}
    assert set(rows(rep_b, CLASSES)) == {theirs}
    row = team[theirs]
    assert row["current_class"] is None and row["change"] == "new"
    assert row["reason"].startswith(f"{row['suggested_class']}: ")
    assert Decimal(row["monetary"]) == Decimal("99.95") and row["currency"] == "EUR"

    manager.ok("PATCH", f"customers/{theirs}", json={"value_class": row["suggested_class"]})
    applied = wait_until(lambda: rows(manager, CLASSES)[theirs]["change"] == "same" or None,
                         timeout=30, message="the applied class reaches the report")
    assert applied
    assert theirs not in rows(manager, CLASSES, changed_only="true")

    # rep_a's one customer bought twice today, for the first time: 1 buyer, no repeat
    assert [(row["buyers"], row["repeat_buyers"]) for row in rep_a.ok(
        "GET", REPURCHASE, params={"granularity": "total"})["totals"]] == [(1, 0)]
    (mine_total,) = rep_a.ok("GET", LIFETIME)["totals"]
    assert (mine_total["customers"], mine_total["orders"], mine_total["revenue"],
            mine_total["average_order_value"]) == (1, 2, "79.96", "39.98")

    # a third buyer (admin's: in nobody's team) so there is something to group, whatever ran before
    other = admin.create_customer(owner_id=admin.user["id"])     # else assigned to a rep
    gadget = admin.ok("POST", "products", expect=201, json={
        "name": f"Value gadget {uuid.uuid4().hex[:8]}", "list_price": "5.00", "currency": "EUR"})
    deal = admin.ok("POST", "deals", expect=201, json={
        "name": "Value third buyer", "customer_id": other["id"], "currency": "EUR",
        "lines": [{"product_id": gadget["id"], "quantity": 1}]})
    admin.ok("POST", f"deals/{deal['id']}/stage", json={"stage": "won"})

    def grouped(client, wanted):
        response = client.get(GROUPS)       # the first one loads scikit-learn: may outlast 3 s
        if response.status_code == 503:
            return None
        assert response.status_code == 200, response.text
        report = response.json()
        members = [m for group in report["groups"] for m in group["members"]]
        return report if sorted(members) == sorted(wanted) else None
    mine_grouped = wait_until(lambda: grouped(rep_a, [mine]), timeout=60,
                              message="rep_a's customer in a group")
    assert mine_grouped["k"] >= 2 and all(group["description"] for group in mine_grouped["groups"])
    assert sum(group["size"] for group in mine_grouped["groups"]) >= 3
    wait_until(lambda: grouped(manager, [mine, theirs]), timeout=60,
               message="the team's customers in groups")

    for path, params in ((CLASSES, {"months": 0}), (CLASSES, {"as_of": "yesterday"}),
                         (CLASSES, {"suggested_class": "Z"}), (CLASSES, {"limit": 501}),
                         (CLASSES, {"tz": "Nowhere/Else"}), (REPURCHASE, {"granularity": "day"}),
                         (REPURCHASE, {"from": "2025-02-01", "to": "2025-01-01"}),
                         (LIFETIME, {"group_by": "owner_id"}), (GROUPS, {"limit": 0}),
                         (GROUPS, {"k": 4})):
        response = rep_a.get(path, params=params)
        assert response.status_code == 422, (path, params, response.text)
        assert "errors" in response.json()
    document = admin.ok("GET", "/openapi.json")["paths"]
    assert {f"/api/v1/{path}" for path in (CLASSES, REPURCHASE, LIFETIME, GROUPS)} <= set(document)
