"""services/identity/tokens.py — the rules the gateway relies on (RFC 8725)."""
import base64
import json
import time
import warnings

import jwt
import pytest

from services.chassis import settings
from services.identity import tokens


def forge(secret=None, algorithm="HS256", drop=(), **overrides):
    """A token built by hand, to be refused (or, with no arguments, accepted)."""
    now = int(time.time())
    claims = {"sub": "u-1", "role": "sales_rep", "team_id": None, "region": None,
              "iss": settings.jwt_issuer(), "aud": settings.jwt_audience(),
              "iat": now, "exp": now + 60, "jti": "j-1", **overrides}
    for name in drop:
        claims.pop(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")         # short / none keys are the point here
        return jwt.encode(claims, settings.jwt_secret() if secret is None else secret,
                          algorithm=algorithm)


def test_a_token_round_trips_with_every_claim():
    token, expires_in = tokens.encode_token("u-1", "manager", team_id="t-1", region="emea")
    claims = tokens.decode_token(token)
    assert expires_in == settings.jwt_ttl_seconds()
    assert claims["sub"] == "u-1" and claims["role"] == "manager"
    assert claims["team_id"] == "t-1" and claims["region"] == "emea"
    assert claims["iss"] == settings.jwt_issuer() and claims["aud"] == settings.jwt_audience()
    assert claims["exp"] - claims["iat"] == expires_in
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_every_token_has_its_own_id():
    first, _ = tokens.encode_token("u-1", "agent")
    second, _ = tokens.encode_token("u-1", "agent")
    assert tokens.decode_token(first)["jti"] != tokens.decode_token(second)["jti"]


def test_the_lifetime_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("JWT_TTL_SECONDS", "120")
    token, expires_in = tokens.encode_token("u-1", "agent")
    claims = tokens.decode_token(token)
    assert expires_in == 120 and claims["exp"] - claims["iat"] == 120


def test_a_hand_built_token_with_the_right_rules_is_accepted():
    assert tokens.decode_token(forge())["sub"] == "u-1"


def test_an_expired_token_is_refused():
    token, _ = tokens.encode_token("u-1", "agent", now=time.time() - 7200, ttl_seconds=60)
    with pytest.raises(jwt.ExpiredSignatureError):
        tokens.decode_token(token)


@pytest.mark.parametrize("bad", [
    pytest.param(lambda: forge(aud="another-api"), id="wrong-audience"),
    pytest.param(lambda: forge(iss="someone-else"), id="wrong-issuer"),
    pytest.param(lambda: forge(secret="a-different-secret-" + "z" * 32), id="wrong-secret"),
    pytest.param(lambda: forge(secret=None, algorithm="HS512"), id="hs512-not-allow-listed"),
    pytest.param(lambda: jwt.encode({"sub": "u-1"}, None, algorithm="none"), id="alg-none-bare"),
    pytest.param(lambda: forge(drop=("exp",)), id="no-exp"),
    pytest.param(lambda: forge(drop=("sub",)), id="no-sub"),
    pytest.param(lambda: forge(drop=("aud",)), id="no-aud"),
    pytest.param(lambda: forge(drop=("iss",)), id="no-iss"),
    pytest.param(lambda: "not.a.jwt", id="garbage"),
])
def test_bad_tokens_are_refused(bad):
    with pytest.raises(jwt.InvalidTokenError):
        tokens.decode_token(bad())


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_alg_none_with_valid_claims_is_refused():
    good = jwt.decode(forge(), options={"verify_signature": False})
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(good)}."
    with pytest.raises(jwt.InvalidTokenError):
        tokens.decode_token(unsigned)


def test_a_tampered_payload_breaks_the_signature():
    header, payload, signature = forge().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "admin"                     # privilege escalation attempt
    with pytest.raises(jwt.InvalidSignatureError):
        tokens.decode_token(f"{header}.{_b64(claims)}.{signature}")


def test_a_tampered_signature_is_refused():
    header, payload, signature = forge().split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(jwt.InvalidSignatureError):
        tokens.decode_token(f"{header}.{payload}.{flipped}")


def test_without_a_secret_nothing_is_issued_or_accepted(monkeypatch):
    token, _ = tokens.encode_token("u-1", "agent")
    monkeypatch.delenv("JWT_SECRET")
    with pytest.raises(RuntimeError):
        tokens.encode_token("u-1", "agent")
    with pytest.raises(RuntimeError):
        tokens.decode_token(token)
