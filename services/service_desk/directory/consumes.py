"""Tolerant copies (unknown=EXCLUDE: a producer may add fields) of the customers' events the
service desk's directory is built from — only the fields it uses. identity's users are read
through the shared kernel's copy (services/kernel/users_copy.py UserEvent).
tests/contract/test_service_desk_consumes.py loads what the producers' own schemas dump."""
from marshmallow import EXCLUDE, Schema, fields


class Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


class CustomerRecord(Tolerant):
    """customer_created / customer_updated: the whole customer."""
    id = fields.String(required=True)
    name = fields.String(required=True)
    email = fields.String(allow_none=True, load_default=None)
    value_class = fields.String(allow_none=True, load_default=None)
    owner_id = fields.String(allow_none=True, load_default=None)


class CustomerAssigned(Tolerant):
    id = fields.String(required=True)
    owner_id = fields.String(allow_none=True)


class CustomerMerged(Tolerant):
    winner_id = fields.String(required=True)
    loser_id = fields.String(required=True)


class ContactAdded(Tolerant):
    id = fields.String(required=True)
    customer_id = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(allow_none=True, load_default=None)
    email = fields.String(allow_none=True, load_default=None)   # older events: none
    created_at = fields.AwareDateTime(required=True)


FROM_CUSTOMERS = {"customer_created": CustomerRecord, "customer_updated": CustomerRecord,
                  "customer_assigned": CustomerAssigned, "customer_merged": CustomerMerged,
                  "contact_added": ContactAdded}
