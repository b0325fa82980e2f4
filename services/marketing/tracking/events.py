"""Engagement events (docs/contracts.md#marketing): one per open, click, unsubscribe, bounce or
complaint; `first` says whether it is the contact's first of that kind for the campaign (the
unique counts). Consent changes they cause are consent_changed besides."""
from marshmallow import Schema, fields


class Engagement(Schema):
    campaign_id = fields.String(allow_none=True)
    contact_id = fields.String(required=True)
    customer_id = fields.String(allow_none=True)
    url = fields.String(allow_none=True)               # clicks: the link followed
    detail = fields.String(allow_none=True)            # bounces / complaints: what was reported
    first = fields.Boolean(required=True)
    at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {name: Engagement() for name in (
    "email_opened", "email_clicked", "email_unsubscribed", "email_bounced", "email_complained")}
