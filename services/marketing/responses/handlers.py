"""Responses: a campaign's public form (anyone, no login: validated, a honeypot, a per-address
limit, only while the campaign runs) and the responses marketers enter. Each is matched to an
audience contact by email and published as campaign_response_received, from which sales
creates the lead (once) — nothing here calls sales, so a sales outage loses no response."""
import hashlib
import hmac
import uuid
from datetime import timedelta

from sqlalchemy import func, select

from services.chassis import pagination
from services.chassis.errors import Conflict, TooManyRequests
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.marketing import settings
from services.marketing.audience.models import CUSTOMER, AudienceContact
from services.marketing.campaigns.handlers.campaigns import get as get_campaign
from services.marketing.campaigns.lifecycle import RUNNING
from services.marketing.responses import schemas
from services.marketing.responses.models import FORM, MANUAL, CampaignResponse

RESPONSE = schemas.Response()
PUBLIC = "public"
WINDOW = timedelta(hours=1)
DETAILS = ("name", "email", "company", "phone", "message")


def dump(response):
    return RESPONSE.dump({name: getattr(response, name) for name in RESPONSE.fields})


def _contact(session, email_norm):
    """(contact id, customer id) of the audience contact with this email — a customer's own
    before a contact person's — or (None, None)."""
    if not email_norm:
        return None, None
    row = session.execute(
        select(AudienceContact.id, AudienceContact.customer_id)
        .where(AudienceContact.email_norm == email_norm, AudienceContact.active.is_(True))
        .order_by((AudienceContact.kind != CUSTOMER), AudienceContact.id).limit(1)).first()
    return (row.id, row.customer_id) if row else (None, None)


def _record(uow, campaign, source, data, create_lead, actor, sender_hash=None):
    session, now = uow.session, utcnow()
    email_norm = data["email"].strip().lower() if data.get("email") else None
    contact_id, customer_id = _contact(session, email_norm)
    response = CampaignResponse(
        id=str(uuid.uuid4()), campaign_id=campaign.id, source=source,
        **{name: data.get(name) for name in DETAILS}, email_norm=email_norm,
        contact_id=contact_id, customer_id=customer_id, create_lead=create_lead,
        sender_hash=sender_hash, recorded_by=actor, created_at=now)
    session.add(response)
    session.flush()
    uow.emit("campaign_response_received", {
        **{name: getattr(response, name) for name in DETAILS}, "id": response.id,
        "campaign_id": campaign.id, "campaign_name": campaign.name, "channel": campaign.channel,
        "source": source, "contact_id": contact_id, "customer_id": customer_id,
        "create_lead": create_lead, "recorded_by": actor, "received_at": now})
    return response


def _sender_hash(client_ip):
    key = settings.form_sender_key().encode()
    return hmac.new(key, str(client_ip).encode(), hashlib.sha256).hexdigest()


def submit_form(uow, campaign_id, data, client_ip):
    """{"received": true} — also to a robot that filled in the honeypot (it is not told;
    nothing is recorded)."""
    data = load(schemas.FormResponse, data)
    session = uow.session
    campaign = get_campaign(session, campaign_id, for_write=True)   # orders the limit's count
    if campaign.status != RUNNING:
        raise Conflict("This campaign is not taking responses.", {"id": campaign.id})
    if data.pop(schemas.HONEYPOT, None):
        return {"received": True}
    sender, now = _sender_hash(client_ip), utcnow()
    recent = session.scalar(select(func.count()).select_from(CampaignResponse).where(
        CampaignResponse.campaign_id == campaign.id, CampaignResponse.sender_hash == sender,
        CampaignResponse.created_at > now - WINDOW))
    if recent >= settings.form_responses_per_hour():
        oldest = session.scalar(select(func.min(CampaignResponse.created_at)).where(
            CampaignResponse.campaign_id == campaign.id, CampaignResponse.sender_hash == sender,
            CampaignResponse.created_at > now - WINDOW))
        wait = max(1, int((oldest + WINDOW - now).total_seconds()) + 1)
        raise TooManyRequests("Too many responses from this address; try again later.",
                              {"retry_after": wait})
    _record(uow, campaign, FORM, data, True, PUBLIC, sender)
    return {"received": True}


def record_response(uow, principal, campaign_id, data):
    """A response a marketer enters, in any status but draft (a campaign that never ran has
    no responses)."""
    data = load(schemas.ManualResponse, data)
    campaign = get_campaign(uow.session, campaign_id, for_write=True)
    if campaign.status == "draft":
        raise Conflict("A draft campaign has no responses yet.", {"id": campaign.id})
    create_lead = data.pop("create_lead")
    return dump(_record(uow, campaign, MANUAL, data, create_lead, principal.user_id))


def list_responses(session, principal, campaign_id, query=None):
    filters = load(schemas.ResponseQuery, query or {})
    campaign = get_campaign(session, campaign_id)
    statement = select(CampaignResponse).where(CampaignResponse.campaign_id == campaign.id)
    return pagination.newest_first(session, statement, CampaignResponse, filters,
                                   f"responses:{campaign.id}",
                                   lambda _session, rows: [dump(row) for row in rows])
