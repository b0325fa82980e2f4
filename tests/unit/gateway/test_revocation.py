"""The gateway's copy of users' token versions (gateway/revocation.py), on a fixed clock."""
import pytest

from gateway.problems import HttpProblem
from gateway.revocation import TokenStates
from services.chassis.rpc import ServiceUnavailable


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Identity:
    """get_token_state: answers from `states`, counts calls, fails when `down`."""
    def __init__(self):
        self.states, self.calls, self.down = {}, 0, False

    def __call__(self, user_id):
        self.calls += 1
        if self.down:
            raise ServiceUnavailable("The identity service did not answer within 5s.", {})
        version, active = self.states.get(user_id, (0, True))
        return {"user_id": user_id, "token_version": version, "active": active}


@pytest.fixture
def parts():
    clock, identity = Clock(), Identity()
    return TokenStates(30, clock=clock), clock, identity


def refused(states, user_id, version, identity):
    try:
        states.check(user_id, version, identity)
        return False
    except HttpProblem as problem:
        assert (problem.status, problem.code) == (401, "token_revoked")
        return True


def test_a_fresh_answer_is_reused_then_asked_again_after_the_ttl(parts):
    states, clock, identity = parts
    assert not refused(states, "u-1", 0, identity)
    assert not refused(states, "u-1", 0, identity)
    assert identity.calls == 1
    identity.states["u-1"] = (1, True)
    clock.now += 31
    assert refused(states, "u-1", 0, identity) and identity.calls == 2
    assert not refused(states, "u-1", 1, identity)


def test_an_event_refuses_older_tokens_at_once(parts):
    states, _, identity = parts
    assert not refused(states, "u-1", 0, identity)
    states.learn_event({"payload": {"user_id": "u-1", "token_version": 1, "active": True,
                                    "reason": "logout", "later_field": "ignored"}})
    assert refused(states, "u-1", 0, identity) and identity.calls == 1


def test_an_inactive_user_is_refused_whatever_the_version(parts):
    states, _, identity = parts
    identity.states["u-1"] = (0, False)
    assert refused(states, "u-1", 0, identity)


def test_a_late_answer_never_lowers_what_an_event_said(parts):
    states, clock, identity = parts
    states.learn("u-1", 3, False)
    clock.now += 31
    assert refused(states, "u-1", 2, identity)          # identity answers (0, True): too old
    assert states.current("u-1", identity).version == 3


def test_identity_down_uses_what_was_known_or_cannot_check(parts):
    states, clock, identity = parts
    states.learn("u-1", 1, True)
    clock.now += 31
    identity.down = True
    assert refused(states, "u-1", 0, identity) and not refused(states, "u-1", 1, identity)
    assert identity.calls == 1              # the stale answer is kept for a TTL: no wait per request
    with pytest.raises(ServiceUnavailable):             # a user never seen: 503, not a guess
        states.check("u-2", 0, identity)


def test_memory_is_bounded(parts):
    _, clock, identity = parts
    states = TokenStates(30, clock=clock, max_entries=3)
    for number in range(10):
        states.learn(f"u-{number}", 0, True)
    assert len(states._entries) <= 3
