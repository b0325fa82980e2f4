"""The events sales publishes: names and payload schemas (its contract, DESIGN.md §4).

Payloads are spelled out here, not reused from the RPC outputs, so an RPC change can never
silently change an event. Money is a string with its currency; times are UTC ISO 8601.
"""
from marshmallow import Schema, fields

from services.chassis.fields import Money
from services.sales.fields import Percent


class ScoreFactor(Schema):
    factor = fields.String(required=True)
    group = fields.String(required=True)          # fit | engagement
    points = fields.Integer(required=True)
    reason = fields.String(required=True)


class LeadRecord(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True)
    source = fields.String(allow_none=True)
    campaign = fields.String(allow_none=True)
    company_name = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    company_size = fields.Integer(allow_none=True)
    region = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    score = fields.Integer(required=True)
    score_factors = fields.List(fields.Nested(ScoreFactor), required=True)
    disqualified_reason = fields.String(allow_none=True)
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    # Contact details (name, email, phone) stay in this service, like customers' contacts.


class LeadUpdated(LeadRecord):
    changed = fields.List(fields.String(), required=True)
    previous_status = fields.String(allow_none=True)


class LeadConverted(Schema):
    lead_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    customer_link = fields.String(required=True)   # created | existing
    deal_id = fields.String(required=True)
    owner_id = fields.String(allow_none=True)
    converted_at = fields.AwareDateTime(required=True)
    converted_by = fields.String(required=True)


class DealLine(Schema):
    position = fields.Integer(required=True)
    product_id = fields.String(required=True)
    product_name = fields.String(required=True)
    quantity = fields.Integer(required=True)
    unit_price = Money(required=True)
    discount_percent = Percent(required=True)
    total = Money(required=True)


class DealRecord(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)  # None: imported, no account
    lead_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    stage = fields.String(required=True)
    probability = fields.Integer(required=True)
    amount = Money(required=True)
    currency = fields.String(required=True)
    expected_close_date = fields.Date(allow_none=True)
    lost_reason = fields.String(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    lines = fields.List(fields.Nested(DealLine), required=True)
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class DealUpdated(DealRecord):
    changed = fields.List(fields.String(), required=True)


class DealStageChanged(Schema):
    deal_id = fields.String(required=True)
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String(required=True)
    probability = fields.Integer(required=True)
    amount = Money(required=True)
    currency = fields.String(required=True)
    owner_id = fields.String(allow_none=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)
    reason = fields.String(allow_none=True)


class DealClosed(DealRecord):
    """deal_won / deal_lost: the whole deal as it closed (lost_reason set for lost)."""
    changed_by = fields.String(required=True)


EVENT_SCHEMAS = {
    "lead_created": LeadRecord(),
    "lead_updated": LeadUpdated(),
    "lead_converted": LeadConverted(),
    "deal_created": DealRecord(),
    "deal_updated": DealUpdated(),
    "deal_stage_changed": DealStageChanged(),
    "deal_won": DealClosed(),
    "deal_lost": DealClosed(),
}

# The parts built in their own modules add their events (keep at the end: they import from here).
from services.sales import events_cash, events_tasks, events_targets  # noqa: E402
from services.sales import events_documents  # noqa: E402

EVENT_SCHEMAS.update(events_cash.EVENT_SCHEMAS)
EVENT_SCHEMAS.update(events_tasks.EVENT_SCHEMAS)
EVENT_SCHEMAS.update(events_targets.EVENT_SCHEMAS)
EVENT_SCHEMAS.update(events_documents.EVENT_SCHEMAS)
