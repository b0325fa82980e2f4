"""Consent's RPC inputs (validated here) and outputs; the gateway names them."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.chassis.fields import Input, page_cursor, page_limit, text
from services.marketing.consent.models import (CHANNELS, DO_NOT_CONTACT, REASONS, STATUSES,
                                               SUBSCRIBED)


class ConsentSet(Input):
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    reason = fields.String(allow_none=True, validate=validate.OneOf(REASONS), metadata={
        "description": "required for do_not_contact; none for subscribed"})
    source = text(100, metadata={
        "description": "where it came from (a form, a call, an import; default `manual`)"})

    @validates_schema
    def _reason_fits_status(self, data, **kwargs):
        if data["status"] == DO_NOT_CONTACT and not data.get("reason"):
            raise ValidationError("do_not_contact needs a reason.", "reason")
        if data["status"] == SUBSCRIBED and data.get("reason"):
            raise ValidationError("A subscription has no reason.", "reason")


class ChannelConsent(Schema):
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    status = fields.String(allow_none=True, validate=validate.OneOf(STATUSES), metadata={
        "description": "null: nothing recorded"})
    reason = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    changed_at = fields.DateTime(allow_none=True)
    changed_by = fields.String(allow_none=True)
    sendable = fields.Boolean(required=True, metadata={
        "description": "may be sent to now: has an address on the channel, not unsubscribed, "
                       "not on do-not-contact (and subscribed, if opt-in is required)"})


class ContactConsent(Schema):
    contact_id = fields.String(required=True)
    email = fields.String(allow_none=True)
    channels = fields.List(fields.Nested(ChannelConsent), required=True)


class ConsentHistoryQuery(Input):
    cursor = page_cursor()
    limit = page_limit()


class ConsentChange(Schema):
    id = fields.String(required=True)
    contact_id = fields.String(required=True)
    channel = fields.String(required=True)
    previous_status = fields.String(allow_none=True)
    status = fields.String(required=True)
    reason = fields.String(allow_none=True)
    source = fields.String(required=True)
    changed_at = fields.DateTime(required=True)
    changed_by = fields.String(required=True)
