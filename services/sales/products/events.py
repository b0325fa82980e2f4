"""The price list's events (sales' contract): every product as created and as changed. The
series is configuration a KPI reads — a product-line target's attainment counts the won lines
of the products of that series NOW — so reporting keeps a copy from these events (and a replay
of the log reproduces it)."""
from marshmallow import Schema, fields

from services.chassis.fields import Money


class ProductRecord(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    series = fields.String(required=True, allow_none=True)
    list_price = Money(required=True)
    currency = fields.String(required=True)
    active = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class ProductUpdated(ProductRecord):
    changed = fields.List(fields.String(), required=True)


EVENT_SCHEMAS = {
    "product_created": ProductRecord(),
    "product_updated": ProductUpdated(),
}
