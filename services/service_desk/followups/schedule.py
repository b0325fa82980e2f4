"""Follow-up visits the system plans and withdraws (the use cases people call are
followups/handlers.py): one per trigger — `origin` is unique, so a repeated resolution or
answer (a retry, two replicas) never schedules a second visit — published as
followup_scheduled / followup_cancelled in the caller's transaction."""
import uuid
from datetime import timedelta

from sqlalchemy import select

from services.chassis.db import insert_ignoring_conflicts
from services.service_desk import metrics, settings
from services.service_desk.followups.models import (A_CLASS, CANCELLED, SCHEDULED,
                                                    TicketFollowup)


def due_after(resolved_at):
    return resolved_at + timedelta(days=settings.followup_delay_days())


def scheduled_event(row):
    return {"followup_id": row.id, "ticket_id": row.ticket_id, "customer_id": row.customer_id,
            "assignee_id": row.assignee_id, "team_id": row.team_id, "survey_id": row.survey_id,
            "due_at": row.due_at, "reason": row.reason, "scheduled_by": row.created_by,
            "scheduled_at": row.created_at}


def schedule(uow, *, origin, ticket_id, customer_id, reason, due_at, assignee_id, team_id,
             actor, now, survey_id=None, note=None):
    """The new follow-up, or None when `origin` was scheduled before (nothing changes)."""
    row_id = str(uuid.uuid4())
    inserted = insert_ignoring_conflicts(uow.session, TicketFollowup, {
        "id": row_id, "origin": origin, "ticket_id": ticket_id, "customer_id": customer_id,
        "survey_id": survey_id, "reason": reason, "team_id": team_id,
        "assignee_id": assignee_id, "status": SCHEDULED, "due_at": due_at, "note": note,
        "created_by": actor, "created_at": now, "updated_at": now}, ["origin"]).rowcount == 1
    if not inserted:
        return None
    row = uow.session.get(TicketFollowup, row_id)
    uow.emit("followup_scheduled", scheduled_event(row))
    metrics.followup("scheduled", reason)
    return row


def cancel(uow, row, reason, actor, now):
    row.status, row.cancel_reason = CANCELLED, reason
    row.cancelled_at = row.updated_at = now
    uow.emit("followup_cancelled", {
        "followup_id": row.id, "ticket_id": row.ticket_id, "customer_id": row.customer_id,
        "assignee_id": row.assignee_id, "reason": reason, "cancelled_by": actor,
        "cancelled_at": now})
    metrics.followup("cancelled", row.reason)


def cancel_class_visits(uow, ticket_id, reason, now):
    """The ticket's scheduled A-class visits, withdrawn (reopened: the service is not over; a
    low score: the supervisor's visit replaces it). Low-score visits stay."""
    rows = uow.session.scalars(select(TicketFollowup).where(
        TicketFollowup.ticket_id == ticket_id, TicketFollowup.reason == A_CLASS,
        TicketFollowup.status == SCHEDULED).order_by(TicketFollowup.id).with_for_update())
    for row in list(rows):
        cancel(uow, row, reason, "system", now)
