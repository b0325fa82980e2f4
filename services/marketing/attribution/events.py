"""Attribution events (docs/contracts.md#marketing): a won deal credited to a campaign under a
model (first / last touch) with its amount, and the credit withdrawn when the deal leaves its
won stage (or is credited afresh) — reporting sums attributed revenue from these."""
from marshmallow import Schema, fields

from services.chassis.fields import Money


class DealCredit(Schema):
    deal_id = fields.String(required=True)
    model = fields.String(required=True)               # first | last
    campaign_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    amount = Money(required=True)
    currency = fields.String(required=True)
    won_at = fields.AwareDateTime(required=True)
    touched_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {"campaign_deal_credited": DealCredit(), "campaign_deal_uncredited": DealCredit()}
