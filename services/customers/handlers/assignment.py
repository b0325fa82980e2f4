"""Who owns a customer: round-robin over active reps, or a manager's / admin's choice."""
from sqlalchemy import update

from services.chassis.errors import Forbidden, Invalid
from services.chassis.models import utcnow
from services.customers.handlers import scopes
from services.customers.handlers.sql import insert_ignoring_conflicts
from services.customers.handlers.users_copy import active_reps, team_member_ids
from services.customers.handlers.views import dump_one
from services.customers.models import AssignmentCursor, UserCopy

OWNER_ROLES = ("sales_rep", "manager", "admin")
ALL_REPS = "*"


def next_owner(session, region):
    """The next active rep of `region` (else of all regions) after the last one served.

    The pool's cursor row is updated before the choice: on PostgreSQL that row lock, on SQLite
    the database write lock, serialises concurrent creators, so each sees the previous choice
    and reps take strict turns. Turns follow id order and survive reps joining or leaving.
    """
    reps = active_reps(session, region) if region else []
    pool = region if reps else ALL_REPS
    reps = reps or active_reps(session)
    if not reps:
        return None                    # nobody to assign to yet: unowned (admins see it)
    turn = _take_turn(session, pool)
    if turn is None:                   # the pool's first create: make its cursor row, then take it
        insert_ignoring_conflicts(session, AssignmentCursor, {"pool": pool, "turns": 0}, ["pool"])
        turn = _take_turn(session, pool)
    last = turn.last_owner_id
    chosen = next((rep for rep in reps if last is None or rep > last), reps[0])
    session.execute(update(AssignmentCursor).where(AssignmentCursor.pool == pool)
                    .values(last_owner_id=chosen))
    return chosen


def _take_turn(session, pool):
    """Count a turn on the pool's cursor row (locking it) and return its previous chooser; None
    if the row does not exist yet. Updating first saves the insert-if-missing on every create."""
    return session.execute(
        update(AssignmentCursor).where(AssignmentCursor.pool == pool)
        .values(turns=AssignmentCursor.turns + 1).returning(AssignmentCursor.last_owner_id)
    ).first()


def check_owner_choice(session, principal, owner_id):
    """Only a manager (within their team) or an admin picks an owner; owner_id is not
    mass-assignable by anyone else (OWASP API3)."""
    if not (principal.is_admin or principal.role == "manager"):
        raise Forbidden("Only a manager or an admin may choose the owner.", {"field": "owner_id"})
    target = session.get(UserCopy, owner_id)
    if target is None or not target.active or target.role not in OWNER_ROLES:
        raise Invalid("The request is not valid.",
                      {"owner_id": ["Not an active sales rep, manager or admin."]})
    if principal.role == "manager" and owner_id != principal.user_id \
            and owner_id not in team_member_ids(session, principal):
        raise Forbidden("A manager assigns within their own team.", {"field": "owner_id"})


def assigned_event(customer, previous, reason, by):
    return {"id": customer.id, "owner_id": customer.owner_id, "previous_owner_id": previous,
            "region": customer.region, "reason": reason, "assigned_by": by}


def assign_customer(uow, principal, customer_id, owner_id):
    session = uow.session
    if not isinstance(owner_id, str) or not owner_id:
        raise Invalid("The request is not valid.", {"owner_id": ["Missing or not a string."]})
    customer = scopes.writable(session, principal, customer_id)
    check_owner_choice(session, principal, owner_id)
    if customer.owner_id != owner_id:
        previous = customer.owner_id
        customer.owner_id = owner_id
        customer.updated_at = utcnow()
        uow.emit("customer_assigned", assigned_event(customer, previous, "manual", principal.user_id))
    return dump_one(session, customer)
