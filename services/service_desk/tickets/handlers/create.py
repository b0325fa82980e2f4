"""Creating a ticket: for a customer the service desk knows (and, if given, one of its contact
persons) — or, for a mail from an unknown sender, for no customer yet (`create_unmatched`) —,
routed to a team and maybe an agent (`_route`), status `new`. Published as ticket_created
(and ticket_assigned when it starts with a team or an assignee). Idempotent through the
chassis (an Idempotency-Key answers its first answer)."""
import json

from services.chassis.errors import Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.service_desk import metrics, roles
from services.service_desk.directory.models import DeskContact, DeskCustomer
from services.service_desk.directory.users import check_assignee, team_of
from services.service_desk.routing import assign, handlers as routing
from services.service_desk.sla import track as sla
from services.service_desk.tickets import schemas, statuses
from services.service_desk.tickets.handlers.record import dump, new_id, payload, record_change
from services.service_desk.tickets.models import Ticket


def read_input(data):
    return load(schemas.TicketCreate, data)


def known(session, customer_id, contact_id=None):
    """True when the copy knows the customer (and the contact), as far as it can know it."""
    customer = session.get(DeskCustomer, customer_id) if isinstance(customer_id, str) else None
    if customer is None or not customer.known:
        return False
    return contact_id is None or session.get(DeskContact, contact_id) is not None


def check_customer(session, customer_id, contact_id):
    customer = session.get(DeskCustomer, customer_id)
    if customer is None or not customer.known:
        raise Invalid("The request is not valid.", {"customer_id": ["No such customer."]})
    if customer.merged_into:
        raise Invalid("The request is not valid.", {"customer_id": [
            f"This customer was merged into {customer.merged_into}."]})
    if contact_id is not None:
        contact = session.get(DeskContact, contact_id)
        if contact is None or contact.customer_id != customer_id:
            raise Invalid("The request is not valid.", {"contact_id": [
                "Not a contact person of this customer."]})


def _route(session, principal, fields):
    """(team, assignee, reason). The team: the one given, else the assignee's, else the routing
    rules' (category / channel), else the creating agent's. The assignee: the one given, else
    the team's mode's choice (routing/assign.py; reason round_robin / least_loaded), else
    nobody (the team's queue; reason created)."""
    team_id, assignee_id = fields.get("team_id"), fields.get("assignee_id")
    if assignee_id:
        assignee_team = check_assignee(session, assignee_id, team_id)
        return team_id or assignee_team, assignee_id, "created"
    team_id = team_id or routing.team_for(session, fields.get("category"), fields["channel"])
    if not team_id and principal.role == roles.AGENT:
        team_id = team_of(session, principal)
    chosen, mode = assign.next_agent(session, team_id)
    return team_id, chosen, mode if chosen else "created"


def create_ticket(uow, principal, data):
    fields = read_input(data)
    check_customer(uow.session, fields["customer_id"], fields.get("contact_id"))
    return _create(uow, principal, fields)


def create_unmatched(uow, principal, data, sender_email):
    """A ticket of a mail whose sender is no customer's and no contact person's: no customer
    (the ticket says so: `unmatched_sender`), the address kept, until an agent attaches it."""
    fields = load(schemas.UnmatchedTicketCreate, data)
    return _create(uow, principal, {**fields, "customer_id": None, "contact_id": None},
                   sender_email=sender_email)


def _create(uow, principal, fields, sender_email=None):
    session = uow.session
    team_id, assignee_id, reason = _route(session, principal, fields)
    now = utcnow()
    ticket = Ticket(
        id=new_id(), customer_id=fields["customer_id"], contact_id=fields.get("contact_id"),
        sender_email=sender_email,
        subject=fields["subject"], description=fields.get("description"),
        category=fields.get("category"), priority=fields["priority"],
        channel=fields["channel"], team_id=team_id, assignee_id=assignee_id,
        tags=json.dumps(sorted(set(fields.get("tags") or ()))), status=statuses.NEW,
        status_category=statuses.category(statuses.NEW), replies=0,
        created_by=principal.user_id, created_at=now, updated_at=now)
    session.add(ticket)
    record_change(uow, ticket, "created", {"status": (None, statuses.NEW)}, principal.user_id,
                  at=now)
    session.flush()
    sla.ticket_created(session, ticket, now)
    uow.emit("ticket_created", payload(session, ticket))
    if assignee_id or team_id:
        uow.emit("ticket_assigned", {
            "ticket_id": ticket.id, "customer_id": ticket.customer_id, "team_id": team_id,
            "assignee_id": assignee_id, "previous_team_id": None, "previous_assignee_id": None,
            "reason": reason, "assigned_by": principal.user_id, "assigned_at": now})
    metrics.created(ticket)
    if assignee_id:
        metrics.assigned(reason)
    return dump(session, principal, ticket)
