"""The service KPIs against the service desk's own rows: its reconcile_ticket_kpis pages (each
ticket's dimensions and status now, the SLA clock's measures evaluated now, the breaches its
timer announced, the reopenings in its history) compared exactly with our facts — ticket by
ticket, the backlog per status, team and priority, and the report's figures per team computed
by figures.py from either side's tickets. Satisfaction surveys and follow-up visits likewise
from reconcile_survey_kpis / reconcile_followup_kpis (optional: a service desk without them is
listed under not_reconciled): each answered survey and each follow-up, and per team the CSAT,
per assignee the follow-ups done."""
from collections import Counter
from datetime import datetime

from services.reporting.domains.service_desk import figures, queries
from services.reporting.plugin import Reconciliation

METHOD = "reconcile_ticket_kpis"
SURVEYS, FOLLOWUPS = "reconcile_survey_kpis", "reconcile_followup_kpis"
PER_SURVEY = ("ticket_id", "agent_id", "team_id", "category", "priority", "score", "answered_at")
PER_FOLLOWUP = ("ticket_id", "assignee_id", "state", "due_at", "completed_at")
TICKET = ("ticket_id",)
PER_TICKET = ("customer_id", "team_id", "assignee_id", "category", "priority", "channel",
              "status", "created_at", "first_response_seconds", "resolution_seconds",
              "first_response_outcome", "resolution_outcome", "reopens")
PER_TEAM = ("tickets", "open", "paused", "resolved", "first_response_median",
            "first_response_p90", "resolution_median", "resolution_p90",
            "first_response_compliance", "resolution_compliance", "breaches", "reopen_rate")
MEASURED = tuple(name for name in PER_TICKET if not name.endswith("_outcome"))
TICKET_KEYS = {**{f"service_desk.tickets.{name}": TICKET for name in PER_TICKET},
        "service_desk.tickets.breaches": ("ticket_id", "target"),
        "service_desk.backlog": ("status", "team_id", "priority"),
        **{f"service_desk.teams.{name}": ("team_id",) for name in PER_TEAM}}
SURVEY_KEYS = {**{f"service_desk.surveys.{name}": ("survey_id",) for name in PER_SURVEY},
               "service_desk.teams.csat_answered": ("team_id",),
               "service_desk.teams.csat_average": ("team_id",),
               "service_desk.teams.csat_distribution": ("team_id", "band")}
FOLLOWUP_KEYS = {**{f"service_desk.followups.{name}": ("followup_id",) for name in PER_FOLLOWUP},
                 **{f"service_desk.assignees.followups_{name}": ("assignee_id",)
                    for name in ("due", "done", "done_on_time", "cancelled", "open")}}
KEYS = {**TICKET_KEYS, **SURVEY_KEYS, **FOLLOWUP_KEYS}


def _team(found, team_id, summary):
    values = {"tickets": summary["tickets"], "breaches": summary["breaches"]["total"],
              "reopen_rate": summary["reopen_rate"],
              **{name: summary[name] for name in figures.CATEGORIES}}
    for target in figures.TARGETS:
        values[f"{target}_median"] = summary[f"{target}_time"]["median_seconds"]
        values[f"{target}_p90"] = summary[f"{target}_time"]["p90_seconds"]
        values[f"{target}_compliance"] = summary["sla"][target]["compliance_percent"]
    for name, value in values.items():
        found[f"service_desk.teams.{name}"][(team_id,)] = value


def _kpis(tickets):
    """{kpi: Counter} of tickets shaped as figures.py reads them."""
    tickets = list(tickets)
    found = {kpi: Counter() for kpi in TICKET_KEYS}
    for t in tickets:
        key = (t["ticket_id"],)
        for name in MEASURED:
            found[f"service_desk.tickets.{name}"][key] = t[name]
        for target in figures.TARGETS:
            found[f"service_desk.tickets.{target}_outcome"][key] = figures.outcome(t, target)
        for target, count in t["breaches"].items():
            if count:
                found["service_desk.tickets.breaches"][(t["ticket_id"], target)] = count
        if t["status_category"] != "resolved":
            found["service_desk.backlog"][(t["status"], t["team_id"], t["priority"])] += 1
    for team_id, members in figures.grouped(tickets, lambda t: t["team_id"]).items():
        _team(found, team_id, figures.summarise(members))
    return found


def _survey_kpis(surveys):
    found = {kpi: Counter() for kpi in SURVEY_KEYS}
    surveys = [{**s, "answered_at": _iso(s["answered_at"])} for s in surveys]
    for survey in surveys:
        for name in PER_SURVEY:
            found[f"service_desk.surveys.{name}"][(survey["survey_id"],)] = survey[name]
    for team_id, members in figures.grouped(surveys, lambda s: s["team_id"]).items():
        summary = figures.satisfaction(members)
        found["service_desk.teams.csat_answered"][(team_id,)] = summary["answered"]
        found["service_desk.teams.csat_average"][(team_id,)] = summary["csat_average"]
        for band, count in summary["distribution"].items():
            if count:
                found["service_desk.teams.csat_distribution"][(team_id, band)] = count
    return found


def _followup_kpis(visits):
    found = {kpi: Counter() for kpi in FOLLOWUP_KEYS}
    visits = [{**v, "due_at": _iso(v["due_at"]), "completed_at": _iso(v["completed_at"])}
              for v in visits]
    for visit in visits:
        for name in PER_FOLLOWUP:
            found[f"service_desk.followups.{name}"][(visit["followup_id"],)] = visit[name]
    for assignee, members in figures.grouped(visits, lambda v: v["assignee_id"]).items():
        for name, count in figures.followups(members).items():
            if count:
                found[f"service_desk.assignees.followups_{name}"][(assignee,)] = count
    return found


def _iso(value):
    """One spelling of an instant on both sides (None stays None)."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime) else datetime.fromisoformat(
        value).isoformat()


def expected(_session, data):
    found = _kpis({**row, "created_at": _iso(row["created_at"])} for row in data[METHOD])
    if data.get(SURVEYS) is not None:
        found.update(_survey_kpis(data[SURVEYS]))
    if data.get(FOLLOWUPS) is not None:
        found.update(_followup_kpis(data[FOLLOWUPS]))
    return found


def actual(session):
    return {**_kpis({**t, "created_at": _iso(t["created_at"])} for t in queries.tickets(session)),
            **_survey_kpis(queries.surveys(session)),
            **_followup_kpis(queries.followups(session))}


def checked(data, _want):
    rows = data[METHOD]
    return {"tickets": len(rows),
            "ticket_sla_breaches": sum(sum(row["breaches"].values()) for row in rows),
            "ticket_reopens": sum(row["reopens"] for row in rows),
            "surveys_answered": None if data.get(SURVEYS) is None else len(data[SURVEYS]),
            "followups": None if data.get(FOLLOWUPS) is None else len(data[FOLLOWUPS])}


RECONCILIATION = Reconciliation("service_desk", (METHOD,), KEYS, expected, actual, checked,
                                optional=(SURVEYS, FOLLOWUPS))
