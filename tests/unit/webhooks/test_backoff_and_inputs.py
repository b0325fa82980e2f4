"""The retry schedule and the inputs a subscription or a replay is refused for, without a broker."""
import random
from datetime import datetime, timezone

import pytest
from standardwebhooks.webhooks import Webhook

from services.chassis.errors import Invalid
from services.chassis.validation import load
from services.webhooks import catalog, schemas, signing
from services.webhooks.handlers import backoff


@pytest.mark.parametrize("attempts", range(1, 12))
def test_each_delay_is_half_to_all_of_the_doubled_base(attempts):
    rng = random.Random(attempts)
    full = min(3600, 5 * 2 ** (attempts - 1))
    delays = [backoff.delay_seconds(attempts, rng, base=5, cap=3600) for _ in range(200)]
    assert all(full / 2 <= delay <= full for delay in delays)
    assert len(set(delays)) > 100                      # jittered, not one instant for everybody


def test_the_delay_is_capped():
    assert backoff.delay_seconds(200, random.Random(1), base=5, cap=60) <= 60


def test_signatures_verify_with_the_reference_library():
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    now = datetime.now(timezone.utc)
    body = '{"type":"customer_created","data":{"id":"c-1"}}'
    headers = signing.headers(secret, "evt-1", now, body)
    assert headers["webhook-timestamp"] == str(int(now.timestamp()))
    assert Webhook(secret).verify(body, headers) == {"type": "customer_created", "data": {"id": "c-1"}}
    assert signing.new_secret() != secret


@pytest.mark.parametrize("data, field", [
    ({"url": "ftp://example.com/hook", "event_types": ["customer_created"]}, "url"),
    ({"url": "not a url", "event_types": ["customer_created"]}, "url"),
    ({"url": "https://example.com/hook", "event_types": []}, "event_types"),
    ({"url": "https://example.com/hook", "event_types": ["customer_exploded"]}, "event_types"),
    ({"url": "https://example.com/hook"}, "event_types"),
    ({"url": "https://example.com/hook", "event_types": ["deal_won"], "secret": "x"}, "secret"),
])
def test_a_bad_subscription_is_refused_naming_the_field(data, field):
    with pytest.raises(Invalid) as caught:
        load(schemas.SubscriptionCreate, data)
    assert field in caught.value.details


def test_intranet_and_local_targets_are_accepted():
    for url in ("http://localhost:8080/hook", "https://hooks.internal/x", "http://10.0.0.5/h"):
        assert load(schemas.SubscriptionCreate, {"url": url, "event_types": ["deal_won"]})


def test_the_catalog_is_what_the_producers_publish():
    from services.customers.events import EVENT_SCHEMAS as customers
    from services.sales.events import EVENT_SCHEMAS as sales
    assert set(customers) | set(sales) <= set(catalog.event_types())
    assert catalog.sources_for(["deal_won", "customer_created", "deal_lost"]) == ["customers", "sales"]
