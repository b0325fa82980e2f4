"""RPC inputs (unknown fields refused) and outputs of deals, their stages and the board."""
from decimal import Decimal

from marshmallow import Schema, fields, validate

from services.chassis.fields import (Boolean, Input, Money, Whole, currency, page_cursor, page_limit,
                                     text)
from services.sales.deals.events import DealLine
from services.sales.fields import Percent


def ident(required=False):
    return fields.String(required=required, allow_none=not required,
                         validate=validate.Length(min=1, max=36))




class LineInput(Input):
    product_id = ident(required=True)
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(1, 1_000_000))
    unit_price = Money(allow_none=True, load_default=None,
                       metadata={"description": "default: the product's list price"})
    discount_percent = Percent(load_default=Decimal("0.00"),
                               metadata={"type": "string", "format": "decimal"})


class DealUpdate(Input):
    name = text(200, required=True)
    currency = fields.String(required=True, validate=currency)
    expected_close_date = fields.Date(allow_none=True)
    lines = fields.List(Whole(LineInput), validate=validate.Length(max=200),
                        load_default=list)


class DealCreate(DealUpdate):
    customer_id = ident(required=True)
    owner_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36))


class StageMove(Input):
    stage = fields.String(required=True, validate=validate.Length(min=1, max=40))
    lost_reason = text(500, multiline=True, metadata={"description": "required when moving to a lost stage"})


class DealFilters(Input):
    """What the deals list and the pipeline board are both narrowed by (handlers/selection.py)."""
    owner_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    product_id = fields.String(allow_none=True, validate=validate.Length(max=36), metadata={
        "description": "deals with a line of this product"})
    close_from = fields.Date(allow_none=True, metadata={
        "description": "expected close date on or after (deals without one are left out)"})
    close_to = fields.Date(allow_none=True, metadata={"description": "expected close date on or before"})


class DealQuery(DealFilters):
    stage = fields.String(allow_none=True, validate=validate.Length(max=40))
    customer_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    cursor = page_cursor()
    limit = page_limit()


class BoardQuery(DealFilters):
    pass


class StageChange(Schema):
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String()
    changed_by = fields.String()
    changed_at = fields.AwareDateTime()
    reason = fields.String(allow_none=True)


class Deal(Schema):
    id = fields.String()
    name = fields.String()
    customer_id = fields.String(allow_none=True, metadata={
        "description": "null only for an imported open deal whose source had no account"})
    lead_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    stage = fields.String()
    probability = fields.Integer()
    amount = Money(metadata={"type": "string", "format": "decimal"})
    currency = fields.String()
    weighted_amount = Money(metadata={"type": "string", "format": "decimal"})
    expected_close_date = fields.Date(allow_none=True)
    lost_reason = fields.String(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    stage_changed_at = fields.AwareDateTime()
    lines = fields.List(fields.Nested(DealLine))
    created_by = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class StageUpdate(Input):
    name = text(100, required=True)
    probability = fields.Integer(strict=True, validate=validate.Range(0, 100))
    active = Boolean()


class Stage(Schema):
    key = fields.String()
    name = fields.String()
    probability = fields.Integer()
    position = fields.Integer()
    kind = fields.String(metadata={"description": "open | won | lost"})
    active = Boolean()


class CurrencyTotal(Schema):
    currency = fields.String()
    count = fields.Integer()
    amount = Money(metadata={"type": "string", "format": "decimal"})
    weighted_amount = Money(metadata={"type": "string", "format": "decimal"})


class BoardColumn(Stage):
    count = fields.Integer()
    totals = fields.List(fields.Nested(CurrencyTotal))


class Board(Schema):
    stages = fields.List(fields.Nested(BoardColumn))
    totals = fields.List(fields.Nested(CurrencyTotal), metadata={"description": "open deals"})
