"""Sales targets: set (create or change), read with attainment / pace / split, list, remove.

Who: admin sets any target; a manager the targets of the reps of their team and of their own
region; reps set none. Reads: a rep their own rep targets and the company's; a manager the
company's, the product lines', their region's and their team's reps'; admin and read-all roles
all. Someone else's target is a 404 (existence does not leak), a target one may read but not
change is a 403.

Consistency: the parts of a target (same period, measure, currency) may not sum above it —
setting a part past its parent, or a parent below its parts, is a 409 unless
`allow_exceeding_parent` is true; then it is accepted and the excess is shown.
"""
import uuid

from sqlalchemy import false, or_, select, true
from sqlalchemy.exc import IntegrityError

from services.chassis import pagination
from services.chassis.auth import READ_ALL_ROLES
from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.sales.products.models import Product
from services.sales.targets import schemas
from services.sales.targets.handlers import attainment
from services.sales.targets.handlers.periods import pace, period_end
from services.sales.targets.models import SalesTarget
from services.sales.users import UserCopy, team_member_ids

KEY = ("period_kind", "period_start", "scope", "measure", "currency")
TARGET = schemas.Target()
PAGE_SCOPE = "targets"


def scope_value(target):
    return target.scope_value or None          # "" is the company's


def record(target, parent_id, at):
    """The target as target_set carries it (targets/events.py TargetSet)."""
    return {"id": target.id, "period_kind": target.period_kind,
            "period_start": target.period_start, "period_end": target.period_end,
            "scope": target.scope, "scope_value": scope_value(target), "measure": target.measure,
            "amount": target.amount, "currency": target.currency, "parent_id": parent_id,
            "set_by": target.set_by, "set_at": at}


def describe(session, target, now=None):
    now = now or utcnow()
    above, exceeded_by = attainment.parent_excess(session, target)
    attained = attainment.attained(session, target)
    row = {**record(target, above.id if above else None, None),
           "created_at": target.created_at, "updated_at": target.updated_at,
           "attained": attained,
           "attainment_percent": None if attained is None else
           float(round(attained * 100 / target.amount, 2)),
           "pace": pace(target.amount, attained, target.period_start, target.period_end, now),
           "splits": attainment.splits(session, target),
           "parent_exceeded_by": exceeded_by if above else None}
    return TARGET.dump(row)


# --- who may read / change ------------------------------------------------------------------

def readable(session, principal):
    if principal.is_admin or principal.role in READ_ALL_ROLES:
        return true()
    own = (SalesTarget.scope == "rep") & (SalesTarget.scope_value == principal.user_id)
    if principal.role == "sales_rep":
        return or_(SalesTarget.scope == "company", own)
    if principal.role == "manager":
        team = list(team_member_ids(session, principal))
        return or_(SalesTarget.scope.in_(("company", "product_line")), own,
                   (SalesTarget.scope == "region")
                   & (SalesTarget.scope_value == (principal.region or "")),
                   (SalesTarget.scope == "rep") & SalesTarget.scope_value.in_(team))
    return false()


def check_may_set(session, principal, scope, value):
    if principal.is_admin:
        return
    if principal.role == "manager":
        if scope == "rep" and value in team_member_ids(session, principal):
            return
        if scope == "region" and principal.region and value == principal.region:
            return
        raise Forbidden("A manager sets the targets of the team's reps and of their own region.",
                        {"scope": scope, "scope_value": value})
    raise Forbidden("Targets are set by managers and admin.")


def check_scope_value(session, scope, value):
    if scope == "rep":
        user = session.get(UserCopy, value)
        if user is None or not user.active or user.role != "sales_rep":
            raise Invalid("The request is not valid.",
                          {"scope_value": ["No active sales rep has this id."]})
    if scope == "product_line" and not session.scalar(
            select(Product.id).where(Product.series == value).limit(1)):
        raise Invalid("The request is not valid.",
                      {"scope_value": ["No product has this series."]})


def one(session, principal, target_id, for_write=False):
    if not isinstance(target_id, str) or len(target_id) > 36:
        raise NotFound(f"No target {target_id}.", {"id": target_id})
    query = select(SalesTarget).where(SalesTarget.id == target_id, readable(session, principal))
    found = session.scalar(query.with_for_update() if for_write else query)
    if found is None:
        raise NotFound(f"No target {target_id}.", {"id": target_id})
    return found


# --- set / remove ---------------------------------------------------------------------------

def _check_consistency(session, target, allowed):
    """409 (nothing changed: the unit of work rolls back) when parts exceed a whole."""
    if allowed:
        return
    above, excess = attainment.parent_excess(session, target)
    if excess > 0:
        raise Conflict("The parts of the parent target would exceed it; send "
                       "allow_exceeding_parent: true to accept that.",
                       {"parent_id": above.id, "parent_amount": str(above.amount),
                        "parts_exceed_by": str(excess)})
    for entry in attainment.splits(session, target):
        if entry["parts_exceed_by"] > 0:
            raise Conflict("The parts of this target would exceed it; send "
                           "allow_exceeding_parent: true to accept that.",
                           {"by": entry["by"], "parts_sum": str(entry["parts_sum"]),
                            "parts_exceed_by": str(entry["parts_exceed_by"])})


def set_target(uow, principal, data):
    data = load(schemas.TargetSet, data)
    session, now = uow.session, utcnow()
    value = (data.get("scope_value") or "").strip()
    check_scope_value(session, data["scope"], value)
    check_may_set(session, principal, data["scope"], value)
    # Lock the parent first (an unsaved probe finds it): siblings set at once queue there.
    probe = SalesTarget(scope_value=value, **{name: data[name] for name in KEY})
    attainment.parent(session, probe, for_update=True)
    target = session.scalar(select(SalesTarget).where(
        *[getattr(SalesTarget, name) == data[name] for name in KEY],
        SalesTarget.scope_value == value).with_for_update())
    if target is None:
        target = SalesTarget(id=str(uuid.uuid4()), scope_value=value, created_at=now,
                             period_end=period_end(data["period_kind"], data["period_start"]),
                             **{name: data[name] for name in KEY})
        session.add(target)
    target.amount, target.set_by, target.updated_at = data["amount"], principal.user_id, now
    try:
        session.flush()
    except IntegrityError:                  # the same target created by a concurrent request
        raise Conflict("This target was being set by another request at the same moment; "
                       "send it again to change its amount.", {"scope": data["scope"]})
    _check_consistency(session, target, data["allow_exceeding_parent"])
    above = attainment.parent(session, target)
    uow.emit("target_set", record(target, above.id if above else None, now))
    return describe(session, target, now)


def remove_target(uow, principal, target_id):
    session = uow.session
    target = one(session, principal, target_id, for_write=True)
    check_may_set(session, principal, target.scope, target.scope_value)
    session.delete(target)
    uow.emit("target_removed", {"id": target.id, "removed_by": principal.user_id,
                                "removed_at": utcnow()})
    return {"id": target.id, "removed": True}


# --- read -----------------------------------------------------------------------------------

def get_target(session, principal, target_id, now=None):
    """`now`: the moment the pace is measured at (the real time, unless a test fixes it)."""
    return describe(session, one(session, principal, target_id), now)


def list_targets(session, principal, query=None, now=None):
    filters = load(schemas.TargetQuery, query or {})
    where = [readable(session, principal)]
    for name in ("period_kind", "period_start", "scope", "measure", "currency"):
        if filters.get(name) is not None:
            where.append(getattr(SalesTarget, name) == filters[name])
    if filters.get("scope_value") is not None:
        where.append(SalesTarget.scope_value == filters["scope_value"])
    now = now or utcnow()
    return pagination.newest_first(session, select(SalesTarget).where(*where), SalesTarget,
                                   filters, PAGE_SCOPE,
                                   lambda s, rows: [describe(s, row, now) for row in rows])
