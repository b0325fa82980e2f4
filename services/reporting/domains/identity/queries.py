"""What every report reads from the users copy: a manager's team (scope) and names (labels)."""
from sqlalchemy import select

from services.reporting.domains.identity.models import UserCopy


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
