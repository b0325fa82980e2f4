"""Procurement through the gateway against the real processes: a buyer adds a supplier (its
duplicate is a 409 naming it; forced, it is kept as a possible duplicate), puts it on hold
(409 for an illegal move, unblocking refused to the buyer), scores it under the threshold
(flagged); a rep's purchase request above 5,000 goes to the team's manager then an admin — the
rep's own approval is a 403 that changes nothing, the manager's approval sent twice with one
Idempotency-Key applies once, the admin's approves it; another request is rejected and then
every move on it is a 409; a rep sees only their own requests."""
import uuid

import pytest

pytestmark = pytest.mark.e2e
SUPPLIERS, REQUESTS = "procurement/suppliers", "procurement/purchase-requests"
SCORES = ("quality", "price", "service")          # on-time delivery: computed from receipts


@pytest.fixture
def people(admin):
    team = admin.create_team(name=f"Buying {uuid.uuid4().hex[:6]}")
    return {"buyer": admin.create_user("buyer"),
            "manager": admin.create_user("manager", team_id=team["id"]),
            "rep": admin.create_user("sales_rep", team_id=team["id"]),
            "other_rep": admin.create_user("sales_rep"),
            "second_admin": admin.create_user("admin")}


def test_a_supplier_its_duplicate_status_and_evaluation(people):
    buyer, suffix = people["buyer"], uuid.uuid4().hex[:8]
    body = {"name": f"Acme {suffix} GmbH", "tax_id": f"DE{suffix}", "country": "DE",
            "categories": ["Office supplies"], "payment_terms_days": 30, "currency": "EUR",
            "contacts": [{"name": "Ada", "email": "ada@acme.example", "is_primary": True}]}
    supplier = buyer.ok("POST", SUPPLIERS, json=body, expect=201)
    assert supplier["status"] == "active" and supplier["contacts"][0]["is_primary"] is True
    twin = buyer.post(SUPPLIERS, json={"name": f"ACME {suffix} gmbh."})
    assert twin.status_code == 409
    assert twin.headers["Content-Type"].startswith("application/problem+json")
    assert (twin.json()["duplicate_of"], twin.json()["match"]) == (supplier["id"], "name")
    forced = buyer.ok("POST", f"{SUPPLIERS}?force=true", json={"name": f"ACME {suffix} gmbh."},
                      expect=201)
    assert forced["possible_duplicate_of"] == supplier["id"]
    assert people["rep"].post(SUPPLIERS, json={"name": "Rep's"}).status_code == 403

    url = f"{SUPPLIERS}/{supplier['id']}"
    assert buyer.post(f"{url}/status", json={"status": "on_hold"}).status_code == 422
    buyer.ok("POST", f"{url}/status", json={"status": "blocked", "reason": "Audit"})
    illegal = buyer.post(f"{url}/status", json={"status": "on_hold", "reason": "x"})
    assert (illegal.status_code, illegal.json()["allowed"]) == (409, ["active"])
    assert buyer.post(f"{url}/status", json={"status": "active"}).status_code == 403
    people["second_admin"].ok("POST", f"{url}/status", json={"status": "active"})

    evaluation = buyer.ok("POST", f"{url}/evaluations", expect=201, json={
        "period_start": "2026-01-01", "period_end": "2026-03-31", "hold_if_flagged": True,
        "scores": [{"criterion": key, "score": "45"} for key in SCORES]})
    assert (evaluation["weighted_score"], evaluation["below_threshold"]) == ("45.00", True)
    seen = people["manager"].ok("GET", url)
    assert (seen["score"], seen["flagged"], seen["status"]) == ("45.00", True, "on_hold")
    flagged = people["manager"].ok("GET", SUPPLIERS, params={"flagged": "true", "limit": 100})
    assert supplier["id"] in [s["id"] for s in flagged["items"]]
    actions = [h["action"] for h in buyer.ok("GET", f"{url}/history")["items"]]
    assert actions == ["created", "status_changed", "status_changed", "evaluated",
                       "status_changed"]


def _request(rep, amount):
    return rep.ok("POST", REQUESTS, expect=201, json={
        "title": "Laptops", "justification": "Three new hires in May.", "currency": "EUR",
        "submit": True, "lines": [{"item": "Laptop", "quantity": "3", "unit": "pcs",
                                   "estimated_unit_price": amount, "needed_by": "2026-05-01"}]})


def test_a_request_above_5000_approved_in_two_steps_once_each(people, admin):
    rep, manager = people["rep"], people["manager"]
    request = _request(rep, "1800.00")
    assert (request["total"], [s["role"] for s in request["steps"]]) == (
        "5400.00", ["manager", "admin"])
    url = f"{REQUESTS}/{request['id']}"
    refused = rep.post(f"{url}/approve", json={})
    assert refused.status_code == 403
    assert people["buyer"].post(f"{url}/approve", json={}).status_code == 403
    assert rep.ok("GET", url) == request                           # nothing changed

    key = {"Idempotency-Key": f"approve-{uuid.uuid4()}"}
    first = manager.post(f"{url}/approve", json={"comment": "Fine"}, headers=key)
    second = manager.post(f"{url}/approve", json={"comment": "Fine"}, headers=key)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json() == first.json()
    assert [s["status"] for s in first.json()["steps"]] == ["approved", "pending"]
    assert manager.post(f"{url}/approve", json={}).status_code == 403   # the admin's step now
    approved = admin.ok("POST", f"{url}/approve", json={"comment": "Go"})
    assert approved["status"] == "approved"
    assert [s["decided_by"] for s in approved["steps"]] == [manager.user["id"], admin.user["id"]]
    assert admin.post(f"{url}/approve", json={}).status_code == 409


def test_a_rejected_request_is_final_and_requests_are_scoped(people, admin):
    rep, manager = people["rep"], people["manager"]
    small = _request(rep, "1000.00")
    assert [s["role"] for s in small["steps"]] == ["manager"]
    url = f"{REQUESTS}/{small['id']}"
    assert manager.post(f"{url}/reject", json={}).status_code == 422        # say why
    rejected = manager.ok("POST", f"{url}/reject", json={"comment": "Use the spare ones."})
    assert rejected["status"] == "rejected"
    for client, move, body in ((admin, "approve", {}), (rep, "submit", None),
                               (rep, "cancel", None)):
        answer = client.post(f"{url}/{move}", json=body) if body is not None else \
            client.post(f"{url}/{move}")
        assert answer.status_code == 409, (move, answer.text)
    assert rep.patch(url, json={"title": "Again"}).status_code == 409
    assert people["other_rep"].get(url).status_code == 404
    mine = rep.ok("GET", REQUESTS, params={"limit": 100})["items"]
    assert small["id"] in [r["id"] for r in mine]
    assert {r["requester_id"] for r in mine} == {rep.user["id"]}
    assert people["other_rep"].ok("GET", REQUESTS)["items"] == []
