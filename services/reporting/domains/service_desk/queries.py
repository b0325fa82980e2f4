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
from services.reporting.domains.service_desk.models import (FollowupFact, SurveyFact,
                                                            TicketBreachFact, TicketFact,
                                                            TicketReopenFact)

AGENT = "agent"
FACT_COLUMNS = ("team_id", "assignee_id", "category", "priority", "channel", "status",
                "status_category", "customer_id", "first_response_seconds",
                "first_response_status", "resolution_seconds", "resolution_status")


def own_only(principal, query, key="assignee_id"):
    """An agent's query narrowed to their own tickets (403 for anyone else's)."""
    if principal.role != AGENT:
        return query
    asked = set(query.get(key) or [principal.user_id])
    if asked != {principal.user_id}:
        raise Forbidden("An agent reads their own figures only.",
                        {key: sorted(asked - {principal.user_id})})
    return {**query, key: [principal.user_id]}


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


def _in_period(period, column=TicketFact.created_at):
    first, last = period.utc_bounds()
    return [column >= datetime.fromtimestamp(first, timezone.utc),
            column < datetime.fromtimestamp(last, timezone.utc)]


SURVEY_COLUMNS = ("ticket_id", "agent_id", "team_id", "category", "priority", "score",
                  "answered_at")
FOLLOWUP_COLUMNS = ("ticket_id", "assignee_id", "state", "due_at", "completed_at")


def surveys(session, where=()):
    return [{"survey_id": fact.id, **{name: getattr(fact, name) for name in SURVEY_COLUMNS}}
            for fact in session.scalars(select(SurveyFact).where(*where))]


def followups(session, where=()):
    """The follow-ups whose scheduling we know (a due instant)."""
    return [{"followup_id": fact.id, **{name: getattr(fact, name) for name in FOLLOWUP_COLUMNS}}
            for fact in session.scalars(select(FollowupFact).where(
                FollowupFact.due_at.is_not(None), *where))]


def _grouped_rows(found, group_by, period, when, summarise):
    dimensions = [name for name in group_by if name != "period"]
    names = (["period"] if "period" in group_by else []) + dimensions

    def key(item):
        day = item[when].astimezone(period.zone).date()
        return ((period.label_of_day(day).isoformat(),) if "period" in group_by else ()) + tuple(
            item[name] for name in dimensions)
    rows = [{**dict(zip(names, values)), **summarise(members)}
            for values, members in figures.grouped(found, key).items()]
    rows.sort(key=scoping.sort_key(dimensions))
    return rows


def _page(query, group_by, filters, rows, period=None):
    start = query["offset"]
    return {"group_by": group_by, "filters": filters,
            "period": period.as_dict() if period else None, "total": len(rows),
            "rows": rows[start:start + query["limit"]]}


def _label(session, rows, key="assignee_id"):
    found = names(session, [row.get(key) for row in rows])
    for row in rows:
        if key in row:
            row[key.replace("_id", "_name")] = found.get(row[key])
    return rows


def ticket_kpis(session, principal, query, now=None):
    query = own_only(principal, load(schemas.TicketsQuery, query or {}))
    group_by, period = query["group_by"], periods.period(query, now=now)
    filters, where = scoping.filters(TicketFact, query, schemas.TICKET_DIMENSIONS)
    rows = _grouped_rows(tickets(session, where + _in_period(period)), group_by, period,
                         "created_at", figures.summarise)
    return _page(query, group_by, filters, _label(session, rows), period)


def satisfaction(session, principal, query, now=None):
    """CSAT of the surveys answered in the period, by what their tickets were at resolution."""
    query = own_only(principal, load(schemas.SatisfactionQuery, query or {}), "agent_id")
    group_by, period = query["group_by"], periods.period(query, now=now)
    filters, where = scoping.filters(SurveyFact, query, schemas.SURVEY_DIMENSIONS)
    rows = _grouped_rows(surveys(session, where + _in_period(period, SurveyFact.answered_at)),
                         group_by, period, "answered_at", figures.satisfaction)
    return _page(query, group_by, filters, _label(session, rows, "agent_id"), period)


def followup_visits(session, principal, query, now=None):
    """The follow-up visits due in the period: done, on time, cancelled, open, overdue now."""
    query = own_only(principal, load(schemas.FollowupsQuery, query or {}))
    group_by, period = query["group_by"], periods.period(query, now=now)
    filters, where = scoping.filters(FollowupFact, query, ("assignee_id",))
    moment = now or datetime.now(timezone.utc)
    rows = _grouped_rows(followups(session, where + _in_period(period, FollowupFact.due_at)),
                         group_by, period, "due_at",
                         lambda visits: figures.followups(visits, moment))
    return _page(query, group_by, filters, _label(session, rows), period)


def backlog(session, principal, query, now=None):
    query = own_only(principal, load(schemas.BacklogQuery, query or {}))
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
    query = own_only(principal, load(schemas.AgentsQuery, query or {}))
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
    survey_where = [SurveyFact.agent_id.is_not(None), *_in_period(period, SurveyFact.answered_at)]
    survey_where += [getattr(SurveyFact, {"assignee_id": "agent_id"}.get(name, name)).in_(values)
                     for name, values in filters.items()]
    answered = figures.grouped(surveys(session, survey_where), lambda s: s["agent_id"])
    visit_where = [FollowupFact.assignee_id.is_not(None), *_in_period(period, FollowupFact.due_at)]
    if "assignee_id" in filters:
        visit_where.append(FollowupFact.assignee_id.in_(filters["assignee_id"]))
    visits = figures.grouped(followups(session, visit_where), lambda v: v["assignee_id"])
    if "team_id" in filters:     # a follow-up has no team: its assignee's tickets tell theirs
        visits = {agent: found for agent, found in visits.items() if agent in cohort
                  or agent in waiting}
    rows = [{"assignee_id": agent, "backlog": waiting.get(agent, 0),
             **figures.summarise(cohort.get(agent, ())),
             "satisfaction": figures.satisfaction(answered.get(agent, ())),
             "followups": figures.followups(visits.get(agent, ()))}
            for agent in sorted(set(waiting) | set(cohort) | set(answered) | set(visits))]
    return _page(query, ["assignee_id"], filters, _label(session, rows), period)
