"""Leads from campaign responses: marketing publishes each response (its public form's, or one a
marketer entered); a response that asks for a lead becomes one here — exactly once, by the inbox
and by the unique response id on the lead (a replayed or redelivered event finds it) — with the
campaign attributed (`campaign_id`; source `campaign`), owned by the next rep in turn like any
unassigned lead. A response without a lead asked for changes nothing here."""
import uuid

from marshmallow import ValidationError
from sqlalchemy import select

from services.chassis.validation import shared
from services.sales import users
from services.sales.leads.consumes import CampaignResponse
from services.sales.leads.handlers.leads import record, rescore
from services.sales.leads.models import Lead

MARKETING = "marketing"


def apply_response(uow, envelope):
    try:
        response = shared(CampaignResponse).load(envelope["payload"])
    except ValidationError as error:       # the catch-up stops here visibly, nothing skipped
        raise ValueError(f"unreadable campaign_response_received: {error.messages}")
    session = uow.session
    if not response["create_lead"] or session.scalar(
            select(Lead.id).where(Lead.campaign_response_id == response["id"])):
        return
    now = response["received_at"]
    lead = Lead(id=str(uuid.uuid4()), status="new", source="campaign",
                campaign=response["campaign_name"][:100], campaign_id=response["campaign_id"],
                campaign_response_id=response["id"],
                contact_name=(response["name"] or response["email"] or response["phone"])[:200],
                contact_email=response["email"], contact_phone=response["phone"],
                company_name=response["company"], owner_id=users.next_owner(session, None),
                created_by=MARKETING, created_at=now, updated_at=now)
    rescore(lead)
    session.add(lead)
    uow.emit("lead_created", record(lead))


def handlers():
    """The `Subscriptions` entry for marketing: {event_type: apply}."""
    return {"campaign_response_received": apply_response}
