"""The rate limit shared across gateway replicas through Redis (RATE_LIMIT_STORAGE_URL): the
Redis scripts/test.sh ensures (scripts/ensure_redis.sh: the machine's on 127.0.0.1:6379, else
one of the project's own, exported as TEST_REDIS_URL); keys unique per test, so runs never share
a budget. Without a Redis these tests fail naming the install command, never skip."""
import os
import socket
import uuid
from urllib.parse import urlsplit

import pytest

from gateway.ratelimit import RateLimiter
from gateway.service import GatewayService
from tests.integration.gateway.support import API, Client, assert_problem
from tests.helpers import free_port

REDIS = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
INSTALL = ("sudo apt-get install -y --no-install-recommends redis-server, or run "
           "`scripts/ensure_redis.sh` (scripts/test.sh does), or set TEST_REDIS_URL")


def redis_answers(url):
    """A Redis that lets us in: PING → +PONG."""
    address = urlsplit(url)
    try:
        with socket.create_connection((address.hostname, address.port or 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(autouse=True)
def redis():
    if not redis_answers(REDIS):
        pytest.fail(f"no Redis answers at {REDIS}; the shared rate limit tests need one: {INSTALL}",
                    pytrace=False)
    return REDIS


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
