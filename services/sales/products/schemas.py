"""RPC inputs (unknown fields refused) and outputs of the price list."""
from marshmallow import Schema, fields

from services.chassis.fields import Boolean, Input, Money, currency, text


class ProductUpdate(Input):
    name = text(200, required=True)
    series = text(100)
    list_price = Money(required=True, metadata={"type": "string", "format": "decimal"})
    currency = fields.String(required=True, validate=currency, metadata={"description": "ISO 4217"})
    active = Boolean(load_default=True)


class ProductCreate(ProductUpdate):
    pass


class ProductQuery(Input):
    active = Boolean(allow_none=True)


class Product(Schema):
    id = fields.String()
    name = fields.String()
    series = fields.String(allow_none=True)
    list_price = Money(metadata={"type": "string", "format": "decimal"})
    currency = fields.String()
    active = Boolean()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
