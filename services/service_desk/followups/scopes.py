"""Who sees which follow-up visits, always inside the query: those of the tickets the caller
may see (tickets/scopes.py — an agent their team's, support managers and admins all, sales
reps read-only the tickets of their customers) and those assigned to the caller. Who may
change or close one: its assignee, a support manager or an admin (another agent who sees it: 403). Someone
else's follow-up is NotFound, never Forbidden."""
from sqlalchemy import or_, select

from services.chassis.errors import Forbidden, NotFound
from services.service_desk import roles
from services.service_desk.followups.models import TicketFollowup
from services.service_desk.tickets import scopes as tickets
from services.service_desk.tickets.models import Ticket


def condition(session, principal):
    return or_(TicketFollowup.ticket_id.in_(
        select(Ticket.id).where(tickets.condition(session, principal))),
        TicketFollowup.assignee_id == principal.user_id)


def one(session, principal, followup_id, for_write=False):
    if not isinstance(followup_id, str) or len(followup_id) > 36:
        raise NotFound(f"No follow-up {followup_id}.", {"id": followup_id})
    query = select(TicketFollowup).where(TicketFollowup.id == followup_id,
                                         condition(session, principal))
    found = session.scalar(query.with_for_update() if for_write else query)
    if found is None:
        raise NotFound(f"No follow-up {followup_id}.", {"id": followup_id})
    if for_write and not (principal.is_admin or principal.role == roles.SUPPORT_MANAGER
                          or found.assignee_id == principal.user_id):
        raise Forbidden("Only its assignee or a support manager may change a follow-up.")
    return found
