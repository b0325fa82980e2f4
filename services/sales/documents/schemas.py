"""RPC inputs and outputs of quotes (re-exported by services/sales/schemas.py, where the
gateway's OpenAPI document finds them as `sales:Quote`, ...)."""
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.chassis.fields import Input, Money, page_cursor, page_limit
from services.sales.deals.events import DealLine
from services.sales.fields import Percent

QUOTE_STATUSES = ("draft", "sent", "accepted", "rejected", "expired")
MONEY = {"type": "string", "format": "decimal"}


class QuoteLineInput(Input):
    """As a deal's line input (deals/schemas.py LineInput), with money documented as such."""
    product_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(1, 1_000_000))
    unit_price = Money(allow_none=True, load_default=None,
                       metadata={**MONEY, "description": "default: the product's list price"})
    discount_percent = Percent(load_default=Decimal("0.00"), metadata=MONEY)


class QuoteUpdate(Input):
    """Only a draft changes. Lines given replace the quote's lines (resolved like a deal's)."""
    valid_until = fields.Date(allow_none=True, metadata={
        "description": "default: today (UTC) + SALES_QUOTE_VALIDITY_DAYS (30)"})
    lines = fields.List(fields.Nested(QuoteLineInput), allow_none=True,
                        validate=validate.Length(min=1, max=200),
                        metadata={"description": "default: the deal's lines"})


class QuoteCreate(QuoteUpdate):
    pass


class QuoteQuery(Input):
    deal_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    customer_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    status = fields.String(allow_none=True, validate=validate.OneOf(QUOTE_STATUSES))
    cursor = page_cursor()
    limit = page_limit()


class Quote(Schema):
    id = fields.String()
    number = fields.String(metadata={"description": "Q-<year>-<5 digits>, gapless per year"})
    deal_id = fields.String()
    customer_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    status = fields.String(metadata={"description": " | ".join(QUOTE_STATUSES)})
    total = Money(metadata=MONEY)
    currency = fields.String()
    valid_until = fields.Date()
    lines = fields.List(fields.Nested(DealLine))
    sent_at = fields.AwareDateTime(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    created_by = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ContractCreate(Input):
    quote_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36))
    deal_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36))
    starts_on = fields.Date(allow_none=True, metadata={"description": "default: today (UTC)"})
    ends_on = fields.Date(allow_none=True)
    term_months = fields.Integer(allow_none=True, strict=True, validate=validate.Range(1, 600),
                                 metadata={"description": "instead of ends_on"})
    value = Money(allow_none=True, metadata={**MONEY, "description": "default: the quote's "
                                                                    "total / the deal's amount"})
    renewal_notice_days = fields.Integer(allow_none=True, strict=True,
                                         validate=validate.Range(0, 3650),
                                         metadata={"description": "default 30"})

    @validates_schema
    def _one_source(self, data, **kwargs):
        if bool(data.get("quote_id")) == bool(data.get("deal_id")):
            raise ValidationError("Give exactly one of quote_id (an accepted quote) or deal_id "
                                  "(a won deal).", "_schema")
        if bool(data.get("ends_on")) == bool(data.get("term_months")):
            raise ValidationError("Give exactly one of ends_on or term_months.", "_schema")


class OrderCreate(Input):
    contract_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36))
    quote_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36))
    deal_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36))

    @validates_schema
    def _one_source(self, data, **kwargs):
        if sum(bool(data.get(name)) for name in ("contract_id", "quote_id", "deal_id")) != 1:
            raise ValidationError("Give exactly one of contract_id, quote_id (accepted) or "
                                  "deal_id (won).", "_schema")


class DocumentQuery(Input):
    deal_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    customer_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    cursor = page_cursor()
    limit = page_limit()


class Contract(Schema):
    id = fields.String()
    number = fields.String(metadata={"description": "C-<year>-<5 digits>"})
    deal_id = fields.String()
    quote_id = fields.String(allow_none=True)
    customer_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    value = Money(metadata=MONEY)
    currency = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    renewal_notice_days = fields.Integer()
    renewal_due_at = fields.AwareDateTime(allow_none=True)
    signed_by = fields.String()
    created_at = fields.AwareDateTime()


class Order(Schema):
    id = fields.String()
    number = fields.String(metadata={"description": "O-<year>-<5 digits>"})
    deal_id = fields.String()
    contract_id = fields.String(allow_none=True)
    quote_id = fields.String(allow_none=True)
    customer_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    total = Money(metadata=MONEY)
    currency = fields.String()
    lines = fields.List(fields.Nested(DealLine))
    placed_by = fields.String()
    created_at = fields.AwareDateTime()
