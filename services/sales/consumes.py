"""Tolerant copies of the events sales consumes (unknown=EXCLUDE: a producer may add fields).

- identity's users (assignment pools, teams): the chassis's schema
  (services/kernel/users_copy.py), the same in every service keeping a users copy;
- customers' contacts with their birthday and the customer's owner, and the customer's owner
  changes and merges (the birthday reminders, handlers/birthdays.py).
"""
from marshmallow import EXCLUDE, Schema, fields

from services.kernel.users_copy import USER_EVENTS, UserEvent  # noqa: F401

CUSTOMER_EVENTS = ("contact_added", "customer_assigned", "customer_merged")


class ContactEvent(Schema):
    """contact_added: who, at which customer, born when (null: unknown), the customer's owner."""
    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    customer_id = fields.String(required=True)
    name = fields.String(required=True)
    birthday = fields.Date(allow_none=True, load_default=None)
    owner_id = fields.String(allow_none=True)


class CustomerAssigned(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    owner_id = fields.String(allow_none=True)


class CustomerMerged(Schema):
    class Meta:
        unknown = EXCLUDE

    winner_id = fields.String(required=True)
    loser_id = fields.String(required=True)


CONSUMED_FROM_CUSTOMERS = {"contact_added": ContactEvent, "customer_assigned": CustomerAssigned,
                           "customer_merged": CustomerMerged}
