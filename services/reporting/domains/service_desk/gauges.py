"""The service desk's business gauges, from the ticket, breach and survey facts (one grouped
query each): the backlog by priority, the SLA breaches announced so far by target, and CSAT —
the average score (0–100) of the surveys answered in the last CSAT_DAYS days."""
from datetime import datetime, time, timedelta, timezone

from prometheus_client import Gauge
from sqlalchemy import func, select

from services.reporting.domains.service_desk.models import SurveyFact, TicketBreachFact, TicketFact
from services.reporting.metrics import set_by_label

PRIORITIES = ("low", "medium", "high", "urgent")
TARGETS = ("first_response", "resolution", "update")
CSAT_DAYS = 30

OPEN_TICKETS = Gauge("crm_open_tickets", "Tickets in an open or paused status (the backlog), by priority",
                     ["priority"])
SLA_BREACHES = Gauge("crm_ticket_sla_breaches",
                     "SLA breaches the service desk announced so far, by target "
                     "(first_response / resolution / update)", ["target"])
CSAT_AVERAGE = Gauge("crm_csat_average_score",
                     f"Average satisfaction score (0-100) of the surveys answered in the last {CSAT_DAYS} "
                     "days (UTC, today included); 0 with no answer (see crm_csat_surveys_answered)")
CSAT_ANSWERED = Gauge("crm_csat_surveys_answered",
                      f"Satisfaction surveys answered in the last {CSAT_DAYS} days (UTC, today included)")


def refresh(session, seen, today):
    backlog = dict(session.execute(
        select(TicketFact.priority, func.count()).where(
            TicketFact.created_at.is_not(None), TicketFact.status_category.in_(("open", "paused")))
        .group_by(TicketFact.priority)).all())
    set_by_label(OPEN_TICKETS, "ticket_priority", dict.fromkeys(PRIORITIES, 0)
                 | {priority or "none": int(n) for priority, n in backlog.items()}, seen)
    breaches = dict(session.execute(select(TicketBreachFact.target, func.count())
                                    .group_by(TicketBreachFact.target)).all())
    set_by_label(SLA_BREACHES, "breach_target", dict.fromkeys(TARGETS, 0)
                 | {target: int(n) for target, n in breaches.items()}, seen)
    since = datetime.combine(today - timedelta(days=CSAT_DAYS - 1), time(), tzinfo=timezone.utc)
    until = datetime.combine(today + timedelta(days=1), time(), tzinfo=timezone.utc)
    answered, total = session.execute(select(func.count(), func.sum(SurveyFact.score)).where(
        SurveyFact.answered_at >= since, SurveyFact.answered_at < until)).one()
    CSAT_ANSWERED.set(answered)
    CSAT_AVERAGE.set(int(total) / answered if answered else 0)
