"""sales' copy of identity's users, kept from its events (chassis inbox + catch-up feed it).

The same approach as customers' copy (services/customers/handlers/users_copy.py): each service
keeps its own copy in its own database, so neither reads the other's tables.
"""
from datetime import timezone

from marshmallow import ValidationError
from sqlalchemy import select

from services.sales.consumes import UserEvent
from services.sales.models import UserCopy

COPIED = ("email", "name", "role", "team_id", "region", "manager_id", "active", "updated_at")


def apply_user_event(uow, envelope):
    """Upsert; an event older than the one applied is ignored (live and catch-up interleave).
    An unreadable payload raises, so the catch-up stops there visibly instead of skipping it."""
    try:
        data = UserEvent().load(envelope["payload"])
    except ValidationError as error:
        raise ValueError(f"unreadable {envelope['event_type']} payload: {error.messages}")
    user = uow.session.get(UserCopy, data["id"])
    if user is None:
        user = UserCopy(id=data["id"], sequence=0)
        uow.session.add(user)
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


def team_member_ids(session, principal):
    """The manager's team, deactivated members included (their deals still need a manager)."""
    team_id = principal.team_id or session.scalar(
        select(UserCopy.team_id).where(UserCopy.id == principal.user_id))
    if not team_id:
        return []
    return list(session.scalars(select(UserCopy.id).where(UserCopy.team_id == team_id)))


def active_reps(session, region=None):
    """Active sales reps in round-robin (id) order, optionally of one region."""
    query = select(UserCopy.id).where(UserCopy.role == "sales_rep", UserCopy.active.is_(True))
    if region is not None:
        query = query.where(UserCopy.region == region)
    return list(session.scalars(query.order_by(UserCopy.id)))


def may_be_stale(session, owner_id, region):
    """An owner the copy has never heard of, or a region without an active rep: identity may
    know more than our copy yet (a user created a moment ago)."""
    if owner_id is not None:
        return isinstance(owner_id, str) and len(owner_id) <= 36 \
            and session.get(UserCopy, owner_id) is None
    return isinstance(region, str) and 0 < len(region) <= 64 and not active_reps(session, region)
