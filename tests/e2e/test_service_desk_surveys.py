"""Satisfaction surveys and follow-up visits through the gateway against the real processes and
the real SMTP server: an A-class customer's ticket resolved → a follow-up visit is scheduled
for the agent and the survey mailed with a signed link; the link (public, no login) shows the
survey and takes 60 → escalated to the team's support manager, whose low-score visit replaces
the agent's; the same answer again is a 200 unchanged, another a 409; a forged link 404, a bad
answer 422; the supervisor completes the visit (another agent: 403; again: 409). A visit
planned by hand for a resolved ticket only, reassigned and rescheduled by the supervisor."""
import uuid
from urllib.parse import urlsplit

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e
TICKETS = "service-desk/tickets"
FOLLOWUPS = "service-desk/followups"


@pytest.fixture
def desk(admin, region):
    region_name, sales_team = region
    team = admin.create_team(name=f"Support S {uuid.uuid4().hex[:6]}")
    people = {"rep": admin.create_user("sales_rep", region=region_name, team_id=sales_team["id"]),
              "agent": admin.create_user("agent", team_id=team["id"]),
              "other_agent": admin.create_user("agent", team_id=team["id"]),
              "supervisor": admin.create_user("support_manager", team_id=team["id"])}
    suffix = uuid.uuid4().hex[:8]
    customer = people["rep"].create_customer(name=f"Survey {suffix} Ltd", region=region_name,
                                             email=f"survey-{suffix}@desk.example",
                                             value_class="A")
    return people, customer


def survey_path(message):
    """The survey's API path (after /api/v1/) from the mail's page link."""
    url = next(line.strip() for line in message.get_content().splitlines() if "/surveys/" in line)
    return urlsplit(url).path.split("/api/v1/", 1)[1].removesuffix("/page")


def test_a_low_score_escalates_and_the_supervisors_visit_is_completed(desk, anonymous,
                                                                      mailbox):
    people, customer = desk
    agent, supervisor = people["agent"], people["supervisor"]

    def create():
        response = agent.post(TICKETS, json={"customer_id": customer["id"], "subject": "No heat",
                                             "category": "repair",
                                             "assignee_id": agent.user["id"]})
        return response if response.status_code == 201 else None
    ticket = wait_until(create, timeout=30, message="customer and agent known to the desk").json()
    url = f"{TICKETS}/{ticket['id']}"
    agent.ok("POST", f"{url}/replies", expect=201, json={"body": "A technician is on the way."})
    agent.ok("POST", f"{url}/status", json={"status": "resolved"})

    [class_visit] = agent.ok("GET", FOLLOWUPS, params={"ticket_id": ticket["id"]})["items"]
    assert (class_visit["reason"], class_visit["assignee_id"], class_visit["status"]) == (
        "a_class", agent.user["id"], "scheduled")

    def survey_mail():
        return [m for m in mailbox.messages_to(customer["email"])
                if str(m["Subject"]).startswith("How did we do? ")] or None
    [invitation] = wait_until(survey_mail, timeout=30, message="the survey at the SMTP server")
    assert f"[#T-{ticket['id']}]" in str(invitation["Subject"])
    link = survey_path(invitation)
    [survey] = wait_until(lambda: [s for s in agent.ok("GET", "service-desk/surveys", params={
        "ticket_id": ticket["id"]})["items"] if s["status"] == "sent"] or None, timeout=30,
        message="the survey marked sent")
    assert (survey["agent_id"], survey["category"]) == (agent.user["id"], "repair")

    shown = anonymous.ok("GET", link)
    assert (shown["ticket_subject"], shown["status"], shown["score"]) == ("No heat", "open", None)
    forged = anonymous.request("GET", link[:-3] + "xyz")
    assert forged.status_code == 404 and forged.headers["Content-Type"].startswith(
        "application/problem+json")
    bad = anonymous.request("POST", link, json={"score": 60, "stars": 3})
    assert bad.status_code == 422 and "score" in bad.json()["errors"]
    assert anonymous.ok("GET", link)["status"] == "open"

    answered = anonymous.ok("POST", link, json={"score": 60, "comment": "Took two days."})
    assert (answered["status"], answered["score"]) == ("answered", 60)
    assert anonymous.ok("POST", link, json={"score": 60, "comment": "Took two days."}) == answered
    assert anonymous.request("POST", link, json={"stars": 5}).status_code == 409

    [escalated] = supervisor.ok("GET", "service-desk/surveys", params={
        "ticket_id": ticket["id"], "escalated": "true"})["items"]
    assert (escalated["score"], escalated["escalated_to"]) == (60, supervisor.user["id"])
    visits = {v["reason"]: v for v in supervisor.ok("GET", FOLLOWUPS, params={
        "ticket_id": ticket["id"]})["items"]}
    assert visits["a_class"]["status"] == "cancelled"
    low = visits["low_score"]
    assert (low["status"], low["assignee_id"], low["survey_id"]) == (
        "scheduled", supervisor.user["id"], survey["id"])
    history = agent.ok("GET", f"{url}/history")["items"]
    assert history[-1]["action"] == "survey_escalated"

    other = people["other_agent"].request("POST", f"{FOLLOWUPS}/{low['id']}/complete",
                                          json={"outcome": "Not mine"})
    assert other.status_code == 403
    done = supervisor.ok("POST", f"{FOLLOWUPS}/{low['id']}/complete",
                         json={"outcome": "Apologised; a discount on the next service."})
    assert (done["status"], done["outcome"]) == (
        "completed", "Apologised; a discount on the next service.")
    assert supervisor.request("POST", f"{FOLLOWUPS}/{low['id']}/cancel",
                              json={"reason": "late"}).status_code == 409
    assert supervisor.ok("GET", f"{FOLLOWUPS}/{low['id']}")["status"] == "completed"
    assert len(survey_mail()) == 1


def test_a_visit_planned_by_hand_and_the_refusals(desk):
    people, customer = desk
    agent = people["agent"]
    ticket = wait_until(lambda: (r := agent.post(TICKETS, json={
        "customer_id": customer["id"], "subject": "Noisy fan"})).status_code == 201 and r,
        timeout=30, message="the customer known to the desk").json()
    refused = agent.request("POST", f"{TICKETS}/{ticket['id']}/followups", json={})
    assert refused.status_code == 409
    agent.ok("POST", f"{TICKETS}/{ticket['id']}/status", json={"status": "closed"})
    made = agent.post(f"{TICKETS}/{ticket['id']}/followups", json={
        "due_at": "2027-01-05T09:00:00+00:00", "note": "Check the fan again"})
    assert made.status_code == 201, made.text
    assert made.headers["Location"].endswith(f"{FOLLOWUPS}/{made.json()['id']}")
    assert (made.json()["reason"], made.json()["assignee_id"]) == ("manual", agent.user["id"])
    assert agent.request("POST", f"{TICKETS}/{ticket['id']}/followups",
                         json={"due_at": "tomorrow"}).status_code == 422
    assert agent.request("GET", FOLLOWUPS, params={"status": "lost"}).status_code == 422
    assert agent.request("GET", f"{FOLLOWUPS}/{uuid.uuid4()}").status_code == 404
    assert people["rep"].request("POST", f"{FOLLOWUPS}/{made.json()['id']}/complete",
                                 json={"outcome": "x"}).status_code == 403
    visit = f"{FOLLOWUPS}/{made.json()['id']}"
    moved = people["supervisor"].ok("PATCH", visit, json={
        "assignee_id": people["other_agent"].user["id"], "due_at": "2027-01-06T09:00:00Z"})
    assert (moved["assignee_id"], moved["due_at"]) == (
        people["other_agent"].user["id"], "2027-01-06T09:00:00+00:00")
    assert agent.request("PATCH", visit, json={"note": "still mine?"}).status_code == 403
    assert people["supervisor"].request("PATCH", visit, json={
        "assignee_id": people["rep"].user["id"]}).status_code == 422


def test_the_customer_answers_on_the_page_the_mail_links_to(desk, anonymous, mailbox):
    """What a customer's browser does: opens the mailed link (an HTML page with the ticket's
    subject and the star form), posts the form urlencoded, and sees the answer — which the
    survey's API then shows; the page answers the same again unchanged, another answer 409."""
    people, customer = desk
    agent = people["agent"]
    ticket = wait_until(lambda: (lambda r: r if r.status_code == 201 else None)(agent.post(
        TICKETS, json={"customer_id": customer["id"], "subject": "Printer <jams> & squeaks",
                       "assignee_id": agent.user["id"]})), timeout=30,
        message="customer and agent known to the desk").json()
    agent.ok("POST", f"{TICKETS}/{ticket['id']}/status", json={"status": "resolved"})
    [invitation] = wait_until(lambda: [m for m in mailbox.messages_to(customer["email"]) if str(
        m["Subject"]).startswith("How did we do? ")] or None, timeout=30,
        message="the survey at the SMTP server")
    page_url = next(line.strip() for line in invitation.get_content().splitlines()
                    if "/surveys/" in line)
    assert page_url.endswith("/page")
    page = anonymous.request("GET", urlsplit(page_url).path)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    assert "Printer &lt;jams&gt; &amp; squeaks" in page.text and "<jams>" not in page.text
    assert page.text.count('type="radio" name="stars"') == 5 and 'method="post"' in page.text

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    none_chosen = anonymous.request("POST", urlsplit(page_url).path, headers=form,
                                    data="stars=&comment=")
    assert none_chosen.status_code == 422
    assert anonymous.ok("GET", survey_path(invitation))["status"] == "open"

    sent = anonymous.request("POST", urlsplit(page_url).path, headers=form,
                             data="stars=4&comment=Quick+%E2%80%94+thanks")
    assert sent.status_code == 200 and "★★★★☆" in sent.text and "Quick — thanks" in sent.text
    shown = anonymous.ok("GET", survey_path(invitation))
    assert (shown["status"], shown["stars"], shown["score"], shown["comment"]) == (
        "answered", 4, 75, "Quick — thanks")
    again = anonymous.request("POST", urlsplit(page_url).path, headers=form,
                              data="stars=4&comment=Quick+%E2%80%94+thanks")
    assert again.status_code == 200
    assert "★★★★☆" in anonymous.request("GET", urlsplit(page_url).path).text
    other = anonymous.request("POST", urlsplit(page_url).path, headers=form, data="stars=1")
    assert other.status_code == 409
    forged = anonymous.request("GET", urlsplit(page_url).path.replace("/page", "x/page"))
    assert forged.status_code == 404
