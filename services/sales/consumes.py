"""Tolerant copies of the events sales consumes: identity's users (assignment pools, teams).

unknown=EXCLUDE: identity may add fields without breaking us; only `id` is essential.
"""
from marshmallow import EXCLUDE, Schema, fields

USER_EVENTS = ("user_created", "user_updated", "user_deactivated")


class UserEvent(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    email = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    team_id = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    manager_id = fields.String(allow_none=True)
    active = fields.Boolean(load_default=True)
    updated_at = fields.DateTime(allow_none=True)      # a naive time is read as UTC
