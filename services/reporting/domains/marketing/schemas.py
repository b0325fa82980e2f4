"""The marketing report's query (the RPC input) and output (documentation: queries.py builds
plain dicts of this shape), resolved by the gateway as "reporting:<name>"."""
from marshmallow import Schema, fields, validate

from services.reporting.schema_parts import Freshness, Input, Values, time_zone

CAMPAIGN_GROUPS = ("campaign_id", "channel", "period")
PERIODS = ("day", "week", "month")


class CampaignsQuery(Input):
    """`from` / `to` (local dates in `tz`, both included) keep only what happened in them, on
    each event's own time; without them, everything."""
    group_by = fields.String(load_default="campaign_id", validate=validate.OneOf(CAMPAIGN_GROUPS),
                             metadata={"description": "campaign_id (default), channel (one "
                                                      "row per channel and currency) or period "
                                                      "(one row per period and campaign)"})
    period = fields.String(load_default="month", validate=validate.OneOf(PERIODS), metadata={
        "description": "with group_by=period: day, week (ISO, from Monday) or month (default)"})
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    tz = fields.String(load_default="UTC", validate=time_zone)
    campaign_id, channel = Values(), Values()
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))


class Bounds(Schema):
    start = fields.Date(data_key="from", allow_none=True, metadata={"description": "null: from "
                                                                                   "the first"})
    end = fields.Date(data_key="to", allow_none=True, metadata={"description": "null: to the last"})
    tz = fields.String()
    granularity = fields.String(metadata={"description": "day, week, month; total unless "
                                                         "group_by=period"})


class CampaignsReport(Schema):
    group_by = fields.List(fields.String())
    period = fields.Nested(Bounds)
    filters = fields.Dict()
    total = fields.Integer(metadata={"description": "rows in all (the page is limit/offset)"})
    rows = fields.List(fields.Dict(), metadata={
        "description": "One object per campaign (or channel and currency, or period — its "
                       "first day, null for facts not yet dated — and campaign): sent, "
                       "delivered, "
                       "bounced, unique_opens, unique_clicks, unsubscribes, responses, leads, "
                       "converted_leads, cost, cost_per_lead, attribution {first, last: "
                       "won_deals, revenue per currency, cac, roi}, funnel"})
    freshness = fields.Nested(Freshness)
