"""The catch-up applies a page of events per transaction: still once per event_id, and a failing
event neither blocks nor double-applies the others (the page is retried event by event)."""
import pytest

from services.chassis import inbox
from tests.unit.chassis.test_inbox import SUBSCRIPTIONS, Base, event, seen
from tests.unit.chassis.fakes import make_db


@pytest.fixture
def db(memory_engine):
    return make_db(memory_engine, Base.metadata)


class CountingDb:
    """The real database access, counting units of work (= transactions)."""

    def __init__(self, db):
        self.db, self.transactions = db, 0

    def unit_of_work(self, **kwargs):
        self.transactions += 1
        return self.db.unit_of_work(**kwargs)

    def read_only(self):
        return self.db.read_only()


def fetcher(log):
    def fetch(position, limit):
        return [e for e in log if e["sequence"] > position][:limit]
    return fetch


def test_a_batch_skips_events_already_applied_and_repeats_within_it(db):
    inbox.consume(db, SUBSCRIPTIONS, event(2))
    outcomes = inbox.consume_all(db, SUBSCRIPTIONS, [
        event(1), event(2), event(3), event(1), event(4, event_type="other")])
    assert outcomes == [inbox.PROCESSED, inbox.DUPLICATE, inbox.PROCESSED, inbox.DUPLICATE,
                        inbox.IGNORED]
    assert seen(db) == ["t1", "t2", "t3"]          # a second t1 would have failed the batch
    assert inbox.consume_all(db, SUBSCRIPTIONS, [event(1), event(3)]) == [inbox.DUPLICATE] * 2


def test_a_failing_event_rolls_back_its_whole_batch(db):
    with pytest.raises(ValueError):
        inbox.consume_all(db, SUBSCRIPTIONS, [event(1), event(2, fail=True), event(3)])
    assert seen(db) == []
    assert inbox.consume_all(db, SUBSCRIPTIONS, [event(1), event(3)]) == [inbox.PROCESSED] * 2


def test_catch_up_commits_a_page_per_transaction(db):
    counting = CountingDb(db)
    log = [event(n) for n in range(1, 8)]
    inbox.consume(db, SUBSCRIPTIONS, log[3])                 # the live path got one already
    applied, position = inbox.catch_up(counting, SUBSCRIPTIONS, fetcher(log), "producer",
                                       page_size=5)
    assert (applied, position) == (6, 7)
    assert seen(db) == [f"t{n}" for n in range(1, 8)]
    assert counting.transactions == 2 * 2                   # per page: its events + the position


def test_a_failing_event_in_a_page_neither_blocks_nor_double_applies_the_others(db):
    counting = CountingDb(db)
    log = [event(1), event(2), event(3, fail=True), event(4), event(5)]
    inbox.consume(db, SUBSCRIPTIONS, log[0])
    with pytest.raises(ValueError):
        inbox.catch_up(counting, SUBSCRIPTIONS, fetcher(log), "producer", page_size=10)
    assert seen(db) == ["t1", "t2"]                           # t1 once: the batch rolled back
    assert inbox.positions(db) == {"producer": 2}             # stops right before the failure

    log[2] = event(3)                                         # the producer's data is fixed
    applied, position = inbox.catch_up(db, SUBSCRIPTIONS, fetcher(log), "producer", page_size=10)
    assert (applied, position) == (3, 5)
    assert seen(db) == ["t1", "t2", "t3", "t4", "t5"]
