"""The marketing report's query (the RPC input) and output (documentation: queries.py builds
plain dicts of this shape), resolved by the gateway as "reporting:<name>"."""
from marshmallow import Schema, fields, validate

from services.reporting.schema_parts import Freshness, Input, Values

CAMPAIGN_GROUPS = ("campaign_id", "channel")


class CampaignsQuery(Input):
    group_by = fields.String(load_default="campaign_id", validate=validate.OneOf(CAMPAIGN_GROUPS),
                             metadata={"description": "campaign_id (default) or channel (one "
                                                      "row per channel and currency)"})
    campaign_id, channel = Values(), Values()
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))


class CampaignsReport(Schema):
    group_by = fields.List(fields.String())
    filters = fields.Dict()
    total = fields.Integer(metadata={"description": "rows in all (the page is limit/offset)"})
    rows = fields.List(fields.Dict(), metadata={
        "description": "One object per campaign (or channel and currency): sent, delivered, "
                       "bounced, unique_opens, unique_clicks, unsubscribes, responses, leads, "
                       "converted_leads, cost, cost_per_lead, attribution {first, last: "
                       "won_deals, revenue per currency, cac, roi}, funnel"})
    freshness = fields.Nested(Freshness)
