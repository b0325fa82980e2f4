"""Whose history a caller may read: the same rules as the records themselves, applied to the
record's owner as the events last told it (services/audit/records.py `placement`).

- customers, contacts (their customer's owner), leads, deals, quotes / contracts / orders /
  invoices (their deal's owner), tasks (the assignee): the chassis's `owner_scope`, as customers'
  and sales' lists — admin all, manager own + team's, sales_rep own, marketer / agent all;
- targets: as sales' `targets.readable` — a rep the company's and their own, a manager the
  company's, product lines', their region's and their team's reps', marketer / agent all;
- users, products, pipeline stages: admin only (people and configuration).
"""
from sqlalchemy import false, or_, select, true

from services.audit.models import AuditRecord, UserCopy
from services.chassis.auth import READ_ALL_ROLES, owner_scope

R = AuditRecord


def team_member_ids(session, principal):
    team_id = principal.team_id or session.scalar(
        select(UserCopy.team_id).where(UserCopy.id == principal.user_id))
    if not team_id:
        return []
    return list(session.scalars(select(UserCopy.id).where(UserCopy.team_id == team_id)))


def visible(session, principal):
    """SQL condition on AuditRecord: the records whose history `principal` may read."""
    if principal.is_admin:
        return true()
    members = team_member_ids(session, principal) if principal.role == "manager" else []
    owned = (R.scope == "owner") & owner_scope(R.owner_id, principal, members)
    return or_(owned, _targets(principal, members))


def _targets(principal, members):
    if principal.role in READ_ALL_ROLES:
        return R.scope.startswith("target_")
    own_rep = (R.scope == "target_rep") & (R.owner_id == principal.user_id)
    if principal.role == "sales_rep":
        return or_(R.scope == "target_company", own_rep)
    if principal.role == "manager":
        return or_(R.scope.in_(("target_company", "target_product_line")), own_rep,
                   (R.scope == "target_region") & (R.region == (principal.region or "")),
                   (R.scope == "target_rep") & R.owner_id.in_(members))
    return false()
