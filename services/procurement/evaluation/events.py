"""The events evaluation publishes (docs/contracts.md#procurement): every evaluation, a supplier
flagged (its current score under the threshold) or no longer flagged, and every change of the
criteria and threshold (configuration as data: a scorecard rebuilt from events weighs alike)."""
from marshmallow import Schema, fields


class CriterionRecord(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    weight = fields.Integer(required=True)


class CriteriaChanged(Schema):
    criteria = fields.List(fields.Nested(CriterionRecord), required=True)
    flag_threshold = fields.Decimal(required=True, as_string=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


class SupplierEvaluated(Schema):
    evaluation_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    order_id = fields.String(allow_none=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Decimal(as_string=True),
                         required=True)
    weights = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    weighted_score = fields.Decimal(required=True, as_string=True)
    threshold = fields.Decimal(required=True, as_string=True)
    current = fields.Boolean(required=True)        # it is now the supplier's score
    evaluated_by = fields.String(required=True)
    evaluated_at = fields.AwareDateTime(required=True)


class SupplierFlagged(Schema):
    supplier_id = fields.String(required=True)
    evaluation_id = fields.String(required=True)
    weighted_score = fields.Decimal(required=True, as_string=True)
    threshold = fields.Decimal(required=True, as_string=True)
    at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {"evaluation_criteria_changed": CriteriaChanged(),
                 "supplier_evaluated": SupplierEvaluated(),
                 "supplier_flagged": SupplierFlagged(),
                 "supplier_flag_cleared": SupplierFlagged()}
