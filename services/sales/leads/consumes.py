"""Tolerant copy (unknown=EXCLUDE: marketing may add fields) of marketing's
campaign_response_received, the leads made from campaign responses come from
(handlers/from_campaigns.py)."""
from marshmallow import EXCLUDE, Schema, fields

MARKETING_EVENTS = ("campaign_response_received",)


class CampaignResponse(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    campaign_id = fields.String(required=True)
    campaign_name = fields.String(required=True)
    name = fields.String(allow_none=True, load_default=None)
    email = fields.String(allow_none=True, load_default=None)
    company = fields.String(allow_none=True, load_default=None)
    phone = fields.String(allow_none=True, load_default=None)
    create_lead = fields.Boolean(required=True)
    received_at = fields.AwareDateTime(required=True)


CONSUMED_FROM_MARKETING = {"campaign_response_received": CampaignResponse}
