"""The win-drivers reports' queries and answers (resolved by the gateway as "reporting:<name>"
through services/reporting/schemas.py)."""
from marshmallow import Schema, fields, validate

from services.reporting.domains.analytics.drivers.features import FACTORS
from services.reporting.schema_parts import Freshness, Input, Values


class WinDriversQuery(Input):
    """The factors of the model fitted on the closed deals in scope, strongest first."""
    factor = fields.List(fields.String(validate=validate.OneOf(FACTORS)),
                         validate=validate.Length(min=1),
                         metadata={"description": "Any of: " + ", ".join(FACTORS)})
    min_deals = fields.Integer(load_default=5, validate=validate.Range(1, 100_000), strict=True,
                               metadata={"description": "list a value seen on this many closed "
                                                        "deals or more"})
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))


class OpenDealOddsQuery(Input):
    """The open deals in scope with the model's win probability, likeliest first."""
    owner_id = Values()
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))


class Driver(Schema):
    factor = fields.String(metadata={"description": ", ".join(FACTORS)})
    value = fields.String(metadata={"description": "the value (a rep: the user id)"})
    label = fields.String(metadata={"description": "the value in words (a rep: the name)"})
    odds_ratio = fields.Float(metadata={
        "description": "odds of winning against the average deal's, the other attributes equal "
                       "(exp of the coefficient centred on the factor's weighted mean)"})
    deals = fields.Integer(metadata={"description": "closed deals with this value"})
    won = fields.Integer()
    win_rate = fields.Float(allow_none=True, metadata={"description": "observed won / deals"})
    detail = fields.String(metadata={"description": "the factor in words"})


class Holdout(Schema):
    train = fields.Integer()
    test = fields.Integer(metadata={"description": "closed deals held out (a quarter, stratified)"})
    accuracy = fields.Float(metadata={"description": "on the held-out deals, at p ≥ 0.5"})
    auc = fields.Float(metadata={"description": "ROC AUC on the held-out deals (0.5: no skill)"})
    base_rate = fields.Float(metadata={"description": "won / closed, all closed deals in scope"})
    majority_accuracy = fields.Float(metadata={
        "description": "the accuracy of always answering the majority outcome, for comparison"})


class WinDriversReport(Schema):
    closed_deals = fields.Integer()
    won = fields.Integer()
    base_rate = fields.Float(allow_none=True)
    holdout = fields.Nested(Holdout, allow_none=True)
    reason = fields.String(allow_none=True, metadata={"description": "why there is no model"})
    total = fields.Integer(metadata={"description": "factors in all (the page is limit/offset)"})
    factors = fields.List(fields.Nested(Driver))
    freshness = fields.Nested(Freshness)


class OpenDealOdds(Schema):
    deal_id = fields.String()
    owner_id = fields.String(allow_none=True)
    owner_name = fields.String(allow_none=True)
    customer_id = fields.String(allow_none=True)
    stage = fields.String(allow_none=True)
    amount = fields.String(metadata={"description": "decimal, in the deal's currency"})
    currency = fields.String(allow_none=True)
    configured_probability = fields.Integer(metadata={"description": "the stage's, percent"})
    win_probability = fields.Float(allow_none=True, metadata={"description": "the model's, 0..1"})
    top_factors = fields.List(fields.Nested(Driver), metadata={
        "description": "the deal's values that move its odds most, either way"})


class OpenDealOddsReport(Schema):
    closed_deals = fields.Integer(metadata={"description": "the closed deals the model learnt from"})
    reason = fields.String(allow_none=True)
    total = fields.Integer()
    rows = fields.List(fields.Nested(OpenDealOdds))
    freshness = fields.Nested(Freshness)
