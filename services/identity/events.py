"""The events identity publishes: its contract with every consumer (customers keeps a copy of
users for assignment and team scope; reporting counts them).

The payload schema is spelled out here rather than reusing the RPC output schema, so a change
to what an RPC returns can never silently change a published event. A password hash is not a
field, so it cannot be dumped.
"""
from marshmallow import Schema, fields


class UserPayload(Schema):
    id = fields.String(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    team_id = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    manager_id = fields.String(allow_none=True)
    active = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class TokensRevokedPayload(Schema):
    """Every token of the user with a version below `token_version` is refused from now on
    (the gateway listens). `reason`: logout, deactivated, password_changed, access_changed."""
    user_id = fields.String(required=True)
    token_version = fields.Integer(required=True)
    active = fields.Boolean(required=True)
    reason = fields.String(required=True)
    revoked_at = fields.DateTime(required=True)


USER_CREATED = "user_created"
USER_UPDATED = "user_updated"
USER_DEACTIVATED = "user_deactivated"
USER_TOKENS_REVOKED = "user_tokens_revoked"

EVENT_SCHEMAS = {
    USER_CREATED: UserPayload(),
    USER_UPDATED: UserPayload(),
    USER_DEACTIVATED: UserPayload(),
    USER_TOKENS_REVOKED: TokensRevokedPayload(),
}
