"""The service desk through the gateway against the real processes: a customer and its contact
created in customers reach the service desk (customers' events); an agent opens a ticket
(a retried Idempotency-Key answers the first answer), answers it, notes, pauses it, the
customer's reply reopens it, a duplicate is merged into it, it is resolved and closed; its
history tells all. Scopes: the other team's agent and the other rep get 404, the customer's rep
reads (read-only, writes 403), the support manager sees every queue, a marketer is refused."""
import uuid

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e
TICKETS = "service-desk/tickets"


@pytest.fixture
def desk(admin, region):
    region_name, sales_team = region
    team_a = admin.create_team(name=f"Support A {uuid.uuid4().hex[:6]}")
    team_b = admin.create_team(name=f"Support B {uuid.uuid4().hex[:6]}")
    people = {
        "rep": admin.create_user("sales_rep", region=region_name, team_id=sales_team["id"]),
        "other_rep": admin.create_user("sales_rep", region=region_name),
        "agent_a": admin.create_user("agent", team_id=team_a["id"]),
        "agent_b": admin.create_user("agent", team_id=team_b["id"]),
        "support_manager": admin.create_user("support_manager"),
        "marketer": admin.create_user("marketer"),
    }
    suffix = uuid.uuid4().hex[:8]          # customers refuses a duplicate name or email (409)
    customer = people["rep"].create_customer(name=f"Helpdesk {suffix} Ltd", region=region_name,
                                             email=f"help-{suffix}@desk.example")
    contact = people["rep"].ok("POST", f"customers/{customer['id']}/contacts", expect=201,
                               json={"name": "Ada Lovelace", "role": "CTO"})
    return people, customer, contact, team_a


def test_a_ticket_from_opening_to_closing_with_its_scopes(desk):
    people, customer, contact, team_a = desk
    agent, key = people["agent_a"], f"ticket-{uuid.uuid4()}"
    body = {"customer_id": customer["id"], "contact_id": contact["id"], "priority": "high",
            "channel": "email", "category": "repair", "subject": "Printer on fire",
            "description": "Smoke since this morning.", "tags": ["printer"]}

    def create():
        response = agent.post(TICKETS, json=body, headers={"Idempotency-Key": key})
        return response if response.status_code == 201 else None
    created = wait_until(create, timeout=30, message="the customer known to the service desk")
    ticket = created.json()
    assert created.headers["Location"].endswith(f"/{TICKETS}/{ticket['id']}")
    assert (ticket["status"], ticket["team_id"], ticket["customer_name"]) == (
        "new", team_a["id"], customer["name"])
    again = agent.post(TICKETS, json=body, headers={"Idempotency-Key": key})
    assert (again.status_code, again.json()["id"]) == (201, ticket["id"])
    url = f"{TICKETS}/{ticket['id']}"

    reply = agent.ok("POST", f"{url}/replies", expect=201, json={"body": "We are on it."})
    assert reply["author_id"] == agent.user["id"]
    opened = agent.ok("GET", url)
    assert opened["status"] == "open" and opened["first_responded_at"]
    agent.ok("POST", f"{url}/notes", expect=201, json={"body": "Vendor case 42."})
    agent.ok("POST", f"{url}/status", json={"status": "waiting_on_customer"})
    agent.ok("POST", f"{url}/replies", expect=201,
             json={"body": "Still smoking.", "from_customer": True})
    assert agent.ok("GET", url)["status"] == "open"                # the reply reopened it
    illegal = agent.post(f"{url}/status", json={"status": "new"})
    assert illegal.status_code == 409
    assert illegal.headers["Content-Type"].startswith("application/problem+json")
    assert "resolved" in illegal.json()["allowed"]

    duplicate = agent.ok("POST", TICKETS, expect=201, json={**body, "subject": "Printer smokes"})
    merged = agent.ok("POST", f"{TICKETS}/{duplicate['id']}/merge", json={"into": ticket["id"]})
    assert merged["id"] == ticket["id"]
    assert agent.ok("GET", f"{TICKETS}/{duplicate['id']}")["merged_into"] == ticket["id"]
    agent.ok("POST", f"{url}/status", json={"status": "resolved"})
    closed = agent.ok("POST", f"{url}/status", json={"status": "closed"})
    assert closed["closed_at"]
    assert agent.post(f"{url}/notes", json={"body": "late"}).status_code == 409
    entries = agent.ok("GET", f"{url}/entries")["items"]
    assert [(e["kind"], e["author_kind"]) for e in entries] == [
        ("reply", "agent"), ("note", "agent"), ("reply", "customer"), ("note", "agent")]
    actions = [h["action"] for h in agent.ok("GET", f"{url}/history")["items"]]
    assert actions[0] == "created" and "merged_in" in actions and actions[-1] == "status_changed"

    # scopes
    rep, other_rep = people["rep"], people["other_rep"]
    assert people["agent_b"].get(url).status_code == 404
    assert ticket["id"] not in {t["id"] for t in people["agent_b"].ok("GET", TICKETS)["items"]}
    assert people["support_manager"].ok("GET", url)["id"] == ticket["id"]
    assert rep.ok("GET", url)["read_only"] is True
    assert rep.post(f"{TICKETS}/{duplicate['id']}/notes", json={"body": "x"}).status_code == 403
    assert other_rep.get(url).status_code == 404
    assert people["marketer"].get(TICKETS).status_code == 403
    listed = rep.ok("GET", TICKETS, params={"customer_id": customer["id"]})["items"]
    assert {t["id"] for t in listed} == {ticket["id"], duplicate["id"]}


def test_bad_input_is_a_precise_4xx(desk):
    people, customer, _contact, _team = desk
    agent = people["agent_a"]
    for body, field in (({"customer_id": customer["id"], "subject": "x", "priority": "asap"},
                         "priority"),
                        ({"customer_id": "no-such-customer", "subject": "x"}, "customer_id"),
                        ({"customer_id": customer["id"]}, "subject")):
        response = agent.post(TICKETS, json=body)
        assert response.status_code == 422 and field in response.json()["errors"], response.text
    assert agent.get(TICKETS, params={"status": "pending"}).status_code == 422
    assert agent.get(f"{TICKETS}/no-such-ticket").status_code == 404


def test_the_routes_are_in_the_api_document(anonymous):
    paths = anonymous.ok("GET", "/openapi.json")["paths"]
    assert {"/api/v1/service-desk/tickets", "/api/v1/service-desk/tickets/{ticket_id}/merge"} \
        <= set(paths)


def test_routing_by_rule_and_round_robin_skipping_who_is_away(desk, admin):
    people, customer, _contact, team_a = desk
    agent_a, manager = people["agent_a"], people["support_manager"]
    agent_a2 = admin.create_user("agent", team_id=team_a["id"])
    a, a2 = agent_a.user["id"], agent_a2.user["id"]
    wait_until(lambda: {x["id"] for x in manager.ok("GET", "service-desk/agents", params={
        "team_id": team_a["id"]})["items"]} == {a, a2}, timeout=30,
        message="both agents known to the service desk")
    category = f"billing-{uuid.uuid4().hex[:6]}"
    rules = manager.ok("PUT", "service-desk/routing/rules", json={"rules": [
        {"category": category, "team_id": team_a["id"]}]})["rules"]
    assert rules[0]["team_id"] == team_a["id"]
    mode = manager.ok("PUT", f"service-desk/routing/teams/{team_a['id']}",
                      json={"mode": "round_robin"})
    assert mode["mode"] == "round_robin"
    assert agent_a.request("PUT", f"service-desk/routing/teams/{team_a['id']}",
                           json={"mode": "manual"}).status_code == 403

    def routed():
        made = manager.ok("POST", TICKETS, expect=201, json={
            "customer_id": customer["id"], "subject": "Invoice wrong", "category": category})
        assert made["team_id"] == team_a["id"]
        return made["assignee_id"]
    first = [routed() for _ in range(4)]
    assert sorted(first) == sorted([a, a, a2, a2]) and first[0] != first[1]
    assert agent_a.request("PUT", f"service-desk/agents/{a2}/availability",
                           json={"away": True}).status_code == 403
    away = agent_a2.ok("PUT", f"service-desk/agents/{a2}/availability", json={"away": True})
    assert away["away"] is True
    assert [routed() for _ in range(2)] == [a, a]
    loads = {x["id"]: x["unresolved"] for x in manager.ok(
        "GET", "service-desk/agents", params={"team_id": team_a["id"]})["items"]}
    assert loads[a] >= 4 and loads[a2] == 2
