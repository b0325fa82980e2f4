"""Reading tickets, always within the caller's scope (tickets/scopes.py): one ticket, a page of
them newest first with filters (status or its category, priority, channel, team, assignee —
`none` for unassigned —, customer, without a customer (`unmatched`), category, tag), and a
ticket's history oldest first."""
import json

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.validation import load
from services.service_desk.tickets import schemas, scopes
from services.service_desk.tickets.handlers.record import dump, dump_many
from services.service_desk.tickets.models import Ticket, TicketChange

CHANGE = schemas.TicketChange()
EQUAL_FILTERS = ("status", "status_category", "priority", "channel", "team_id", "customer_id",
                 "category")


def get_ticket(session, principal, ticket_id):
    return dump(session, principal, scopes.one(session, principal, ticket_id))


def list_tickets(session, principal, query=None):
    filters = load(schemas.TicketQuery, query or {})
    statement = select(Ticket).where(scopes.condition(session, principal))
    for name in EQUAL_FILTERS:
        if filters.get(name) is not None:
            statement = statement.where(getattr(Ticket, name) == filters[name])
    if filters.get("assignee_id") == "none":
        statement = statement.where(Ticket.assignee_id.is_(None))
    elif filters.get("assignee_id"):
        statement = statement.where(Ticket.assignee_id == filters["assignee_id"])
    if filters.get("unmatched") is not None:
        statement = statement.where(Ticket.customer_id.is_(None) if filters["unmatched"]
                                    else Ticket.customer_id.is_not(None))
    if filters.get("tag"):
        # tags are a sorted JSON list of strings: the quoted tag is an exact element
        statement = statement.where(Ticket.tags.contains(json.dumps(filters["tag"]), autoescape=True))
    scope = "tickets:" + json.dumps({k: v for k, v in filters.items()
                                     if k not in ("cursor", "limit")}, sort_keys=True)
    return pagination.newest_first(session, statement, Ticket, filters, scope,
                                   lambda s, rows: dump_many(s, principal, rows))


def list_history(session, principal, ticket_id, query=None):
    filters = load(schemas.PageQuery, query or {})
    ticket = scopes.one(session, principal, ticket_id)
    statement = select(TicketChange).where(TicketChange.ticket_id == ticket.id)
    return pagination.oldest_first(session, statement, TicketChange, TicketChange.changed_at,
                                   filters, f"history:{ticket.id}",
                                   lambda row: CHANGE.dump({**_columns(row),
                                                            "changes": json.loads(row.changes)}))


def _columns(row):
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}
