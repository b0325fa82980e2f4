"""marketing's events (and the two of sales' lead events that tie a lead to a campaign) as
reporting reads them (tolerant copies: services/reporting/tolerant.py). Only what the campaign
KPIs read is declared."""
from marshmallow import fields

from services.reporting.tolerant import Tolerant

CAMPAIGN_RECORD_EVENTS = ("campaign_created", "campaign_updated", "campaign_status_changed")
COST_EVENTS = ("campaign_cost_recorded", "campaign_cost_removed")
ENGAGEMENT_EVENTS = ("email_opened", "email_clicked", "email_unsubscribed", "email_bounced",
                     "email_complained")
CREDIT_EVENTS = ("campaign_deal_credited", "campaign_deal_uncredited")


class CampaignRecord(Tolerant):
    """campaign_created / _updated / _status_changed: the whole campaign."""
    id = fields.String(required=True)
    name = fields.String(required=True)
    channel = fields.String(required=True)
    currency = fields.String(required=True)
    cost_total = fields.Decimal(required=True)
    status = fields.String(required=True)


class CostChange(Tolerant):
    """campaign_cost_recorded / _removed: the entry, and the campaign's total after it."""
    id = fields.String(required=True)
    campaign_id = fields.String(required=True)
    amount = fields.Decimal(required=True)
    incurred_on = fields.Date(required=True)
    cost_total = fields.Decimal(required=True)


class EmailSent(Tolerant):
    campaign_id = fields.String(required=True)
    contact_id = fields.String(required=True)
    sent_at = fields.AwareDateTime(required=True)


class EmailNotSent(Tolerant):
    campaign_id = fields.String(required=True)
    contact_id = fields.String(required=True)
    outcome = fields.String(required=True)           # bounced | failed | skipped
    at = fields.AwareDateTime(required=True)


class Engagement(Tolerant):
    campaign_id = fields.String(allow_none=True, load_default=None)
    contact_id = fields.String(required=True)
    at = fields.AwareDateTime(required=True)


class ResponseReceived(Tolerant):
    id = fields.String(required=True)
    campaign_id = fields.String(required=True)
    received_at = fields.AwareDateTime(required=True)


class DealCredit(Tolerant):
    deal_id = fields.String(required=True)
    model = fields.String(required=True)             # first | last
    campaign_id = fields.String(required=True)
    amount = fields.Decimal(required=True)
    currency = fields.String(required=True)
    won_at = fields.AwareDateTime(required=True)


class LeadCreated(Tolerant):
    """sales' lead_created: a lead from a campaign's response carries its campaign_id."""
    id = fields.String(required=True)
    campaign_id = fields.String(allow_none=True, load_default=None)
    created_at = fields.AwareDateTime(required=True)


class LeadConverted(Tolerant):
    lead_id = fields.String(required=True)
    deal_id = fields.String(required=True)
    converted_at = fields.AwareDateTime(required=True)
