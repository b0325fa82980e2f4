"""Campaigns' RPC inputs (validated here; what depends on other rows — segments exist, dates in
order, a whole-number goal — by handlers/campaigns.py, named per field) and outputs; the
gateway names them ("marketing:Campaign", ...)."""
from marshmallow import Schema, fields, validate

from services.chassis.fields import Input, Money, currency, page_cursor, page_limit, text
from services.marketing.campaigns.lifecycle import STATUSES
from services.marketing.campaigns.models import CHANNELS, GOAL_METRICS


def _segment_ids(description):
    return fields.List(fields.String(validate=validate.Length(1, 36)),
                       validate=validate.Length(max=50), metadata={"description": description})


TARGETS = "segments whose members the campaign is aimed at (any of them)"
EXCLUDED = "segments whose members it never reaches, even if a target segment holds them"
GOAL = ("what the goal counts: reach, opens, clicks, responses, leads, deals (whole numbers) "
        "or revenue (money in the campaign's currency)")


class CampaignFields(Input):
    name = text(200, required=True)
    theme = text(2000, multiline=True)
    goal_metric = fields.String(allow_none=True, validate=validate.OneOf(GOAL_METRICS),
                                metadata={"description": GOAL})
    goal_target = Money(allow_none=True, metadata={"description": "the goal's number"})
    budget = Money(metadata={"description": "planned spend (default 0)"})
    starts_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "a scheduled campaign starts running then"})
    ends_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "a running campaign is completed then"})
    segment_ids = _segment_ids(TARGETS)
    exclude_segment_ids = _segment_ids(EXCLUDED)
    owner_id = text(64, metadata={"description": "default: whoever creates it"})


class CampaignCreate(CampaignFields):
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS), metadata={
        "description": "email is delivered by the system; the others record costs and responses"})
    currency = fields.String(required=True, validate=currency, metadata={
        "description": "of the budget, the costs and a revenue goal"})


class CampaignUpdate(CampaignFields):
    """Any subset of the fields (PATCH); a running campaign takes name, theme, goal, budget, end
    and owner only; a completed or cancelled one nothing."""


class Campaign(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    theme = fields.String(allow_none=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    goal_metric = fields.String(allow_none=True, validate=validate.OneOf(GOAL_METRICS))
    goal_target = Money(allow_none=True)
    currency = fields.String(required=True)
    budget = Money(required=True)
    cost_total = Money(required=True, metadata={"description": "the sum of its cost entries"})
    starts_at = fields.AwareDateTime(allow_none=True)
    ends_at = fields.AwareDateTime(allow_none=True)
    segment_ids = fields.List(fields.String(), required=True)
    exclude_segment_ids = fields.List(fields.String(), required=True)
    owner_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    status_changed_at = fields.AwareDateTime(required=True)
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class CampaignQuery(Input):
    status = fields.String(validate=validate.OneOf(STATUSES))
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    cursor = page_cursor()
    limit = page_limit()


class CampaignTransition(Input):
    to = fields.String(required=True, validate=validate.OneOf(STATUSES), metadata={
        "description": "draft → scheduled | cancelled; scheduled → draft | running | cancelled; "
                       "running → completed | cancelled"})


class CampaignAudience(Schema):
    campaign_id = fields.String(required=True)
    contacts = fields.Integer(required=True, metadata={
        "description": "contacts in a target segment and in no excluded one"})
    reachable = fields.Integer(required=True, metadata={
        "description": "of those, the ones its channel may reach now (email: an address and "
                       "consent); the other channels reach nobody through the system"})
    notice = fields.String(allow_none=True, metadata={
        "description": "says so when nobody would be reached (allowed, e.g. while the segments "
                       "are still being built)"})


class CostCreate(Input):
    amount = Money(required=True, metadata={"minimum": 1, "pattern": Money.POSITIVE,
                                            "description": "more than 0, the campaign's currency"})
    description = text(500, required=True)
    incurred_on = fields.Date(allow_none=True, metadata={"description": "default: today (UTC)"})


class Cost(Schema):
    id = fields.String(required=True)
    campaign_id = fields.String(required=True)
    amount = Money(required=True)
    currency = fields.String(required=True)
    description = fields.String(required=True)
    incurred_on = fields.Date(required=True)
    recorded_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)


class CostQuery(Input):
    cursor = page_cursor()
    limit = page_limit()


class ModelResults(Schema):
    won_deals = fields.Integer(required=True)
    revenue = fields.List(fields.Dict(), required=True, metadata={
        "description": "[{currency, amount}] of the won deals credited under this model"})
    cac = Money(allow_none=True, metadata={"description": "cost per won deal"})
    roi = fields.String(allow_none=True, metadata={
        "description": "(revenue in the campaign's currency − cost) / cost, 4 decimals; null "
                       "without cost"})


class CampaignResults(Schema):
    campaign_id = fields.String(required=True)
    currency = fields.String(required=True)
    recipients = fields.Integer(required=True)
    sent = fields.Integer(required=True)
    delivered = fields.Integer(required=True, metadata={"description": "sent, less bounces "
                                                                       "reported later"})
    bounced = fields.Integer(required=True)
    not_sent = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                           metadata={"description": "recipients by state: pending, sending, "
                                                    "failed, skipped"})
    unique_opens = fields.Integer(required=True)
    unique_clicks = fields.Integer(required=True)
    unsubscribes = fields.Integer(required=True)
    responses = fields.Integer(required=True)
    leads = fields.Integer(required=True)
    converted_leads = fields.Integer(required=True)
    cost = Money(required=True)
    cost_per_lead = Money(allow_none=True)
    attribution = fields.Dict(keys=fields.String(), values=fields.Nested(ModelResults),
                              required=True, metadata={"description": "first and last touch"})
