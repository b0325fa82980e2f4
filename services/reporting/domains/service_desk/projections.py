"""The `service_desk_tickets` projection: the service desk's ticket and SLA events into the
facts of models.py.

Every handler is order-independent and idempotent (live handler and catch-up race, rebuilds
replay): a ticket's row is made by whichever of its events arrives first, each group of its
columns keeps the producer sequence it was set from (an older event never overwrites a newer
one), and a reopening or a breach is a row keyed by the ticket and its instant.
"""
from services.reporting import rollups
from services.reporting.domains.service_desk import consumes
from services.reporting.domains.service_desk.models import (TicketBreachFact, TicketFact,
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
    data, sequence = load(consumes.TicketRecord(), envelope), envelope["sequence"]
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
    data, sequence = load(consumes.TicketAssigned(), envelope), envelope["sequence"]
    _assign(_ticket(session, data["ticket_id"]), data["team_id"], data["assignee_id"], sequence)


def apply_status(session, envelope):
    data, sequence = load(consumes.TicketStatusChanged(), envelope), envelope["sequence"]
    fact = _ticket(session, data["ticket_id"])
    _state(fact, data["to_status"], data["to_category"], sequence)
    _measures(fact, data["sla"], sequence)
    if data["from_category"] == "resolved" and data["to_category"] == "open":
        rollups.locked_row(session, TicketReopenFact,
                           {"ticket_id": data["ticket_id"], "at": data["changed_at"]})


def apply_replied(session, envelope):
    data = load(consumes.TicketReplied(), envelope)
    _measures(_ticket(session, data["ticket_id"]), data["sla"], envelope["sequence"])


def apply_breached(session, envelope):
    data = load(consumes.TicketSlaBreached(), envelope)
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
