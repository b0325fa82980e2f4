"""CSAT and follow-up visits in reporting, from the service desk's survey and follow-up events
exactly as it publishes them (survey_answered with what the ticket was at its resolution;
followup_scheduled / _completed / _cancelled): averages, bands, satisfied %, follow-ups done
and on time, per agent / team / period; in any order and repeated; an agent reads their own;
and reconcile compares them against the service desk's survey and follow-up rows when it
answers them, or lists them as not reconciled."""
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Forbidden, Invalid
from services.reporting.domains.service_desk import queries, reconcile
from services.reporting.reconcile import differences
from tests.unit.reporting.support import Log, apply

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
NOW = T0 + timedelta(days=3)
LEAD = Principal("u-sm", "support_manager")
AGENT = Principal("u-agent-a", "agent", team_id="t-a")
WEEK = {"from": "2026-03-02", "to": "2026-03-08"}


def answered(log, survey_id, agent, team, score, at, priority="high"):
    return log.emit("survey_answered", {
        "survey_id": survey_id, "ticket_id": f"tk-{survey_id}", "customer_id": "c-1",
        "agent_id": agent, "team_id": team, "category": "repair", "priority": priority,
        "score": score, "stars": None, "comment": "ok", "resolved_at": T0.isoformat(),
        "answered_at": at.isoformat()})


def scheduled(log, followup_id, assignee, due):
    return log.emit("followup_scheduled", {
        "followup_id": followup_id, "ticket_id": "tk-1", "customer_id": "c-1",
        "assignee_id": assignee, "team_id": None, "survey_id": None, "due_at": due.isoformat(),
        "reason": "low_score", "scheduled_by": "system", "scheduled_at": T0.isoformat()})


def completed(log, followup_id, assignee, due, at):
    return log.emit("followup_completed", {
        "followup_id": followup_id, "ticket_id": "tk-1", "customer_id": "c-1",
        "assignee_id": assignee, "reason": "low_score", "outcome": "happy",
        "due_at": due.isoformat(), "completed_by": assignee, "completed_at": at.isoformat()})


def cancelled(log, followup_id):
    return log.emit("followup_cancelled", {
        "followup_id": followup_id, "ticket_id": "tk-1", "customer_id": "c-1",
        "assignee_id": None, "reason": "ticket_reopened", "cancelled_by": "system",
        "cancelled_at": T0.isoformat()})


def story():
    """Agent A: scores 100, 60, 75 (team a); agent B: 85 (team b), 10 the week after.
    Follow-ups: A's f1 done in time, f2 done late, f3 cancelled, f4 open and overdue; B's f5 open
    and due after NOW."""
    log, day = Log("service_desk"), timedelta(days=1)
    events = [answered(log, "s1", "u-agent-a", "t-a", 100, T0),
              answered(log, "s2", "u-agent-a", "t-a", 60, T0 + day),
              answered(log, "s3", "u-agent-a", "t-a", 75, T0 + day),
              answered(log, "s4", "u-agent-b", "t-b", 85, T0),
              answered(log, "s5", "u-agent-b", "t-b", 10, T0 + 8 * day),
              scheduled(log, "f1", "u-agent-a", T0 + day),
              scheduled(log, "f2", "u-agent-a", T0 + day),
              scheduled(log, "f3", "u-agent-a", T0 + day),
              scheduled(log, "f4", "u-agent-a", T0 + 2 * day),
              scheduled(log, "f5", "u-agent-b", T0 + 4 * day)]
    events += [completed(log, "f1", "u-agent-a", T0 + day, T0 + day - timedelta(hours=1)),
               completed(log, "f2", "u-agent-a", T0 + day, T0 + 2 * day),
               cancelled(log, "f3")]
    return events


def report(db, function, principal=LEAD, **query):
    with db.read_only() as session:
        return function(session, principal, {**WEEK, **query}, now=NOW)


def test_csat_per_agent_and_team(db):
    apply(db, *story())
    rows = report(db, queries.satisfaction, group_by=["team_id", "agent_id"],
                  granularity="total")["rows"]
    assert [(r["team_id"], r["agent_id"], r["answered"], r["csat_average"]) for r in rows] == [
        ("t-a", "u-agent-a", 3, "78.33"), ("t-b", "u-agent-b", 1, "85.00")]
    a = rows[0]
    assert a["satisfied_percent"] == "33.33"
    assert a["distribution"] == {"0-19": 0, "20-39": 0, "40-59": 0, "60-79": 2, "80-100": 1}
    days = report(db, queries.satisfaction)["rows"]
    assert [(r["period"], r["answered"]) for r in days] == [("2026-03-02", 2),
                                                            ("2026-03-03", 2)]


def test_followups_done_on_time_open_and_overdue(db):
    apply(db, *story())
    rows = report(db, queries.followup_visits, group_by=["assignee_id"],
                  granularity="total")["rows"]
    assert [(r["assignee_id"], r["due"], r["done"], r["done_on_time"], r["cancelled"],
             r["open"], r["overdue"]) for r in rows] == [
        ("u-agent-a", 4, 2, 1, 1, 1, 1), ("u-agent-b", 1, 0, 0, 0, 1, 0)]


def updated(log, followup_id, assignee, due):
    return log.emit("followup_updated", {
        "followup_id": followup_id, "ticket_id": "tk-1", "customer_id": "c-1",
        "assignee_id": assignee, "previous_assignee_id": "u-agent-a", "due_at": due.isoformat(),
        "reason": "low_score", "changed": ["assignee_id", "due_at"], "updated_by": "u-sm",
        "updated_at": T0.isoformat()})


@pytest.mark.parametrize("order", [1, -1])
def test_a_visit_reassigned_and_rescheduled_counts_for_its_new_assignee(db, order):
    log, day = Log("service_desk"), timedelta(days=1)
    events = [scheduled(log, "f1", "u-agent-a", T0 + day), updated(log, "f1", "u-agent-b", NOW + day)]
    apply(db, *events[::order])
    rows = report(db, queries.followup_visits, group_by=["assignee_id"],
                  granularity="total")["rows"]
    assert [(r["assignee_id"], r["due"], r["open"], r["overdue"]) for r in rows] == [
        ("u-agent-b", 1, 1, 0)]


def test_the_agents_view_carries_csat_and_followups(db):
    apply(db, *story())
    rows = {r["assignee_id"]: r for r in report(db, queries.agents)["rows"]}
    assert rows["u-agent-a"]["satisfaction"]["csat_average"] == "78.33"
    assert rows["u-agent-a"]["followups"]["done"] == 2
    assert rows["u-agent-b"]["satisfaction"]["answered"] == 1      # s5 is the week after
    own = report(db, queries.satisfaction, AGENT, group_by=["agent_id"])["rows"]
    assert [r["agent_id"] for r in own] == ["u-agent-a"]
    with pytest.raises(Forbidden):
        report(db, queries.satisfaction, AGENT, agent_id="u-agent-b")
    with pytest.raises(Forbidden):
        report(db, queries.followup_visits, AGENT, assignee_id="u-agent-b")
    with pytest.raises(Invalid):
        report(db, queries.satisfaction, group_by=["score"])
    with pytest.raises(Invalid):
        report(db, queries.followup_visits, group_by=["team_id"])


def test_any_order_and_repeats_give_the_same_figures(db, fresh_db):
    events = story()
    apply(db, *events)
    other = fresh_db()
    apply(other, *reversed(events))
    apply(other, *events)
    for function in (queries.satisfaction, queries.followup_visits, queries.agents):
        assert report(other, function)["rows"] == report(db, function)["rows"]


def _desk_rows(events):
    """What the service desk's reconcile RPCs answer for this story (its own rows)."""
    surveys, visits = [], {}
    for event in events:
        p = event["payload"]
        if event["event_type"] == "survey_answered":
            surveys.append({name: p[name] for name in ("survey_id", "ticket_id", "agent_id",
                                                       "team_id", "category", "priority",
                                                       "score", "answered_at")})
        elif event["event_type"] == "followup_scheduled":
            visits[p["followup_id"]] = {"followup_id": p["followup_id"], "ticket_id": p["ticket_id"],
                                        "assignee_id": p["assignee_id"], "state": "scheduled",
                                        "due_at": p["due_at"], "completed_at": None}
        elif event["event_type"] == "followup_completed":
            visits[p["followup_id"]].update(state="completed", completed_at=p["completed_at"])
        elif event["event_type"] == "followup_cancelled":
            visits[p["followup_id"]]["state"] = "cancelled"
    return surveys, list(visits.values())


def _compare(db, data):
    with db.read_only() as session:
        have = reconcile.actual(session)
    return differences(reconcile.expected(None, data), have, reconcile.KEYS)


def test_reconcile_compares_surveys_and_followups_when_the_desk_answers_them(db):
    events = story()
    apply(db, *events)
    surveys, visits = _desk_rows(events)
    data = {reconcile.METHOD: [], reconcile.SURVEYS: surveys, reconcile.FOLLOWUPS: visits}
    assert _compare(db, data) == []
    surveys[0]["score"] = 50                     # the desk says otherwise: found
    found = _compare(db, data)
    assert Counter(d["kpi"] for d in found) == Counter({
        "service_desk.surveys.score": 1, "service_desk.teams.csat_average": 1,
        "service_desk.teams.csat_distribution": 2})
    visits[0]["state"] = "scheduled"
    assert "service_desk.assignees.followups_done" in {d["kpi"] for d in _compare(db, data)}
    # a service desk without these RPCs: not compared (reconcile lists them as not reconciled)
    assert _compare(db, {reconcile.METHOD: [], reconcile.SURVEYS: None,
                         reconcile.FOLLOWUPS: None}) == []
