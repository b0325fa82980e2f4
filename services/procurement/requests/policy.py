"""The approval policy: which roles approve a purchase request, in order, by its total in its
currency (issue 14: e.g. up to 5,000 a manager; above, a manager then an admin). One policy per
currency and "*" for every other currency; a policy is tiers ascending by `up_to` (inclusive),
the last without a limit. Stored in `approval_policy` (DEFAULT until an admin sets it) and
published on every change (approval_policy_changed). A request's chain is fixed when it is
submitted: a later change of the policy does not move requests already on their way."""
import json
from decimal import Decimal

from sqlalchemy import delete, select

from services.chassis.errors import Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.procurement.requests import schemas
from services.procurement.requests.models import ApprovalPolicy

ANY = "*"
DEFAULT = {ANY: [{"up_to": Decimal("5000.00"), "steps": ["manager"]},
                 {"up_to": None, "steps": ["manager", "admin"]}]}
POLICIES = schemas.ApprovalPolicies()


def _stored(session):
    rows = session.scalars(select(ApprovalPolicy).order_by(ApprovalPolicy.currency)).all()
    return {row.currency: [{"up_to": None if tier["up_to"] is None else Decimal(tier["up_to"]),
                            "steps": tier["steps"]} for tier in json.loads(row.tiers)]
            for row in rows}


def current(session):
    return _stored(session) or DEFAULT


def chain(session, currency, total):
    """The roles that approve `total` in `currency`, in order."""
    policies = current(session)
    tiers = policies.get(currency) or policies[ANY]
    for tier in tiers:
        if tier["up_to"] is None or total <= tier["up_to"]:
            return list(tier["steps"])
    raise AssertionError("a policy's last tier has no limit")      # set_policies ensures it


def get_policies(session):
    return POLICIES.dump({"policies": [{"currency": currency, "tiers": tiers}
                                       for currency, tiers in current(session).items()]})


def _check(policies):
    errors, seen = {}, set()
    for index, policy in enumerate(policies):
        currency, tiers, problems = policy["currency"], policy["tiers"], []
        if currency in seen:
            problems.append(f"{currency} has more than one policy.")
        seen.add(currency)
        limits = [tier["up_to"] for tier in tiers]
        if limits[-1] is not None:
            problems.append("The last tier has no limit (up_to null).")
        if None in limits[:-1]:
            problems.append("Only the last tier is without a limit.")
        bounded = [limit for limit in limits if limit is not None]
        if bounded != sorted(set(bounded)):
            problems.append("Tiers go up: each up_to above the one before.")
        if problems:
            errors[str(index)] = problems
    if errors:
        raise Invalid("The request is not valid.", {"policies": errors})
    if ANY not in seen:
        raise Invalid("The request is not valid.", {"policies": [
            'A policy for "*" (every other currency) is required.']})


def set_policies(uow, principal, data):
    fields, session = load(schemas.ApprovalPolicySet, data), uow.session
    _check(fields["policies"])
    now = utcnow()
    session.execute(delete(ApprovalPolicy))
    for policy in fields["policies"]:
        session.add(ApprovalPolicy(
            currency=policy["currency"], updated_by=principal.user_id, updated_at=now,
            tiers=json.dumps([{"up_to": None if t["up_to"] is None else str(t["up_to"]),
                               "steps": t["steps"]} for t in policy["tiers"]])))
    session.flush()
    answer = get_policies(session)
    uow.emit("approval_policy_changed", {**answer, "changed_by": principal.user_id,
                                         "changed_at": now})
    return answer
