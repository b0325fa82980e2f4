"""A service's own copy of identity's users, kept from identity's events (inbox + catch-up).

Several services need to know who the users are (assignment pools, managers' teams) and none may
read identity's tables: each keeps its own copy, in its own database, written once here.

    # models.py — the table stays the service's own (its Base, its migrations)
    class UserCopy(UserCopyColumns, Base):
        __tablename__ = "user_copy"

    # handlers/users_copy.py
    users = UsersCopy(UserCopy)

The service class subscribes with `users.handlers()` (the chassis makes the live entrypoints
from its subscriptions) and mixes in `KeepsUsersCopy` (below) for the refresh before a create.
"""
import logging
from datetime import datetime, timezone

from marshmallow import EXCLUDE, Schema, ValidationError, fields
from sqlalchemy import BigInteger, Boolean, Index, String, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from services.chassis import inbox, settings
from services.chassis.models import UtcDateTime
from services.chassis.throttle import Throttle
from services.chassis.validation import shared

log = logging.getLogger(__name__)
USER_EVENTS = ("user_created", "user_updated", "user_deactivated")
COPIED = ("email", "name", "role", "team_id", "region", "manager_id", "active", "updated_at")


class UserEvent(Schema):
    """Tolerant copy of identity's user payloads: identity may add fields without breaking a
    consumer (unknown=EXCLUDE); only `id` is essential."""
    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    email = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    team_id = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    manager_id = fields.String(allow_none=True)
    active = fields.Boolean(load_default=True)
    created_at = fields.DateTime(allow_none=True)      # a naive time is read as UTC
    updated_at = fields.DateTime(allow_none=True)


class UserCopyColumns:
    """identity's users as their events describe them. A mixin, not a table: each service maps
    it onto its own Base, so the copy lives in that service's database."""
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(20))
    team_id: Mapped[str | None] = mapped_column(String(36), index=True)
    region: Mapped[str | None] = mapped_column(String(64))
    manager_id: Mapped[str | None] = mapped_column(String(36))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # identity's event sequence last applied here: an older event never overwrites a newer one.
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @declared_attr.directive
    def __table_args__(cls):
        # A new Index per mapped class: one Index object cannot belong to two tables.
        return (Index(f"ix_{cls.__tablename__}_pool", "role", "active", "region", "id"),)


class UsersCopy:
    """The use cases over one service's users-copy model."""

    def __init__(self, model):
        self.model = model

    def handlers(self):
        """The `Subscriptions` entry for identity: {event_type: apply}."""
        return {event_type: self.apply_user_event for event_type in USER_EVENTS}

    def apply_user_event(self, uow, envelope):
        """Upsert the user. Events can arrive out of order (live vs catch-up): an older sequence
        than the one applied is ignored. A payload we cannot read raises, so the catch-up stops
        there visibly instead of skipping the user."""
        try:
            data = shared(UserEvent).load(envelope["payload"])
        except ValidationError as error:
            raise ValueError(f"unreadable {envelope['event_type']} payload: {error.messages}")
        session = uow.session
        user = session.get(self.model, data["id"])
        if user is None:
            user = self.model(id=data["id"], sequence=0)
            session.add(user)
        elif user.sequence >= envelope["sequence"]:
            return
        if data.get("updated_at") is not None and data["updated_at"].tzinfo is None:
            data["updated_at"] = data["updated_at"].replace(tzinfo=timezone.utc)
        for key in COPIED:
            if key in data:
                setattr(user, key, data[key])
        if envelope["event_type"] == "user_deactivated":
            user.active = False
        user.sequence = envelope["sequence"]

    def team_member_ids(self, session, principal):
        """Everyone in the manager's team, deactivated members included (their records still
        need a manager who can see and reassign them)."""
        model = self.model
        team_id = principal.team_id or session.scalar(
            select(model.team_id).where(model.id == principal.user_id))
        if not team_id:
            return []
        return list(session.scalars(select(model.id).where(model.team_id == team_id)))

    def active_reps(self, session, region=None):
        """Active sales reps ordered by id (the round-robin order), optionally of one region."""
        model = self.model
        query = select(model.id).where(model.role == "sales_rep", model.active.is_(True))
        if region is not None:
            query = query.where(model.region == region)
        return list(session.scalars(query.order_by(model.id)))

    def active_reps_and_regions(self, session):
        """(id, region) of every active sales rep, ordered by id: all round-robin pools at once."""
        model = self.model
        return session.execute(select(model.id, model.region).where(
            model.role == "sales_rep", model.active.is_(True)).order_by(model.id)).all()

    def may_be_stale(self, session, owner_id, region):
        """True when the copy may not know yet what identity already does: an owner it has never
        heard of, or a region without an active rep (one may have been created a moment ago and
        its event still be on the way)."""
        if owner_id is not None:
            return isinstance(owner_id, str) and len(owner_id) <= 36 \
                and session.get(self.model, owner_id) is None
        return isinstance(region, str) and 0 < len(region) <= 64 \
            and not self.active_reps(session, region)


class KeepsUsersCopy:
    """Mixed into a ChassisService that keeps its own copy of identity's users
    (above): the refresh before a create (its live entrypoints come from `subscriptions`).

        class CustomersService(KeepsUsersCopy, ChassisService):
            users = users_copy.users                     # a UsersCopy over the service's model
            subscriptions = Subscriptions({"identity": users.handlers()})
    """
    users = None
    # A create without a rep in its region read identity's log synchronously every time
    # (FINDINGS.md §3): look at one owner id / region at most once per interval per process.
    users_refresh = Throttle("USERS_REFRESH_MIN_INTERVAL_SECONDS", 5.0)

    def _refresh_users_if_stale(self, owner_id, region):
        """Read identity's event log now if the users copy may be behind for this request (a
        user created a moment ago), instead of misassigning or refusing. Short deadline: if
        identity is away, the copy is used as it is. At most once per USERS_REFRESH_MIN_INTERVAL_
        SECONDS per owner id or region (checked or not): the live events normally arrive within
        milliseconds, and this is only the fallback for the first requests after a new user."""
        key = ("owner", owner_id) if owner_id is not None else ("region", region)
        if not isinstance(key[1], str) or not self.users_refresh.due(key):
            return                      # not a string: may_be_stale would say no (and unhashable)
        with self.db.read_only() as session:
            if not self.users.may_be_stale(session, owner_id, region):
                return
        timeout = settings.users_refresh_timeout()

        def fetch(position, limit):
            return self.services.call("identity", "events_since", position, limit, timeout=timeout)
        try:
            inbox.catch_up(self.db, self.subscriptions, fetch, "identity", max_pages=5)
        except Exception:
            log.warning("users copy refresh from identity failed; using the copy as it is",
                        exc_info=True)
