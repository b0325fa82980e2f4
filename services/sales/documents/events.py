"""The events of quotes, contracts and orders (their contract: docs/contracts.md).

Every quote event carries the whole quote, so a consumer needs no other event to know it.
Business times (`sent_at`, `decided_at`) are the facts; money is a string with its currency.
"""
from marshmallow import Schema, fields

from services.chassis.fields import Money
from services.sales.deals.events import DealLine


class QuoteRecord(Schema):
    id = fields.String(required=True)
    number = fields.String(required=True)
    deal_id = fields.String(required=True)
    customer_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    status = fields.String(required=True)
    total = Money(required=True)
    currency = fields.String(required=True)
    valid_until = fields.Date(required=True)
    lines = fields.List(fields.Nested(DealLine), required=True)
    created_at = fields.AwareDateTime(required=True)
    sent_at = fields.AwareDateTime(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {name: QuoteRecord() for name in (
    "quote_created", "quote_sent", "quote_accepted", "quote_rejected", "quote_expired")}


class ContractSigned(Schema):
    id = fields.String(required=True)
    number = fields.String(required=True)
    deal_id = fields.String(required=True)
    quote_id = fields.String(allow_none=True)
    customer_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    value = Money(required=True)
    currency = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    renewal_notice_days = fields.Integer(required=True)
    signed_at = fields.AwareDateTime(required=True)
    signed_by = fields.String(required=True)


class ContractRenewalDue(Schema):
    id = fields.String(required=True)
    number = fields.String(required=True)
    deal_id = fields.String(required=True)
    customer_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    ends_on = fields.Date(required=True)
    value = Money(required=True)
    currency = fields.String(required=True)
    detected_at = fields.AwareDateTime(required=True)


class OrderPlaced(Schema):
    id = fields.String(required=True)
    number = fields.String(required=True)
    deal_id = fields.String(required=True)
    contract_id = fields.String(allow_none=True)
    quote_id = fields.String(allow_none=True)
    customer_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    total = Money(required=True)
    currency = fields.String(required=True)
    lines = fields.List(fields.Nested(DealLine), required=True)
    placed_at = fields.AwareDateTime(required=True)
    placed_by = fields.String(required=True)


EVENT_SCHEMAS.update({"contract_signed": ContractSigned(),
                      "contract_renewal_due": ContractRenewalDue(),
                      "order_placed": OrderPlaced()})
