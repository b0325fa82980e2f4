"""The service desk reports: the tickets' KPIs (figures.py) per period and dimension, the
backlog now, and the agents' view. For support managers, managers and admins; an agent reads
their own figures only (the tickets assigned to them) — asking for anyone else's is 403.

Tickets count in the period they were created in (a cohort: "the tickets of March: how fast
were they answered, resolved, within their SLA, reopened"), dated in the caller's time zone."""
from datetime import datetime, timezone

from sqlalchemy import func, select

from services.chassis.errors import Forbidden
from services.chassis.validation import load
from services.reporting import periods, scoping
from services.reporting.domains.identity.queries import names
from services.reporting.domains.service_desk import figures, schemas
from services.reporting.domains.service_desk.models import (TicketBreachFact, TicketFact,
                                                            TicketReopenFact)

AGENT = "agent"
FACT_COLUMNS = ("team_id", "assignee_id", "category", "priority", "channel", "status",
                "status_category", "customer_id", "first_response_seconds",
                "first_response_status", "resolution_seconds", "resolution_status")


def own_only(principal, query):
    """An agent's query narrowed to their own tickets (403 for anyone else's)."""
    if principal.role != AGENT:
        return query
    asked = set(query.get("assignee_id") or [principal.user_id])
    if asked != {principal.user_id}:
        raise Forbidden("An agent reads their own figures only.",
                        {"assignee_id": sorted(asked - {principal.user_id})})
    return {**query, "assignee_id": [principal.user_id]}


def tickets(session, where=()):
    """Every ticket we know the creation of, matching `where`, as figures.py reads it."""
    where = [TicketFact.created_at.is_not(None), *where]
    reopens = dict(session.execute(
        select(TicketReopenFact.ticket_id, func.count()).join(
            TicketFact, TicketFact.id == TicketReopenFact.ticket_id)
        .where(*where).group_by(TicketReopenFact.ticket_id)).all())
    breaches = {}
    for ticket_id, target, count in session.execute(
            select(TicketBreachFact.ticket_id, TicketBreachFact.target, func.count()).join(
                TicketFact, TicketFact.id == TicketBreachFact.ticket_id)
            .where(*where).group_by(TicketBreachFact.ticket_id, TicketBreachFact.target)):
        breaches.setdefault(ticket_id, {})[target] = count
    return [{"ticket_id": fact.id, "created_at": fact.created_at,
             **{name: getattr(fact, name) for name in FACT_COLUMNS},
             "breaches": breaches.get(fact.id, {}), "reopens": reopens.get(fact.id, 0)}
            for fact in session.scalars(select(TicketFact).where(*where))]


def _in_period(period):
    first, last = period.utc_bounds()
    return [TicketFact.created_at >= datetime.fromtimestamp(first, timezone.utc),
            TicketFact.created_at < datetime.fromtimestamp(last, timezone.utc)]


def _page(query, group_by, filters, rows, period=None):
    start = query["offset"]
    return {"group_by": group_by, "filters": filters,
            "period": period.as_dict() if period else None, "total": len(rows),
            "rows": rows[start:start + query["limit"]]}


def _label(session, rows):
    found = names(session, [row.get("assignee_id") for row in rows])
    for row in rows:
        if "assignee_id" in row:
            row["assignee_name"] = found.get(row["assignee_id"])
    return rows


def ticket_kpis(session, principal, query, now=None):
    query = own_only(principal, load(schemas.TicketsQuery(), query or {}))
    group_by, period = query["group_by"], periods.period(query, now=now)
    filters, where = scoping.filters(TicketFact, query, schemas.TICKET_DIMENSIONS)
    found = tickets(session, where + _in_period(period))
    dimensions = [name for name in group_by if name != "period"]

    def key(ticket):
        day = ticket["created_at"].astimezone(period.zone).date()
        return ((period.label_of_day(day).isoformat(),) if "period" in group_by else ()) + tuple(
            ticket[name] for name in dimensions)
    rows = []
    for values, members in figures.grouped(found, key).items():
        labels = dict(zip((["period"] if "period" in group_by else []) + dimensions, values))
        rows.append({**labels, **figures.summarise(members)})
    rows.sort(key=scoping.sort_key(dimensions))
    return _page(query, group_by, filters, _label(session, rows), period)


def backlog(session, principal, query, now=None):
    query = own_only(principal, load(schemas.BacklogQuery(), query or {}))
    group_by = query["group_by"]
    filters, where = scoping.filters(TicketFact, query, schemas.BACKLOG_DIMENSIONS)
    columns = [getattr(TicketFact, name) for name in group_by]
    result = session.execute(
        select(*columns, func.count(), func.min(TicketFact.created_at))
        .where(TicketFact.created_at.is_not(None),
               TicketFact.status_category.in_(("open", "paused")), *where)
        .group_by(*columns))
    rows = [{**dict(zip(group_by, values)), "count": count,
             "oldest_created_at": oldest.isoformat() if oldest else None}
            for *values, count, oldest in result]
    rows.sort(key=scoping.sort_key(group_by))
    return _page(query, group_by, filters, _label(session, rows))


def agents(session, principal, query, now=None):
    query = own_only(principal, load(schemas.AgentsQuery(), query or {}))
    period = periods.period({**query, "granularity": "total"}, now=now)
    filters, where = scoping.filters(TicketFact, query, ("team_id", "assignee_id"))
    where.append(TicketFact.assignee_id.is_not(None))
    waiting = dict(session.execute(
        select(TicketFact.assignee_id, func.count())
        .where(TicketFact.created_at.is_not(None),
               TicketFact.status_category.in_(("open", "paused")), *where)
        .group_by(TicketFact.assignee_id)).all())
    cohort = figures.grouped(tickets(session, where + _in_period(period)),
                             lambda ticket: ticket["assignee_id"])
    rows = [{"assignee_id": agent, "backlog": waiting.get(agent, 0),
             **figures.summarise(cohort.get(agent, ()))}
            for agent in sorted(set(waiting) | set(cohort))]
    return _page(query, ["assignee_id"], filters, _label(session, rows), period)
