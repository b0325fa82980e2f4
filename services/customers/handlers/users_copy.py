"""The local copy of identity's users, kept from its events (inbox + catch-up feed it)."""
from datetime import timezone

from marshmallow import ValidationError
from sqlalchemy import select

from services.customers.consumes import UserEvent
from services.customers.models import UserCopy

COPIED = ("email", "name", "role", "team_id", "region", "manager_id", "active", "updated_at")


def apply_user_event(uow, envelope):
    """Upsert the user. Events can arrive out of order (live vs catch-up): an older sequence
    than the one applied is ignored. A payload we cannot read raises, so the catch-up stops
    there visibly instead of skipping the user."""
    try:
        data = UserEvent().load(envelope["payload"])
    except ValidationError as error:
        raise ValueError(f"unreadable {envelope['event_type']} payload: {error.messages}")
    session = uow.session
    user = session.get(UserCopy, data["id"])
    if user is None:
        user = UserCopy(id=data["id"], sequence=0)
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


def team_member_ids(session, principal):
    """Everyone in the manager's team, deactivated members included (their customers still
    need a manager who can see and reassign them)."""
    team_id = principal.team_id or session.scalar(
        select(UserCopy.team_id).where(UserCopy.id == principal.user_id))
    if not team_id:
        return []
    return list(session.scalars(select(UserCopy.id).where(UserCopy.team_id == team_id)))


def active_reps(session, region=None):
    """Active sales reps ordered by id (the round-robin order), optionally of one region."""
    query = select(UserCopy.id).where(UserCopy.role == "sales_rep", UserCopy.active.is_(True))
    if region is not None:
        query = query.where(UserCopy.region == region)
    return list(session.scalars(query.order_by(UserCopy.id)))


def may_be_stale(session, owner_id, region):
    """True when the copy may not know yet what identity already does: an owner it has never
    heard of, or a region without an active rep (one may have been created a moment ago and
    its event still be on the way)."""
    if owner_id is not None:
        return isinstance(owner_id, str) and len(owner_id) <= 36 \
            and session.get(UserCopy, owner_id) is None
    return isinstance(region, str) and 0 < len(region) <= 64 and not active_reps(session, region)
