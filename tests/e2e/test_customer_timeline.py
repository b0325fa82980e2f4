"""The customer's whole history through the gateway against the real processes (issue 11 §10,
issue 12 §7): a campaign sent to the customer, its mail opened and its link clicked, a form
response, and a ticket opened and resolved for the customer all show on the customer's timeline
beside the calls its rep logged, newest first — for whoever may read the customer (its owner
rep); another rep gets the 404 they get for the customer itself."""
import uuid

import pytest

from tests.e2e.system import elapsed
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def whole_timeline(user, customer_id, limit=2):
    items, cursor = [], None
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = user.ok("GET", f"customers/{customer_id}/interactions", params=params)
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def test_campaign_touches_and_tickets_show_on_the_owners_timeline_only(
        admin, anonymous, region, mailbox):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    other_rep = admin.create_user("sales_rep", region=region_name)
    marketer = admin.create_user("marketer")
    agent = admin.create_user("agent")
    tag = uuid.uuid4().hex[:8]
    email = f"timeline-{tag}@example.com"
    customer = rep.create_customer(name=f"Timeline {tag} Ltd", region=region_name, email=email)
    url = f"customers/{customer['id']}/interactions"
    rep.ok("POST", url, expect=201, json={"kind": "call", "summary": "Intro call"})

    # marketing: segment → campaign → send → open → click → form response
    wait_until(lambda: marketer.get(f"marketing/audience/{customer['id']}").status_code == 200,
               timeout=30, message="the customer in the audience")
    segment = marketer.ok("POST", "marketing/segments", expect=201, json={
        "name": f"Timeline {tag}", "kind": "dynamic",
        "rules": [[{"field": "region", "op": "eq", "value": region_name}]]})

    def evaluated():
        found = marketer.ok("GET", f"marketing/segments/{segment['id']}")
        return (found["evaluation"]["status"], found["member_count"]) == ("ready", 1)
    wait_until(evaluated, timeout=60,
               message="the segment evaluated (after its edit, in chunks), the customer in it")
    campaign = marketer.ok("POST", "marketing/campaigns", expect=201, json={
        "name": f"Timeline news {tag}", "channel": "email", "currency": "EUR",
        "segment_ids": [segment["id"]], "starts_at": "2099-01-01T09:00:00Z"})
    c_url = f"marketing/campaigns/{campaign['id']}"
    for to in ("scheduled", "running"):
        marketer.ok("POST", f"{c_url}/status", json={"to": to})
    template = marketer.ok("POST", "marketing/templates", expect=201, json={
        "name": f"Timeline {tag}", "subject": "News",
        "html": '<p>See <a href="https://example.com/news">the news</a></p>',
        "text": "See https://example.com/news"})
    marketer.ok("POST", f"{c_url}/send", expect=202, json={"template_id": template["id"]})
    wait_until(lambda: marketer.ok("GET", f"{c_url}/send")["status"] == "done", timeout=60,
               message="the broadcast done")
    [message] = mailbox.messages_to(email)
    html = message.get_body(("html",)).get_content()
    tracked = [part.split('"')[0].replace("&amp;", "&") for part in html.split('"http')[1:]]
    pixel = next("http" + u for u in tracked if "/t/open/" in u).split("/api/v1/", 1)[1]
    click = next("http" + u for u in tracked if "/t/click/" in u).split("/api/v1/", 1)[1]
    for _ in range(2):                    # the mail read twice: one open on the timeline
        assert anonymous.request("GET", pixel).status_code == 200
    assert anonymous.request("GET", click, allow_redirects=False).status_code == 302
    assert anonymous.request("POST", f"marketing/forms/{campaign['id']}", json={
        "name": "Tim Line", "email": email, "company": customer["name"]}).status_code == 202

    # the service desk: a ticket for the customer, resolved
    def open_ticket():
        response = agent.post("service-desk/tickets", json={
            "customer_id": customer["id"], "priority": "medium", "channel": "phone",
            "subject": f"Invoice question {tag}", "description": "Which VAT rate?"})
        return response.json() if response.status_code == 201 else None
    ticket = wait_until(open_ticket, timeout=30, message="the customer known to the desk")
    agent.ok("POST", f"service-desk/tickets/{ticket['id']}/status", json={"status": "resolved"})

    wanted = {"call", "campaign_sent", "campaign_opened", "campaign_clicked",
              "campaign_responded", "ticket_created", "ticket_resolved"}
    items = wait_until(lambda: (lambda got: {i["kind"] for i in got} >= wanted and got)(
        whole_timeline(rep, customer["id"])), timeout=60, message="the whole history")
    kinds = [item["kind"] for item in items]
    assert sorted(kinds) == sorted(wanted), kinds           # once each: the second open is none
    times = [(item["occurred_at"], item["id"]) for item in items]
    assert times == sorted(times, reverse=True)
    by_kind = {item["kind"]: item for item in items}
    for kind in ("campaign_sent", "campaign_opened", "campaign_clicked", "campaign_responded"):
        assert (by_kind[kind]["source"], by_kind[kind]["ref_type"], by_kind[kind]["ref_id"],
                by_kind[kind]["title"]) == ("marketing", "campaign", campaign["id"],
                                            campaign["name"]), kind
    for kind in ("ticket_created", "ticket_resolved"):
        assert (by_kind[kind]["source"], by_kind[kind]["ref_id"], by_kind[kind]["title"]) == (
            "service_desk", ticket["id"], f"Invoice question {tag}"), kind
    assert by_kind["call"]["source"] == "customers"
    assert "Which VAT rate" not in str(items) and "<p>" not in str(items)   # no bodies

    assert admin.ok("GET", url, params={"limit": 100})["items"] == rep.ok(
        "GET", url, params={"limit": 100})["items"]
    assert other_rep.get(f"customers/{customer['id']}").status_code == 404
    refused = other_rep.get(url)
    assert refused.status_code == 404
    assert refused.headers["Content-Type"].startswith("application/problem+json")


def test_a_survey_answered_and_follow_up_visits_show_on_the_customers_timeline(
        admin, anonymous, region, mailbox):
    """Issue 12 §7: the survey after resolution and the follow-up visits (an A-class customer's,
    replaced by the low score's, completed) show on the customer's timeline."""
    from tests.e2e.test_service_desk_surveys import survey_path
    region_name, sales_team = region
    support = admin.create_team(name=f"Support T {uuid.uuid4().hex[:6]}")
    rep = admin.create_user("sales_rep", region=region_name, team_id=sales_team["id"])
    agent = admin.create_user("agent", team_id=support["id"])
    supervisor = admin.create_user("support_manager", team_id=support["id"])
    tag = uuid.uuid4().hex[:8]
    customer = rep.create_customer(name=f"Visited {tag} Ltd", region=region_name,
                                   email=f"visited-{tag}@desk.example", value_class="A")
    ticket = wait_until(lambda: (r := agent.post("service-desk/tickets", json={
        "customer_id": customer["id"], "subject": f"No heat {tag}", "category": "repair",
        "assignee_id": agent.user["id"]})).status_code == 201 and r.json(), timeout=30,
        message="customer and agent known to the desk")
    agent.ok("POST", f"service-desk/tickets/{ticket['id']}/status", json={"status": "resolved"})
    [invitation] = wait_until(lambda: [   # strip: a long subject arrives folded, " How ..."
        m for m in mailbox.messages_to(customer["email"])
        if str(m["Subject"]).strip().startswith("How did we do? ")] or None, timeout=30,
        message="the survey at the SMTP server")
    anonymous.ok("POST", survey_path(invitation), json={"score": 60, "comment": "Took two days."})
    low = wait_until(lambda: [v for v in supervisor.ok("GET", "service-desk/followups", params={
        "ticket_id": ticket["id"]})["items"] if v["reason"] == "low_score"] or None, timeout=30,
        message="the low score's visit")[0]
    supervisor.ok("POST", f"service-desk/followups/{low['id']}/complete",
                  json={"outcome": "Apologised."})

    wanted = ["ticket_created", "ticket_resolved", "followup_scheduled", "survey_answered",
              "followup_cancelled", "followup_scheduled", "followup_completed"]
    items = wait_until(lambda: (lambda got: len(got) >= len(wanted) and got)(
        whole_timeline(rep, customer["id"], limit=3)), timeout=60, message="the desk's history")
    assert sorted(item["kind"] for item in items) == sorted(wanted)
    assert {(item["ref_type"], item["ref_id"], item["title"]) for item in items} == {
        ("ticket", ticket["id"], f"No heat {tag}")}
    by_kind = {item["kind"]: item for item in items}
    assert by_kind["survey_answered"]["outcome"] == "score 60/100: Took two days."
    assert by_kind["followup_completed"]["outcome"] == "Apologised."
    assert sorted(item["outcome"] for item in items if item["kind"] == "followup_scheduled") == [
        "a_class", "low_score"]


def test_customer_360_gathers_every_part_scoped_and_survives_a_stopped_service(
        system, admin, region):
    """Issue 17 §8: one answer with every service's part, each scoped by its service (a rep
    is not a marketing reader: that part says so); another rep gets a 404; with the service
    desk stopped its part is unavailable, fast, and the rest still answers."""
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    other_rep = admin.create_user("sales_rep", region=region_name)
    agent = admin.create_user("agent")
    tag = uuid.uuid4().hex[:8]
    customer = rep.create_customer(name=f"Whole view {tag} Ltd", region=region_name)
    rep.ok("POST", f"customers/{customer['id']}/contacts", expect=201,
           json={"name": "Ada Whole", "email": f"ada-{tag}@example.com"})
    rep.ok("POST", f"customers/{customer['id']}/interactions", expect=201,
           json={"kind": "call", "summary": "Intro call"})
    deal = rep.ok("POST", "deals", expect=201, json={
        "name": f"Whole deal {tag}", "customer_id": customer["id"], "currency": "EUR"})
    rep.ok("POST", f"deals/{deal['id']}/stage", json={"stage": "proposal"})    # a follow-up
    ticket = wait_until(lambda: (r := agent.post("service-desk/tickets", json={
        "customer_id": customer["id"], "subject": f"Whole question {tag}"})).status_code == 201
        and r.json(), timeout=30, message="the customer known to the desk")
    url = f"customers/{customer['id']}/360"

    def complete():
        view = rep.ok("GET", url)
        kinds = {item["kind"] for item in view["interactions"]["items"]}
        ready = view["tasks"]["items"] and view["tickets"]["items"] and "ticket_created" in kinds
        return view if ready else None
    view = wait_until(complete, timeout=30, message="the follow-up task and the ticket seen")
    assert view["customer_id"] == customer["id"]
    assert view["customer"] == {"available": True, "record": rep.ok(
        "GET", f"customers/{customer['id']}")}
    assert [c["name"] for c in view["contacts"]["items"]] == ["Ada Whole"]
    assert sorted(i["kind"] for i in view["interactions"]["items"]) == ["call", "ticket_created"]
    assert [d["id"] for d in view["deals"]["items"]] == [deal["id"]]
    assert [t["deal_id"] for t in view["tasks"]["items"]] == [deal["id"]]
    assert [t["id"] for t in view["tickets"]["items"]] == [ticket["id"]]
    for part in ("quotes", "orders", "invoices"):
        assert view[part] == {"available": True, "items": [], "next_cursor": None}, part
    assert view["campaign_touches"]["available"] is False
    assert view["campaign_touches"]["reason"].startswith("not permitted")
    assert admin.ok("GET", url)["campaign_touches"]["available"] is True

    refused = other_rep.get(url)
    assert refused.status_code == 404
    assert refused.headers["Content-Type"].startswith("application/problem+json")

    system.stop_service("service_desk")
    try:
        response, seconds = elapsed(rep.get, url)
        assert response.status_code == 200, response.text
        assert seconds < 2.0 + 2.0, f"the 360 took {seconds:.1f}s with a service down"
        partial = response.json()
        assert partial["tickets"]["available"] is False
        assert "service_desk unavailable" in partial["tickets"]["reason"]
        assert {name: part for name, part in partial.items() if name != "tickets"} == {
            name: part for name, part in view.items() if name != "tickets"}
    finally:
        system.start_service("service_desk")
    system.wait_ready()
    assert rep.ok("GET", url)["tickets"]["available"] is True
