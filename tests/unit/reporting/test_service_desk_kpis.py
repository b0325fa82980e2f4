"""Reporting's service KPIs equal the service desk's own figures: the service desk's real
handlers (tickets created, answered, paused, resolved, reopened by a customer's reply, resolved
without a reply, an SLA breach fired by its timer) write its rows and outbox; its published
events are applied to reporting; then the reports show the business-time figures the SLA clock
computed and reconcile finds no difference against reconcile_ticket_kpis. A fixed clock: the
default calendar is Monday–Friday 09:00–18:00 UTC and T0 a Monday 09:00."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from services.chassis.auth import Principal
from services.chassis.errors import Forbidden, Invalid
from services.chassis.outbox import OutboxEvent, envelope
from services.reporting.domains.service_desk import queries, reconcile
from services.reporting.domains.service_desk.models import SurveyFact, TicketFact
from services.reporting.reconcile import differences
from services.service_desk.sla import alarms, handlers as sla_handlers
from services.service_desk.tickets.handlers import (change, conversation, create, kpis, merge,
                                                   record)
from tests.unit.reporting.support import apply
from tests.unit.service_desk import ops, survey_ops
from tests.unit.service_desk.support import AGENT_A, AGENT_A2, AGENT_B, T0, seeded_db

H, M = timedelta(hours=1), timedelta(minutes=1)
MANAGER = Principal("u-sm", "support_manager")
DAY = {"from": "2026-03-02", "to": "2026-03-02"}
NOW = T0 + 7 * H


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setenv("SMTP_FROM", "Support <support@desk.example>")
    monkeypatch.setenv("SERVICE_DESK_SURVEY_BASE_URL", "https://crm.example")
    fixed = Clock()
    for module in (change, conversation, create, merge, record, sla_handlers, kpis):
        monkeypatch.setattr(module, "utcnow", fixed)
    return fixed


def at(clock, moment, operation, *args, **kwargs):
    clock.now = moment
    return operation(*args, **kwargs)


def history(clock):
    """t1 (high, agent A): answered in 30 min, paused 2 h, resolved, reopened by the customer,
    resolved again — 1800 s to respond, 10800 business seconds to resolve (pauses excluded).
    t2 (urgent, agent A): no reply until the timer breaches its 30-minute first response.
    t3 (low, agent A2): resolved without a reply (that answers it: 7200 s both).
    t4 (medium, team B): new, untouched — backlog."""
    desk = seeded_db()
    t1 = at(clock, T0, ops.create_ticket, desk, AGENT_A, priority="high", channel="email",
            category="hardware", assignee_id=AGENT_A.user_id)["id"]
    t2 = ops.create_ticket(desk, AGENT_A, priority="urgent", channel="phone",
                           category="hardware", assignee_id=AGENT_A.user_id)["id"]
    t3 = ops.create_ticket(desk, AGENT_A, priority="low", channel="email", category="billing",
                           assignee_id=AGENT_A2.user_id)["id"]
    t4 = ops.create_ticket(desk, AGENT_B, priority="medium", channel="email",
                           category="billing", assignee_id=AGENT_B.user_id)["id"]
    at(clock, T0 + 30 * M, ops.reply, desk, AGENT_A, t1)
    at(clock, T0 + H, ops.move, desk, AGENT_A, t1, "waiting_on_customer")
    alarms.fire_due(desk, T0 + H)                            # t2's first response: breached
    at(clock, T0 + 2 * H, ops.reply, desk, AGENT_A, t2)      # late: 7200 s
    at(clock, T0 + 2 * H, ops.move, desk, AGENT_A2, t3, "resolved")
    at(clock, T0 + 3 * H, ops.reply, desk, AGENT_A, t1, from_customer=True)   # paused → open
    at(clock, T0 + 4 * H, ops.move, desk, AGENT_A, t1, "resolved")
    at(clock, T0 + 5 * H, ops.reply, desk, AGENT_A, t1, from_customer=True)   # reopened
    at(clock, T0 + 6 * H, ops.move, desk, AGENT_A, t1, "resolved")
    clock.now = NOW
    return desk, {"t1": t1, "t2": t2, "t3": t3, "t4": t4}


def published(desk):
    with desk.read_only() as session:
        return [envelope(row, "service_desk") for row in session.scalars(
            select(OutboxEvent).order_by(OutboxEvent.sequence))]


def desk_pages(desk):
    with desk.read_only() as session:
        return {reconcile.METHOD: kpis.ticket_kpis(session)["items"],
                reconcile.SURVEYS: kpis.survey_kpis(session)["items"],
                reconcile.FOLLOWUPS: kpis.followup_kpis(session)["items"]}


def report(db, function, principal=MANAGER, **query):
    with db.read_only() as session:
        return function(session, principal, query, now=NOW)


def compare(db, desk):
    with db.read_only() as session:
        have = reconcile.actual(session)
    return differences(reconcile.expected(None, desk_pages(desk)), have, reconcile.KEYS)


@pytest.fixture
def story(db, clock):
    desk, ids = history(clock)
    apply(db, *published(desk))
    return desk, ids


def test_the_ticket_kpis_are_the_sla_clocks_business_time_figures(db, story):
    rows = report(db, queries.ticket_kpis, group_by=["team_id"], granularity="total",
                  **DAY)["rows"]
    team_a, team_b = rows
    assert (team_a["team_id"], team_b["team_id"]) == ("t-support-a", "t-support-b")
    assert team_a["tickets"] == 3 and (team_a["open"], team_a["resolved"]) == (1, 2)
    assert team_a["first_response_time"] == {"measured": 3, "median_seconds": 7200,
                                             "p90_seconds": 7200}
    assert team_a["resolution_time"] == {"measured": 2, "median_seconds": 9000,
                                         "p90_seconds": 10800}
    assert team_a["sla"]["first_response"] == {"met": 2, "breached": 1, "pending": 0,
                                               "compliance_percent": "66.67"}
    assert team_a["sla"]["resolution"] == {"met": 2, "breached": 0, "pending": 1,
                                           "compliance_percent": "100.00"}
    assert team_a["breaches"] == {"first_response": 1, "resolution": 0, "update": 0, "total": 1}
    assert (team_a["reopened_tickets"], team_a["reopens"], team_a["reopen_rate"]) == (
        1, 1, "0.5000")
    assert team_b["tickets"] == 1 and team_b["first_response_time"]["measured"] == 0
    assert team_b["sla"]["first_response"]["compliance_percent"] is None
    assert team_b["reopen_rate"] is None


def test_per_agent_priority_and_period(db, story):
    rows = report(db, queries.ticket_kpis, group_by=["period", "assignee_id", "priority"],
                  **DAY)["rows"]
    assert [(r["period"], r["assignee_id"], r["priority"], r["tickets"]) for r in rows] == [
        ("2026-03-02", "u-agent-a", "high", 1), ("2026-03-02", "u-agent-a", "urgent", 1),
        ("2026-03-02", "u-agent-a2", "low", 1), ("2026-03-02", "u-agent-b", "medium", 1)]
    assert rows[0]["assignee_name"] == "u-agent-a" or rows[0]["assignee_name"] is None
    high = rows[0]
    assert high["first_response_time"]["median_seconds"] == 1800
    assert high["resolution_time"]["median_seconds"] == 10800
    # a period that holds none of them: no rows; another zone's day still holds them all
    assert report(db, queries.ticket_kpis, **{"from": "2026-03-03", "to": "2026-03-03"})[
        "rows"] == []
    tokyo = report(db, queries.ticket_kpis, tz="Asia/Tokyo", **DAY)["rows"]
    assert [row["tickets"] for row in tokyo] == [4]


def test_backlog_now_and_the_agents_view(db, story):
    backlog = report(db, queries.backlog, group_by=["status", "team_id"])["rows"]
    assert [(r["status"], r["team_id"], r["count"]) for r in backlog] == [
        ("new", "t-support-b", 1), ("open", "t-support-a", 1)]
    assert backlog[0]["oldest_created_at"] == T0.isoformat()
    agents = report(db, queries.agents, **DAY)["rows"]
    assert [(r["assignee_id"], r["backlog"], r["tickets"], r["resolved"]) for r in agents] == [
        ("u-agent-a", 1, 2, 1), ("u-agent-a2", 0, 1, 1), ("u-agent-b", 1, 1, 0)]
    assert agents[0]["sla"]["first_response"]["compliance_percent"] == "50.00"


def test_an_agent_reads_their_own_figures_only(db, story):
    own = report(db, queries.agents, AGENT_A, **DAY)["rows"]
    assert [row["assignee_id"] for row in own] == ["u-agent-a"]
    mine = report(db, queries.ticket_kpis, AGENT_A, group_by=["assignee_id"], **DAY)["rows"]
    assert [(row["assignee_id"], row["tickets"]) for row in mine] == [("u-agent-a", 2)]
    assert [row["count"] for row in report(db, queries.backlog, AGENT_A)["rows"]] == [1]
    for function in (queries.ticket_kpis, queries.backlog, queries.agents):
        with pytest.raises(Forbidden):
            report(db, function, AGENT_A, assignee_id=[AGENT_A.user_id, AGENT_A2.user_id])


@pytest.mark.parametrize("query,field", [
    ({"group_by": ["subject"]}, "group_by"), ({"granularity": "hour"}, "granularity"),
    ({"from": "2026-03-05", "to": "2026-03-01"}, "from"), ({"tz": "Mars/Base"}, "tz"),
    ({"limit": 0}, "limit"), ({"priority": ""}, "priority"), ({"colour": "red"}, "colour")])
def test_bad_queries_are_refused_precisely(db, query, field):
    with pytest.raises(Invalid) as error:
        report(db, queries.ticket_kpis, **query)
    assert field in error.value.details


def test_reconcile_finds_no_difference_then_finds_a_wrong_fact(db, story):
    desk, ids = story
    assert compare(db, desk) == []
    pages = desk_pages(desk)
    assert {row["ticket_id"]: row["reopens"] for row in pages[reconcile.METHOD]}[ids["t1"]] == 1
    with db.unit_of_work() as uow:
        uow.session.get(TicketFact, ids["t1"]).resolution_seconds = 10799
    found = compare(db, desk)
    kpis_found = {d["kpi"] for d in found}
    assert "service_desk.tickets.resolution_seconds" in kpis_found
    assert "service_desk.teams.resolution_p90" in kpis_found
    assert {"kpi": "service_desk.tickets.resolution_seconds", "key": {"ticket_id": ids["t1"]},
            "expected": 10800, "actual": 10799} in found


def test_events_in_any_order_or_twice_give_the_same_facts(db, clock, fresh_db):
    desk, _ids = history(clock)
    events = published(desk)
    apply(db, *events)
    other = fresh_db()
    apply(other, *reversed(events))
    apply(other, *events)           # repeats: the inbox ignores them
    assert report(other, queries.ticket_kpis, group_by=["assignee_id"], **DAY) | {
        "freshness": None} == report(db, queries.ticket_kpis, group_by=["assignee_id"],
                                     **DAY) | {"freshness": None}
    assert compare(other, desk) == []


def test_an_event_without_sla_measures_still_counts_the_ticket(db):
    """An older producer's events (no `sla`): the ticket counts, its times are not measured."""
    from tests.unit.reporting.support import Log
    log = Log("service_desk")
    record_ = {"id": "tk-1", "customer_id": "c-1", "contact_id": None, "subject": "s",
               "category": None, "priority": "low", "channel": "api", "team_id": None,
               "assignee_id": None, "tags": [], "status": "new", "status_category": "open",
               "merged_into": None, "created_by": "u", "created_at": T0.isoformat(),
               "updated_at": T0.isoformat(), "first_responded_at": None, "resolved_at": None,
               "closed_at": None}
    apply(db, log.emit("ticket_created", record_))
    row, = report(db, queries.ticket_kpis, granularity="total", **DAY)["rows"]
    assert row["tickets"] == 1 and row["sla"]["first_response"]["pending"] == 1


def test_csat_and_followups_from_the_real_survey_and_followup_handlers(db, clock):
    """The customer of t3 answers its survey 60 (below 80: escalated, a low-score follow-up);
    t1's A-class follow-up is completed: reporting's CSAT and follow-ups equal the service
    desk's own rows, which reconcile compares too."""
    desk, ids = history(clock)
    survey_ops.give(desk, survey_ops.token_of(desk, ids["t3"]), NOW, score=60, comment="slow")
    # t1's first A-class visit was cancelled by its reopening; its second one is done now
    [visit] = [v for v in survey_ops.followups_of(desk, ids["t1"]) if v.status == "scheduled"]
    clock.now = NOW
    survey_ops.complete(desk, AGENT_A, visit.id, outcome="All good now.")
    apply(db, *published(desk))
    pages = desk_pages(desk)
    assert [row["score"] for row in pages[reconcile.SURVEYS]] == [60]
    assert {row["state"] for row in pages[reconcile.FOLLOWUPS]} >= {"completed", "scheduled"}
    assert compare(db, desk) == []
    wide = {"from": "2026-03-01", "to": "2026-03-31", "granularity": "total"}
    [csat] = report(db, queries.satisfaction, group_by=["agent_id"], **wide)["rows"]
    assert (csat["agent_id"], csat["answered"], csat["csat_average"], csat["satisfied_percent"]) \
        == (AGENT_A2.user_id, 1, "60.00", "0.00")
    visits = report(db, queries.followup_visits, **wide)["rows"]
    assert sum(row["done"] for row in visits) == 1
    assert sum(row["due"] for row in visits) == len(pages[reconcile.FOLLOWUPS])
    with db.unit_of_work() as uow:                      # a wrong score: reconcile finds it
        uow.session.execute(update(SurveyFact).values(score=61))
    assert {"service_desk.surveys.score", "service_desk.teams.csat_average"} <= {
        d["kpi"] for d in compare(db, desk)}


def test_an_unmatched_senders_ticket_counts_groups_and_reconciles(db, clock, monkeypatch):
    """A mail from an unknown sender is a ticket without a customer (the service desk's real
    inbound handler): it counts in the KPIs, groups under no customer, reconciles; attached to
    its customer later, the facts follow and reconcile again."""
    from services.service_desk.email_channel import inbound
    monkeypatch.delenv("SERVICE_DESK_EMAIL_UNMATCHED_CUSTOMER_ID", raising=False)
    desk = seeded_db()
    matched = at(clock, T0, ops.create_ticket, desk, AGENT_A, channel="email")["id"]
    with desk.unit_of_work(actor="inbound_email") as uow:
        unmatched = inbound.receive(uow, {"raw": (
            "From: stan@nowhere.example\r\nSubject: Order 42?\r\n"
            "Message-ID: <u1@nowhere.example>\r\n\r\nNever came.")})["ticket_id"]
    at(clock, T0 + H, ops.reply, desk, MANAGER, unmatched)     # no team: the managers' queue
    clock.now = NOW
    apply(db, *published(desk))
    with db.read_only() as session:
        assert session.get(TicketFact, unmatched).customer_id is None
    [row] = report(db, queries.ticket_kpis, group_by=["channel"], granularity="total",
                   **DAY)["rows"]
    assert (row["channel"], row["tickets"], row["first_response_time"]["measured"]) == (
        "email", 2, 1)
    assert sum(row["count"] for row in report(db, queries.backlog)["rows"]) == 2
    assert compare(db, desk) == []
    at(clock, NOW, ops.update, desk, MANAGER, unmatched, customer_id="c-2")
    apply(db, *published(desk))
    with db.read_only() as session:
        assert session.get(TicketFact, unmatched).customer_id == "c-2"
        assert session.get(TicketFact, matched).customer_id == "c-1"
    assert compare(db, desk) == []
