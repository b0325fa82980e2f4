"""The audience's RPC inputs (validated here: the service trusts no caller) and outputs; the
gateway's routes name them ("marketing:AudienceMember"), so the API document is these."""
from marshmallow import Schema, fields, validate

from services.chassis.fields import Input, Money, page_cursor, page_limit, text
from services.marketing.audience.models import CONTACT, CUSTOMER


class AudienceQuery(Input):
    customer_id = text(36, metadata={"description": "one customer's contacts (and itself)"})
    kind = fields.String(allow_none=True, validate=validate.OneOf((CUSTOMER, CONTACT)))
    cursor = page_cursor()
    limit = page_limit()


class Amount(Schema):
    currency = fields.String(required=True)
    amount = Money(required=True)


class AudienceMember(Schema):
    """A contact with its customer's segmentation fields and purchase behaviour."""
    id = fields.String(required=True, metadata={
        "description": "the contact's id (a customer is its own contact: its id)"})
    kind = fields.String(required=True, validate=validate.OneOf((CUSTOMER, CONTACT)))
    customer_id = fields.String(required=True)
    name = fields.String(allow_none=True)
    email = fields.String(allow_none=True, metadata={
        "description": "a customer's own email, or a contact person's as customers' contact_added "
                       "carried it (null: none given, or added before the event carried it)"})
    role = fields.String(allow_none=True)
    created_at = fields.DateTime(allow_none=True)
    customer_name = fields.String(allow_none=True)
    customer_kind = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    region = fields.String(allow_none=True)
    lifecycle_stage = fields.String(allow_none=True)
    value_class = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    customer_created_at = fields.DateTime(allow_none=True)
    tags = fields.List(fields.String(), required=True)
    last_interaction_at = fields.DateTime(allow_none=True)
    last_purchase_at = fields.DateTime(allow_none=True)
    lifetime_value = fields.List(fields.Nested(Amount), required=True, metadata={
        "description": "the won deals' amounts summed per currency"})
    products = fields.List(fields.String(), required=True, metadata={
        "description": "ids of the products on its won deals and orders"})
