"""The survey and follow-up use cases as the entrypoints run them (one unit of work or a
read-only session per call), and a resolved ticket to start from."""
from types import SimpleNamespace
from urllib.parse import urlsplit

from sqlalchemy import select

from services.service_desk.email_channel.models import TicketMail
from services.service_desk.followups import handlers as followups
from services.service_desk.followups.models import TicketFollowup
from services.service_desk.surveys import answer, handlers as surveys
from services.service_desk.surveys.models import TicketSurvey
from tests.unit.service_desk import ops
from tests.unit.service_desk.support import AGENT_A


def resolved_ticket(db, principal=AGENT_A, customer_id="c-1", **data):
    ticket = ops.create_ticket(db, principal, customer_id=customer_id,
                               assignee_id=principal.user_id, category="billing", **data)
    ops.move(db, principal, ticket["id"], "resolved")
    return ticket["id"]


def rows(db, model, **where):
    with db.read_only() as session:
        query = select(model).where(*[getattr(model, k) == v for k, v in where.items()])
        return [SimpleNamespace(**{c.key: getattr(row, c.key) for c in model.__table__.columns})
                for row in session.scalars(query.order_by(model.created_at, model.id))]


def surveys_of(db, ticket_id):
    return rows(db, TicketSurvey, ticket_id=ticket_id)


def followups_of(db, ticket_id):
    return rows(db, TicketFollowup, ticket_id=ticket_id)


def survey_mail(db, ticket_id):
    return [row for row in rows(db, TicketMail, ticket_id=ticket_id) if row.survey_id]


def token_of(db, ticket_id):
    """The token of the survey link mailed for the ticket's latest resolution."""
    body = survey_mail(db, ticket_id)[-1].body
    url = next(line for line in body.splitlines() if "/surveys/" in line)
    return urlsplit(url.strip()).path.split("/surveys/", 1)[1].split("/")[0]


def show(db, token, now):
    with db.read_only() as session:
        return answer.show(session, token, now)


def give(db, token, now, **data):
    with db.unit_of_work(actor="customer") as uow:
        return answer.answer(uow, token, data, now)


def list_surveys(db, principal, **query):
    with db.read_only() as session:
        return surveys.list_surveys(session, principal, query)


def list_followups(db, principal, **query):
    with db.read_only() as session:
        return followups.list_followups(session, principal, query)


def get_followup(db, principal, followup_id):
    with db.read_only() as session:
        return followups.get_followup(session, principal, followup_id)


def create_followup(db, principal, ticket_id, **data):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return followups.create_followup(uow, principal, ticket_id, data)


def complete(db, principal, followup_id, **data):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return followups.complete_followup(uow, principal, followup_id, data)


def cancel(db, principal, followup_id, **data):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return followups.cancel_followup(uow, principal, followup_id, data)


def update(db, principal, followup_id, **data):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return followups.update_followup(uow, principal, followup_id, data)
