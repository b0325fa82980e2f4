"""Capture, qualify and score leads; assignment like customers (round-robin per region)."""
import json
import uuid

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import Conflict, Forbidden, Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.sales import scopes, users
from services.sales.leads import schemas
from services.sales.leads.events import LeadRecord
from services.sales.leads.handlers import scoring
from services.sales.leads.models import Lead, LeadConversion

RECORD_FIELDS = tuple(LeadRecord().fields)
# status → statuses it may move to; converting is its own operation (conversion.py).
TRANSITIONS = {"new": {"contacted", "qualified", "disqualified"},
               "contacted": {"qualified", "disqualified"},
               "qualified": {"contacted", "disqualified"},
               "disqualified": {"new"},                  # reopening: manager / admin only
               "converted": set()}


def record(lead):
    data = {name: getattr(lead, name) for name in RECORD_FIELDS}
    data["score_factors"] = json.loads(lead.score_factors)
    return data


LEAD_SCHEMA = schemas.Lead(many=True)
DETAIL_FIELDS = ("contact_name", "contact_email", "contact_phone", "contact_title", "website",
                 "customer_id", "deal_id", "converted_at")


def dump_many(session, leads):
    return LEAD_SCHEMA.dump([{**record(lead), **{name: getattr(lead, name)
                                                 for name in DETAIL_FIELDS}} for lead in leads])


def dump(lead):
    return dump_many(None, [lead])[0]


def rescore(lead):
    lead.score, factors = scoring.score(lead)
    lead.score_factors = json.dumps(factors)


def create_lead(uow, principal, data):
    session = uow.session
    data = load(schemas.LeadCreate, data)
    owner_id, _ = users.owner_for_new_record(
        session, principal, data.pop("owner_id", None), data.get("region"))
    now = utcnow()
    lead = Lead(id=str(uuid.uuid4()), status="new", owner_id=owner_id,
                created_by=principal.user_id, created_at=now, updated_at=now, **data)
    rescore(lead)
    session.add(lead)
    uow.emit("lead_created", record(lead))
    return dump(lead)


def get_lead(session, principal, lead_id):
    return dump(scopes.one(session, principal, Lead, lead_id))


def list_leads(session, principal, query=None):
    filters = load(schemas.LeadQuery, query or {})
    statement = select(Lead).where(scopes.condition(session, principal, Lead.owner_id))
    for name in ("status", "owner_id"):
        if filters.get(name) is not None:
            statement = statement.where(getattr(Lead, name) == filters[name])
    scope = f"leads:{filters.get('status')}:{filters.get('owner_id')}"
    return pagination.newest_first(session, statement, Lead, filters, scope, dump_many)


def _writable(session, principal, lead_id):
    lead = scopes.one(session, principal, Lead, lead_id, for_write=True)
    if lead.status == "converted":
        raise Conflict("The lead is converted; change its customer or deal instead.",
                       {"status": lead.status})
    if session.get(LeadConversion, lead.id) is not None:
        # Its details are frozen until the conversion that started is retried to the end.
        raise Conflict("A conversion of this lead is in progress; retry the conversion.",
                       {"status": "converting"})
    return lead


def _changed(uow, lead, changed, previous_status=None):
    rescore(lead)
    lead.updated_at = utcnow()
    uow.emit("lead_updated", {**record(lead), "changed": sorted(changed),
                              "previous_status": previous_status})


def update_lead(uow, principal, lead_id, data):
    """Partial update of the captured details; owner and status have their own operations."""
    changes = load(schemas.LeadUpdate, data, partial=True)
    lead = _writable(uow.session, principal, lead_id)
    changed = [name for name, value in changes.items() if getattr(lead, name) != value]
    for name in changed:
        setattr(lead, name, changes[name])
    if changed:
        _changed(uow, lead, changed)
    return dump(lead)


def set_status(uow, principal, lead_id, data):
    """new → contacted → qualified, or disqualified (with a reason) from any open status."""
    data = load(schemas.LeadStatus, data)
    lead = _writable(uow.session, principal, lead_id)
    target, previous = data["status"], lead.status
    if target == previous:
        return dump(lead)                     # already there: a retried request is harmless
    if target not in TRANSITIONS[previous]:
        raise Conflict(f"A lead cannot go from {previous} to {target}.",
                       {"status": previous, "allowed": sorted(TRANSITIONS[previous])})
    if previous == "disqualified" and not (principal.is_admin or principal.role == "manager"):
        raise Forbidden("Only a manager or an admin may reopen a disqualified lead.")
    if target == "disqualified" and not data.get("reason"):
        raise Invalid("The request is not valid.", {"reason": ["Required to disqualify a lead."]})
    lead.status = target
    lead.disqualified_reason = data.get("reason") if target == "disqualified" else None
    _changed(uow, lead, ["status", "disqualified_reason"], previous_status=previous)
    return dump(lead)
