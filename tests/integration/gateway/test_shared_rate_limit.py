"""The rate limit shared across gateway replicas through Redis (RATE_LIMIT_STORAGE_URL): the
machine's Redis on 127.0.0.1:6379; keys unique per test, so runs never share a budget."""
import socket
import uuid

import pytest

from gateway.ratelimit import RateLimiter
from gateway.service import GatewayService
from tests.integration.gateway.support import API, Client, assert_problem
from tests.helpers import free_port

REDIS = "redis://127.0.0.1:6379/0"


def redis_is_up():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not redis_is_up(), reason="no Redis on 127.0.0.1:6379")


def test_two_limiters_on_one_store_share_the_budget():
    namespace = f"test-{uuid.uuid4().hex}"
    first, second = (RateLimiter(60, 3, storage_url=REDIS, namespace=namespace) for _ in range(2))
    taken = [limiter.take("alice").allowed for limiter in (first, second, first)]
    assert taken == [True, True, True]
    refused = second.take("alice")
    assert not refused.allowed and 1 <= refused.retry_after <= 3
    assert not first.take("alice").allowed
    assert first.take("bob").allowed                      # keys are still independent


def test_two_gateway_replicas_share_a_principals_budget(start_gateway, container_factory,
                                                        rabbit_config):
    one = start_gateway(env={"RATE_LIMIT_STORAGE_URL": REDIS, "RATE_LIMIT_BURST": 2,
                             "RATE_LIMIT_PER_MINUTE": 1})
    port = free_port()
    container_factory(GatewayService, dict(rabbit_config, WEB_SERVER_ADDRESS=f"127.0.0.1:{port}")
                      ).start()
    two = Client(f"http://127.0.0.1:{port}")
    user = f"u-{uuid.uuid4().hex}"
    headers = one.as_user(user_id=user).headers
    statuses = [client.get(f"{API}/customers/c-1", headers=headers).status_code
                for client in (one, two)]
    assert statuses == [200, 200]
    limited = two.get(f"{API}/customers/c-1", headers=headers)          # replica two refuses
    assert_problem(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) >= 1
    assert_problem(one.get(f"{API}/customers/c-1", headers=headers), 429, "rate_limited")
