"""Ending a user's sessions before their tokens expire.

The gateway verifies tokens locally, so it cannot see a logout by itself. Every user has a
`token_version`; a token carries the value it was issued under (claim `ver`). A change that
must end the user's sessions raises the version and publishes `user_tokens_revoked` through
the outbox; each gateway replica hears it (a broadcast subscription) and refuses older tokens.
A gateway that missed the event — restarted, or its connection was down — asks
`get_token_state` for a user it has no fresh answer for (gateway/revocation.py).

Logout ends all of the user's sessions (every device): a token is not stored anywhere, so
"this one only" would need a list of revoked token ids kept until they expire.
"""
from services.chassis.errors import NotFound
from services.chassis.models import utcnow
from services.identity.events import USER_TOKENS_REVOKED
from services.identity.models import User

# User fields a token carries or depends on: changing one ends the sessions (password: someone
# who learnt the old one must not keep a session; role / team / region: the token states them).
GRANTS = ("password", "role", "team_id", "region", "active")


def revoke_tokens(uow, user, reason):
    """Every token of `user` issued so far stops working (in the same commit as the change)."""
    user.token_version = (user.token_version or 0) + 1
    uow.emit(USER_TOKENS_REVOKED, {"user_id": user.id, "token_version": user.token_version,
                                   "active": user.active, "reason": reason,
                                   "revoked_at": utcnow()})


def logout(uow, principal):
    user = uow.session.get(User, principal.user_id)
    if user is None:
        raise NotFound("No such user.", {"id": principal.user_id})
    revoke_tokens(uow, user, "logout")
    return token_state_of(user)


def token_state_of(user):
    return {"user_id": user.id, "token_version": user.token_version or 0, "active": user.active}


def get_token_state(session, user_id):
    """What the gateway checks a token against. An unknown user has no valid token."""
    user = session.get(User, user_id) if isinstance(user_id, str) else None
    if user is None:
        return {"user_id": str(user_id), "token_version": 0, "active": False}
    return token_state_of(user)
