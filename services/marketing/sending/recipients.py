"""Reading a broadcast: its progress (counts by state) and its recipients page by page."""
from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import NotFound
from services.chassis.validation import load
from services.marketing.campaigns.handlers.campaigns import get as get_campaign
from services.marketing.sending import dispatch, schemas
from services.marketing.sending.models import CampaignRecipient, CampaignSend

RECIPIENT = schemas.Recipient()


def _send(session, campaign_id):
    get_campaign(session, campaign_id)
    send = session.get(CampaignSend, campaign_id)
    if send is None:
        raise NotFound(f"Campaign {campaign_id} has not sent its email.", {"id": campaign_id})
    return send


def get_send(session, principal, campaign_id):
    return dispatch.summary(session, _send(session, campaign_id))


def list_recipients(session, principal, campaign_id, query=None):
    filters = load(schemas.RecipientQuery, query or {})
    _send(session, campaign_id)
    statement = select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id)
    if filters.get("state"):
        statement = statement.where(CampaignRecipient.state == filters["state"])
    size = pagination.page_size(filters.get("limit"))
    scope = f"recipients:{campaign_id}:{filters.get('state')}"
    if filters.get("cursor"):
        (last_id,) = pagination.decode_cursor(filters["cursor"], scope)
        statement = statement.where(CampaignRecipient.contact_id > str(last_id))
    rows = list(session.scalars(statement.order_by(CampaignRecipient.contact_id).limit(size + 1)))
    more, rows = len(rows) > size, rows[:size]
    return {"items": [RECIPIENT.dump(row) for row in rows],
            "next_cursor": pagination.encode_cursor([rows[-1].contact_id], scope) if more else None}
