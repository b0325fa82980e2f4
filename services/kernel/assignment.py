"""Who owns a new record: round-robin over the active reps of the service's users copy, or a
manager's / admin's explicit choice (owner_id is not mass-assignable by anyone else, OWASP API3).

Each service keeps its own cursor table (its database, its migrations):

    class AssignmentCursor(AssignmentCursorColumns, Base):
        __tablename__ = "assignment_cursor"

    owners = Owners(users, AssignmentCursor)      # users: a kernel.users_copy.UsersCopy
"""
from sqlalchemy import BigInteger, String, update
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.db import insert_ignoring_conflicts
from services.chassis.errors import Forbidden, Invalid

OWNER_ROLES = ("sales_rep", "manager", "admin")
ALL_REPS = "*"


class AssignmentCursorColumns:
    """Round-robin position per pool (a region, or "*" for all reps). Updating this row first
    in the creating transaction serialises concurrent assignments to the same pool."""
    pool: Mapped[str] = mapped_column(String(70), primary_key=True)
    last_owner_id: Mapped[str | None] = mapped_column(String(36))
    turns: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class Owners:
    def __init__(self, users, cursor_model):
        self.users = users
        self.cursor = cursor_model

    def next_owner(self, session, region):
        """The next active rep of `region` (else of all regions) after the last one served.

        The pool's cursor row is updated before the choice: on PostgreSQL that row lock, on
        SQLite the database write lock, serialises concurrent creators, so each sees the previous
        choice and reps take strict turns. Turns follow id order and survive reps joining or
        leaving."""
        reps = self.users.active_reps(session, region) if region else []
        pool = region if reps else ALL_REPS
        reps = reps or self.users.active_reps(session)
        if not reps:
            return None                # nobody to assign to yet: unowned (admins see it)
        turn = self._take_turn(session, pool)
        if turn is None:               # the pool's first create: make its cursor row, then take it
            insert_ignoring_conflicts(session, self.cursor, {"pool": pool, "turns": 0}, ["pool"])
            turn = self._take_turn(session, pool)
        last = turn.last_owner_id
        chosen = next((rep for rep in reps if last is None or rep > last), reps[0])
        session.execute(update(self.cursor).where(self.cursor.pool == pool)
                        .values(last_owner_id=chosen))
        return chosen

    def _take_turn(self, session, pool):
        """Count a turn on the pool's cursor row (locking it) and return its previous chooser;
        None if the row does not exist yet. Updating first saves the insert-if-missing on every
        create."""
        cursor = self.cursor
        return session.execute(
            update(cursor).where(cursor.pool == pool)
            .values(turns=cursor.turns + 1).returning(cursor.last_owner_id)
        ).first()

    def check_owner_choice(self, session, principal, owner_id):
        """Only a manager (within their team) or an admin picks an owner."""
        if not (principal.is_admin or principal.role == "manager"):
            raise Forbidden("Only a manager or an admin may choose the owner.",
                            {"field": "owner_id"})
        target = session.get(self.users.model, owner_id)
        if target is None or not target.active or target.role not in OWNER_ROLES:
            raise Invalid("The request is not valid.",
                          {"owner_id": ["Not an active sales rep, manager or admin."]})
        if principal.role == "manager" and owner_id != principal.user_id \
                and owner_id not in self.users.team_member_ids(session, principal):
            raise Forbidden("A manager assigns within their own team.", {"field": "owner_id"})
