"""The value-class rule: reading and setting it (managers for their team, admins for the
company), and the periodic pass that applies it.

The pass applies each change through the customers service's own update — the path a
manager's apply takes (PATCH /customers/{id}) — as the principal "value_class_rule" (role
system), so the class change is a customer_updated event whose actor says the rule made it.
Reporting's copy of the classes may lag the customers service by a moment, so each candidate
is read afresh (get_customer) and decided again before it is changed: a class a manager has
just set is judged as it is now. A second pass changes nothing: what the first applied is no
longer a change, and customers publishes no event for an update that changes nothing (its
row lock orders two replicas' passes, so the second sees the class already set).
"""
import logging

from sqlalchemy import select

from services.chassis.auth import Principal
from services.chassis.errors import CrmError, Invalid
from services.chassis.models import utcnow
from services.chassis.rpc import ServiceUnavailable
from services.chassis.validation import load
from services.reporting import periods
from services.reporting.domains.analytics.value import classes, facts, rule
from services.reporting.domains.analytics.value.models import ValueClassRule
from services.reporting.domains.analytics.value.schemas import ValueClassRuleSet
from services.reporting.domains.identity.models import UserCopy

log = logging.getLogger(__name__)

ACTOR = Principal(user_id="value_class_rule", role="system")
DEFAULTS = {"enabled": False, "applies": "upgrades", "months": 12}


def _scope(session, principal):
    """The caller's rule: an admin's is the company's, a manager's their team's."""
    if principal.is_admin:
        return rule.COMPANY, None
    team_id = principal.team_id or session.scalar(
        select(UserCopy.team_id).where(UserCopy.id == principal.user_id))
    if not team_id:
        raise Invalid("A manager without a team has no value-class rule to set.",
                      {"team_id": ["You are in no team."]})
    return rule.team_scope(team_id), team_id


def _dump(scope, row):
    if row is None:
        return {"scope": scope, **DEFAULTS, "set_by": None, "changed_at": None,
                "last_run_at": None, "last_applied": 0, "last_failed": 0}
    return {name: getattr(row, name) for name in (
        "scope", "enabled", "applies", "months", "set_by", "changed_at", "last_run_at",
        "last_applied", "last_failed")}


def get_rule(session, principal):
    scope, _team = _scope(session, principal)
    return _dump(scope, session.get(ValueClassRule, scope))


def set_rule(uow, principal, data):
    """Replaces the caller's rule (enabled required; applies and months default)."""
    data = load(ValueClassRuleSet, data)
    session = uow.session
    scope, team_id = _scope(session, principal)
    row = session.get(ValueClassRule, scope, with_for_update=True)
    if row is None:
        row = ValueClassRule(scope=scope, last_applied=0, last_failed=0)
        session.add(row)
    row.enabled, row.applies, row.months = data["enabled"], data["applies"], data["months"]
    row.set_by, row.set_by_role, row.team_id = principal.user_id, principal.role, team_id
    row.changed_at = utcnow()
    session.flush()
    return _dump(scope, row)


def _setter(row):
    return Principal(user_id=row.set_by, role=row.set_by_role, team_id=row.team_id)


def plan(session, now):
    """[(customer id, current, suggested, scope)] the enabled rules would change now, and
    {scope: {enabled, applies, months}} — each rule over its setter's scope, as of today (UTC)
    over its months."""
    rows = {row.scope: row for row in session.scalars(select(ValueClassRule))}
    settings = {scope: {"enabled": row.enabled, "applies": row.applies, "months": row.months}
                for scope, row in rows.items()}
    if not any(row.enabled for row in rows.values()):
        return [], settings
    teams = {scope: facts.in_scope(session, _setter(row)) for scope, row in rows.items()
             if scope != rule.COMPANY}
    company = facts.customers(session) if rule.COMPANY in rows else ()
    governed = rule.governing(teams, company)
    today = periods.today_in("UTC", now)
    suggested = {months: classes.suggestions(session, today, months)
                 for months in {row.months for row in rows.values() if row.enabled}}
    return rule.changes(governed, settings, suggested), settings


def run(db, call, now=None):
    """One pass: {scope: (applied, failed)}. `call(service, method, *args)` is an RPC made as
    ACTOR. A customer that cannot be changed (merged, gone) is counted as failed and the pass
    goes on; a service that does not answer ends the pass (the next one carries on)."""
    now = now or utcnow()
    with db.read_only() as session:
        candidates, rules = plan(session, now)
    counts = {scope: [0, 0] for scope, settings in rules.items() if settings["enabled"]}
    for customer_id, _copy, suggested, scope in candidates:
        try:
            current = call("customers", "get_customer", customer_id).get("value_class")
            if rule.applies(rules[scope]["applies"], current, suggested):
                call("customers", "update_customer", customer_id, {"value_class": suggested})
                counts[scope][0] += 1
        except ServiceUnavailable:
            raise
        except CrmError as error:
            log.info("value-class rule: %s not changed: %s", customer_id, error)
            counts[scope][1] += 1
    with db.unit_of_work() as uow:
        for scope, (applied, failed) in counts.items():
            row = uow.session.get(ValueClassRule, scope)
            if row is not None:
                row.last_run_at, row.last_applied, row.last_failed = now, applied, failed
    if any(applied for applied, _failed in counts.values()):
        log.info("value-class rule applied: %s", counts)
    return {scope: tuple(value) for scope, value in counts.items()}
