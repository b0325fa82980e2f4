"""The service desk's whole journey (issue 12 §10) through the gateway against the real
processes and the real SMTP server: a customer's mail → a ticket routed to the email team and
assigned round robin → the agent's reply (the first response met, mailed with the ticket
token) → waiting on the customer (the clock paused) → the customer's answer by mail threads
back (the clock resumes) → resolved → the survey mailed, answered 60 → escalated to the team's
supervisor with a follow-up visit, which the supervisor completes → reporting's service KPIs
(the team's resolved ticket, its first response met, the CSAT of 60) show it."""
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest

from tests.e2e.system import INBOUND_EMAIL_SECRET
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e
TICKETS = "service-desk/tickets"
RULES = "service-desk/routing/rules"
REPORTS = "reports/service-desk"


def mail(sender, subject, body, message_id, extra=""):
    return (f"From: <{sender}>\r\nTo: support@desk.example\r\nSubject: {subject}\r\n"
            f"Message-ID: {message_id}\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n"
            f"\r\n{body}\r\n")


def link_of(message):
    """The survey's API path (after /api/v1/) from the page link in a mail."""
    url = next(line.strip() for line in message.get_content().splitlines() if "/surveys/" in line)
    return urlsplit(url).path.split("/api/v1/", 1)[1].removesuffix("/page")


@pytest.fixture
def desk(admin, region):
    region_name, sales_team = region
    team = admin.create_team(name=f"Email desk {uuid.uuid4().hex[:6]}")
    people = {"rep": admin.create_user("sales_rep", region=region_name, team_id=sales_team["id"]),
              "agent": admin.create_user("agent", team_id=team["id"]),
              "supervisor": admin.create_user("support_manager", team_id=team["id"])}
    suffix = uuid.uuid4().hex[:8]
    customer = people["rep"].create_customer(name=f"Journey {suffix} Ltd", region=region_name,
                                             email=f"journey-{suffix}@desk.example")
    return people, team, customer


@pytest.fixture
def email_routed_to(desk):
    """Email tickets routed to the desk's team, round robin; the rules as they were afterwards
    (they are the whole desk's)."""
    people, team, _ = desk
    supervisor = people["supervisor"]
    before = supervisor.ok("GET", RULES)["rules"]
    supervisor.ok("PUT", RULES, json={"rules": [{"channel": "email", "team_id": team["id"]}]})
    supervisor.ok("PUT", f"service-desk/routing/teams/{team['id']}", json={"mode": "round_robin"})
    yield team
    supervisor.ok("PUT", RULES, json={"rules": [
        {k: rule[k] for k in ("category", "channel", "team_id") if rule.get(k)} for rule in before]})


def test_from_a_customers_mail_to_the_supervisors_follow_up(desk, email_routed_to, anonymous,
                                                            mailbox):
    people, team, customer = desk
    agent, supervisor = people["agent"], people["supervisor"]
    wait_until(lambda: agent.user["id"] in {a["id"] for a in supervisor.ok(
        "GET", "service-desk/agents", params={"team_id": team["id"]})["items"]}
        and supervisor.post(TICKETS, json={"customer_id": customer["id"],
                                           "subject": "Known yet?"}).status_code == 201,
        timeout=30, message="the agent and the customer known to the service desk")

    first = f"<{uuid.uuid4().hex}@customer.example>"
    received = anonymous.ok("POST", "service-desk/inbound/email",
                            headers={"X-Webhook-Secret": INBOUND_EMAIL_SECRET},
                            json={"raw": mail(customer["email"], "Heating broken",
                                              "No heat since Monday.", first)})
    assert received["outcome"] == "created"
    url = f"{TICKETS}/{received['ticket_id']}"
    ticket = agent.ok("GET", url)
    assert (ticket["channel"], ticket["team_id"], ticket["assignee_id"]) == (
        "email", team["id"], agent.user["id"])

    agent.ok("POST", f"{url}/replies", expect=201, json={"body": "Is the boiler on?"})
    agent.ok("POST", f"{url}/status", json={"status": "waiting_on_customer"})
    clock = agent.ok("GET", f"{url}/sla")
    assert clock["first_response"]["status"] == "fulfilled"
    assert clock["paused"] and clock["resolution"]["due_at"] is None
    [reply] = wait_until(lambda: mailbox.messages_to(customer["email"]) or None, timeout=30,
                         message="the agent's reply at the SMTP server")
    assert f"[#T-{ticket['id']}]" in str(reply["Subject"]) and reply["In-Reply-To"] == first

    answer = anonymous.ok("POST", "service-desk/inbound/email",
                          headers={"X-Webhook-Secret": INBOUND_EMAIL_SECRET},
                          json={"raw": mail(customer["email"], "Re: Heating broken",
                                            "Yes, it is on.", f"<{uuid.uuid4().hex}@c.example>",
                                            extra=f"In-Reply-To: {reply['Message-ID']}\r\n")})
    assert (answer["outcome"], answer["ticket_id"]) == ("replied", ticket["id"])
    assert agent.ok("GET", url)["status"] == "open"
    resumed = agent.ok("GET", f"{url}/sla")
    assert not resumed["paused"] and resumed["resolution"]["due_at"] is not None

    agent.ok("POST", f"{url}/replies", expect=201, json={"body": "Fixed the valve remotely."})
    agent.ok("POST", f"{url}/status", json={"status": "resolved"})
    [invitation] = wait_until(lambda: [m for m in mailbox.messages_to(customer["email"])
                                       if str(m["Subject"]).strip().startswith("How did we do? ")]
                                      or None,
                              timeout=30, message="the survey at the SMTP server")
    answered = anonymous.ok("POST", link_of(invitation), json={"score": 60, "comment": "Slow."})
    assert (answered["status"], answered["score"]) == ("answered", 60)

    [survey] = supervisor.ok("GET", "service-desk/surveys", params={
        "ticket_id": ticket["id"], "escalated": "true"})["items"]
    assert (survey["escalated_to"], survey["agent_id"]) == (supervisor.user["id"],
                                                            agent.user["id"])
    [visit] = supervisor.ok("GET", "service-desk/followups", params={
        "ticket_id": ticket["id"], "status": "scheduled"})["items"]
    assert (visit["reason"], visit["assignee_id"]) == ("low_score", supervisor.user["id"])
    done = supervisor.ok("POST", f"service-desk/followups/{visit['id']}/complete",
                         json={"outcome": "Called; the valve is replaced for free."})
    assert done["status"] == "completed"

    created = datetime.fromisoformat(ticket["created_at"]).astimezone(timezone.utc).date()
    window = {"from": created.isoformat(), "to": (created + timedelta(days=1)).isoformat(),
              "granularity": "total", "team_id": team["id"]}

    def kpis():
        rows = supervisor.ok("GET", f"{REPORTS}/tickets", params=window)["rows"]
        return rows[0] if rows and rows[0]["resolved"] == 1 else None
    row = wait_until(kpis, timeout=30, message="the resolved ticket in reporting")
    assert (row["tickets"], row["open"], row["reopens"]) == (1, 0, 0)
    assert row["first_response_time"]["measured"] == 1
    assert row["sla"]["first_response"]["met"] == 1

    def satisfaction():
        rows = supervisor.ok("GET", f"{REPORTS}/satisfaction",
                             params={**window, "group_by": "agent_id"})["rows"]
        return rows if rows and rows[0]["answered"] == 1 else None
    [csat] = wait_until(satisfaction, timeout=30, message="the survey's answer in reporting")
    assert (csat["agent_id"], csat["csat_average"]) == (agent.user["id"], "60.00")
