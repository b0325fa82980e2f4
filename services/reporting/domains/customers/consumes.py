"""customers' events as reporting reads them (tolerant copies: services/reporting/tolerant.py)."""
from marshmallow import fields

from services.reporting.tolerant import Tolerant

CUSTOMER_RECORD_EVENTS = ("customer_created", "customer_updated")


class CustomerRecord(Tolerant):
    """customer_created / customer_updated: the whole record (updated adds `changed`)."""
    id = fields.String(required=True)
    lifecycle_stage = fields.String(required=True)
    region = fields.String(allow_none=True)
    value_class = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True, load_default=None)      # employees: the win drivers
    owner_id = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)


class CustomerAssigned(Tolerant):
    id = fields.String(required=True)
    owner_id = fields.String(allow_none=True)


class CustomerMerged(Tolerant):
    winner_id = fields.String(required=True)
    loser_id = fields.String(required=True)


class InteractionLogged(Tolerant):
    id = fields.String(required=True)
    customer_id = fields.String(load_default=None)      # churn risk's latest contact per customer
    kind = fields.String(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    user_id = fields.String(required=True)
    owner_id = fields.String(allow_none=True)
