"""Who owns a new record: round-robin over the active reps of the service's users copy, or a
manager's / admin's explicit choice (owner_id is not mass-assignable by anyone else, OWASP API3).

Each service keeps its own cursor table (its database, its migrations):

    class AssignmentCursor(AssignmentCursorColumns, Base):
        __tablename__ = "assignment_cursor"

    owners = Owners(users, AssignmentCursor)      # users: a kernel.users_copy.UsersCopy
"""
from sqlalchemy import BigInteger, String, bindparam, exists, func, select, true, update
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
        self._statements = {}         # next_owner's UPDATE, built once: {everyone: statement}

    def next_owner(self, session, region):
        """The next active rep of `region` (else of all regions) after the last one served:
        what `next_owners` would choose for one record, in one statement when the pool's cursor
        row exists — a record created through the API pays for its owner with a single UPDATE
        instead of the reps' SELECT and two UPDATEs (a fifth of customers' CPU per write,
        bench/FINDINGS.md). The rule is next_owners' (tests/unit/kernel compares the two)."""
        if region:
            owner = self._turn(session, region)
            if owner is not None:
                return owner
        return self._turn(session, ALL_REPS)

    def _turn(self, session, pool):
        """Take the pool's turn and return its owner; None (no turn taken) when the pool has no
        active rep. Makes the cursor row on the pool's first turn."""
        owner = session.execute(self._turn_statement(pool == ALL_REPS), {"turn_pool": pool}).scalar()
        if owner is None and session.execute(
                select(self._reps(pool == ALL_REPS).exists()), {"turn_pool": pool}).scalar():
            insert_ignoring_conflicts(session, self.cursor, {"pool": pool, "turns": 0}, ["pool"])
            owner = session.execute(self._turn_statement(pool == ALL_REPS), {"turn_pool": pool}).scalar()
        return owner

    def _reps(self, everyone):
        """The pool's active reps (the pool is the region, or every region)."""
        users = self.users.model.__table__
        query = select(users.c.id).where(users.c.role == "sales_rep", users.c.active == true())
        return query if everyone else query.where(users.c.region == bindparam("turn_pool"))

    def _turn_statement(self, everyone):
        """UPDATE the pool's cursor — its row lock (SQLite: the write lock) serialises concurrent
        creators, as in next_owners — to the first rep after the last one served, else the
        first rep: the choice made from the row as locked (PostgreSQL re-evaluates a concurrently
        updated row's SET). Returns no row without an active rep or without the cursor row."""
        statement = self._statements.get(everyone)
        if statement is None:
            # Tables, not the mapped classes: a Core statement skips the ORM's bulk-update
            # path (its session synchronisation, its autoflush), which buys nothing here.
            cursor, users = self.cursor.__table__, self.users.model.__table__
            reps = self._reps(everyone).order_by(users.c.id).limit(1)
            after = reps.where(users.c.id > cursor.c.last_owner_id).scalar_subquery()
            statement = (update(cursor)
                         .where(cursor.c.pool == bindparam("turn_pool"), exists(self._reps(everyone)))
                         .values(turns=cursor.c.turns + 1,
                                 last_owner_id=func.coalesce(after, reps.scalar_subquery()))
                         .returning(cursor.c.last_owner_id))
            self._statements[everyone] = statement
        return statement

    def next_owners(self, session, regions):
        """The owners of new records of `regions` (in order), exactly as `next_owner` called once
        per record would choose them, with one read of the active reps and one turn of each
        pool's cursor (an import batch: bench/FINDINGS.md).

        A record of a region without active reps (or of no region) goes to the all-reps pool
        "*"; with no active rep at all it stays unowned (None; admins see it) and takes no turn.
        The pools' cursor rows are updated before the choice: on PostgreSQL that row lock, on
        SQLite the database write lock, serialises concurrent creators, so each sees the
        previous choices and reps take strict turns. Turns follow id order and survive reps
        joining or leaving."""
        everyone, by_region = [], {}
        for rep_id, rep_region in self.users.active_reps_and_regions(session):
            everyone.append(rep_id)
            by_region.setdefault(rep_region, []).append(rep_id)
        plan = []                          # (pool, its reps) per record; None: nobody to assign
        for region in regions:
            reps = by_region.get(region) if region else None
            plan.append((region, reps) if reps else (ALL_REPS, everyone) if everyone else None)
        turns = {}
        for step in plan:
            if step:
                turns[step[0]] = turns.get(step[0], 0) + 1
        # Pools locked in sorted order: two batches never wait for each other's next pool.
        last = {pool: self._take_turns(session, pool, turns[pool]) for pool in sorted(turns)}
        chosen = []
        for step in plan:
            if step is None:
                chosen.append(None)
                continue
            pool, reps = step
            previous = last[pool]
            last[pool] = next((rep for rep in reps if previous is None or rep > previous), reps[0])
            chosen.append(last[pool])
        for pool in sorted(last):
            session.execute(update(self.cursor).where(self.cursor.pool == pool)
                            .values(last_owner_id=last[pool]))
        return chosen

    def _take_turns(self, session, pool, count):
        """Count `count` turns on the pool's cursor row (locking it; made on the pool's first
        turn) and return its previous chooser."""
        turn = self._update_turns(session, pool, count)
        if turn is None:
            insert_ignoring_conflicts(session, self.cursor, {"pool": pool, "turns": 0}, ["pool"])
            turn = self._update_turns(session, pool, count)
        return turn.last_owner_id

    def _update_turns(self, session, pool, count):
        """None if the row does not exist yet. Updating first saves the insert-if-missing on
        every create."""
        cursor = self.cursor
        return session.execute(
            update(cursor).where(cursor.pool == pool)
            .values(turns=cursor.turns + count).returning(cursor.last_owner_id)
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
