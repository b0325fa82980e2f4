"""identity's users, copied from their events: managers' teams (scope) and names (labels)."""
from sqlalchemy import select

from services.reporting import consumes
from services.reporting.models import UserCopy
from services.reporting.projections.rollups import locked_row

NAME = "users"
TABLES = (UserCopy,)


def apply_user_event(session, envelope):
    """Upsert; an event older (by identity's sequence) than the one applied changes nothing."""
    data = consumes.load(consumes.UserEvent(), envelope)
    user = locked_row(session, UserCopy, {"id": data["id"]}, sequence=0, active=True)
    if user.sequence >= envelope["sequence"]:
        return
    for name in ("name", "role", "team_id", "region", "active"):
        if name in data:
            setattr(user, name, data[name])
    if envelope["event_type"] == "user_deactivated":
        user.active = False
    user.sequence = envelope["sequence"]


HANDLES = {"identity": {event_type: apply_user_event for event_type in consumes.USER_EVENTS}}


def team_member_ids(session, principal):
    """A manager's team as customers computes it (services/customers/handlers/users_copy.py),
    so a report scopes exactly like the lists it summarises: deactivated members included."""
    team_id = principal.team_id or session.scalar(
        select(UserCopy.team_id).where(UserCopy.id == principal.user_id))
    if not team_id:
        return []
    return list(session.scalars(select(UserCopy.id).where(UserCopy.team_id == team_id)))


def names(session, user_ids):
    ids = [user_id for user_id in set(user_ids) if user_id]
    if not ids:
        return {}
    return dict(session.execute(select(UserCopy.id, UserCopy.name).where(UserCopy.id.in_(ids))).all())
