"""identity's events feed the users copy; concurrent creations take fair turns."""
from collections import Counter

import pytest
from nameko.testing.services import entrypoint_waiter

from services.customers.service import CustomersService
from tests.helpers import wait_until
from tests.integration.customers.support import (ADMIN, REPS, copied_users, proxy, publish_reps,
                                                  rpc)
from tests.integration.customers.fake_identity import FakeIdentity, user

pytestmark = pytest.mark.dialect_sensitive("concurrent round-robin turns; the users copy's upserts")


def test_live_user_events_keep_the_copy_and_deactivation_removes_a_rep(services, databases):
    publish_reps(services, databases)
    def deactivation_applied(worker_ctx, result, exc_info):     # batched: on_identity_events
        return any(envelope["event_type"] == "user_deactivated" for envelope in worker_ctx.args[0])
    with entrypoint_waiter(services["customers"], "on_identity_events",
                           callback=deactivation_applied):
        rpc(services["identity"], "put_user", ADMIN,
            user("u-rep-b", region="EU", team_id="team-1", active=False), "user_deactivated")
    assert copied_users(databases["customers"]) == {"u-rep-a", "u-rep-c"}
    owners = [rpc(services["customers"], "create_customer", ADMIN, {"name": f"C{n}", "region": "EU"})
              ["owner_id"] for n in range(4)]
    assert owners == ["u-rep-a", "u-rep-c", "u-rep-a", "u-rep-c"]


def test_users_published_before_customers_listened_arrive_by_catch_up(
        container_factory, rabbit_config, databases):
    identity = container_factory(FakeIdentity, rabbit_config)
    identity.start()
    for rep in REPS:                                  # no consumer queue yet: the broker drops these
        rpc(identity, "put_user", ADMIN, user(rep.user_id, region="EU"))
    customers = container_factory(CustomersService, rabbit_config)
    customers.start()
    assert copied_users(databases["customers"]) == set()
    rpc(customers, "catch_up_events", ADMIN)
    assert copied_users(databases["customers"]) == {rep.user_id for rep in REPS}


def test_concurrent_creations_are_assigned_fairly(services, databases, rabbit_config):
    publish_reps(services, databases)
    with proxy(rabbit_config, ADMIN) as customers:
        replies = [customers.create_customer.call_async({"name": f"Lead {n}", "region": "EU"})
                   for n in range(30)]
        owners = Counter(reply.result()["owner_id"] for reply in replies)
    assert owners == {rep.user_id: 10 for rep in REPS}

    def assigned_events():
        with proxy(rabbit_config, ADMIN) as customers:
            return [e for e in customers.events_since(0, 1000) if e["event_type"] == "customer_assigned"]
    events = wait_until(lambda: len(assigned_events()) == 30 and assigned_events())
    assert Counter(e["payload"]["owner_id"] for e in events) == owners


def late_listener(container_factory, rabbit_config):
    """identity announces a rep before customers listens: the live event is lost."""
    identity = container_factory(FakeIdentity, rabbit_config)
    identity.start()
    rpc(identity, "put_user", ADMIN, user("u-new-rep", region="Atlantis"))
    customers = container_factory(CustomersService, rabbit_config)
    customers.start()
    return customers


def test_an_owner_unknown_to_the_copy_is_looked_up_in_identitys_log(
        container_factory, rabbit_config, databases):
    customers = late_listener(container_factory, rabbit_config)
    assert copied_users(databases["customers"]) == set()
    created = rpc(customers, "create_customer", ADMIN, {"name": "Fresh", "owner_id": "u-new-rep"})
    assert created["owner_id"] == "u-new-rep"


def test_a_region_without_known_reps_is_looked_up_in_identitys_log(
        container_factory, rabbit_config, databases):
    customers = late_listener(container_factory, rabbit_config)
    created = rpc(customers, "create_customer", ADMIN, {"name": "Fresh", "region": "Atlantis"})
    assert created["owner_id"] == "u-new-rep"
