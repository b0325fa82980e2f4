"""The synchronous users-copy refresh before a create runs at most once per interval per key."""
from unittest.mock import Mock

import pytest
from nameko.testing.services import worker_factory

from services.chassis.throttle import Gate
from services.customers.users_copy import active_reps
from services.customers.service import CustomersService
from tests.unit.customers.support import ADMIN, REP_A, user_event


@pytest.fixture
def service(people):
    now = [0.0]
    identity = Mock()
    identity.call.return_value = []                    # identity's log has nothing newer
    worker = worker_factory(CustomersService, db=people, services=identity,
                            users_refresh=Gate(5.0, clock=lambda: now[0]))
    return worker, identity, now


def test_a_region_without_reps_asks_identity_once_per_interval(service):
    worker, identity, now = service
    for _ in range(3):
        worker._refresh_users_if_stale(None, "Atlantis")
    assert identity.call.call_count == 1
    worker._refresh_users_if_stale("u-nobody-knows", None)          # another key: asked
    assert identity.call.call_count == 2
    now[0] = 5.0
    worker._refresh_users_if_stale(None, "Atlantis")
    assert identity.call.call_count == 3


def test_a_region_with_reps_and_a_known_owner_do_not_ask(service):
    worker, identity, _ = service
    worker._refresh_users_if_stale(None, REP_A.region)
    worker._refresh_users_if_stale(ADMIN.user_id, None)
    worker._refresh_users_if_stale(["not", "a", "string"], None)    # bad input: no error, no call
    assert identity.call.call_count == 0


def test_the_refresh_applies_what_identity_answers(service, people):
    worker, identity, _ = service
    event = user_event(people, REP_A)                  # only to build an envelope for the feed
    envelope = {**event, "sequence": 10_000, "event_id": "ev-new",
                "payload": {**event["payload"], "id": "u-new-rep", "region": "Atlantis"}}
    identity.call.side_effect = lambda *args, **kwargs: [envelope] if args[2] == 0 else []
    worker._refresh_users_if_stale(None, "Atlantis")
    with people.read_only() as session:
        assert active_reps(session, "Atlantis") == ["u-new-rep"]
