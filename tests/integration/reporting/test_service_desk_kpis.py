"""The service KPIs against the real service desk: tickets created, answered, paused, resolved
and reopened through its RPCs reach reporting over the broker (and its catch-up), the reports
show what figures.py computes from the service desk's own reconcile_ticket_kpis, and the
reconcile job compares them exactly — on SQLite and PostgreSQL (reporting's database)."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, update

from services.chassis.auth import Principal
from services.chassis.errors import Forbidden, Invalid
from services.reporting.domains.service_desk import figures
from services.reporting.domains.service_desk.models import TicketFact
from services.service_desk.surveys import tokens
from services.service_desk.surveys.models import TicketSurvey
from tests.helpers import wait_until
from tests.integration.customers.fake_identity import user
from tests.integration.customers.support import copied_users, rpc
from tests.integration.reporting.support import ADMIN, MANAGER, REP_A
from tests.integration.reporting.test_reconcile import reconcile

AGENT = Principal("u-agent-1", "agent", team_id="t-desk")
AGENT_2 = Principal("u-agent-2", "agent", team_id="t-desk")
LEAD = Principal("u-sm", "support_manager")
ALL_DAY = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat",
                                                  "sun")}


# A period with nothing in it: the scope checks need no records, nor the wall clock
SOME_DAY = {"from": "2026-03-02", "to": "2026-03-02", "tz": "UTC"}


def period_of(*timestamps):
    """The UTC days the records' own timestamps fall on — one, or two for a run across
    midnight (a period of "today" from the wall clock missed tickets created before it)."""
    days = sorted({datetime.fromisoformat(stamp).astimezone(timezone.utc).date()
                   for stamp in timestamps})
    return {"from": days[0].isoformat(), "to": days[-1].isoformat(), "tz": "UTC"}


def desk_people(producers, databases):
    for person in (ADMIN, MANAGER, REP_A, AGENT, AGENT_2, LEAD):
        rpc(producers["identity"], "put_user", ADMIN,
            user(person.user_id, role=person.role, team_id=person.team_id))
    wanted = {AGENT.user_id, AGENT_2.user_id, LEAD.user_id}
    wait_until(lambda: wanted <= copied_users(databases["service_desk"]),
               message="agents in the service desk's users copy")
    # round-the-clock business hours: every second of the test is business time
    rpc(producers["service_desk"], "set_sla_calendar", LEAD, "default",
        {"name": "Always", "time_zone": "UTC", "week": ALL_DAY, "holidays": []})


def tickets_workload(producers):
    desk = producers["service_desk"]
    customer = rpc(producers["customers"], "create_customer", ADMIN, {"name": "Desk customer"})

    def ticket(principal, assignee, priority, category):
        return rpc(desk, "create_ticket", principal, {
            "customer_id": customer["id"], "subject": f"{priority} {category}",
            "priority": priority, "channel": "email", "category": category,
            "assignee_id": assignee.user_id})["id"]

    first = ticket(AGENT, AGENT, "high", "hardware")
    second = ticket(AGENT, AGENT_2, "low", "billing")
    third = ticket(LEAD, AGENT, "urgent", "hardware")
    rpc(desk, "add_ticket_reply", AGENT, first, {"body": "On it."})
    rpc(desk, "change_ticket_status", AGENT, first, {"status": "waiting_on_customer"})
    rpc(desk, "add_ticket_reply", AGENT, first, {"body": "Still broken", "from_customer": True})
    rpc(desk, "change_ticket_status", AGENT, first, {"status": "resolved"})
    rpc(desk, "add_ticket_reply", AGENT, first, {"body": "Again!", "from_customer": True})
    rpc(desk, "change_ticket_status", AGENT, first, {"status": "resolved"})
    rpc(desk, "change_ticket_status", AGENT_2, second, {"status": "resolved"})
    rpc(desk, "update_ticket", LEAD, third, {"assignee_id": AGENT_2.user_id})
    return first, second, third


def desk_rows(desk):
    return rpc(desk, "reconcile_ticket_kpis", ADMIN)["items"]


def reported(reporting, period, principal=LEAD, report="service_desk_tickets", **query):
    return rpc(reporting, report, principal, {**period, **query})


@pytest.mark.dialect_sensitive("the ticket facts' upserts and reconcile queries")
def test_reports_equal_the_service_desks_own_figures_and_reconcile_is_exact(
        producers, databases, start_reporting):
    reporting = start_reporting()
    desk_people(producers, databases)
    first, _second, third = tickets_workload(producers)
    rows = desk_rows(producers["service_desk"])
    want = figures.summarise(rows)
    assert want["tickets"] == 3 and want["reopened_tickets"] == 1 and want["resolved"] == 2
    period = period_of(*(row["created_at"] for row in rows))

    def agents():
        return {r["assignee_id"]: r for r in reported(reporting, period,
                                                      report="service_desk_agents")["rows"]}

    def total():
        # The workload's last event is the third ticket's reassignment: the totals can be
        # complete before it is applied, so the wait covers it too.
        got = reported(reporting, period, granularity="total")["rows"]
        done = got and got[0]["tickets"] == 3 and got[0]["reopens"] == 1 and \
            got[0]["resolution_time"]["measured"] == 2 and \
            agents().get(AGENT_2.user_id, {}).get("tickets") == 2
        return got[0] if done else None
    row = wait_until(total, timeout=30, message="the tickets reported")
    assert {name: row[name] for name in want} == want
    assert row["reopen_rate"] == "0.5000"
    by_agent = agents()
    assert by_agent[AGENT.user_id]["tickets"] == 1 and by_agent[AGENT_2.user_id]["tickets"] == 2
    assert by_agent[AGENT_2.user_id]["backlog"] == 1
    backlog = rpc(reporting, "service_desk_backlog", LEAD, {"group_by": ["assignee_id"]})["rows"]
    assert [(r["assignee_id"], r["count"]) for r in backlog] == [(AGENT_2.user_id, 1)]

    result = reconcile(reporting)
    assert result["ok"] and result["stable"], result
    assert result["checked"]["tickets"] == 3 and result["checked"]["ticket_reopens"] == 1

    with databases["reporting"].begin() as connection:          # a bug, simulated
        connection.execute(update(TicketFact).where(TicketFact.id == third)
                           .values(assignee_id=AGENT.user_id))
    result = reconcile(reporting)
    assert not result["ok"]
    assert {"kpi": "service_desk.tickets.assignee_id", "key": {"ticket_id": third},
            "expected": AGENT_2.user_id, "actual": AGENT.user_id} in result["differences"]
    assert first not in {d["key"].get("ticket_id") for d in result["differences"]}


def test_who_reads_the_service_kpis(producers, databases, start_reporting):
    reporting = start_reporting()
    assert reported(reporting, SOME_DAY, MANAGER)["rows"] == []
    assert reported(reporting, SOME_DAY, AGENT, assignee_id=AGENT.user_id)["rows"] == []
    with pytest.raises(Forbidden):
        reported(reporting, SOME_DAY, AGENT, assignee_id=AGENT_2.user_id)
    with pytest.raises(Forbidden):
        reported(reporting, SOME_DAY, REP_A)
    with pytest.raises(Invalid):
        reported(reporting, SOME_DAY, LEAD, group_by=["subject"])
    with pytest.raises(Forbidden):
        rpc(producers["service_desk"], "reconcile_ticket_kpis", LEAD)


@pytest.mark.dialect_sensitive("the survey and follow-up facts' upserts and reconcile queries")
def test_csat_and_followups_equal_the_service_desks_rows(producers, databases, start_reporting):
    """A resolved ticket's survey answered 60 through the service desk's public RPC: reporting's
    CSAT shows it, and reconcile compares every survey and follow-up exactly."""
    reporting = start_reporting()
    desk_people(producers, databases)
    _first, second, _third = tickets_workload(producers)
    with databases["service_desk"].connect() as connection:
        survey_id = connection.scalar(select(TicketSurvey.id).where(
            TicketSurvey.ticket_id == second))
    rpc(producers["service_desk"], "answer_survey", ADMIN, tokens.sign(survey_id),
        {"score": 60, "comment": "slow"})
    surveys = rpc(producers["service_desk"], "reconcile_survey_kpis", ADMIN)["items"]
    visits = rpc(producers["service_desk"], "reconcile_followup_kpis", ADMIN)["items"]
    assert [(s["survey_id"], s["score"], s["agent_id"]) for s in surveys] == [
        (survey_id, 60, AGENT_2.user_id)]
    period = period_of(surveys[0]["answered_at"])           # CSAT counts answers by that

    def csat():
        rows = reported(reporting, period, report="service_desk_satisfaction",
                        granularity="total", group_by=["agent_id"])["rows"]
        return rows if rows and rows[0]["answered"] == 1 else None
    [row] = wait_until(csat, timeout=30, message="the answer reported")
    assert (row["agent_id"], row["csat_average"], row["distribution"]["60-79"]) == (
        AGENT_2.user_id, "60.00", 1)
    result = reconcile(reporting)
    assert result["ok"], result
    assert not [name for name in result["not_reconciled"] if name.startswith("service_desk.")]
    assert result["checked"]["surveys_answered"] == 1
    assert result["checked"]["followups"] == len(visits) >= 1
