"""The events of leads (sales' contract, DESIGN.md §4): created, updated (with what changed),
converted (the customer and deal it became)."""
from marshmallow import Schema, fields


class ScoreFactor(Schema):
    factor = fields.String(required=True)
    group = fields.String(required=True)          # fit | engagement
    points = fields.Integer(required=True)
    reason = fields.String(required=True)


class LeadRecord(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True)
    source = fields.String(allow_none=True)
    campaign = fields.String(allow_none=True)
    campaign_id = fields.String(allow_none=True)       # marketing's campaign it came from
    company_name = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    company_size = fields.Integer(allow_none=True)
    region = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    score = fields.Integer(required=True)
    score_factors = fields.List(fields.Nested(ScoreFactor), required=True)
    disqualified_reason = fields.String(allow_none=True)
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    # Contact details (name, email, phone) stay in this service, like customers' contacts.


class LeadUpdated(LeadRecord):
    changed = fields.List(fields.String(), required=True)
    previous_status = fields.String(allow_none=True)


class LeadConverted(Schema):
    lead_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    customer_link = fields.String(required=True)   # created | existing
    deal_id = fields.String(required=True)
    owner_id = fields.String(allow_none=True)
    converted_at = fields.AwareDateTime(required=True)
    converted_by = fields.String(required=True)


EVENT_SCHEMAS = {
    "lead_created": LeadRecord(),
    "lead_updated": LeadUpdated(),
    "lead_converted": LeadConverted(),
}
