"""campaign_response_received: one per response (its contract, docs/contracts.md#marketing).
Sales creates a lead from it when `create_lead` (once: its inbox); reporting counts responses
from it. It carries the responder's details because the lead is made of them."""
from marshmallow import Schema, fields


class ResponseReceived(Schema):
    id = fields.String(required=True)
    campaign_id = fields.String(required=True)
    campaign_name = fields.String(required=True)
    channel = fields.String(required=True)             # the campaign's
    source = fields.String(required=True)              # form | manual
    name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    company = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    message = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    customer_id = fields.String(allow_none=True)
    create_lead = fields.Boolean(required=True)
    recorded_by = fields.String(required=True)
    received_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {"campaign_response_received": ResponseReceived()}
