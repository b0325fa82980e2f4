"""The events of a campaign's email broadcast (their contract, docs/contracts.md#marketing):
its start and end, one per email sent and one per email that will not be sent (bounced,
failed, skipped, with why) — reporting counts sent / delivered / bounced from these — and
`campaign_send_batch_released`, marketing's own fan-out: each names a batch of recipients for
whichever marketing worker takes it from RabbitMQ (published through the outbox, so a batch
released is a batch delivered)."""
from marshmallow import Schema, fields


class SendStarted(Schema):
    campaign_id = fields.String(required=True)
    template_id = fields.String(required=True)
    recipients = fields.Integer(required=True)
    batches = fields.Integer(required=True)
    started_by = fields.String(required=True)
    started_at = fields.AwareDateTime(required=True)


class BatchReleased(Schema):
    campaign_id = fields.String(required=True)
    batch = fields.Integer(required=True)
    released_at = fields.AwareDateTime(required=True)


class EmailSent(Schema):
    campaign_id = fields.String(required=True)
    contact_id = fields.String(required=True)
    # the contact's customer (the customer itself or its contact person's): its timeline
    customer_id = fields.String(allow_none=True)
    email = fields.String(required=True)
    message_id = fields.String(required=True)
    sent_at = fields.AwareDateTime(required=True)


class EmailNotSent(Schema):
    campaign_id = fields.String(required=True)
    contact_id = fields.String(required=True)
    email = fields.String(required=True)
    outcome = fields.String(required=True)       # bounced | failed | skipped
    reason = fields.String(required=True)
    at = fields.AwareDateTime(required=True)


class SendCompleted(Schema):
    campaign_id = fields.String(required=True)
    recipients = fields.Integer(required=True)
    sent = fields.Integer(required=True)
    bounced = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    skipped = fields.Integer(required=True)
    finished_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {"campaign_send_started": SendStarted(),
                 "campaign_send_batch_released": BatchReleased(),
                 "campaign_email_sent": EmailSent(), "campaign_email_failed": EmailNotSent(),
                 "campaign_send_completed": SendCompleted()}
