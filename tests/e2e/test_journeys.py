"""User journeys over HTTP against the real processes."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

pytestmark = pytest.mark.e2e


def test_customer_journey_assign_tag_log_and_read_the_timeline(admin, region):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])

    # An admin creates a customer without an owner: it goes to the region's (only) rep.
    customer = admin.create_customer(name=f"Journey GmbH {uuid.uuid4().hex[:6]}", region=region_name,
                                     email=f"hello-{uuid.uuid4().hex[:6]}@journey.example")
    assert customer["owner_id"] == rep.user["id"], customer
    assert rep.ok("GET", f"customers/{customer['id']}")["name"] == customer["name"]

    # The rep tags it, then logs two interactions (the older one second).
    tag = f"vip-{uuid.uuid4().hex[:6]}"
    rep.ok("POST", "customers/tags", json={"customer_ids": [customer["id"]], "tags": [tag]})
    assert rep.ok("GET", f"customers/{customer['id']}")["tags"] == [tag]
    assert [c["id"] for c in rep.list_all("customers", {"tags_all": tag})] == [customer["id"]]

    now = datetime.now(timezone.utc)
    call = rep.ok("POST", f"customers/{customer['id']}/interactions", expect=201, json={
        "kind": "call", "summary": "Discussed the renewal", "outcome": "interested",
        "occurred_at": (now - timedelta(minutes=5)).isoformat()})
    note = rep.ok("POST", f"customers/{customer['id']}/interactions", expect=201, json={
        "kind": "note", "summary": "Sent the proposal", "occurred_at": now.isoformat()})
    older = rep.ok("POST", f"customers/{customer['id']}/interactions", expect=201, json={
        "kind": "meeting", "summary": "First meeting", "occurred_at": (now - timedelta(days=30)).isoformat()})
    assert call["user_id"] == rep.user["id"]

    timeline = rep.ok("GET", f"customers/{customer['id']}/interactions")
    assert [item["id"] for item in timeline["items"]] == [note["id"], call["id"], older["id"]]
    # paging keeps the order
    first = rep.ok("GET", f"customers/{customer['id']}/interactions", params={"limit": 2})
    second = rep.ok("GET", f"customers/{customer['id']}/interactions",
                    params={"limit": 2, "cursor": first["next_cursor"]})
    assert [i["id"] for i in first["items"] + second["items"]] == [note["id"], call["id"], older["id"]]
    assert second["next_cursor"] is None


def test_a_rep_cannot_reach_another_reps_customer(admin, region):
    region_name, team = region
    rep_a = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    other_region = f"Other-{uuid.uuid4().hex[:8]}"
    rep_b = admin.create_user("sales_rep", region=other_region)
    marker = f"Secretive {uuid.uuid4().hex[:8]}"
    customer = rep_a.create_customer(name=marker, region=region_name)
    assert customer["owner_id"] == rep_a.user["id"]

    # A sees it everywhere (so the absences below are meaningful) ...
    assert rep_a.ok("GET", f"customers/{customer['id']}")["id"] == customer["id"]
    assert customer["id"] in {c["id"] for c in rep_a.list_all("customers")}
    assert customer["id"] in {c["id"] for c in rep_a.list_all("customers", {"q": marker})}
    assert marker in {row["name"] for row in rep_a.export_rows()}

    # ... B nowhere: 404 (not 403) on read and on every write, absent from list, search, export.
    path = f"customers/{customer['id']}"
    assert rep_b.get(path).status_code == 404
    assert rep_b.patch(path, json={"name": "taken over"}).status_code == 404
    assert rep_b.get(f"{path}/interactions").status_code == 404
    assert rep_b.post(f"{path}/interactions", json={"kind": "note", "summary": "x"}).status_code == 404
    tagging = {"customer_ids": [customer["id"]], "tags": ["x"]}
    assert rep_b.post("customers/tags", json=tagging).status_code == 404
    assert customer["id"] not in {c["id"] for c in rep_b.list_all("customers")}
    assert rep_b.list_all("customers", {"q": marker}) == []
    assert rep_b.list_all("customers", {"owner_id": rep_a.user["id"]}) == []
    assert marker not in {row["name"] for row in rep_b.export_rows()}
    assert marker not in rep_b.get("customers/export", params={"q": marker}).text

    # and nothing B tried changed it
    after = admin.ok("GET", path)
    assert ((after["name"], after["tags"], after["updated_at"])
            == (customer["name"], [], customer["updated_at"]))
    assert admin.ok("GET", f"{path}/interactions")["items"] == []
