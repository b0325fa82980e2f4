"""The customer groups report's query and answer (resolved by the gateway as
"reporting:<name>" through services/reporting/schemas.py)."""
from marshmallow import Schema, fields, validate

from services.reporting.domains.analytics.value.schemas import AsOf
from services.reporting.schema_parts import Freshness


class GroupsQuery(AsOf):
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500), strict=True,
                           metadata={"description": "member ids listed per group, at most"})


class GroupMembersQuery(AsOf):
    """The query the groups were read with, to name the same groups again."""
    description = fields.String(validate=validate.Length(1, 500), metadata={
        "description": "the group's description as read: a 409 if it no longer is"})


class FeatureProfile(Schema):
    feature = fields.String()
    mean = fields.Float(metadata={"description": "the group's mean"})
    overall_mean = fields.Float(metadata={"description": "every grouped customer's mean"})
    z = fields.Float(metadata={"description": "(mean − overall mean) / overall std"})


class Group(Schema):
    cluster = fields.Integer(metadata={"description": "0 is the largest group"})
    size = fields.Integer(metadata={"description": "customers in the group, company-wide"})
    description = fields.String()
    profile = fields.List(fields.Nested(FeatureProfile))
    in_scope = fields.Integer(metadata={"description": "of them, the caller's customers"})
    members = fields.List(fields.String(), metadata={
        "description": "the caller's customers in the group (ids, up to limit)"})


class GroupsReport(Schema):
    as_of = fields.Date()
    tz = fields.String()
    months = fields.Integer()
    features = fields.List(fields.String(), metadata={
        "description": "the features clustered on (those that vary)"})
    k = fields.Integer(allow_none=True)
    silhouette = fields.Dict(keys=fields.String(), values=fields.Float(), metadata={
        "description": "mean silhouette per k tried; the best one is kept"})
    groups = fields.List(fields.Nested(Group))
    not_grouped = fields.Integer(metadata={
        "description": "the caller's customers with no won deal (not grouped)"})
    freshness = fields.Nested(Freshness)
