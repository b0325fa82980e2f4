"""What a ticket's resolution sets off (issue 12 §7), in the status change's own transaction
(tickets/handlers/record.py set_status calls `status_changed`), so there is no resolution
without its survey and no survey without its resolution:

- reaching the resolved category (resolved, or closed straight from open / paused) — not by a
  merge, whose duplicate is closed, not served: one survey for this resolution (unique per
  ticket and resolution instant), its invitation mailed through the email channel's outbox
  (a signed link, surveys/tokens.py), and for a customer of a followed value class
  (SERVICE_DESK_FOLLOWUP_VALUE_CLASSES, default A) a follow-up visit due
  SERVICE_DESK_FOLLOWUP_DELAY_DAYS after the resolution, assigned to the ticket's agent (else
  the team's supervisor);
- a ticket still without a customer (an unmatched sender's, never attached) gets neither: a
  survey and a visit are the customer's;
- reopened (resolved → open): the scheduled A-class visits are cancelled (the service is not
  over; the next resolution schedules again). A survey already mailed stays answerable.
"""
import uuid
from datetime import timedelta

from services.chassis.db import insert_ignoring_conflicts
from services.service_desk import metrics, settings
from services.service_desk.directory.models import DeskCustomer
from services.service_desk.directory.users import supervisor_of
from services.service_desk.email_channel import outbound
from services.service_desk.followups import schedule
from services.service_desk.followups.models import A_CLASS
from services.service_desk.surveys import tokens
from services.service_desk.surveys.models import PENDING, TicketSurvey

RESOLVED = "resolved"


def status_changed(uow, ticket, previous_category, reason, now):
    if ticket.status_category == RESOLVED and previous_category != RESOLVED \
            and reason != "merged":
        resolved(uow, ticket, now)
    elif previous_category == RESOLVED and ticket.status_category != RESOLVED:
        schedule.cancel_class_visits(uow, ticket.id, "ticket_reopened", now)


def resolved(uow, ticket, now):
    if ticket.customer_id is None:
        return              # an unmatched sender's ticket never attached: nobody to ask or visit
    survey = _survey(uow, ticket, now)
    if survey is not None:
        metrics.survey("created")
        mail = outbound.queue(uow.session, ticket, f"ticket-survey/{survey.id}",
                              outbound.subject_for(ticket, prefix="How did we do? "),
                              invitation(ticket, survey), survey_id=survey.id)
        survey.address = mail.address if mail else None
    customer = uow.session.get(DeskCustomer, ticket.customer_id)
    value_class = (customer.value_class or "").upper() if customer else ""
    if value_class and value_class in settings.followup_value_classes():
        schedule.schedule(
            uow, origin=f"{A_CLASS}:{ticket.id}:{ticket.resolved_at.isoformat()}",
            ticket_id=ticket.id, customer_id=ticket.customer_id, reason=A_CLASS,
            due_at=schedule.due_after(ticket.resolved_at),
            assignee_id=ticket.assignee_id or supervisor_of(uow.session, ticket.team_id),
            team_id=ticket.team_id, actor="system", now=now)


def _survey(uow, ticket, now):
    """This resolution's survey, new (None: it has one already)."""
    survey_id = str(uuid.uuid4())
    inserted = insert_ignoring_conflicts(uow.session, TicketSurvey, {
        "id": survey_id, "ticket_id": ticket.id, "customer_id": ticket.customer_id,
        "resolved_at": ticket.resolved_at, "agent_id": ticket.assignee_id,
        "team_id": ticket.team_id, "category": ticket.category, "priority": ticket.priority,
        "status": PENDING, "created_at": now,
        "expires_at": ticket.resolved_at + timedelta(days=settings.survey_valid_days())},
        ["ticket_id", "resolved_at"]).rowcount == 1
    return uow.session.get(TicketSurvey, survey_id) if inserted else None


def invitation(ticket, survey):
    return (f"Your request \"{ticket.subject}\" has been resolved.\n\n"
            f"How satisfied are you with our service? Tell us (a score from 0 to 100, or 1 to 5 "
            f"stars, and a comment if you like):\n\n{tokens.link(survey.id)}\n\n"
            f"The link works until {survey.expires_at:%Y-%m-%d}.\n")
