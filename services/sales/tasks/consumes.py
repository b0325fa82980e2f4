"""Tolerant copies (unknown=EXCLUDE: a producer may add fields) of customers' events the
birthday reminders are made from (handlers/birthdays.py): contacts with their birthday and the
customer's owner, and the customer's owner changes and merges; and of reporting's
customer_at_risk, from which the owner's follow-up task is made (handlers/at_risk.py).
"""
from marshmallow import EXCLUDE, Schema, fields

CUSTOMER_EVENTS = ("contact_added", "customer_assigned", "customer_merged")


class ContactEvent(Schema):
    """contact_added: who, at which customer, born when (null: unknown), the customer's owner."""
    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    customer_id = fields.String(required=True)
    name = fields.String(required=True)
    birthday = fields.Date(allow_none=True, load_default=None)
    owner_id = fields.String(allow_none=True)


class CustomerAssigned(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    owner_id = fields.String(allow_none=True)


class CustomerMerged(Schema):
    class Meta:
        unknown = EXCLUDE

    winner_id = fields.String(required=True)
    loser_id = fields.String(required=True)


CONSUMED_FROM_CUSTOMERS = {"contact_added": ContactEvent, "customer_assigned": CustomerAssigned,
                           "customer_merged": CustomerMerged}


REPORTING_EVENTS = ("customer_at_risk",)


class RiskFactor(Schema):
    class Meta:
        unknown = EXCLUDE

    factor = fields.String(required=True)
    points = fields.Float(required=True)
    detail = fields.String(required=True)


class CustomerAtRisk(Schema):
    """customer_at_risk: the customer's churn-risk score crossed reporting's threshold."""
    class Meta:
        unknown = EXCLUDE

    customer_id = fields.String(required=True)
    owner_id = fields.String(allow_none=True, load_default=None)
    score = fields.Integer(required=True)
    threshold = fields.Integer(required=True)
    factors = fields.List(fields.Nested(RiskFactor), required=True)


CONSUMED_FROM_REPORTING = {"customer_at_risk": CustomerAtRisk}
