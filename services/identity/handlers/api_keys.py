"""API keys for integrations: shown once, stored as a SHA-256 digest, revocable.

A key looks like `crm_<prefix>_<secret>`: the 12-hex-digit prefix is not secret (it is listed,
so a user can tell their keys apart) and finds the row; the whole key's digest is compared in
constant time. 256 random bits need no slow hash: nobody can guess their way to a preimage.
"""
import hashlib
import hmac
import re
import secrets

from sqlalchemy import select

from services.chassis.errors import Forbidden, NotFound, Unauthorized
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.identity import schemas
from services.identity.handlers.users import flush_or_conflict
from services.identity.models import ApiKey, User, new_id

API_KEY = schemas.ApiKey()
KEY_PATTERN = re.compile(r"crm_([0-9a-f]{12})_[A-Za-z0-9_-]{43}")
REFUSED = "The API key is not valid or has been revoked."


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(uow, principal, name):
    values = load(schemas.ApiKeyCreate, {"name": name})
    owner = uow.session.get(User, principal.user_id)
    if owner is None or not owner.active:
        raise Forbidden("Only an active user can hold API keys.")
    prefix = secrets.token_hex(6)
    key = f"crm_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(id=new_id(), user_id=owner.id, name=values["name"], prefix=prefix,
                 key_hash=digest(key), created_at=utcnow())
    uow.session.add(row)
    flush_or_conflict(uow.session, "Please try again.", {})   # a 48-bit prefix collided
    return {**API_KEY.dump(row), "key": key}


def _mine(principal):
    """Own keys; admin: everyone's."""
    return [] if principal.is_admin else [ApiKey.user_id == principal.user_id]


def list_api_keys(session, principal):
    statement = select(ApiKey).where(*_mine(principal)).order_by(ApiKey.created_at, ApiKey.id)
    return [API_KEY.dump(row) for row in session.scalars(statement)]


def revoke_api_key(uow, principal, key_id):
    """Idempotent. Someone else's key is NotFound, like a key that does not exist."""
    row = None
    if isinstance(key_id, str):
        row = uow.session.scalar(select(ApiKey).where(ApiKey.id == key_id, *_mine(principal)))
    if row is None:
        raise NotFound("No such API key.", {"id": str(key_id)})
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    return API_KEY.dump(row)


def authenticate_api_key(session, key):
    """The principal dict of the key's active user, or Unauthorized (one message for all)."""
    match = KEY_PATTERN.fullmatch(key) if isinstance(key, str) else None
    row = match and session.scalar(select(ApiKey).where(ApiKey.prefix == match.group(1)))
    if not row or not hmac.compare_digest(row.key_hash, digest(key)) or row.revoked_at:
        raise Unauthorized(REFUSED)
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise Unauthorized(REFUSED)
    return {"user_id": user.id, "role": user.role, "team_id": user.team_id, "region": user.region}
