"""Pages of events applied in one transaction (the catch-up) give exactly the rollups that one
event per transaction gives, and both equal a reference computed from the producer's state —
over a random mix delivered out of order and more than once."""
import random
from datetime import timedelta

import pytest

from services.reporting.models import Freshness, ProjectionPosition
from services.reporting import consumer, freshness, inbox
from services.reporting.rollups import as_key, bucket
from tests.unit.reporting.support import T0, apply, state

REGIONS, STAGES, REPS = ("EU", "US", None), ("lead", "prospect", "customer"), ("u1", "u2", "u3")


def random_history(customers, rng, count=150):
    ids = []
    while len(customers.events) < count:
        roll = rng.random()
        if roll < 0.3 or len(ids) < 3:
            ids.append(f"c{len(ids)}")
            customers.create(ids[-1], created_at=T0 + timedelta(minutes=20 * len(ids)),
                             owner_id=rng.choice(REPS), region=rng.choice(REGIONS))
        elif roll < 0.5:
            customers.assign(rng.choice(ids), rng.choice(REPS + (None,)))
        elif roll < 0.7:
            customers.update(rng.choice(ids), lifecycle_stage=rng.choice(STAGES),
                             value_class=rng.choice("AB"))
        elif roll < 0.95:
            customers.interaction(rng.choice(REPS), kind=rng.choice(("call", "email")),
                                  occurred_at=T0 + timedelta(minutes=rng.randrange(600)),
                                  owner_id=rng.choice(REPS + (None,)))
        elif len(ids) > 2:
            customers.merge(*rng.sample([i for i in ids if i not in customers.merged], 2))
    return list(customers.events)


def reference(customers):
    """The three rollups as the producer's final state says they must be."""
    composition, created, activity = {}, {}, {}
    for record in customers.records.values():
        if record["id"] in customers.merged:
            continue
        dims = tuple(as_key(record[name]) for name in
                     ("owner_id", "lifecycle_stage", "region", "value_class", "industry"))
        composition[dims] = composition.get(dims, 0) + 1
        moment = bucket(T0.fromisoformat(record["created_at"]))
        created[(moment, *dims)] = created.get((moment, *dims), 0) + 1
    for event in customers.events:
        if event["event_type"] == "interaction_logged":
            data = event["payload"]
            key = (bucket(T0.fromisoformat(data["occurred_at"])), data["user_id"],
                   as_key(data["owner_id"]), data["kind"])
            activity[key] = activity.get(key, 0) + 1
    return composition, created, activity


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_batches_out_of_order_and_duplicated_equal_the_reference(customers, fresh_db, seed):
    rng = random.Random(seed)
    history = random_history(customers, rng)
    expected = reference(customers)

    one_by_one = fresh_db()
    apply(one_by_one, *history)
    assert state(one_by_one) == expected

    batched = fresh_db()
    deliveries = history + rng.sample(history, len(history) // 3)      # a third twice
    rng.shuffle(deliveries)
    outcomes = []
    for start in range(0, len(deliveries), 40):
        outcomes += inbox.consume_all(batched, deliveries[start:start + 40])
    assert outcomes.count(inbox.PROCESSED) == len(history)
    assert state(batched) == expected

    # The live path took some at random, then the catch-up pages through the whole log.
    caught_up = fresh_db()
    apply(caught_up, *rng.sample(history, len(history) // 2))
    consumer.catch_up(caught_up, customers.fetch, "customers", page_size=25)
    assert state(caught_up) == expected


@pytest.mark.parametrize("broken_type", ["interaction_logged", "customer_updated"])
def test_a_failing_event_stops_its_projection_only_and_the_others_count_once(
        customers, fresh_db, broken_type):
    history = random_history(customers, random.Random(4), count=60)
    broken = next(event for event in history[20:] if event["event_type"] == broken_type)
    failing = "interactions" if broken_type == "interaction_logged" else "customers"
    other = {"interactions": "customers", "customers": "interactions"}[failing]
    # churn risk's contacts read interactions too: a broken one stops it as well
    stopped = {failing} | ({"churn_contacts"} if broken_type == "interaction_logged" else set())
    before, expected = broken["sequence"] - 1, reference(customers)
    saved = broken["payload"]
    broken["payload"] = {key: value for key, value in saved.items() if key != "kind"
                         and key != "lifecycle_stage"}
    db = fresh_db()
    apply(db, *history[:10])                                   # some came live already
    with pytest.raises(ValueError):
        consumer.catch_up(db, customers.fetch, "customers", page_size=100)
    assert inbox.projection_positions(db) == {
        (name, "customers"): before if name in stopped else len(history)
        for name in ("customers", "interactions", "churn_contacts")}
    assert inbox.positions(db) == {"customers": before}
    with db.read_only() as session:
        error = session.get(ProjectionPosition, (failing, "customers")).last_error
        assert error.startswith(f"{broken['sequence']}: ValueError")
    prefix = fresh_db()
    apply(prefix, *history[:before])
    # the failing projection stopped right before the event; the other one went on to the end
    parts = {"customers": (0, 1), "interactions": (2,)}
    assert [state(db)[i] for i in parts[failing]] == [state(prefix)[i] for i in parts[failing]]
    assert [state(db)[i] for i in parts[other]] == [expected[i] for i in parts[other]]

    broken["payload"] = saved
    consumer.catch_up(db, customers.fetch, "customers", page_size=100)
    assert state(db) == expected
    assert inbox.positions(db) == {"customers": len(history)}


def test_a_batch_records_freshness_of_its_last_event_and_observes_each(db, customers):
    from prometheus_client import REGISTRY
    sample = ("crm_report_freshness_seconds_count", {"source": "customers"})
    before = REGISTRY.get_sample_value(*sample) or 0
    first, second = customers.create("c1"), customers.create("c2")
    assert inbox.consume_all(db, [first, second, first]) == [
        inbox.PROCESSED, inbox.PROCESSED, inbox.DUPLICATE]
    assert REGISTRY.get_sample_value(*sample) == before + 2
    with db.read_only() as session:
        row = session.get(Freshness, "customers")
        assert (row.event_id, row.sequence) == (second["event_id"], second["sequence"])
        assert freshness.read(session)["sources"]["customers"]["sequence"] == second["sequence"]
