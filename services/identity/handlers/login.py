"""Password login → JWT access token. One answer for every failure, so a caller cannot learn
whether an email is registered or its user deactivated, neither from the message nor from
the time it takes (an unknown email still pays for one argon2 verification)."""
from sqlalchemy import select

from services.chassis.errors import Unauthorized
from services.chassis.validation import load
from services.identity import passwords, schemas, tokens
from services.identity.models import User

REFUSED = "Wrong email or password."


def issue_token(uow, email, password):
    values = load(schemas.Login(), {"email": email, "password": password})
    user = uow.session.scalar(select(User).where(User.email == values["email"]))
    if user is None:
        passwords.burn_verify(values["password"])
        raise Unauthorized(REFUSED)
    if not passwords.verify_password(user.password_hash, values["password"]) or not user.active:
        raise Unauthorized(REFUSED)
    if passwords.needs_rehash(user.password_hash):
        # The hashing parameters were raised since this hash was made; only now do we hold
        # the plain password to redo it.
        user.password_hash = passwords.hash_password(values["password"])
    token, expires_in = tokens.encode_token(user.id, user.role, user.team_id, user.region)
    return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in}
