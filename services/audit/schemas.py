"""audit's RPC inputs (loaded and validated here: the service trusts no caller) and outputs.
The gateway names them in gateway/routes/audit.py, so the API document is these."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.audit.models import CHANGED, CREATED, REMOVED
from services.audit.records import RECORD_TYPES
from services.chassis.fields import Input, page_cursor, page_limit, text


class HistoryQuery(Input):
    """A time range and a page, newest first."""
    since = fields.AwareDateTime(allow_none=True, metadata={
        "description": "changes at or after this time (ISO 8601 with a zone)"})
    until = fields.AwareDateTime(allow_none=True, metadata={
        "description": "changes before this time (ISO 8601 with a zone)"})
    cursor = page_cursor()
    limit = page_limit()

    @validates_schema
    def _a_range(self, data, **kwargs):
        if data.get("since") and data.get("until") and data["until"] <= data["since"]:
            raise ValidationError("Must be after since.", "until")


class AuditQuery(HistoryQuery):
    record_type = fields.String(allow_none=True, validate=validate.OneOf(RECORD_TYPES))
    record_id = text(64, metadata={"description": "one record (with record_type)"})
    actor_id = text(64, metadata={"description": "changes made by this user (or `system`)"})
    field = text(64, metadata={"description": "changes of this field only"})

    @validates_schema
    def _record_needs_type(self, data, **kwargs):
        if data.get("record_id") and not data.get("record_type"):
            raise ValidationError("A record id needs its record_type.", "record_type")


class AuditEntry(Schema):
    id = fields.String(required=True)
    occurred_at = fields.DateTime(required=True, metadata={"description": "the event's time"})
    record_type = fields.String(required=True, validate=validate.OneOf(RECORD_TYPES))
    record_id = fields.String(required=True)
    action = fields.String(required=True, validate=validate.OneOf((CREATED, CHANGED, REMOVED)))
    field = fields.String(allow_none=True, metadata={
        "description": "the field changed (null: the record was created or removed)"})
    old_value = fields.Raw(allow_none=True, metadata={
        "description": "before the change (created: null; removed: the last state)"})
    new_value = fields.Raw(allow_none=True, metadata={
        "description": "after the change (created: the first state)"})
    old_known = fields.Boolean(required=True, metadata={
        "description": "false: the events do not tell the old value (the record was first "
                       "seen by this change, or the value is not carried: secrets, contact "
                       "details)"})
    new_known = fields.Boolean(required=True, metadata={
        "description": "false: the events do not carry the new value (e.g. a password)"})
    actor_id = fields.String(required=True, metadata={
        "description": "the user who made the change, `system` (a timer) or `event:<source>` "
                       "(a reaction to another service's event)"})
    actor_name = fields.String(allow_none=True, metadata={"description": "the user's name now"})
    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    source = fields.String(required=True)
    sequence = fields.Integer(required=True)
