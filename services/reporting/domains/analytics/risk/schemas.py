"""The churn-risk report's query and answer (resolved by the gateway as "reporting:<name>"
through services/reporting/schemas.py), and the customer_at_risk event's payload."""
from marshmallow import Schema, fields, validate

from services.reporting.schema_parts import Freshness, Input, Values, time_zone


class ChurnRiskQuery(Input):
    """The customers in the caller's scope with their churn-risk score as of the end of `as_of`
    (a local date in `tz`; default today), highest first."""
    as_of = fields.Date()
    tz = fields.String(load_default="UTC", validate=time_zone)
    owner_id = Values()
    min_score = fields.Integer(load_default=0, validate=validate.Range(0, 100), strict=True)
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))


class RiskFactor(Schema):
    factor = fields.String(metadata={"description": "purchase_frequency, purchase_value, "
                                     "no_recent_contact, open_tickets, breached_tickets, "
                                     "low_satisfaction, lost_deals"})
    points = fields.Float(metadata={"description": "this factor's part of the score"})
    max_points = fields.Integer()
    detail = fields.String(metadata={"description": "the factor in words, with its figures"})


class CustomerRisk(Schema):
    customer_id = fields.String()
    owner_id = fields.String(allow_none=True)
    owner_name = fields.String(allow_none=True)
    score = fields.Integer(metadata={"description": "0–100, the sum of the factors' points"})
    at_risk = fields.Boolean(metadata={"description": "score ≥ the threshold"})
    factors = fields.List(fields.Nested(RiskFactor))


class ChurnRiskReport(Schema):
    as_of = fields.Date()
    tz = fields.String()
    threshold = fields.Integer(metadata={"description": "REPORTING_CHURN_RISK_THRESHOLD"})
    filters = fields.Dict()
    total = fields.Integer(metadata={"description": "rows in all (the page is limit/offset)"})
    at_risk = fields.Integer(metadata={"description": "rows in all at or above the threshold"})
    rows = fields.List(fields.Nested(CustomerRisk))
    freshness = fields.Nested(Freshness)


class CustomerAtRisk(Schema):
    """customer_at_risk: the customer's score crossed the threshold upward (once per crossing)."""
    customer_id = fields.String(required=True)
    owner_id = fields.String(allow_none=True, required=True)
    score = fields.Integer(required=True)
    threshold = fields.Integer(required=True)
    as_of = fields.Date(required=True)
    factors = fields.List(fields.Nested(RiskFactor), required=True)
