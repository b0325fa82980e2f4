"""consent_changed: one per change of a contact's consent on a channel (its contract,
docs/contracts.md#marketing) — senders, automation and reporting follow it."""
from marshmallow import Schema, fields


class ConsentChanged(Schema):
    contact_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    channel = fields.String(required=True)
    previous_status = fields.String(allow_none=True)
    status = fields.String(required=True)              # subscribed | unsubscribed | do_not_contact
    reason = fields.String(allow_none=True)            # unsubscribed | bounced | complained | manual
    source = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)
    changed_by = fields.String(required=True)


EVENT_SCHEMAS = {"consent_changed": ConsentChanged()}
