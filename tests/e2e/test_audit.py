"""The audit trail through the gateway against the real processes: a rep changes a customer and
a deal (a stage move to won), reads who changed what from what to what — per record, per
customer with its deal, per user, in a time range; another rep cannot; their manager and an
admin can; users' history is admin only; bad queries are 422."""
import uuid

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def changes(client, **params):
    return client.ok("GET", "audit", params={"limit": 100, **params})["items"]


def fields_of(items):
    return [(i["action"], i["field"], i["old_value"], i["new_value"]) for i in items]


def test_a_reps_changes_are_on_the_records_trail_scoped_like_the_records(admin, region):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    manager = admin.create_user("manager", region=region_name, team_id=team["id"])
    other = admin.create_user("sales_rep", region=f"Other-{uuid.uuid4().hex[:8]}")
    product = admin.ok("POST", "products", expect=201, json={
        "name": f"Audited {uuid.uuid4().hex[:8]}", "list_price": "250.00", "currency": "USD"})

    customer = rep.create_customer(name="Before Ltd", region=region_name)
    rep.ok("PATCH", f"customers/{customer['id']}", json={"name": "After Ltd",
                                                          "lifecycle_stage": "prospect"})
    deal = rep.ok("POST", "deals", expect=201, json={
        "name": "Audited deal", "customer_id": customer["id"], "currency": "USD",
        "lines": [{"product_id": product["id"], "quantity": 2}]})
    rep.ok("POST", f"deals/{deal['id']}/stage", json={"stage": "proposal"})
    rep.ok("POST", f"deals/{deal['id']}/stage", json={"stage": "won"})

    def customer_trail():
        items = changes(rep, record_type="customer", record_id=customer["id"])
        return items if len(items) >= 3 else None
    items = wait_until(customer_trail, timeout=30, message="the customer's changes audited")
    assert sorted(fields_of(items[:2])) == [("changed", "lifecycle_stage", "lead", "prospect"),
                                            ("changed", "name", "Before Ltd", "After Ltd")]
    assert items[-1]["action"] == "created" and items[-1]["new_value"]["name"] == "Before Ltd"
    assert {(i["actor_id"], i["actor_name"]) for i in items} == {(rep.user["id"], rep.user["name"])}

    def deal_trail():
        items = changes(rep, record_type="deal", record_id=deal["id"])
        return items if any(i["field"] == "closed_at" for i in items) else None
    items = wait_until(deal_trail, timeout=30, message="the deal's stage moves audited")
    stages = [(i["old_value"], i["new_value"]) for i in items if i["field"] == "stage"]
    assert stages == [("proposal", "won"), ("initial_contact", "proposal")]      # newest first

    # The customer's history holds its deal's, and the follow-up task the proposal stage made.
    history = rep.ok("GET", f"customers/{customer['id']}/history", params={"limit": 100})
    records = {(i["record_type"], i["record_id"]) for i in history["items"]}
    assert {("customer", customer["id"]), ("deal", deal["id"])} <= records
    assert {record_type for record_type, _id in records} == {"customer", "deal", "task"}

    # Scoped like the records: another rep sees nothing of it, the manager and admin do.
    assert changes(other, record_type="customer", record_id=customer["id"]) == []
    assert changes(other, actor_id=rep.user["id"]) == []
    assert other.get(f"customers/{customer['id']}/history").status_code == 404
    assert len(changes(manager, record_type="deal", record_id=deal["id"])) == len(items)
    by_rep = changes(admin, actor_id=rep.user["id"])
    assert {i["record_id"] for i in by_rep} >= {customer["id"], deal["id"]}
    assert {i["record_type"] for i in changes(rep)} <= {"customer", "deal", "contact", "task",
                                                         "quote", "target", "lead"}
    # People and configuration: admin only.
    assert changes(rep, record_type="user") == [] and changes(rep, record_type="product") == []
    wait_until(lambda: changes(admin, record_type="product", record_id=product["id"]),
               timeout=30, message="the product's creation audited")

    # A time range: nothing of it before the customer existed.
    assert changes(rep, record_type="customer", record_id=customer["id"],
                   until=customer["created_at"]) == []

    for bad in ({"record_id": customer["id"]}, {"record_type": "planet"}, {"limit": 0},
                {"since": "yesterday"}, {"cursor": "forged"}):
        response = rep.get("audit", params=bad)
        assert response.status_code == 422, (bad, response.text)
        assert response.headers["Content-Type"] == "application/problem+json"
