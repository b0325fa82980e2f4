"""Tokens shaped by the contract (docs/contracts.md, identity: JWT), good and deliberately bad."""
import time
import uuid
import warnings

import jwt

from services.chassis import settings


def claims(user_id="u-1", role="sales_rep", team_id="t-1", region="emea", **overrides):
    now = int(time.time())
    base = {"sub": user_id, "role": role, "team_id": team_id, "region": region,
            "iss": settings.jwt_issuer(), "aud": settings.jwt_audience(),
            "iat": now, "exp": now + 600, "jti": str(uuid.uuid4())}
    base.update(overrides)
    return base


def token(secret=None, algorithm="HS256", **claim_overrides):
    key = settings.jwt_secret() if secret is None else secret
    with warnings.catch_warnings():       # HS512 with the (HS256-sized) test secret is on purpose
        warnings.simplefilter("ignore")
        return jwt.encode(claims(**claim_overrides), key, algorithm=algorithm)


def expired(**overrides):
    past = int(time.time()) - 120
    return token(iat=past - 600, exp=past, **overrides)


def unsigned(**overrides):
    """alg=none: a signature-less token (RFC 8725 §2.1)."""
    return jwt.encode(claims(**overrides), None, algorithm="none")


# name → factory: tokens the gateway must refuse with a 401 (built when used: `exp` is live).
BAD_TOKENS = {
    "alg-none": lambda: unsigned(),
    "wrong-secret": lambda: token(secret="not-the-secret-" + "y" * 32),
    "expired": lambda: expired(),
    "wrong-audience": lambda: token(aud="someone-else"),
    "wrong-issuer": lambda: token(iss="evil-issuer"),
    "hs512-not-allow-listed": lambda: token(algorithm="HS512"),
    "garbage": lambda: "not.a.jwt",
    "unknown-role": lambda: token(role="superuser"),
}
