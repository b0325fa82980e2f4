"""RPC inputs (unknown fields refused) and outputs of leads and their conversion."""
from marshmallow import Schema, fields, validate

from services.chassis.fields import Input, currency, page_cursor, page_limit, phone, text
from services.sales.deals.schemas import Deal, LineInput
from services.sales.leads.events import ScoreFactor

LEAD_STATUSES = ("new", "contacted", "qualified", "disqualified", "converted")
LEAD_SOURCES = ("web", "referral", "partner", "event", "campaign", "outbound", "other")


class LeadUpdate(Input):
    """Partial on update. Status and owner have their own operations."""
    source = fields.String(allow_none=True, validate=validate.OneOf(LEAD_SOURCES))
    campaign = text(100)
    contact_name = text(200, required=True)
    contact_email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    contact_phone = fields.String(allow_none=True, validate=[validate.Length(max=40), phone])
    contact_title = text(100)
    company_name = text(200)
    industry = text(100)
    company_size = fields.Integer(strict=True, allow_none=True,
                                  validate=validate.Range(0, 10_000_000))
    website = fields.URL(allow_none=True, schemes={"http", "https"},
                         validate=validate.Length(max=2048))
    region = text(64)


class LeadCreate(LeadUpdate):
    owner_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36),
                             metadata={"description": "admin: anyone; manager: own team; "
                                                      "others may not set it"})


class LeadStatus(Input):
    status = fields.String(required=True, validate=validate.OneOf(LEAD_STATUSES[:4]))
    reason = text(500, multiline=True, metadata={"description": "required to disqualify"})


class LeadQuery(Input):
    status = fields.String(allow_none=True, validate=validate.OneOf(LEAD_STATUSES))
    owner_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    cursor = page_cursor()
    limit = page_limit()


class Lead(Schema):
    id = fields.String()
    status = fields.String()
    source = fields.String(allow_none=True)
    campaign = fields.String(allow_none=True)
    campaign_id = fields.String(allow_none=True, metadata={
        "description": "the marketing campaign whose response made the lead"})
    contact_name = fields.String()
    contact_email = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    contact_title = fields.String(allow_none=True)
    company_name = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    company_size = fields.Integer(allow_none=True)
    website = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    score = fields.Integer()
    score_factors = fields.List(fields.Nested(ScoreFactor))
    disqualified_reason = fields.String(allow_none=True)
    customer_id = fields.String(allow_none=True)
    deal_id = fields.String(allow_none=True)
    converted_at = fields.AwareDateTime(allow_none=True)
    created_by = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class Conversion(Input):
    """The opportunity a lead becomes (the customer comes from the lead's details)."""
    deal_name = text(200)
    currency = fields.String(required=True, validate=currency)
    expected_close_date = fields.Date(allow_none=True)
    lines = fields.List(fields.Nested(LineInput), validate=validate.Length(max=200),
                        load_default=list)


class ConversionResult(Schema):
    lead = fields.Nested(Lead)
    customer_id = fields.String()
    customer_link = fields.String(metadata={"description": "created | existing (a duplicate)"})
    deal = fields.Nested(Deal)
