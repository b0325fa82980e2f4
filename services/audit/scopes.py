"""Whose history a caller may read: the same rules as the records themselves, applied to the
record's owner as the events last told it (services/audit/records.py `placement`).

- customers, contacts (their customer's owner), leads, deals, quotes / contracts / orders /
  invoices (their deal's owner), tasks (the assignee): the chassis's `owner_scope`, as customers'
  and sales' lists — admin all, manager own + team's, sales_rep own, marketer / agent all;
- targets: as sales' `targets.readable` — a rep the company's and their own, a manager the
  company's, product lines', their region's and their team's reps', marketer / agent all;
- tickets: as service_desk's tickets/scopes.py — support managers all, an agent their team's
  queue (no team: the tickets without one) and what is assigned to them, sales reps and
  managers the tickets of the customers they may see (by the customer's owner in this trail);
- campaigns, segments, email templates, consent: as marketing's `roles.READ` — marketers and
  managers; automation rules: marketers (`roles.MANAGE`: managers do not read rules);
- suppliers: as procurement's `SUPPLIERS_READ` — buyers and managers; purchase requests as
  requests/scopes.py — buyers all, a manager their own and their team's, anyone else their own;
  purchase contracts: whoever reads their request; purchase orders: buyers, and managers those
  of the requests they read (orders/scopes.py);
- users, products, pipeline stages, webhook subscriptions: admin only (people and
  configuration).
"""
from sqlalchemy import false, or_, select, true
from sqlalchemy.orm import aliased

from services.audit.models import AuditRecord, UserCopy
from services.chassis.auth import READ_ALL_ROLES, owner_scope

R = AuditRecord
# the producers' roles (services/<producer>/roles.py), as strings: audit imports no service's code
AGENT, SUPPORT_MANAGER, BUYER, MARKETER, MANAGER = (
    "agent", "support_manager", "buyer", "marketer", "manager")
MARKETING_READ = (MARKETER, MANAGER)
MARKETING_RULES = (MARKETER,)
SUPPLIERS_READ = (BUYER, MANAGER)
ORDERS_READ = (BUYER, MANAGER)


def team_of(session, principal):
    """The caller's team: the token's, else the users copy's."""
    return principal.team_id or session.scalar(
        select(UserCopy.team_id).where(UserCopy.id == principal.user_id))


def team_member_ids(session, team_id):
    if not team_id:
        return []
    return list(session.scalars(select(UserCopy.id).where(UserCopy.team_id == team_id)))


def visible(session, principal):
    """SQL condition on AuditRecord: the records whose history `principal` may read."""
    if principal.is_admin:
        return true()
    team = team_of(session, principal) if principal.role in (AGENT, MANAGER) else None
    members = team_member_ids(session, team) if principal.role == MANAGER else []
    owned = (R.scope == "owner") & owner_scope(R.owner_id, principal, members)
    return or_(owned, _targets(principal, members), _tickets(principal, members, team),
               _by_role(principal), _procurement(principal, team))


def _targets(principal, members):
    if principal.role in READ_ALL_ROLES:
        return R.scope.startswith("target_")
    own_rep = (R.scope == "target_rep") & (R.owner_id == principal.user_id)
    if principal.role == "sales_rep":
        return or_(R.scope == "target_company", own_rep)
    if principal.role == MANAGER:
        return or_(R.scope.in_(("target_company", "target_product_line")), own_rep,
                   (R.scope == "target_region") & (R.region == (principal.region or "")),
                   (R.scope == "target_rep") & R.owner_id.in_(members))
    return false()


def _tickets(principal, members, team):
    ticket = R.scope == "ticket"
    if principal.role == SUPPORT_MANAGER:
        return ticket
    if principal.role == AGENT:
        queue = R.team_id == team if team else R.team_id.is_(None)
        return ticket & or_(queue, R.owner_id == principal.user_id)
    if principal.role in ("sales_rep", MANAGER):
        customer = aliased(AuditRecord)
        seen = select(customer.record_id).where(
            customer.record_type == "customer",
            owner_scope(customer.owner_id, principal, members))
        return ticket & R.customer_id.in_(seen)
    return false()


def _by_role(principal):
    scopes = [scope for scope, roles in (("marketing", MARKETING_READ),
                                         ("marketing_rules", MARKETING_RULES),
                                         ("supplier", SUPPLIERS_READ)) if principal.role in roles]
    return R.scope.in_(scopes) if scopes else false()


def _request_seen(request, principal, team):
    """requests/scopes.py on an AuditRecord (alias) of a purchase request."""
    if principal.role == BUYER:
        return true()
    own = request.owner_id == principal.user_id
    if principal.role == MANAGER and team:
        return or_(own, request.team_id == team)
    return own


def _procurement(principal, team):
    requests = (R.scope == "purchase_request") & _request_seen(R, principal, team)
    request = aliased(AuditRecord)
    parent_seen = R.parent_id.in_(select(request.record_id).where(
        request.record_type == "purchase_request", _request_seen(request, principal, team)))
    contracts = (R.scope == "purchase_contract") & parent_seen
    if principal.role == BUYER:
        orders = R.scope == "purchase_order"
    elif principal.role in ORDERS_READ:
        orders = (R.scope == "purchase_order") & parent_seen
    else:
        orders = false()
    return or_(requests, contracts, orders)
