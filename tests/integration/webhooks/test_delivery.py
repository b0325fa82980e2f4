"""Every event delivered, signed, exactly once successfully — through failures, on the backoff
schedule (fixed clock), with auto-disable after repeated failure and re-enabling."""
import logging
import random
from datetime import date, timedelta

import pytest

from services.webhooks.handlers import backoff, sender
from services.webhooks.models import FAILED, PENDING, SUCCEEDED
from tests.integration.webhooks.conftest import db_of
from tests.integration.webhooks.support import (deliveries, publish, rpc, subscribe,
                                                wait_recorded)


def customer(number):
    return {"id": f"c-{number}", "name": f"Customer {number}", "kind": "company"}


def send_until_done(db, clock, rounds=20):
    """Rounds of the sender, the clock moved past the longest backoff each time."""
    for _ in range(rounds):
        sender.send_due(db, now=clock)
        if not deliveries_pending(db):
            return clock
        clock += timedelta(hours=2)
    raise AssertionError("deliveries still pending")


def deliveries_pending(db):
    from sqlalchemy import func, select

    from services.webhooks.models import Delivery
    with db.read_only() as session:
        return session.scalar(select(func.count()).select_from(Delivery)
                              .where(Delivery.status == PENDING))


@pytest.mark.dialect_sensitive("claims (conditional UPDATEs) and RETURNING counters")
def test_every_event_is_delivered_once_successfully_through_failures(system, receiver, clock):
    receiver.fail_first = 4
    subscription = subscribe(system, receiver, ["customer_created", "deal_won"])
    published = [publish(system, "customers", "customer_created", customer(n)) for n in range(5)]
    publish(system, "customers", "customer_updated", customer(0))       # not subscribed
    publish(system, "sales", "deal_won", {"id": "d-1", "amount": "10.00", "currency": "EUR"})
    db = db_of(system["webhooks"])
    wait_recorded(db, subscription["id"], 6)

    send_until_done(db, clock)

    rows = deliveries(db, subscription["id"])
    assert len(published) == 5 and len(rows) == 6
    assert {row.status for row in rows} == {SUCCEEDED}
    assert sorted(receiver.succeeded_ids()) == sorted(row.event_id for row in rows)   # once each
    assert all(request["verified"] for request in receiver.requests)
    assert len(receiver.requests) == 6 + 4                  # the four failures were retried
    assert sum(row.attempts for row in rows) == 10
    types = {r["body"]["type"] for r in receiver.requests}
    assert types == {"customer_created", "deal_won"}
    first = next(r["body"] for r in receiver.requests if r["status"] == 204
                 and r["body"]["type"] == "customer_created")
    assert first["data"]["name"].startswith("Customer ") and first["source"] == "customers"
    page = rpc(system["webhooks"], "list_deliveries", subscription["id"], {"limit": 4})
    assert len(page["items"]) == 4 and page["next_cursor"]
    rest = rpc(system["webhooks"], "list_deliveries", subscription["id"],
               {"limit": 4, "cursor": page["next_cursor"]})
    assert {d["id"] for d in page["items"] + rest["items"]} == {row.id for row in rows}
    retried = next(d for d in page["items"] + rest["items"] if d["attempts"] > 1)
    attempts = rpc(system["webhooks"], "list_delivery_attempts", retried["id"])
    assert [a["succeeded"] for a in attempts][-1] is True
    assert attempts[0]["status_code"] == 500 and attempts[0]["error"] == "HTTP 500"


def test_retries_follow_the_backoff_schedule(system, receiver, clock, monkeypatch):
    monkeypatch.setenv("WEBHOOKS_RETRY_BASE_SECONDS", "10")
    monkeypatch.setenv("WEBHOOKS_MAX_ATTEMPTS", "4")
    receiver.fail_always = True
    subscription = subscribe(system, receiver, ["customer_created"])
    publish(system, "customers", "customer_created", customer(1))
    db = db_of(system["webhooks"])
    wait_recorded(db, subscription["id"], 1)
    expected = random.Random(42)
    rng = random.Random(42)
    now = clock
    for attempt in range(1, 5):
        assert sender.send_due(db, now=now, rng=rng) == (0, 1)
        (row,) = deliveries(db, subscription["id"])
        assert row.attempts == attempt
        if attempt == 4:
            assert row.status == FAILED and row.next_attempt_at is None   # given up
            break
        delay = backoff.delay_seconds(attempt, expected)
        full = 10 * 2 ** (attempt - 1)
        assert full / 2 <= delay <= full
        assert row.next_attempt_at == now + timedelta(seconds=delay)
        # not before it is due
        assert sender.send_due(db, now=row.next_attempt_at - timedelta(seconds=1)) == (0, 0)
        now = row.next_attempt_at
    assert len(receiver.requests) == 4


def test_repeated_failure_disables_the_subscription_with_a_notice(system, receiver, clock,
                                                                  monkeypatch, caplog):
    monkeypatch.setenv("WEBHOOKS_DISABLE_AFTER_FAILURES", "3")
    receiver.fail_always = True
    subscription = subscribe(system, receiver, ["customer_created"])
    for n in range(3):
        publish(system, "customers", "customer_created", customer(n))
    db = db_of(system["webhooks"])
    wait_recorded(db, subscription["id"], 3)

    with caplog.at_level(logging.WARNING, logger="services.webhooks"):
        assert sender.send_due(db, now=clock) == (0, 3)
    state = rpc(system["webhooks"], "get_subscription", subscription["id"])
    assert state["active"] is False and "3 consecutive failed deliveries" in state["disabled_reason"]
    assert any("disabled" in record.getMessage() for record in caplog.records)
    notices = [e for e in rpc(system["webhooks"], "events_since", 0)
               if e["event_type"] == "webhook_subscription_disabled"]
    assert len(notices) == 1 and notices[0]["payload"]["id"] == subscription["id"]
    assert notices[0]["payload"]["automatic"] is True
    # disabled: nothing is sent, nothing is dropped
    assert sender.send_due(db, now=clock + timedelta(days=1)) == (0, 0)
    assert {row.status for row in deliveries(db, subscription["id"])} == {PENDING}

    receiver.fail_always = False
    enabled = rpc(system["webhooks"], "enable_subscription", subscription["id"])
    assert enabled["active"] is True and enabled["consecutive_failures"] == 0
    assert sender.send_due(db, now=clock + timedelta(days=1)) == (3, 0)
    assert {row.status for row in deliveries(db, subscription["id"])} == {SUCCEEDED}


def test_a_subscription_does_not_receive_what_happened_before_it(system, receiver, clock):
    publish(system, "customers", "customer_created", customer(0))
    subscription = subscribe(system, receiver, ["customer_created"])
    publish(system, "customers", "customer_created", customer(1))
    db = db_of(system["webhooks"])
    wait_recorded(db, subscription["id"], 1)
    rpc(system["webhooks"], "catch_up_events")          # the old one is not recorded late either
    assert [row.sequence for row in deliveries(db, subscription["id"])] == [2]


def test_an_event_of_a_later_producer_reaches_its_subscriber(system, receiver, clock):
    """Every producer is offered (catalog.PRODUCERS), not only identity, customers and sales:
    reporting's churn-risk crossing, as an outside system's retention workflow would take it."""
    subscription = subscribe(system, receiver, ["customer_at_risk"])
    at_risk = {"customer_id": "c-9", "owner_id": None, "score": 81, "threshold": 70,
               "as_of": date(2026, 3, 1), "factors": []}
    publish(system, "reporting", "customer_at_risk", at_risk)
    publish(system, "customers", "customer_created", customer(9))       # not subscribed
    db = db_of(system["webhooks"])
    wait_recorded(db, subscription["id"], 1)

    send_until_done(db, clock)

    (request,) = receiver.requests
    assert request["verified"] and request["body"]["source"] == "reporting"
    assert request["body"]["type"] == "customer_at_risk"
    assert request["body"]["data"] == {**at_risk, "as_of": "2026-03-01"}
