"""The service desk as reporting sees it: each ticket's dimensions, status and SLA measures
(business seconds to first response and resolution, carried by the service desk's own events),
its reopenings and the SLA breaches announced — the service KPIs per agent, team, category,
priority and period, the backlog now, the agents' view — reconciled against the service desk's
own rows (its admin/system RPC reconcile_ticket_kpis)."""
from sqlalchemy import func, select

from services.reporting.domains.service_desk import gauges, queries
from services.reporting.domains.service_desk.models import (FollowupFact, SurveyFact,
                                                            TicketBreachFact, TicketFact,
                                                            TicketReopenFact)
from services.reporting.domains.service_desk.projections import SURVEYS, TICKETS
from services.reporting.domains.service_desk.reconcile import RECONCILIATION
from services.reporting.plugin import Domain, Report

# support managers, managers (and admins) read every figure; an agent their own (queries.py)
READERS = ("support_manager", "manager", "agent")

REPORTS = (
    Report("service_desk_tickets", queries.ticket_kpis, "service-desk/tickets",
           "reporting:TicketsQuery", "reporting:ServiceDeskReport",
           "Service KPIs of the tickets created in the period, per period (day … year, total) "
           "and any of team, agent, category, priority, channel: tickets, open / paused / "
           "resolved now, first-response and resolution time (median, p90) in business seconds, "
           "SLA compliance % and breaches per target, reopen rate. An agent: their own only",
           roles=READERS),
    Report("service_desk_backlog", queries.backlog, "service-desk/backlog",
           "reporting:BacklogQuery", "reporting:ServiceDeskReport",
           "The backlog now (tickets in open and paused statuses) by status, team, agent, "
           "priority, category or channel, with the oldest ticket's creation. An agent: their "
           "own only", roles=READERS),
    Report("service_desk_agents", queries.agents, "service-desk/agents",
           "reporting:AgentsQuery", "reporting:ServiceDeskReport",
           "Agent performance: per agent the backlog now, the KPIs of the tickets assigned "
           "to them that were created in the period, the CSAT of the surveys answered about "
           "them and the follow-up visits due then. An agent: their own row only",
           roles=READERS),
    Report("service_desk_satisfaction", queries.satisfaction, "service-desk/satisfaction",
           "reporting:SatisfactionQuery", "reporting:ServiceDeskReport",
           "CSAT of the surveys answered in the period, per period and any of team, agent, "
           "category, priority (the ticket's at its resolution): answered, average score "
           "(0–100), satisfied % (score ≥ 80), distribution in bands of 20. An agent: their own",
           roles=READERS),
    Report("service_desk_followups", queries.followup_visits, "service-desk/followups",
           "reporting:FollowupsQuery", "reporting:ServiceDeskReport",
           "Follow-up visits due in the period, per period and / or assignee: due, done, done "
           "on time, cancelled, open, overdue now. An agent: their own", roles=READERS),
)


def snapshot(session):
    def count(model, *where):
        return session.scalar(select(func.count()).select_from(model).where(*where))
    return {"tickets": count(TicketFact, TicketFact.created_at.is_not(None)),
            "ticket_reopens": count(TicketReopenFact),
            "ticket_sla_breaches": count(TicketBreachFact),
            "surveys_answered": count(SurveyFact), "followups": count(FollowupFact)}


DOMAIN = Domain("service_desk", projections=(TICKETS, SURVEYS), reports=REPORTS,
                reconciliation=RECONCILIATION, snapshot=snapshot, gauges=gauges.refresh)
