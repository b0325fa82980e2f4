"""Lead → customer (in the customers service) + deal (here), safe across the two services.

Two databases cannot share a transaction, so the conversion is a short saga whose every step
is idempotent, keyed by the lead (one LeadConversion row per lead):

1. reserve (sales transaction): lock the lead, check it may be converted, validate the deal
   request (products, prices, currency) and freeze it — with the customer details taken from
   the lead — in the LeadConversion row; from now on the lead cannot be edited. Bad input stops
   here and changes nothing anywhere. A second attempt while one may still be talking to
   customers (the lease) is a 409; a retry with a different request is a 409 too.
2. customer (customers RPC, with a deadline shorter than the gateway's): `create_customer`
   with the frozen details. customers refuses a twin with a Conflict naming `duplicate_of`,
   and we link the lead to that customer instead. The same rule makes this step idempotent:
   a retry after a lost reply sends the same details and meets the customer the first attempt
   created as a duplicate. That is why a conversion needs an email or a phone (customers'
   duplicate keys). A refusal (Invalid, Forbidden) means nothing was created: the reservation
   is dropped and the lead is editable again. No answer (503) means we do not know: the
   reservation stays and the caller retries.
3. complete (sales transaction): lock the lead again; if the reservation already names a
   deal, answer it (a retried, finished conversion); otherwise create the deal, mark the lead
   converted and emit lead_converted + deal_created — one commit.

However it fails half-way, retrying ends with exactly one customer and one deal. Known limits:
a customer merged away (or whose email and phone were changed) between a lost reply and the
retry is not recognised, and a retry after a lost reply reports the link as "existing".
"""
import json
from datetime import timedelta

from services.chassis.errors import Conflict, CrmError, Invalid
from services.chassis.models import utcnow
from services.chassis.rpc import ServiceUnavailable
from services.chassis.validation import load, shared
from services.sales import scopes
from services.sales.deals.handlers import deals, lines
from services.sales.deals.models import Deal
from services.sales.leads import schemas
from services.sales.leads.handlers import leads
from services.sales.leads.models import Lead, LeadConversion

CONVERTIBLE = ("new", "contacted", "qualified")


def customer_details(lead):
    """What customers is asked to create: the lead's company (or the person), with the contact's
    email and phone as the duplicate keys."""
    details = {"kind": "company" if lead.company_name else "individual",
               "name": lead.company_name or lead.contact_name, "industry": lead.industry,
               "size": lead.company_size, "region": lead.region, "email": lead.contact_email,
               "phone": lead.contact_phone, "website": lead.website, "source": lead.source,
               "lifecycle_stage": "prospect"}
    return {key: value for key, value in details.items() if value is not None}


def _frozen_request(session, lead, principal, data):
    resolved = lines.resolve(session, data["lines"], data["currency"])
    customer = customer_details(lead)
    if lead.owner_id and principal.role != "sales_rep":
        customer["owner_id"] = lead.owner_id        # the customer follows the lead's owner
    return {"input": shared(schemas.Conversion).dump(data), "customer": customer, "deal": {
        "name": data.get("deal_name") or customer["name"], "currency": data["currency"],
        "expected_close_date": (data["expected_close_date"].isoformat()
                                if data.get("expected_close_date") else None),
        "lines": lines.to_json(resolved)}}


def reserve(uow, principal, lead_id, data, lease_seconds):
    """Step 1. Returns the frozen request, or {"done": result} for a finished conversion."""
    session = uow.session
    data = load(schemas.Conversion, data)
    lead = scopes.one(session, principal, Lead, lead_id, for_write=True)
    conversion = session.get(LeadConversion, lead.id)
    if conversion is not None and conversion.status == "done":
        return {"done": True}
    if conversion is None:
        if lead.status not in CONVERTIBLE:
            raise Conflict(f"A {lead.status} lead cannot be converted.", {"status": lead.status})
        if not (lead.contact_email or lead.contact_phone):
            # the lead's state, not the request, is wrong: add an email or a phone first
            raise Conflict("A lead needs an email or a phone to be converted (duplicate "
                           "detection); add one first.", {"field": "contact_email"})
    request = _frozen_request(session, lead, principal, data)
    now = utcnow()
    if conversion is None:
        conversion = LeadConversion(lead_id=lead.id, request=json.dumps(request), attempts=0,
                                    status="pending", started_by=principal.user_id)
        session.add(conversion)
    elif json.loads(conversion.request)["input"] != request["input"]:
        raise Conflict("This lead's conversion was started with other deal details; retry it "
                       "with the same ones.", {"status": "converting"})
    elif conversion.lease_until > now:
        raise Conflict("This lead is being converted right now; retry in a moment.",
                       {"status": "converting"})
    conversion.attempts += 1
    conversion.lease_until = now + timedelta(seconds=lease_seconds)
    return json.loads(conversion.request)


def obtain_customer(create_customer, details):
    """Step 2: (customer id, owner id or None, "created" | "existing")."""
    try:
        created = create_customer(details)
    except Conflict as conflict:
        duplicate_of = conflict.details.get("duplicate_of")
        if not duplicate_of:
            raise
        return duplicate_of, None, "existing"
    return created["id"], created.get("owner_id"), "created"


def release(uow, lead_id):
    """customers refused: nothing was created there, so the reservation goes."""
    conversion = uow.session.get(LeadConversion, lead_id)
    if conversion is not None and conversion.status == "pending":
        uow.session.delete(conversion)


def complete(uow, principal, lead_id, customer_id, customer_owner, link):
    """Step 3: the deal and the converted lead, once."""
    session = uow.session
    lead = session.get(Lead, lead_id, with_for_update=True)
    conversion = session.get(LeadConversion, lead_id, with_for_update=True)
    if conversion.status != "done":
        request = json.loads(conversion.request)["deal"]
        owner_id = lead.owner_id or customer_owner or principal.user_id
        deal = deals.new_deal(
            uow, principal, name=request["name"], customer_id=customer_id, owner_id=owner_id,
            currency=request["currency"], lead_id=lead.id,
            expected_close_date=(schemas.Conversion().fields["expected_close_date"]
                                 .deserialize(request["expected_close_date"])),
            resolved_lines=lines.from_json(request["lines"]))
        now = utcnow()
        conversion.status, conversion.completed_at = "done", now
        conversion.customer_id, conversion.customer_link, conversion.deal_id = \
            customer_id, link, deal.id
        lead.status, lead.customer_id, lead.deal_id = "converted", customer_id, deal.id
        lead.converted_at = lead.updated_at = now
        uow.emit("lead_converted", {
            "lead_id": lead.id, "customer_id": customer_id, "customer_link": link,
            "deal_id": deal.id, "owner_id": deal.owner_id, "converted_at": now,
            "converted_by": principal.user_id})
    return result(session, lead, conversion)


def result(session, lead, conversion):
    return {"lead": leads.dump(lead), "customer_id": conversion.customer_id,
            "customer_link": conversion.customer_link,
            "deal": deals.dump(session, session.get(Deal, conversion.deal_id))}


def convert_lead(db, principal, lead_id, data, create_customer, lease_seconds):
    """The whole conversion; `create_customer(details)` is the customers RPC (a fake in tests)."""
    with db.unit_of_work(actor=principal.user_id) as uow:
        request = reserve(uow, principal, lead_id, data, lease_seconds)
    if request.get("done"):
        with db.read_only() as session:
            lead = scopes.one(session, principal, Lead, lead_id)
            return result(session, lead, session.get(LeadConversion, lead.id))
    try:
        customer_id, owner_id, link = obtain_customer(create_customer, request["customer"])
    except ServiceUnavailable:
        raise ServiceUnavailable("The customers service did not answer; the conversion is "
                                 "kept and can be retried.", {"service": "customers"})
    except CrmError as refusal:
        with db.unit_of_work(actor=principal.user_id) as uow:
            release(uow, lead_id)
        if isinstance(refusal, Invalid):
            raise Invalid("The lead's details are not a valid customer.",
                          {f"customer.{key}": value for key, value in refusal.details.items()})
        raise
    with db.unit_of_work(actor=principal.user_id) as uow:
        return complete(uow, principal, lead_id, customer_id, owner_id, link)
