"""The events customers publishes: names and payload schemas (its contract, DESIGN.md §4).

Payloads are the record's fields; money is a string with its currency, times are UTC ISO 8601.
"""
from marshmallow import Schema, fields

from services.chassis.fields import Money


class CustomerRecord(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    name = fields.String(required=True)
    industry = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    annual_revenue = Money(allow_none=True)
    currency = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    lifecycle_stage = fields.String(required=True)
    value_class = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    parent_id = fields.String(allow_none=True)          # the parent company (a customer id)
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class CustomerUpdated(CustomerRecord):
    changed = fields.List(fields.String(), required=True)


class CustomerAssigned(Schema):
    id = fields.String(required=True)
    owner_id = fields.String(allow_none=True)
    previous_owner_id = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    reason = fields.String(required=True)          # round_robin | creator | manual
    assigned_by = fields.String(required=True)     # a user id, or "system"


class CustomerTagged(Schema):
    customer_id = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)        # all tags after the change
    added = fields.List(fields.String(), required=True)
    removed = fields.List(fields.String(), required=True)


class CustomerMerged(Schema):
    winner_id = fields.String(required=True)
    loser_id = fields.String(required=True)
    merged_at = fields.AwareDateTime(required=True)
    contacts_moved = fields.Integer(required=True)
    interactions_moved = fields.Integer(required=True)
    tags = fields.List(fields.String(), required=True)        # the winner's tags after the merge


class InteractionLogged(Schema):
    id = fields.String(required=True)
    customer_id = fields.String(required=True)
    kind = fields.String(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    user_id = fields.String(required=True)
    summary = fields.String(required=True)
    outcome = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)      # the customer's owner, for per-rep activity KPIs


class ContactAdded(Schema):
    """The phone stays in this service. The email travels since marketing mails contact persons
    and the service desk knows an inbound mail's sender by it; the birthday and the customer's
    owner since sales makes birthday reminders from them (issue #4: "from customer events");
    added fields, so still version 1 (tests/contract/test_*_consumes_customers.py)."""
    id = fields.String(required=True)
    customer_id = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    birthday = fields.Date(allow_none=True)             # ISO date; null: not known
    owner_id = fields.String(allow_none=True)           # the customer's owner when added
    created_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {
    "customer_created": CustomerRecord(),
    "customer_updated": CustomerUpdated(),
    "customer_assigned": CustomerAssigned(),
    "customer_tagged": CustomerTagged(),
    "customer_merged": CustomerMerged(),
    "interaction_logged": InteractionLogged(),
    "contact_added": ContactAdded(),
}
