"""Every ticket's KPI facts counted from the service desk's own rows, for reporting's
reconciliation of the service KPIs (admin / system only): pages keyed by ticket id, stamped
with the event sequence read before the rows (the chassis's reconcile_page).

Per ticket: its dimensions and status now; the SLA clock's business seconds to first response
and to resolution and the targets' statuses (sla/track.measures, evaluated now: a stopped
target's figures do not move with time); the SLA breaches the timer announced, per target
(fired breach alarms); and how often it was reopened (its history: a status change out of a
resolved status into an open one). And every answered satisfaction survey and every
follow-up visit (reconcile_survey_kpis / reconcile_followup_kpis)."""
import json
from collections import Counter

from sqlalchemy import func, select

from services.chassis.models import utcnow
from services.chassis.pagination import reconcile_page
from services.service_desk.sla import track
from services.service_desk.followups.models import TicketFollowup
from services.service_desk.sla.models import SlaAlarm
from services.service_desk.surveys.models import ANSWERED, TicketSurvey
from services.service_desk.tickets import statuses
from services.service_desk.tickets.models import Ticket, TicketChange

SCOPE = "reconcile:ticket_kpis"
TARGETS = ("first_response", "resolution", "update")
DIMENSIONS = ("customer_id", "team_id", "assignee_id", "category", "priority", "channel",
              "status", "status_category")


def _reopens(session, ids):
    found = Counter()
    for ticket_id, changes in session.execute(
            select(TicketChange.ticket_id, TicketChange.changes).where(
                TicketChange.ticket_id.in_(ids), TicketChange.action == "status_changed")):
        before, after = json.loads(changes)["status"]
        if statuses.category(before) == "resolved" and statuses.category(after) == "open":
            found[ticket_id] += 1
    return found


def _breaches(session, ids):
    found = {}
    for ticket_id, target, count in session.execute(
            select(SlaAlarm.ticket_id, SlaAlarm.target, func.count()).where(
                SlaAlarm.ticket_id.in_(ids), SlaAlarm.kind == track.BREACH,
                SlaAlarm.fired_at.is_not(None)).group_by(SlaAlarm.ticket_id, SlaAlarm.target)):
        found.setdefault(ticket_id, {})[target] = count
    return found


def _facts(session, rows):
    ids, now = [row.id for row in rows], utcnow()
    reopens, breaches = _reopens(session, ids), _breaches(session, ids)
    items = []
    for row in rows:
        measures = track.measures(session, row.id, max(now, row.updated_at)) or {}
        items.append({"ticket_id": row.id, **{name: getattr(row, name) for name in DIMENSIONS},
                      "created_at": row.created_at.isoformat(),
                      **{name: measures.get(name) for name in (
                          "first_response_seconds", "first_response_status",
                          "resolution_seconds", "resolution_status")},
                      "breaches": {target: breaches.get(row.id, {}).get(target, 0)
                                   for target in TARGETS},
                      "reopens": reopens[row.id]})
    return items


def ticket_kpis(session, cursor=None, limit=500):
    return reconcile_page(session, select(Ticket), Ticket.id, cursor, limit, SCOPE, _facts)


# --- satisfaction surveys and follow-up visits ---------------------------------------------------
SURVEY_SCOPE, FOLLOWUP_SCOPE = "reconcile:survey_kpis", "reconcile:followup_kpis"


def _iso(value):
    return value.isoformat() if value is not None else None


def _surveys(_session, rows):
    return [{"survey_id": row.id, "ticket_id": row.ticket_id, "agent_id": row.agent_id,
             "team_id": row.team_id, "category": row.category, "priority": row.priority,
             "score": row.score, "answered_at": _iso(row.answered_at)} for row in rows]


def survey_kpis(session, cursor=None, limit=500):
    """Every answered survey: its score and what its ticket was at the resolution it asks
    about (the dimensions reporting measures CSAT by)."""
    return reconcile_page(session, select(TicketSurvey).where(TicketSurvey.status == ANSWERED),
                          TicketSurvey.id, cursor, limit, SURVEY_SCOPE, _surveys)


def _followups(_session, rows):
    return [{"followup_id": row.id, "ticket_id": row.ticket_id, "assignee_id": row.assignee_id,
             "state": row.status, "due_at": _iso(row.due_at),
             "completed_at": _iso(row.completed_at)} for row in rows]


def followup_kpis(session, cursor=None, limit=500):
    """Every follow-up visit: its assignee, due instant, status and completion."""
    return reconcile_page(session, select(TicketFollowup), TicketFollowup.id, cursor, limit,
                          FOLLOWUP_SCOPE, _followups)
