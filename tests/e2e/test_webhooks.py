"""Webhooks through the gateway: an admin subscribes a local receiver, a customer is created,
and the receiver gets a customer_created signed per Standard Webhooks (verified with the
standardwebhooks library); the delivery log says so; other roles are refused."""
import pytest

from tests.helpers import wait_until
from tests.integration.webhooks.receiver import Receiver

pytestmark = pytest.mark.e2e


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


def test_a_created_customer_reaches_the_subscriber_signed(system, admin, receiver):
    types = {entry["event_type"] for entry in admin.ok("GET", "webhooks/event-types")}
    assert {"customer_created", "deal_won", "user_created"} <= types
    subscription = admin.ok("POST", "webhooks/subscriptions", expect=201, json={
        "url": receiver.url, "event_types": ["customer_created"], "description": "e2e"})
    assert subscription["secret"].startswith("whsec_")
    receiver.secret = subscription["secret"]
    assert "secret" not in admin.ok("GET", f"webhooks/subscriptions/{subscription['id']}")

    created = admin.create_customer()

    def delivered():
        return [r for r in receiver.requests if r["body"]["data"].get("id") == created["id"]]
    (request,) = wait_until(delivered, timeout=30, message="customer_created delivered")
    assert request["verified"] and request["status"] == 204
    assert request["body"]["type"] == "customer_created"
    assert request["body"]["data"]["name"] == created["name"]

    log = admin.ok("GET", f"webhooks/subscriptions/{subscription['id']}/deliveries")
    entry = next(item for item in log["items"] if item["event_id"] == request["id"])
    wait_until(lambda: admin.ok("GET", f"webhooks/subscriptions/{subscription['id']}/deliveries")
               ["items"][0]["status"] == "succeeded", message="the log says succeeded")
    assert entry["event_type"] == "customer_created"


def test_webhooks_are_admin_only(system, admin, region):
    name, team = region
    rep = admin.create_user(role="manager", region=name, team_id=team["id"])
    assert rep.get("webhooks/subscriptions").status_code == 403
    bad = admin.post("webhooks/subscriptions", json={"url": "ftp://example.com/x",
                                                    "event_types": ["no_such_event"]})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) >= {"url", "event_types"}
