"""RPC inputs (validated, unknown fields refused) and outputs (what leaves the service).

No output schema has a field for a password hash or an API key digest, so a secret cannot
leak by adding a column: dumping only ever emits the fields listed here.
"""
from marshmallow import Schema, fields, validate

from services.chassis.auth import ROLES
from services.chassis.fields import Boolean, Input, page_cursor, page_limit

PASSWORD_MIN, PASSWORD_MAX = 10, 1024     # max bounds the work argon2 does per request


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _normalise_email(value):
    return value.strip().lower() if isinstance(value, str) else value


def text(max_length, required=False, allow_none=False):
    """A trimmed string that must not be blank (the document says so with its pattern)."""
    return fields.String(required=required, allow_none=allow_none, pre_load=_strip,
                         validate=validate.Length(min=1, max=max_length),
                         metadata={"pattern": r"\S"})


def email(required=False):
    return fields.Email(required=required, pre_load=_normalise_email,
                        validate=validate.Length(max=254))


def role(required=False):
    return fields.String(required=required, validate=validate.OneOf(ROLES))


def reference():
    """The id of another identity record (a UUID string), or null to clear it."""
    return fields.String(allow_none=True, validate=validate.Length(min=1, max=36))


def password(required=False):
    return fields.String(required=required, load_only=True,
                         validate=validate.Length(min=PASSWORD_MIN, max=PASSWORD_MAX))


# --- inputs ---------------------------------------------------------------------------------

class UserCreate(Input):
    email = email(required=True)
    name = text(200, required=True)
    role = role(required=True)
    password = password(required=True)
    team_id = reference()
    region = text(64, allow_none=True)
    manager_id = reference()


class UserUpdate(Input):
    """Partial: only the fields given change. `active: true` reactivates a user."""
    email = email()
    name = text(200)
    role = role()
    password = password()
    team_id = reference()
    region = text(64, allow_none=True)
    manager_id = reference()
    active = Boolean()


class UserQuery(Input):
    role = role()
    region = text(64)
    team_id = fields.String(validate=validate.Length(min=1, max=36))
    active = Boolean()
    q = text(200)
    cursor = page_cursor()
    limit = page_limit()


class ActiveUsersQuery(Input):
    role = role(required=False)
    region = text(64, allow_none=True)
    team_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36))


class TeamCreate(Input):
    name = text(100, required=True)
    manager_id = reference()
    region = text(64, allow_none=True)


class ApiKeyCreate(Input):
    name = text(200, required=True)


class Login(Input):
    # Deliberately no email-format check: any string is just "wrong email or password".
    email = fields.String(required=True, pre_load=_normalise_email,
                          validate=validate.Length(min=1, max=320))
    password = fields.String(required=True, validate=validate.Length(min=1, max=PASSWORD_MAX))


# --- outputs --------------------------------------------------------------------------------

class User(Schema):
    id = fields.String()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    team_id = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    manager_id = fields.String(allow_none=True)
    active = Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class Team(Schema):
    id = fields.String()
    name = fields.String()
    manager_id = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    created_at = fields.DateTime()


class ApiKey(Schema):
    id = fields.String()
    user_id = fields.String()
    name = fields.String()
    prefix = fields.String(metadata={"description": "Non-secret start of the key, to recognise it"})
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class ApiKeyCreated(ApiKey):
    key = fields.String(metadata={"description": "The secret; shown in this response only"})


class Token(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class ApiKeyPrincipal(Schema):
    user_id = fields.String()
    role = fields.String()
    team_id = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
