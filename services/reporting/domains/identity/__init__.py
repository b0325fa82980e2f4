"""identity as reporting sees it: the users copy every report scopes and labels by. No reports
and nothing to reconcile of its own (identity has no reconcile RPC; the copy is what customers
and sales keep too)."""
from sqlalchemy import func, select

from services.reporting.domains.identity.models import UserCopy
from services.reporting.domains.identity.projections import USERS
from services.reporting.plugin import Domain


def snapshot(session):
    return {"users": session.scalar(select(func.count()).select_from(UserCopy))}


DOMAIN = Domain("identity", projections=(USERS,), snapshot=snapshot)
