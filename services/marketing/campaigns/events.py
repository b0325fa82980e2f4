"""Campaign events (their contract, docs/contracts.md#marketing): the whole campaign on every
change of it (campaign_created / _updated / _status_changed), and each cost entry recorded or
removed with the campaign's new total — reporting sums costs from these."""
from marshmallow import Schema, fields

from services.chassis.fields import Money


class CampaignRecord(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    channel = fields.String(required=True)
    goal_metric = fields.String(allow_none=True)
    goal_target = Money(allow_none=True)
    currency = fields.String(required=True)
    budget = Money(required=True)
    cost_total = Money(required=True)
    starts_at = fields.AwareDateTime(allow_none=True)
    ends_at = fields.AwareDateTime(allow_none=True)
    segment_ids = fields.List(fields.String(), required=True)
    exclude_segment_ids = fields.List(fields.String(), required=True)
    owner_id = fields.String(required=True)
    status = fields.String(required=True)
    previous_status = fields.String(allow_none=True)
    changed_by = fields.String(required=True)          # "system" when the timer moved it
    changed_at = fields.AwareDateTime(required=True)


class CostRecord(Schema):
    id = fields.String(required=True)
    campaign_id = fields.String(required=True)
    amount = Money(required=True)
    currency = fields.String(required=True)
    description = fields.String(required=True)
    incurred_on = fields.Date(required=True)
    cost_total = Money(required=True, metadata={"description": "the campaign's total after"})
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {
    **{name: CampaignRecord() for name in
       ("campaign_created", "campaign_updated", "campaign_status_changed")},
    "campaign_cost_recorded": CostRecord(), "campaign_cost_removed": CostRecord(),
}
