"""Who sees which tickets, always inside the query (DESIGN.md §6; issue 12 §2):

- admins and support managers: every ticket;
- agents: their team's queue and whatever is assigned to them (an agent without a team: the
  tickets without a team);
- sales reps: read-only, the tickets of the customers they can see (their own); sales managers
  likewise over their team's customers (services/chassis/auth.py owner_scope);
- anyone else (marketers): none.

Someone else's ticket is NotFound, never Forbidden: existence does not leak.
"""
from sqlalchemy import false, or_, select, true

from services.chassis.auth import owner_scope
from services.chassis.errors import NotFound
from services.service_desk import roles
from services.service_desk.directory.models import DeskCustomer
from services.service_desk.directory.users import team_of, users
from services.service_desk.tickets.models import Ticket


def may_work(principal):
    return principal.is_admin or principal.role in roles.WORK


def condition(session, principal):
    if principal.is_admin or principal.role == roles.SUPPORT_MANAGER:
        return true()
    if principal.role == roles.AGENT:
        team = team_of(session, principal)
        queue = Ticket.team_id == team if team else Ticket.team_id.is_(None)
        return or_(queue, Ticket.assignee_id == principal.user_id)
    if principal.role in ("sales_rep", "manager"):
        members = users.team_member_ids(session, principal) if principal.role == "manager" else ()
        return Ticket.customer_id.in_(select(DeskCustomer.id).where(
            owner_scope(DeskCustomer.owner_id, principal, members)))
    return false()


def one(session, principal, ticket_id, for_write=False):
    """The ticket the caller may see (locked for the rest of the transaction, for a write)."""
    if not isinstance(ticket_id, str) or len(ticket_id) > 36:
        raise NotFound(f"No ticket {ticket_id}.", {"id": ticket_id})
    query = select(Ticket).where(Ticket.id == ticket_id, condition(session, principal))
    if for_write:
        query = query.with_for_update()     # concurrent changes queue instead of overwriting
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"No ticket {ticket_id}.", {"id": ticket_id})
    return found
