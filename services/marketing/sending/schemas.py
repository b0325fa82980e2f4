"""A broadcast's RPC inputs and outputs; the gateway names them ("marketing:CampaignSend")."""
from marshmallow import Schema, fields, validate

from services.chassis.fields import Input, page_cursor, page_limit, text
from services.marketing.sending.models import CLAIMED, DONE, OUTCOMES, PENDING, SENDING, WAITING


class SendStart(Input):
    template_id = text(36, required=True, metadata={"description": "the email template to send"})


class SendCounts(Schema):
    pending = fields.Integer(required=True)
    sending = fields.Integer(required=True)
    sent = fields.Integer(required=True)
    bounced = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    skipped = fields.Integer(required=True)


class CampaignSend(Schema):
    campaign_id = fields.String(required=True)
    template_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf((SENDING, WAITING, DONE)),
                           metadata={"description": "waiting: the SMTP server failed; the send "
                                                    "resumes by itself at waiting_until"})
    recipients = fields.Integer(required=True, metadata={
        "description": "contacts reachable when the send started (0 is allowed: nobody)"})
    batches = fields.Integer(required=True)
    released = fields.Integer(required=True)
    counts = fields.Nested(SendCounts, required=True)
    waiting_until = fields.DateTime(allow_none=True)
    last_error = fields.String(allow_none=True)
    started_by = fields.String(required=True)
    started_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(allow_none=True)


class RecipientQuery(Input):
    state = fields.String(allow_none=True,
                          validate=validate.OneOf((PENDING, CLAIMED) + OUTCOMES))
    cursor = page_cursor()
    limit = page_limit()


class Recipient(Schema):
    contact_id = fields.String(required=True)
    email = fields.String(required=True)
    state = fields.String(required=True)
    reason = fields.String(allow_none=True)
    attempts = fields.Integer(required=True)
    sent_at = fields.DateTime(allow_none=True)
    message_id = fields.String(allow_none=True)
