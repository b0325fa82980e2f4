"""The service KPIs in reporting (issue 12 §8) through the gateway against the real processes:
in a team of its own, tickets are created, answered, paused, resolved, reopened by the
customer's reply and resolved again, one resolved without a reply, one left new — reporting's
reports then show exactly what the service desk's own SLA clock and history say (each ticket's
SLA state and history read through the gateway are the oracle), and the reconcile job finds no
difference in the service desk's KPIs. Support managers and managers read every figure, an
agent their own (anyone else's: 403), a rep nothing (403); bad parameters are 422."""
import math
import statistics
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from tests.e2e.test_service_desk_surveys import survey_path
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e
TICKETS = "service-desk/tickets"
REPORTS = "reports/service-desk"


@pytest.fixture
def desk(admin, region):
    region_name, _sales_team = region
    team = admin.create_team(name=f"Support KPI {uuid.uuid4().hex[:6]}")
    people = {"agent": admin.create_user("agent", team_id=team["id"]),
              "agent_2": admin.create_user("agent", team_id=team["id"]),
              "lead": admin.create_user("support_manager"),
              "manager": admin.create_user("manager"),
              "rep": admin.create_user("sales_rep", region=region_name)}
    suffix = uuid.uuid4().hex[:8]
    customer = people["rep"].create_customer(name=f"KPI {suffix} Ltd", region=region_name,
                                             email=f"kpi-{suffix}@desk.example")
    return people, customer, team


def _ticket(agent, customer, assignee, priority):
    body = {"customer_id": customer["id"], "priority": priority, "channel": "email",
            "category": "repair", "subject": f"KPI {priority}",
            "assignee_id": assignee.user["id"]}

    def create():
        response = agent.post(TICKETS, json=body)
        return response.json() if response.status_code == 201 else None
    return wait_until(create, timeout=30, message="the customer known to the service desk")


def _oracle(lead, ticket_id):
    """A ticket's KPI facts from the service desk itself: its SLA state and its history."""
    sla = lead.ok("GET", f"{TICKETS}/{ticket_id}/sla")
    history = lead.ok("GET", f"{TICKETS}/{ticket_id}/history", params={"limit": 100})["items"]
    reopens = sum(1 for change in history if change["action"] == "status_changed"
                  and change["changes"]["status"][0] in ("resolved", "closed")
                  and change["changes"]["status"][1] in ("new", "open"))

    def seconds(target):
        return sla[target]["consumed_seconds"] if sla[target]["stopped_at"] else None
    return {"first_response": seconds("first_response"), "resolution": seconds("resolution"),
            "statuses": (sla["first_response"]["status"], sla["resolution"]["status"]),
            "reopens": reopens}


def _times(values):
    values = sorted(v for v in values if v is not None)
    median = statistics.median(values)
    return {"measured": len(values), "median_seconds": int(median) if median == int(median)
            else median, "p90_seconds": values[math.ceil(0.9 * len(values)) - 1]}


def test_the_service_kpis_equal_the_service_desks_own_figures(admin, desk):
    people, customer, team = desk
    agent, agent_2, lead = people["agent"], people["agent_2"], people["lead"]
    first = _ticket(agent, customer, agent, "high")
    second = _ticket(agent, customer, agent_2, "low")
    third = _ticket(agent, customer, agent, "medium")
    url = f"{TICKETS}/{first['id']}"
    agent.ok("POST", f"{url}/replies", expect=201, json={"body": "On it."})
    agent.ok("POST", f"{url}/status", json={"status": "waiting_on_customer"})
    agent.ok("POST", f"{url}/replies", expect=201, json={"body": "Still.", "from_customer": True})
    agent.ok("POST", f"{url}/status", json={"status": "resolved"})
    agent.ok("POST", f"{url}/replies", expect=201, json={"body": "Again!", "from_customer": True})
    agent.ok("POST", f"{url}/status", json={"status": "resolved"})
    agent_2.ok("POST", f"{TICKETS}/{second['id']}/status", json={"status": "resolved"})

    facts = {t["id"]: _oracle(lead, t["id"]) for t in (first, second, third)}
    assert [facts[t["id"]]["reopens"] for t in (first, second, third)] == [1, 0, 0]
    days = sorted(datetime.fromisoformat(t["created_at"]).astimezone(timezone.utc).date()
                  for t in (first, second, third))
    params = {"team_id": team["id"], "granularity": "total", "from": days[0].isoformat(),
              "to": days[-1].isoformat()}

    def reported():
        rows = lead.ok("GET", f"{REPORTS}/tickets", params=params)["rows"]
        return rows[0] if rows and rows[0]["tickets"] == 3 and rows[0]["reopens"] == 1 \
            and rows[0]["resolution_time"]["measured"] == 2 else None
    row = wait_until(reported, timeout=30, message="reporting has the team's tickets")
    assert (row["open"], row["paused"], row["resolved"]) == (1, 0, 2)
    assert row["first_response_time"] == _times(f["first_response"] for f in facts.values())
    assert row["resolution_time"] == _times(f["resolution"] for f in facts.values())
    met = sum(f["statuses"][0] == "fulfilled" for f in facts.values())
    assert row["sla"]["first_response"]["met"] == met
    assert (row["reopened_tickets"], row["reopen_rate"]) == (1, "0.5000")
    assert people["manager"].ok("GET", f"{REPORTS}/tickets", params=params)["rows"] == [row]

    agents = lead.ok("GET", f"{REPORTS}/agents", params={
        "team_id": team["id"], "from": params["from"], "to": params["to"]})["rows"]
    assert [(r["assignee_id"], r["backlog"], r["tickets"]) for r in agents] == sorted([
        (agent.user["id"], 1, 2), (agent_2.user["id"], 0, 1)])
    backlog = lead.ok("GET", f"{REPORTS}/backlog", params={"team_id": team["id"],
                                                            "group_by": "status,priority"})
    assert [(r["status"], r["priority"], r["count"]) for r in backlog["rows"]] == [
        ("new", "medium", 1)]

    own = agent.ok("GET", f"{REPORTS}/agents", params={"from": params["from"],
                                                       "to": params["to"]})["rows"]
    assert [r["assignee_id"] for r in own] == [agent.user["id"]]

    job = admin.ok("POST", "reports/reconcile", expect=202)
    done = wait_until(lambda: (lambda j: j if j["status"] in ("done", "failed") else None)(
        admin.ok("GET", f"reports/jobs/{job['id']}")), timeout=90, message="reconcile")
    assert done["status"] == "done", done
    result = done["result"]
    assert [d for d in result["differences"] if d["kpi"].startswith("service_desk.")] == []
    assert result["checked"]["tickets"] >= 3 and result["checked"]["ticket_reopens"] >= 1


def test_who_may_read_the_service_kpis_and_bad_parameters(desk):
    people, _customer, _team = desk
    agent, agent_2 = people["agent"], people["agent_2"]
    for report in ("tickets", "backlog", "agents"):
        assert people["lead"].request("GET", f"{REPORTS}/{report}").status_code == 200
        assert people["manager"].request("GET", f"{REPORTS}/{report}").status_code == 200
        assert agent.request("GET", f"{REPORTS}/{report}").status_code == 200
        refused = agent.request("GET", f"{REPORTS}/{report}",
                                params={"assignee_id": agent_2.user["id"]})
        assert refused.status_code == 403
        assert refused.headers["Content-Type"].startswith("application/problem+json")
        assert people["rep"].request("GET", f"{REPORTS}/{report}").status_code == 403
    for params in ({"group_by": "subject"}, {"granularity": "hour"}, {"tz": "Mars/Base"},
                   {"from": "2026-03-05", "to": "2026-03-01"}, {"limit": "0"}):
        bad = people["lead"].request("GET", f"{REPORTS}/tickets", params=params)
        assert bad.status_code == 422, (params, bad.text)
        assert bad.headers["Content-Type"].startswith("application/problem+json")
    assert people["lead"].request("GET", f"{REPORTS}/backlog",
                                  params={"group_by": "period"}).status_code == 422


def test_csat_and_followups_reach_the_reports(admin, region, anonymous, mailbox):
    """An A-class customer's ticket resolved, its survey (mailed, link read at the SMTP server)
    answered 60 → escalated: the supervisor's low-score visit, completed. Reporting's CSAT,
    follow-ups and agents' view show it; reconcile compares surveys and follow-ups too."""
    region_name, _team = region
    team = admin.create_team(name=f"Support CSAT {uuid.uuid4().hex[:6]}")
    agent = admin.create_user("agent", team_id=team["id"])
    supervisor = admin.create_user("support_manager", team_id=team["id"])
    rep = admin.create_user("sales_rep", region=region_name)
    suffix = uuid.uuid4().hex[:8]
    customer = rep.create_customer(name=f"CSAT {suffix} Ltd", region=region_name,
                                   email=f"csat-{suffix}@desk.example", value_class="A")
    ticket = _ticket(agent, customer, agent, "medium")
    agent.ok("POST", f"{TICKETS}/{ticket['id']}/replies", expect=201, json={"body": "Fixed."})
    agent.ok("POST", f"{TICKETS}/{ticket['id']}/status", json={"status": "resolved"})
    invitation = wait_until(lambda: [m for m in mailbox.messages_to(customer["email"])
                                     if str(m["Subject"]).startswith("How did we do? ")] or None,
                            timeout=30, message="the survey at the SMTP server")[0]
    anonymous.ok("POST", survey_path(invitation), json={"score": 60, "comment": "Slow."})
    low = wait_until(lambda: [v for v in supervisor.ok("GET", "service-desk/followups", params={
        "ticket_id": ticket["id"]})["items"] if v["reason"] == "low_score"] or None, timeout=30,
        message="the low-score visit")[0]
    supervisor.ok("POST", f"service-desk/followups/{low['id']}/complete",
                  json={"outcome": "Apologised."})

    today = datetime.now(timezone.utc).date()
    window = {"from": (today - timedelta(days=1)).isoformat(),
              "to": (today + timedelta(days=30)).isoformat(), "granularity": "total"}

    def csat():
        rows = supervisor.ok("GET", f"{REPORTS}/satisfaction", params={
            **window, "team_id": team["id"], "group_by": "agent_id"})["rows"]
        return rows if rows and rows[0]["answered"] == 1 else None
    [row] = wait_until(csat, timeout=30, message="the answer in reporting")
    assert (row["agent_id"], row["csat_average"], row["satisfied_percent"]) == (
        agent.user["id"], "60.00", "0.00")
    assert row["distribution"]["60-79"] == 1

    def visits():
        rows = supervisor.ok("GET", f"{REPORTS}/followups", params={
            **window, "assignee_id": supervisor.user["id"], "group_by": "assignee_id"})["rows"]
        return rows if rows and rows[0]["done"] == 1 else None
    [done] = wait_until(visits, timeout=30, message="the visit done in reporting")
    assert (done["due"], done["done_on_time"], done["open"]) == (1, 1, 0)
    mine = agent.ok("GET", f"{REPORTS}/agents", params={"from": window["from"],
                                                        "to": window["to"]})["rows"]
    assert [(r["assignee_id"], r["satisfaction"]["answered"]) for r in mine] == [
        (agent.user["id"], 1)]
    assert agent.request("GET", f"{REPORTS}/satisfaction",
                         params={"agent_id": supervisor.user["id"]}).status_code == 403

    job = admin.ok("POST", "reports/reconcile", expect=202)
    finished = wait_until(lambda: (lambda j: j if j["status"] in ("done", "failed") else None)(
        admin.ok("GET", f"reports/jobs/{job['id']}")), timeout=90, message="reconcile")
    assert finished["status"] == "done", finished
    result = finished["result"]
    assert [d for d in result["differences"] if d["kpi"].startswith("service_desk.")] == []
    assert not [name for name in result["not_reconciled"] if name.startswith("service_desk.")]
    assert result["checked"]["surveys_answered"] >= 1 and result["checked"]["followups"] >= 2
