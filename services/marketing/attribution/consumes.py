"""Tolerant copies (unknown=EXCLUDE) of sales' lead events attribution follows; the deals'
come from audience/consumes.py (the same deal_won / deal_lost / deal_stage_changed)."""
from marshmallow import EXCLUDE, Schema, fields

from services.chassis.fields import Money


class Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


class LeadCreated(Tolerant):
    id = fields.String(required=True)
    campaign_id = fields.String(allow_none=True, load_default=None)
    created_at = fields.AwareDateTime(required=True)


class LeadConverted(Tolerant):
    lead_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    deal_id = fields.String(required=True)
    converted_at = fields.AwareDateTime(required=True)


class DealWon(Tolerant):
    id = fields.String(required=True)
    customer_id = fields.String(allow_none=True, load_default=None)
    lead_id = fields.String(allow_none=True, load_default=None)
    amount = Money(required=True)
    currency = fields.String(required=True)
    closed_at = fields.AwareDateTime(allow_none=True, load_default=None)
    updated_at = fields.AwareDateTime(required=True)


FROM_SALES = {"lead_created": LeadCreated, "lead_converted": LeadConverted, "deal_won": DealWon}
