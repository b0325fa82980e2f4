"""The catch-up does not race the live path (issue 15, FINDINGS.md 2026-12-05): while the live
path delivers a source, a round reads its log only up to where the live path got — a missed
event below that is applied, the backlog above it is left to the queue — and a missed event
above it is still applied within a bounded number of rounds."""
import pytest

from services.chassis import inbox
from services.chassis.inbox import LiveProgress
from services.chassis.service import ChassisService
from tests.unit.chassis.test_inbox import SUBSCRIPTIONS, Base, event, seen
from tests.unit.chassis.test_inbox_batches import fetcher
from tests.unit.chassis.fakes import make_db


@pytest.fixture
def db(memory_engine):
    return make_db(memory_engine, Base.metadata)


class LogRpc:
    """`self.services` of a consumer: the producer's `events_since`, counting the events read."""

    def __init__(self, log):
        self.log, self.read = log, 0

    def call(self, source, method, position, limit, **kwargs):
        assert (source, method) == ("producer", "events_since")
        page = fetcher(self.log)(position, limit)
        self.read += len(page)
        return page


class NoMetrics:
    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class Consumer(ChassisService):
    name = "consumer"
    subscriptions = SUBSCRIPTIONS


def consumer(db, log, max_deferred_rounds=3):
    service = Consumer()
    service.db, service.services, service.metrics = db, LogRpc(log), NoMetrics()
    service.live_progress = LiveProgress(max_deferred_rounds)
    return service


def test_the_horizon_is_where_the_live_path_got_and_only_while_it_delivers():
    progress = LiveProgress(max_deferred_rounds=2)
    assert progress.horizon("producer") is None                   # quiet: to the log's end
    progress.delivered([event(3), event(1)])
    assert progress.horizon("producer") == 3
    assert progress.horizon("producer") is None                   # nothing since: to the end
    for _ in range(2):
        progress.delivered([event(4)])
        assert progress.horizon("producer") == 4
    progress.delivered([event(5)])
    assert progress.horizon("producer") is None                   # the bound: a full round
    progress.delivered([event(6)])
    assert progress.horizon("producer") == 6                      # and it starts over


def test_catch_up_until_applies_the_missed_event_below_it_and_nothing_above(db):
    log = [event(n) for n in range(1, 11)]
    for n in (1, 3, 4):                                           # 2 was dropped by the broker
        inbox.consume(db, SUBSCRIPTIONS, log[n - 1])
    applied, position = inbox.catch_up(db, SUBSCRIPTIONS, fetcher(log), "producer",
                                       page_size=3, until=4)
    assert (applied, position) == (1, 4)
    assert seen(db) == ["t1", "t2", "t3", "t4"]
    assert inbox.positions(db) == {"producer": 4}
    reads = []
    inbox.catch_up(db, SUBSCRIPTIONS, lambda *a: reads.append(a) or [], "producer", until=4)
    assert reads == []                                             # at the horizon: no read


@pytest.mark.parametrize("horizon, duplicates, read", [(True, 0, 5), (False, 49, 54)])
def test_a_draining_backlog_is_not_replayed_so_its_live_deliveries_are_not_duplicates(
        db, horizon, duplicates, read):
    """The live queue holds 1..60 and delivers 10 per catch-up round; 7 never reached it.
    Without the horizon (every round to the log's end, as before) the first round applies the
    queue's whole backlog and each later live delivery of it is a duplicate, paid twice."""
    log = [event(n) for n in range(1, 61)]
    queue = [envelope for envelope in log if envelope["sequence"] != 7]
    service = consumer(db, log, max_deferred_rounds=100)
    if not horizon:
        service.live_progress = None
    outcomes = []
    for start in range(0, len(queue), 10):
        outcomes += service.on_producer_events(queue[start:start + 10])
        service.catch_up_events()
    assert outcomes.count(inbox.DUPLICATE) == duplicates
    assert outcomes.count(inbox.PROCESSED) == 59 - duplicates
    assert seen(db) == sorted(f"t{n}" for n in range(1, 61))     # 7 too, by the catch-up
    # the live batches move the stored position over what continues it: the catch-up reads
    # only from the gap (7..11) — or, without the horizon, from there to the log's end
    assert service.services.read == read


def test_a_missed_event_above_the_horizon_is_applied_within_the_bound(db):
    """The live path keeps delivering events below the missed one (a backlog that never ends
    in time): the missed event waits at most max_deferred_rounds rounds."""
    log = [event(n) for n in range(1, 31)]
    service = consumer(db, log, max_deferred_rounds=3)
    rounds = 0
    while "t30" not in seen(db):
        service.on_producer_events([log[rounds]])                 # 1, 2, 3, ...; 30 was dropped
        service.catch_up_events()
        rounds += 1
        assert rounds <= 4, "the missed event is still not applied"
    assert rounds == 4


def test_a_missed_event_is_applied_the_first_round_the_live_path_is_quiet(db):
    log = [event(n) for n in range(1, 6)]
    service = consumer(db, log)
    service.on_producer_events(log[:4])                           # 5 was published before the
    service.catch_up_events()                                     # queue existed
    assert "t5" not in seen(db)
    service.catch_up_events()
    assert seen(db) == [f"t{n}" for n in range(1, 6)]


def test_a_standby_replica_does_not_race_the_active_ones_backlog(db):
    """Two replicas on one database: a batched queue's single active consumer is A, so B's live
    path delivers nothing — B's catch-up sees the stored position move between its rounds and
    stops there too; once both are quiet, a missed event is still applied. (A replica's very
    first round has no earlier position to compare with: it reads to the end, as before.)"""
    log = []
    active, standby = consumer(db, log, 100), consumer(db, log, 100)
    standby.catch_up_events()                                    # both started before the burst
    active.catch_up_events()
    log += [event(n) for n in range(1, 61)]                       # an import: 60 at once
    queue = [envelope for envelope in log if envelope["sequence"] not in (7, 60)]
    outcomes = []
    for start in range(0, len(queue), 10):
        outcomes += active.on_producer_events(queue[start:start + 10])
        standby.catch_up_events()
        active.catch_up_events()
    assert outcomes.count(inbox.DUPLICATE) == 0                  # B read to the end: 48
    assert "t7" in seen(db) and "t60" not in seen(db)            # 60 is above every horizon
    for _ in range(2):                                            # quiet: to the log's end
        standby.catch_up_events()
        active.catch_up_events()
    assert seen(db) == sorted(f"t{n}" for n in range(1, 61))


def test_a_live_batch_moves_the_position_over_what_continues_it_and_stops_at_a_gap(db):
    service = consumer(db, [])
    assert service.on_producer_events([event(2), event(1), event(4), event(1)]) == [
        inbox.PROCESSED, inbox.PROCESSED, inbox.PROCESSED, inbox.DUPLICATE]
    assert inbox.positions(db) == {"producer": 2}                 # 3 is missing
    assert service.on_producer_events([event(4), event(3)]) == [inbox.DUPLICATE, inbox.PROCESSED]
    assert inbox.positions(db) == {"producer": 4}
    assert seen(db) == ["t1", "t2", "t3", "t4"]
