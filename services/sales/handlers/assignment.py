"""Who owns a lead or deal: round-robin over the region's active reps, the creating rep, or a
manager's / admin's explicit choice (owner_id is not mass-assignable by anyone else)."""
from sqlalchemy import update

from services.chassis.errors import Forbidden, Invalid
from services.customers.handlers.sql import insert_ignoring_conflicts
from services.sales.handlers.users_copy import active_reps, team_member_ids
from services.sales.models import AssignmentCursor, UserCopy

OWNER_ROLES = ("sales_rep", "manager", "admin")
ALL_REPS = "*"


def next_owner(session, region):
    """The next active rep of `region` (else of all regions) after the last one served.
    Updating the pool's cursor row first serialises concurrent creators (row lock on
    PostgreSQL, the write lock on SQLite), so reps take strict turns."""
    reps = active_reps(session, region) if region else []
    pool = region if reps else ALL_REPS
    reps = reps or active_reps(session)
    if not reps:
        return None                    # nobody to assign to yet: unowned (admins see it)
    insert_ignoring_conflicts(session, AssignmentCursor, {"pool": pool, "turns": 0}, ["pool"])
    last = session.execute(
        update(AssignmentCursor).where(AssignmentCursor.pool == pool)
        .values(turns=AssignmentCursor.turns + 1).returning(AssignmentCursor.last_owner_id)
    ).scalar_one()
    chosen = next((rep for rep in reps if last is None or rep > last), reps[0])
    session.execute(update(AssignmentCursor).where(AssignmentCursor.pool == pool)
                    .values(last_owner_id=chosen))
    return chosen


def check_owner_choice(session, principal, owner_id):
    if not (principal.is_admin or principal.role == "manager"):
        raise Forbidden("Only a manager or an admin may choose the owner.", {"field": "owner_id"})
    target = session.get(UserCopy, owner_id)
    if target is None or not target.active or target.role not in OWNER_ROLES:
        raise Invalid("The request is not valid.",
                      {"owner_id": ["Not an active sales rep, manager or admin."]})
    if principal.role == "manager" and owner_id != principal.user_id \
            and owner_id not in team_member_ids(session, principal):
        raise Forbidden("A manager assigns within their own team.", {"field": "owner_id"})


def owner_for_new_record(session, principal, owner_id, region):
    """(owner id, reason): explicit choice (checked), the creating rep, or round-robin."""
    if owner_id is not None:
        check_owner_choice(session, principal, owner_id)
        return owner_id, "manual"
    if principal.role == "sales_rep":
        return principal.user_id, "creator"
    return next_owner(session, region), "round_robin"
