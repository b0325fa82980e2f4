"""Tolerant copies (unknown=EXCLUDE: a producer may add fields) of the customers' and sales'
events the audience is built from — only the fields marketing uses. tests/contract/
test_marketing_consumes.py loads what the producers' own schemas dump through these."""
from marshmallow import EXCLUDE, Schema, fields

from services.chassis.fields import Money


class Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


# --- customers ------------------------------------------------------------------------------

class CustomerRecord(Tolerant):
    """customer_created / customer_updated: the whole customer."""
    id = fields.String(required=True)
    kind = fields.String(required=True)
    name = fields.String(required=True)
    email = fields.String(allow_none=True, load_default=None)
    industry = fields.String(allow_none=True, load_default=None)
    size = fields.Integer(allow_none=True, load_default=None)
    region = fields.String(allow_none=True, load_default=None)
    lifecycle_stage = fields.String(required=True)
    value_class = fields.String(allow_none=True, load_default=None)
    owner_id = fields.String(allow_none=True, load_default=None)
    created_at = fields.AwareDateTime(required=True)


class CustomerAssigned(Tolerant):
    id = fields.String(required=True)
    owner_id = fields.String(allow_none=True)
    region = fields.String(allow_none=True, load_default=None)


class CustomerTagged(Tolerant):
    customer_id = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)        # all tags after the change


class CustomerMerged(Tolerant):
    winner_id = fields.String(required=True)
    loser_id = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)        # the winner's tags after it


class InteractionLogged(Tolerant):
    customer_id = fields.String(required=True)
    occurred_at = fields.AwareDateTime(required=True)


class ContactAdded(Tolerant):
    """The contact person's email since customers sends it (absent from older events: none)."""
    id = fields.String(required=True)
    customer_id = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(allow_none=True, load_default=None)
    email = fields.String(allow_none=True, load_default=None)
    created_at = fields.AwareDateTime(required=True)


# --- sales ----------------------------------------------------------------------------------

class Line(Tolerant):
    product_id = fields.String(required=True)


class DealClosed(Tolerant):
    """deal_won / deal_lost: the whole deal as it closed."""
    id = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)
    stage = fields.String(required=True)
    amount = Money(required=True)
    currency = fields.String(required=True)
    closed_at = fields.AwareDateTime(allow_none=True, load_default=None)
    updated_at = fields.AwareDateTime(required=True)
    lines = fields.List(fields.Nested(Line), required=True)


class DealStageChanged(Tolerant):
    deal_id = fields.String(required=True)
    to_stage = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


class OrderPlaced(Tolerant):
    id = fields.String(required=True)
    customer_id = fields.String(allow_none=True, load_default=None)
    currency = fields.String(required=True)
    placed_at = fields.AwareDateTime(required=True)
    lines = fields.List(fields.Nested(Line), required=True)


FROM_CUSTOMERS = {"customer_created": CustomerRecord, "customer_updated": CustomerRecord,
                  "customer_assigned": CustomerAssigned, "customer_tagged": CustomerTagged,
                  "customer_merged": CustomerMerged, "interaction_logged": InteractionLogged,
                  "contact_added": ContactAdded}
FROM_SALES = {"deal_won": DealClosed, "deal_lost": DealClosed,
              "deal_stage_changed": DealStageChanged, "order_placed": OrderPlaced}
