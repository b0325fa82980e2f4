"""Reading surveys, for the people who work or read tickets: a page of them newest first, only
of the tickets the caller may see (tickets/scopes.py, inside the query), by ticket, customer,
status, escalated or not. The answering side is public: surveys/answer.py."""
import json

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.validation import load
from services.service_desk.surveys import schemas
from services.service_desk.surveys.models import TicketSurvey
from services.service_desk.tickets import scopes
from services.service_desk.tickets.models import Ticket

SURVEY = schemas.Survey()


def dump(row):
    return SURVEY.dump({column.key: getattr(row, column.key)
                        for column in TicketSurvey.__table__.columns})


def list_surveys(session, principal, query=None):
    filters = load(schemas.SurveyQuery, query or {})
    statement = select(TicketSurvey).where(TicketSurvey.ticket_id.in_(
        select(Ticket.id).where(scopes.condition(session, principal))))
    for name in ("ticket_id", "customer_id", "status"):
        if filters.get(name) is not None:
            statement = statement.where(getattr(TicketSurvey, name) == filters[name])
    if filters.get("escalated") is not None:
        statement = statement.where(TicketSurvey.escalated_at.is_not(None) if filters["escalated"]
                                    else TicketSurvey.escalated_at.is_(None))
    scope = "surveys:" + json.dumps({k: v for k, v in filters.items()
                                     if k not in ("cursor", "limit")}, sort_keys=True)
    return pagination.newest_first(session, statement, TicketSurvey, filters, scope,
                                   lambda s, rows: [dump(row) for row in rows])
