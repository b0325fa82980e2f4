"""The service KPIs against the service desk's own rows: its reconcile_ticket_kpis pages (each
ticket's dimensions and status now, the SLA clock's measures evaluated now, the breaches its
timer announced, the reopenings in its history) compared exactly with our facts — ticket by
ticket, the backlog per status, team and priority, and the report's figures per team computed
by figures.py from either side's tickets."""
from collections import Counter
from datetime import datetime

from services.reporting.domains.service_desk import figures, queries
from services.reporting.plugin import Reconciliation

METHOD = "reconcile_ticket_kpis"
TICKET = ("ticket_id",)
PER_TICKET = ("customer_id", "team_id", "assignee_id", "category", "priority", "channel",
              "status", "created_at", "first_response_seconds", "resolution_seconds",
              "first_response_outcome", "resolution_outcome", "reopens")
PER_TEAM = ("tickets", "open", "paused", "resolved", "first_response_median",
            "first_response_p90", "resolution_median", "resolution_p90",
            "first_response_compliance", "resolution_compliance", "breaches", "reopen_rate")
MEASURED = tuple(name for name in PER_TICKET if not name.endswith("_outcome"))
KEYS = {**{f"service_desk.tickets.{name}": TICKET for name in PER_TICKET},
        "service_desk.tickets.breaches": ("ticket_id", "target"),
        "service_desk.backlog": ("status", "team_id", "priority"),
        **{f"service_desk.teams.{name}": ("team_id",) for name in PER_TEAM}}


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
    found = {kpi: Counter() for kpi in KEYS}
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


def _iso(value):
    return value.isoformat() if isinstance(value, datetime) else datetime.fromisoformat(
        value).isoformat()


def expected(_session, data):
    return _kpis({**row, "created_at": _iso(row["created_at"])} for row in data[METHOD])


def actual(session):
    return _kpis({**t, "created_at": _iso(t["created_at"])} for t in queries.tickets(session))


def checked(data, _want):
    rows = data[METHOD]
    return {"tickets": len(rows),
            "ticket_sla_breaches": sum(sum(row["breaches"].values()) for row in rows),
            "ticket_reopens": sum(row["reopens"] for row in rows)}


RECONCILIATION = Reconciliation("service_desk", (METHOD,), KEYS, expected, actual, checked)
