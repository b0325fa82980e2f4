"""Who owns a lead or deal: round-robin over the region's active reps, the creating rep, or a
manager's / admin's explicit choice (owner_id is not mass-assignable by anyone else)."""
from services.kernel.assignment import Owners
from services.sales.handlers.users_copy import users
from services.sales.models import AssignmentCursor

# Round-robin and the owner check are the shared kernel's (services/kernel/assignment.py), over
# sales' own users copy and cursor table.
owners = Owners(users, AssignmentCursor)
next_owner = owners.next_owner
check_owner_choice = owners.check_owner_choice


def owner_for_new_record(session, principal, owner_id, region):
    """(owner id, reason): explicit choice (checked), the creating rep, or round-robin."""
    if owner_id is not None:
        check_owner_choice(session, principal, owner_id)
        return owner_id, "manual"
    if principal.role == "sales_rep":
        return principal.user_id, "creator"
    return next_owner(session, region), "round_robin"
