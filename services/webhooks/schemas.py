"""webhooks' RPC inputs (loaded and validated here: the service trusts no caller) and outputs.
The gateway names them in gateway/routes/webhooks.py, so the API document is these."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.chassis.fields import Input, page_cursor, page_limit, text
from services.webhooks import catalog
from services.webhooks.models import FAILED, PENDING, SUCCEEDED

EVENT_TYPES = validate.OneOf(catalog.event_types())


def event_type_list(required):
    return fields.List(fields.String(validate=EVENT_TYPES), required=required,
                       validate=validate.Length(min=1, max=len(catalog.event_types())),
                       metadata={"description": "domain event types (GET /webhooks/event-types)"})


def target_url(required):
    # http(s) only; a host without a TLD (an intranet name, localhost) is allowed.
    return fields.URL(required=required, schemes={"http", "https"}, require_tld=False,
                      validate=validate.Length(max=2000))


class SubscriptionCreate(Input):
    url = target_url(required=True)
    event_types = event_type_list(required=True)
    description = text(500)


class SubscriptionUpdate(Input):
    url = target_url(required=False)
    event_types = event_type_list(required=False)
    description = text(500)


class SubscriptionDisable(Input):
    reason = text(500, required=True)


class SubscriptionQuery(Input):
    active = fields.Boolean(allow_none=True)
    cursor = page_cursor()
    limit = page_limit()


class DeliveryQuery(Input):
    status = fields.String(allow_none=True, validate=validate.OneOf((PENDING, SUCCEEDED, FAILED)))
    replayed = fields.Boolean(allow_none=True, metadata={"description": "true: replays only"})
    cursor = page_cursor()
    limit = page_limit()


class ReplayRequest(Input):
    """A sequence range of one producer's log, or a time range (of one producer, or of every
    producer the subscription's event types come from). Both may be given: both apply."""
    source = fields.String(allow_none=True, validate=validate.OneOf(list(catalog.PRODUCERS)))
    from_sequence = fields.Integer(strict=True, allow_none=True, validate=validate.Range(1, 2**62))
    to_sequence = fields.Integer(strict=True, allow_none=True, validate=validate.Range(1, 2**62))
    since = fields.AwareDateTime(allow_none=True, metadata={"description": "UTC ISO 8601, inclusive"})
    until = fields.AwareDateTime(allow_none=True, metadata={"description": "UTC ISO 8601, exclusive"})

    @validates_schema
    def _a_range(self, data, **kwargs):
        by_sequence = data.get("from_sequence") is not None or data.get("to_sequence") is not None
        if by_sequence and not data.get("source"):
            raise ValidationError("A sequence range is of one producer's log: name its source.",
                                  "source")
        if not by_sequence and data.get("since") is None:
            raise ValidationError("Give a sequence range (source, from_sequence, to_sequence) "
                                  "or a time range (since, until).", "since")
        low, high = data.get("from_sequence"), data.get("to_sequence")
        if low is not None and high is not None and high < low:
            raise ValidationError("Must not be below from_sequence.", "to_sequence")
        if data.get("since") and data.get("until") and data["until"] <= data["since"]:
            raise ValidationError("Must be after since.", "until")


# --- outputs ------------------------------------------------------------------------------

class Subscription(Schema):
    id = fields.String(required=True)
    url = fields.String(required=True)
    description = fields.String(allow_none=True)
    event_types = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)
    disabled_reason = fields.String(allow_none=True)
    disabled_at = fields.DateTime(allow_none=True)
    consecutive_failures = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class SubscriptionWithSecret(Subscription):
    secret = fields.String(required=True, metadata={
        "description": "whsec_…: shown only here (at creation and rotation); verify signatures "
                       "with it (Standard Webhooks)"})


class Delivery(Schema):
    id = fields.String(required=True)
    subscription_id = fields.String(required=True)
    event_id = fields.String(required=True, metadata={"description": "the webhook-id header"})
    event_type = fields.String(required=True)
    source = fields.String(required=True)
    sequence = fields.Integer(required=True)
    replay_id = fields.String(allow_none=True)
    status = fields.String(required=True)
    attempts = fields.Integer(required=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    last_status_code = fields.Integer(allow_none=True)
    last_latency_ms = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)


class Attempt(Schema):
    number = fields.Integer(required=True)
    attempted_at = fields.DateTime(required=True)
    status_code = fields.Integer(allow_none=True)
    latency_ms = fields.Integer(required=True)
    error = fields.String(allow_none=True)
    succeeded = fields.Boolean(required=True)


class ReplayJob(Schema):
    id = fields.String(required=True)
    subscription_id = fields.String(required=True)
    source = fields.String(required=True)
    from_sequence = fields.Integer(required=True)
    to_sequence = fields.Integer(allow_none=True)
    since = fields.DateTime(allow_none=True)
    until = fields.DateTime(allow_none=True)
    position = fields.Integer(required=True)
    status = fields.String(required=True)
    deliveries = fields.Integer(required=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(allow_none=True)


class EventType(Schema):
    event_type = fields.String(required=True)
    source = fields.String(required=True)
