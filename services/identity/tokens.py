"""JWT access tokens: issued here, verified here — by identity and, locally, by the gateway.

Kept free of nameko and of the database so the gateway can import it. Rules (RFC 8725):
one fixed algorithm (HS256) on both sides, so a token cannot choose how it is checked
(`alg: none`, HS/RS confusion); `exp`, `iss`, `aud` and `sub` must be present and right.
"""
import time
import uuid

import jwt

from services.identity import settings

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]


def encode_token(user_id, role, team_id=None, region=None, now=None, ttl_seconds=None, version=0):
    """(token, expires_in seconds) for a user. `version` is the user's token version (claim
    `ver`): the gateway refuses a token whose version is below the user's current one
    (handlers/sessions.py). `now` is for tests."""
    issued = int(time.time() if now is None else now)
    ttl = settings.jwt_ttl_seconds() if ttl_seconds is None else ttl_seconds
    claims = {
        "sub": user_id, "role": role, "team_id": team_id, "region": region,
        "iss": settings.jwt_issuer(), "aud": settings.jwt_audience(),
        "iat": issued, "exp": issued + ttl, "jti": str(uuid.uuid4()), "ver": int(version),
    }
    return jwt.encode(claims, settings.jwt_secret(), algorithm=ALGORITHM), ttl


def decode_token(token):
    """The verified claims of `token`.

    Raises `jwt.ExpiredSignatureError` for an expired token and another `jwt.InvalidTokenError`
    for anything else wrong (signature, algorithm, audience, issuer, missing claim, garbage).
    """
    return jwt.decode(
        token, settings.jwt_secret(), algorithms=[ALGORITHM],
        audience=settings.jwt_audience(), issuer=settings.jwt_issuer(),
        options={"require": REQUIRED_CLAIMS, "verify_signature": True},
    )


def version_of(claims):
    """The token version a token was issued under; a token from before versions existed: 0."""
    version = claims.get("ver", 0)
    return version if isinstance(version, int) and not isinstance(version, bool) else -1
