"""Replay: a past range of a producer's event log is delivered again as new deliveries marked as
replays, with the original webhook-id; by sequence range and by time range."""
from datetime import timedelta

import pytest

from services.chassis.errors import Invalid
from services.chassis.models import utcnow
from services.webhooks.handlers import replay, sender
from tests.integration.webhooks.conftest import db_of
from tests.integration.webhooks.support import (deliveries, publish, rpc, subscribe,
                                                wait_recorded)


def customer(number):
    return {"id": f"c-{number}", "name": f"Customer {number}"}


def run_replays(system, db, clock):
    def fetch(source, after, limit):
        return rpc(system[source], "events_since", after, limit)
    return replay.run_replays(db, fetch, now=clock)


@pytest.mark.dialect_sensitive("INSERT .. ON CONFLICT DO NOTHING of replayed deliveries")
def test_a_sequence_range_is_redelivered_with_the_same_ids(system, receiver, clock):
    subscription = subscribe(system, receiver, ["customer_created"])
    sequences = [publish(system, "customers", "customer_created", customer(n)) for n in range(5)]
    db = db_of(system["webhooks"])
    wait_recorded(db, subscription["id"], 5)
    assert sender.send_due(db, now=clock) == (5, 0)
    originals = {row.sequence: row.event_id for row in deliveries(db, subscription["id"])}

    jobs = rpc(system["webhooks"], "replay_events", subscription["id"],
               {"source": "customers", "from_sequence": sequences[1], "to_sequence": sequences[3]})
    assert [job["status"] for job in jobs] == ["queued"]
    assert run_replays(system, db, clock) == 3
    assert run_replays(system, db, clock) == 0                  # done: nothing queued twice
    assert sender.send_due(db, now=clock) == (3, 0)

    replayed = [row for row in deliveries(db, subscription["id"]) if row.replay_id]
    assert [row.sequence for row in replayed] == sequences[1:4]
    assert {row.replay_id for row in replayed} == {jobs[0]["id"]}
    assert [row.event_id for row in replayed] == [originals[s] for s in sequences[1:4]]
    received = receiver.succeeded_ids()          # sent concurrently: in no particular order
    assert sorted(received[:5]) == sorted(originals.values())
    assert sorted(received[5:]) == sorted(originals[s] for s in sequences[1:4])
    bodies = {}
    for request in receiver.requests:                           # the same body each time
        assert bodies.setdefault(request["id"], request["body"]) == request["body"]
    log = rpc(system["webhooks"], "list_deliveries", subscription["id"], {"replayed": True})
    assert len(log["items"]) == 3 and all(d["replay_id"] == jobs[0]["id"] for d in log["items"])
    (job,) = rpc(system["webhooks"], "list_replays", subscription["id"])
    assert job["status"] == "done" and job["deliveries"] == 3


def test_a_time_range_reads_every_producer_of_the_subscription(system, receiver, clock):
    # events from before the subscription existed: only a replay brings them
    publish(system, "customers", "customer_created", customer(0))
    publish(system, "sales", "deal_won", {"id": "d-0"})
    publish(system, "identity", "user_created", {"id": "u-0"})          # not subscribed
    subscription = subscribe(system, receiver, ["customer_created", "deal_won"])
    db = db_of(system["webhooks"])

    jobs = rpc(system["webhooks"], "replay_events", subscription["id"],
               {"since": (utcnow() - timedelta(hours=1)).isoformat()})
    assert sorted(job["source"] for job in jobs) == ["customers", "sales"]
    assert run_replays(system, db, clock) == 2
    assert sender.send_due(db, now=clock) == (2, 0)
    assert sorted(r["body"]["type"] for r in receiver.requests) == ["customer_created", "deal_won"]

    empty = rpc(system["webhooks"], "replay_events", subscription["id"],
                {"since": (utcnow() + timedelta(hours=1)).isoformat()})
    assert len(empty) == 2 and run_replays(system, db, clock) == 0


@pytest.mark.parametrize("body, field", [
    ({"from_sequence": 1}, "source"),
    ({}, "since"),
    ({"source": "customers", "from_sequence": 5, "to_sequence": 2}, "to_sequence"),
    ({"source": "billing", "from_sequence": 1}, "source"),
])
def test_a_replay_range_is_checked(system, receiver, body, field):
    subscription = subscribe(system, receiver, ["customer_created"])
    with pytest.raises(Invalid) as caught:
        rpc(system["webhooks"], "replay_events", subscription["id"], body)
    assert field in caught.value.details
