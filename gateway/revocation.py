"""Bearer tokens revoked before they expire: logout, deactivation, a new password or role.

identity raises a user's token version for each of these and publishes
`user_tokens_revoked` (services/identity/handlers/sessions.py); a token carries the version
it was issued under (claim `ver`). Every gateway replica keeps user id → (version, active):

- each replica hears the event on its own broadcast queue (`GatewayService.on_tokens_revoked`)
  and refuses the user's older tokens at once;
- a user it has no fresh answer for (a new process, or one learnt more than
  TOKEN_STATE_CACHE_SECONDS ago) is asked of identity (`get_token_state`). So a restarted
  replica is right from its first request, and one that missed an event (its broadcast queue
  is gone while its broker connection is down) is right again within that time.

identity unreachable: a replica goes on with what it last knew of the user rather than refuse
everyone; knowing nothing of the user, it cannot check the token and answers 503.
Versions only grow, so a late answer never lowers what an event already said.
"""
import logging
import threading
import time
from dataclasses import dataclass

from marshmallow import EXCLUDE, Schema, fields

from gateway.problems import HttpProblem
from services.chassis.validation import shared

log = logging.getLogger(__name__)

REVOKED = ("The access token has been revoked (signed out, deactivated, or the user's access "
           "changed); sign in again.")


@dataclass(frozen=True)
class TokenState:
    version: int
    active: bool
    learnt_at: float


class TokensRevoked(Schema):
    """The gateway's tolerant copy of identity's user_tokens_revoked payload."""
    class Meta:
        unknown = EXCLUDE
    user_id = fields.String(required=True)
    token_version = fields.Integer(required=True, strict=True)
    active = fields.Boolean(required=True)


class TokenStates:
    def __init__(self, ttl_seconds, clock=time.monotonic, max_entries=100_000):
        self.ttl = ttl_seconds
        self.clock = clock
        self.max_entries = max_entries
        self._entries = {}
        self._lock = threading.Lock()

    def learn(self, user_id, version, active):
        with self._lock:
            now = self.clock()
            old = self._entries.get(user_id)
            if old is not None and old.version > version:
                self._entries[user_id] = TokenState(old.version, old.active, now)
                return
            if old is None and len(self._entries) >= self.max_entries:
                self._make_room(now)
            self._entries[user_id] = TokenState(int(version), bool(active), now)

    def learn_event(self, envelope):
        payload = shared(TokensRevoked).load((envelope or {}).get("payload") or {})
        self.learn(payload["user_id"], payload["token_version"], payload["active"])

    def current(self, user_id, lookup):
        """The user's state: fresh from memory, else from identity (`lookup(user_id)`)."""
        with self._lock:
            entry = self._entries.get(user_id)
        if entry is not None and self.clock() - entry.learnt_at < self.ttl:
            return entry
        try:
            answer = lookup(user_id)
        except Exception:
            if entry is None:
                raise                   # ServiceUnavailable → 503: the token cannot be checked
            log.warning("token state of %s: identity unavailable, using what was known", user_id)
            # Not asked again for a TTL, so an outage costs one slow request per user, not
            # every request waiting for the deadline. An event still applies at once.
            self.learn(user_id, entry.version, entry.active)
            return entry
        self.learn(user_id, answer["token_version"], answer["active"])
        with self._lock:
            return self._entries[user_id]

    def check(self, user_id, token_version, lookup):
        """A 401 `token_revoked` if the token's version is below the user's, or the user is
        no longer active."""
        state = self.current(user_id, lookup)
        if token_version < state.version or not state.active:
            raise HttpProblem(401, REVOKED, "token_revoked", headers={
                "WWW-Authenticate": f'Bearer realm="crm", error="invalid_token", '
                                    f'error_description="{REVOKED}"'})

    def _make_room(self, now):
        self._entries = {k: v for k, v in self._entries.items() if now - v.learnt_at < self.ttl}
        if len(self._entries) >= self.max_entries:
            self._entries.clear()       # all fresh: they are asked again, nothing is wrong
