"""The `service_desk_tickets` projection: the service desk's ticket and SLA events into the
facts of models.py; `service_desk_surveys`: its satisfaction survey answers and follow-up
visits.

Every handler is order-independent and idempotent (live handler and catch-up race, rebuilds
replay): a ticket's row is made by whichever of its events arrives first, each group of its
columns keeps the producer sequence it was set from (an older event never overwrites a newer
one), and a reopening or a breach is a row keyed by the ticket and its instant.
"""
from services.reporting import rollups
from services.reporting.domains.service_desk import consumes
from services.reporting.domains.service_desk.models import (FollowupFact, SurveyFact,
                                                            TicketBreachFact, TicketFact,
                                                            TicketReopenFact)
from services.reporting.plugin import Projection
from services.reporting.tolerant import load

DIMENSIONS = ("customer_id", "category", "priority", "channel")
MEASURES = ("first_response_seconds", "first_response_status", "resolution_seconds",
            "resolution_status")


def _ticket(session, ticket_id):
    return rollups.locked_row(session, TicketFact, {"id": ticket_id}, dims_sequence=0,
                              assign_sequence=0, state_sequence=0, sla_sequence=0)


def _assign(fact, team_id, assignee_id, sequence):
    if sequence > fact.assign_sequence:
        fact.team_id, fact.assignee_id, fact.assign_sequence = team_id, assignee_id, sequence


def _measures(fact, sla, sequence):
    if sla is not None and sequence > fact.sla_sequence:
        for name in MEASURES:
            setattr(fact, name, sla[name])
        fact.sla_sequence = sequence


def _state(fact, status, category, sequence):
    if sequence > fact.state_sequence:
        fact.status, fact.status_category, fact.state_sequence = status, category, sequence


def apply_record(session, envelope):
    data, sequence = load(consumes.TicketRecord, envelope), envelope["sequence"]
    fact = _ticket(session, data["id"])
    fact.created_at = data["created_at"]
    if sequence > fact.dims_sequence:
        for name in DIMENSIONS:
            setattr(fact, name, data[name])
        fact.dims_sequence = sequence
    _assign(fact, data["team_id"], data["assignee_id"], sequence)
    _state(fact, data["status"], data["status_category"], sequence)
    _measures(fact, data["sla"], sequence)


def apply_assigned(session, envelope):
    data, sequence = load(consumes.TicketAssigned, envelope), envelope["sequence"]
    _assign(_ticket(session, data["ticket_id"]), data["team_id"], data["assignee_id"], sequence)


def apply_status(session, envelope):
    data, sequence = load(consumes.TicketStatusChanged, envelope), envelope["sequence"]
    fact = _ticket(session, data["ticket_id"])
    _state(fact, data["to_status"], data["to_category"], sequence)
    _measures(fact, data["sla"], sequence)
    if data["from_category"] == "resolved" and data["to_category"] == "open":
        rollups.locked_row(session, TicketReopenFact,
                           {"ticket_id": data["ticket_id"], "at": data["changed_at"]})


def apply_replied(session, envelope):
    data = load(consumes.TicketReplied, envelope)
    _measures(_ticket(session, data["ticket_id"]), data["sla"], envelope["sequence"])


def apply_breached(session, envelope):
    data = load(consumes.TicketSlaBreached, envelope)
    rollups.locked_row(session, TicketBreachFact, {
        "ticket_id": data["ticket_id"], "target": data["target"], "due_at": data["due_at"]})


TICKETS = Projection("service_desk_tickets", {
    "service_desk": {
        **{name: apply_record for name in consumes.RECORD_EVENTS},
        "ticket_assigned": apply_assigned,
        "ticket_status_changed": apply_status,
        "ticket_replied": apply_replied,
        "ticket_sla_breached": apply_breached,
    },
}, (TicketFact, TicketReopenFact, TicketBreachFact))


def apply_survey(session, envelope):
    data = load(consumes.SurveyAnswered, envelope)
    values = {name: data[name] for name in ("ticket_id", "agent_id", "team_id", "category",
                                            "priority", "score", "answered_at")}
    fact = rollups.locked_row(session, SurveyFact, {"id": data["survey_id"]}, **values)
    for name, value in values.items():          # one answer per survey: the same values again
        setattr(fact, name, value)


def _followup(session, data):
    return rollups.locked_row(session, FollowupFact, {"id": data["followup_id"]},
                              ticket_id=data["ticket_id"], state=SCHEDULED, state_sequence=0,
                              scheduled_sequence=0)


SCHEDULED, COMPLETED, CANCELLED = "scheduled", "completed", "cancelled"


def _plan(fact, assignee_id, due_at, sequence):
    """The assignee and due instant of the latest event that tells them (a due instant only
    the earlier event told is kept)."""
    if due_at is not None and (sequence > fact.scheduled_sequence or fact.due_at is None):
        fact.due_at = due_at
    if sequence > fact.scheduled_sequence:
        fact.assignee_id, fact.scheduled_sequence = assignee_id, sequence


def _move(fact, state, sequence, completed_at=None):
    if sequence > fact.state_sequence:
        fact.state, fact.completed_at, fact.state_sequence = state, completed_at, sequence


def apply_followup_scheduled(session, envelope):
    data, sequence = load(consumes.FollowupScheduled, envelope), envelope["sequence"]
    fact = _followup(session, data)
    _plan(fact, data["assignee_id"], data["due_at"], sequence)
    _move(fact, SCHEDULED, sequence)


def apply_followup_updated(session, envelope):
    data, sequence = load(consumes.FollowupUpdated, envelope), envelope["sequence"]
    _plan(_followup(session, data), data["assignee_id"], data["due_at"], sequence)


def apply_followup_completed(session, envelope):
    data, sequence = load(consumes.FollowupCompleted, envelope), envelope["sequence"]
    fact = _followup(session, data)
    _plan(fact, data["assignee_id"], data["due_at"], sequence)
    _move(fact, COMPLETED, sequence, data["completed_at"])


def apply_followup_cancelled(session, envelope):
    data = load(consumes.FollowupCancelled, envelope)
    _move(_followup(session, data), CANCELLED, envelope["sequence"])


SURVEYS = Projection("service_desk_surveys", {
    "service_desk": {
        "survey_answered": apply_survey,
        "followup_scheduled": apply_followup_scheduled,
        "followup_updated": apply_followup_updated,
        "followup_completed": apply_followup_completed,
        "followup_cancelled": apply_followup_cancelled,
    },
}, (SurveyFact, FollowupFact))
