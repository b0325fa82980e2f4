"""The events webhooks publishes (its contract, docs/contracts.md#webhooks): the notice that a
subscription was switched off after repeated failures (or by an admin), so an operator — or a
future notification service — hears of it without polling."""
from marshmallow import Schema, fields

WEBHOOK_SUBSCRIPTION_DISABLED = "webhook_subscription_disabled"


class SubscriptionDisabledPayload(Schema):
    id = fields.String(required=True)
    url = fields.String(required=True)
    reason = fields.String(required=True)
    automatic = fields.Boolean(required=True)
    consecutive_failures = fields.Integer(required=True)
    disabled_at = fields.DateTime(required=True)


EVENT_SCHEMAS = {WEBHOOK_SUBSCRIPTION_DISABLED: SubscriptionDisabledPayload()}
