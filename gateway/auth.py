"""Who is calling: a JWT bearer token (verified locally) or an API key (asked of identity).

Tokens are verified with identity's own `services/identity/tokens.py` (HS256 allow-list, exp,
iss, aud — RFC 8725), so the gateway and the issuer cannot disagree on the rules. API keys are
checked by `identity.authenticate_api_key`; a positive answer is cached for a few seconds
(API_KEY_CACHE_SECONDS), which is therefore how long a revoked key may keep working.
A token revoked before its `exp` (logout, deactivation, ...) is refused by gateway/revocation.py.
"""
import hashlib
import threading
import time

import jwt

from gateway.problems import HttpProblem
from services.chassis.auth import ROLES, Principal
from services.chassis.errors import Unauthorized
from services.identity.tokens import decode_token, version_of

REALM = 'Bearer realm="crm"'


def unauthorized(detail, error=None):
    challenge = REALM if error is None else f'{REALM}, error="{error}", error_description="{detail}"'
    return HttpProblem(401, detail, "unauthorized", headers={"WWW-Authenticate": challenge})


def principal_from_claims(claims):
    subject, role = claims.get("sub"), claims.get("role")
    if not isinstance(subject, str) or not subject or role not in ROLES:
        raise unauthorized("The access token does not name a valid user and role.", "invalid_token")
    return Principal(user_id=subject, role=role, team_id=claims.get("team_id"),
                     region=claims.get("region"))


def from_bearer(token, states=None, lookup_state=None):
    """The token's principal; with `states` (gateway/revocation.py), also not revoked."""
    try:
        claims = decode_token(token)
    except jwt.ExpiredSignatureError:
        raise unauthorized("The access token has expired.", "invalid_token")
    except jwt.InvalidTokenError:
        raise unauthorized("The access token is not valid.", "invalid_token")
    principal = principal_from_claims(claims)
    if states is not None:
        states.check(principal.user_id, version_of(claims), lookup_state)
    return principal


class ApiKeyCache:
    """key digest → (expiry, principal). Only successes are cached; bounded in size."""

    def __init__(self, ttl_seconds, clock=time.monotonic, max_entries=10_000):
        self.ttl = ttl_seconds
        self.clock = clock
        self.max_entries = max_entries
        self._entries = {}
        self._lock = threading.Lock()

    @staticmethod
    def digest(key):
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(self.digest(key))
            if entry and entry[0] > self.clock():
                return entry[1]
            return None

    def put(self, key, principal):
        if self.ttl <= 0:
            return
        with self._lock:
            now = self.clock()
            if len(self._entries) >= self.max_entries:
                self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
            self._entries[self.digest(key)] = (now + self.ttl, principal)


def from_api_key(key, cache, lookup):
    """`lookup(key)` is the identity RPC; Unauthorized from it is a 401 here."""
    principal = cache.get(key)
    if principal is not None:
        return principal
    try:
        data = lookup(key)
    except Unauthorized:
        raise unauthorized("The API key is not valid or has been revoked.")
    principal = principal_from_claims({**data, "sub": data.get("user_id")})
    cache.put(key, principal)
    return principal


def authenticate(headers, cache, lookup, states=None, lookup_state=None):
    """The principal of a request, or a 401 problem with a Bearer challenge. `lookup` and
    `lookup_state` are identity's RPCs (API keys, token versions)."""
    authorization = headers.get("Authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorized("Use 'Authorization: Bearer <token>'.", "invalid_request")
        return from_bearer(token.strip(), states, lookup_state)
    key = headers.get("X-API-Key")
    if key:
        return from_api_key(key.strip(), cache, lookup)
    raise unauthorized("Authentication is required: a Bearer token or an X-API-Key header.")
