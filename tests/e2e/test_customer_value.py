"""Customer value through the gateway: value classes suggested from the won deals — a rep sees
only their own customers, the manager the team's and applies a suggestion through the
customers API (the report then shows it unchanged), or lets the team's value-class rule apply
them (audited as the rule's changes, none twice); the repurchase rate, lifetime value and
customer groups in a rep's scope, and a group made a marketing segment a campaign can aim at
(retried with its Idempotency-Key: the same segment); bad parameters are 422; the routes are
in the API document."""
import uuid
from decimal import Decimal

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e

CLASSES = "reports/customers/value-classes"
REPURCHASE = "reports/customers/repurchase"
LIFETIME = "reports/customers/lifetime-value"
GROUPS = "reports/customers/groups"
RULE = "reports/customers/value-classes/rule"


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
    team_groups = wait_until(lambda: grouped(manager, [mine, theirs]), timeout=60,
                             message="the team's customers in groups")
    segment_of_a_group(admin, manager, rep_a, team_groups, theirs)

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
    assert {f"/api/v1/{path}" for path in (CLASSES, REPURCHASE, LIFETIME, GROUPS, RULE)} <= set(
        document)
    assert "post" in document[f"/api/v1/{GROUPS}/{{group}}/segment"]


def segment_of_a_group(admin, manager, rep_a, report, customer):
    """The manager makes the group `customer` is in a marketing segment: a static list of the
    contacts of the manager's customers in it, which a campaign then aims at."""
    number, group = next((n, g) for n, g in enumerate(report["groups"])
                         if customer in g["members"])
    for member in group["members"]:
        wait_until(lambda m=member: manager.get(f"marketing/audience/{m}").status_code == 200,
                   timeout=30, message="marketing's audience has the group's customers")
    url = f"{GROUPS}/{number}/segment"
    body = {"description": group["description"], "name": f"Group {uuid.uuid4().hex[:8]}"}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    made = manager.ok("POST", url, expect=201, json=body, headers=key)
    assert manager.ok("POST", url, expect=201, json=body, headers=key)["id"] == made["id"]
    assert (made["kind"], made["name"], made["member_count"]) == (
        "static", body["name"], len(group["members"]))
    assert group["description"] in made["description"]
    listed = manager.ok("GET", f"marketing/segments/{made['id']}/members")["items"]
    assert sorted(item["id"] for item in listed) == sorted(group["members"])
    assert manager.request("POST", url, json=body).status_code == 409    # no key: the name
    default = manager.ok("POST", url, expect=201, json={"description": group["description"]})
    assert default["name"].lower().startswith(group["description"].split(",")[0])

    marketer = admin.create_user("marketer")
    campaign = marketer.ok("POST", "marketing/campaigns", expect=201, json={
        "name": f"Win back {made['id'][:8]}", "channel": "email", "currency": "EUR",
        "segment_ids": [made["id"]]})
    wait_until(lambda: marketer.ok("GET", f"marketing/campaigns/{campaign['id']}/audience")[
        "contacts"] == len(group["members"]), timeout=30,
        message="the group's segment is the campaign's audience")

    for path, data, status in ((f"{GROUPS}/99/segment", {}, 404),
                               (f"{GROUPS}/abc/segment", {}, 404),
                               (url, {"description": "not what it says now"}, 409),
                               (url, {"months": 0}, 422), (url, {"colour": "red"}, 422),
                               (url, {"name": ""}, 422)):
        response = manager.request("POST", path, json=data)
        assert response.status_code == status, (path, data, response.text)
    assert rep_a.request("POST", url, json=body).status_code == 403


def test_the_teams_value_class_rule_applies_the_suggestions_once(admin, bought):
    manager, rep_a, _rep_b, customers = bought
    ids = set(customers.values())
    assert rep_a.get(RULE).status_code == 403
    state = manager.ok("GET", RULE)
    assert state["enabled"] is False and state["last_run_at"] is None
    assert state["scope"].startswith("team:")
    for bad in ({}, {"enabled": "yes"}, {"enabled": True, "applies": "most"},
                {"enabled": True, "months": 61}):
        response = manager.request("PUT", RULE, json=bad)
        assert response.status_code == 422 and "errors" in response.json(), (bad, response.text)

    def suggested():
        found = rows(manager, CLASSES)
        return {key: found[key]["suggested_class"] for key in ids} if ids <= set(found) and all(
            found[key]["frequency"] for key in ids) else None
    wanted = wait_until(suggested, timeout=30, message="the team's suggestions")
    try:
        rule = manager.ok("PUT", RULE, json={"enabled": True, "applies": "unclassified"},
                          headers={"Idempotency-Key": str(uuid.uuid4())})
        assert (rule["enabled"], rule["applies"], rule["months"]) == (True, "unclassified", 12)
        applied = wait_until(lambda: {key: manager.ok("GET", f"customers/{key}")["value_class"]
                                      for key in ids} == wanted or None, timeout=30,
                             message="the rule applied the suggestions")
        assert applied

        def audited(key):
            items = admin.ok("GET", "audit", params={"record_type": "customer",
                                                     "record_id": key, "limit": 100})["items"]
            return [i for i in items if i["field"] == "value_class"] or None
        for key in ids:
            (change,) = wait_until(lambda key=key: audited(key), timeout=30,
                                   message="the class change audited")
            assert (change["actor_id"], change["new_value"]) == ("value_class_rule", wanted[key])

        def a_later_pass():
            now = manager.ok("GET", RULE)
            return now if now["last_run_at"] and now["last_applied"] == 0 else None
        wait_until(a_later_pass, timeout=30, message="a pass that changes nothing")
        for key in ids:
            assert len(audited(key)) == 1                            # not applied twice
    finally:
        manager.ok("PUT", RULE, json={"enabled": False})
