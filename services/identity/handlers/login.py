"""Password login → JWT access token. One answer for every failure, so a caller cannot learn
whether an email is registered or its user deactivated, neither from the message nor from
the time it takes (an unknown email still pays for one argon2 verification).

Failures are counted per account and per client address (guard.py): too many, and logins are
refused with 429 for a while. Three short transactions, not one: the password check (0.2 s of
argon2) holds no write lock, and a failure is committed although the call then fails.
"""
from sqlalchemy import select

from services.chassis.errors import Unauthorized
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.identity import passwords, schemas, tokens
from services.identity.handlers import guard
from services.identity.models import User

REFUSED = "Wrong email or password."


def issue_token(db, email, password, client_ip=None, now=None):
    """`db` is the service's database access (units of work); `now` is for tests."""
    values = load(schemas.Login, {"email": email, "password": password})
    now = utcnow() if now is None else now
    keys = guard.keys(values["email"], client_ip)
    with db.read_only() as session:
        guard.check(session, keys, now)
        found = session.execute(select(User.id, User.password_hash, User.active)
                                .where(User.email == values["email"])).first()
    # No connection is held during argon2's 0.2 s.
    if found is None:
        verified = passwords.burn_verify(values["password"])
    else:
        verified = passwords.verify_password(found.password_hash, values["password"])
    if not verified or not found.active:
        with db.unit_of_work() as uow:
            guard.record_failure(uow.session, keys, now)
        raise Unauthorized(REFUSED)
    # The hashing parameters were raised since this hash was made; only now do we hold the
    # plain password to redo it (hashed here, outside the write transaction).
    new_hash = passwords.hash_password(values["password"]) \
        if passwords.needs_rehash(found.password_hash) else None
    with db.unit_of_work() as uow:
        guard.reset(uow.session, values["email"])
        # Read again inside the write: a deactivation or logout committed during the check
        # must be what the token is issued under.
        user = uow.session.get(User, found.id)
        if user is None or not user.active:
            raise Unauthorized(REFUSED)
        if new_hash:
            user.password_hash = new_hash
        token, expires_in = tokens.encode_token(user.id, user.role, user.team_id, user.region,
                                                version=user.token_version or 0)
    return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in}
