"""sales' copy of identity's users, in its own database (the shared kernel's UsersCopy and
round-robin Owners over sales' own tables): assignment pools and managers' teams, without
reading customers' or identity's tables; and who owns a new lead or deal."""
from services.kernel.assignment import AssignmentCursorColumns, Owners
from services.kernel.users_copy import UserCopyColumns, UsersCopy
from services.sales.base import Base


class UserCopy(UserCopyColumns, Base):
    """identity's users as their events describe them (services/kernel/users_copy.py)."""
    __tablename__ = "user_copy"


class AssignmentCursor(AssignmentCursorColumns, Base):
    """Round-robin position per pool of reps (services/kernel/assignment.py)."""
    __tablename__ = "assignment_cursor"


users = UsersCopy(UserCopy)
apply_user_event = users.apply_user_event
team_member_ids = users.team_member_ids
active_reps = users.active_reps
may_be_stale = users.may_be_stale

owners = Owners(users, AssignmentCursor)
next_owner = owners.next_owner
check_owner_choice = owners.check_owner_choice


def owner_for_new_record(session, principal, owner_id, region):
    """(owner id, reason): explicit choice (checked), the creating rep, or round-robin.
    owner_id is not mass-assignable: only a manager's / admin's explicit choice is taken."""
    if owner_id is not None:
        check_owner_choice(session, principal, owner_id)
        return owner_id, "manual"
    if principal.role == "sales_rep":
        return principal.user_id, "creator"
    return next_owner(session, region), "round_robin"
