"""The relay publishes a batch of events with one confirm wait, then marks them sent with one
UPDATE and one commit."""
import json
import time
import uuid
from types import SimpleNamespace

import eventlet
import eventlet.event
import pytest
from marshmallow import Schema, fields
from sqlalchemy import event, func, select
from sqlalchemy.orm import sessionmaker

from services.chassis.db import DatabaseAccess, Emitted, create_schema, make_engine
from services.chassis.models import OutboxEvent, utcnow
from services.chassis.confirms import Unconfirmed
from services.chassis.outbox import Relay

pytestmark = pytest.mark.dialect_sensitive("one UPDATE marking a batch of outbox rows sent")

N = 5


@pytest.fixture
def outbox(database_url, rabbit_config):
    """(relay, commit counter, the batches published, session factory) over N unsent events on a
    real broker."""
    engine = make_engine(database_url)
    create_schema(engine)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as session:
        for sequence in range(1, N + 1):
            session.add(OutboxEvent(sequence=sequence, event_id=str(uuid.uuid4()),
                                    event_type="note_written", occurred_at=utcnow(), actor="t",
                                    payload=json.dumps({"n": sequence})))
        session.commit()
    relay = Relay(f"batch_{uuid.uuid4().hex[:8]}", factory,
                  {"AMQP_URI": rabbit_config["AMQP_URI"], "AUTO_DELETE_EVENT_EXCHANGES": True})
    commits, published = [], []
    event.listen(engine, "commit", lambda connection: commits.append(1))
    real_publish = relay.publisher.publish

    def counting(messages, timeout):
        published.append([headers["sequence"] for _key, _body, _id, headers in messages])
        return real_publish(messages, timeout)
    relay.publisher.publish = counting
    yield relay, commits, published, factory
    engine.dispose()


def written(factory, *sequences):
    """The outbox rows of `sequences` as a unit of work hands them to the relay (db.Emitted)."""
    with factory() as session:
        rows = session.scalars(select(OutboxEvent).where(OutboxEvent.sequence.in_(sequences))
                               .order_by(OutboxEvent.sequence)).all()
    return [Emitted(row.sequence, row.event_id, row.event_type, row.version, row.occurred_at,
                    row.actor, row.payload) for row in rows]


def unsent(factory):
    with factory() as session:
        return list(session.scalars(select(OutboxEvent.sequence)
                                    .where(OutboxEvent.sent_at.is_(None)).order_by(OutboxEvent.sequence)))


def test_a_batch_of_events_costs_one_confirm_wait_and_one_commit(outbox):
    relay, commits, published, factory = outbox
    relay.publish_committed(written(factory, *range(1, N + 1)))
    assert published == [list(range(1, N + 1))]         # one publish call: one wait for confirms
    assert len(commits) == 1
    assert unsent(factory) == []


def test_what_the_broker_did_not_confirm_is_left_for_the_sweep(outbox):
    relay, commits, published, factory = outbox
    counting = relay.publisher.publish

    def two_confirmed(messages, timeout):
        published.append("failed")
        raise Unconfirmed([0, 1], ConnectionError("broker went away"))
    relay.publisher.publish = two_confirmed
    relay.publish_committed(written(factory, *range(1, N + 1)))           # logs, does not raise
    assert unsent(factory) == [3, 4, 5] and len(commits) == 1  # the two confirmed are marked

    relay.publisher.publish = counting
    commits.clear()
    assert relay.sweep(min_age_seconds=0) == 3
    assert published[-1] == [3, 4, 5] and len(commits) == 1
    assert unsent(factory) == [] and relay.backlog()[0] == 0
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == N


def test_a_relay_closes_its_connections(outbox):
    relay, commits, published, factory = outbox
    relay.publish_committed(written(factory, 1))
    connection = relay.publisher._idle[0].connection
    relay.close()
    assert relay.publisher._idle == [] and not connection.connected


def test_writes_committing_during_a_publish_are_published_together_after_it(outbox):
    """The relay's group commit: while one write's events wait for their confirms, the writes
    that commit meanwhile queue, and the next publish takes all of them — one read, one confirm
    wait, one commit marking them sent — each caller returning once its events were tried."""
    relay, commits, published, factory = outbox
    counting, entered, release = relay.publisher.publish, eventlet.event.Event(), eventlet.event.Event()

    def first_one_held(messages, timeout):
        if not entered.ready():
            entered.send()
            release.wait()
        return counting(messages, timeout)
    relay.publisher.publish = first_one_held
    first = eventlet.spawn(relay.publish_committed, written(factory, 1))
    entered.wait()
    later = [eventlet.spawn(relay.publish_committed, written(factory, *sequences))
             for sequences in ([4], [2, 3])]      # queued out of sequence order: published in it
    wait_until(lambda: len(relay._queue) == 2)
    release.send()
    for caller in (first, *later):
        caller.wait()
    assert published == [[1], [2, 3, 4]] and len(commits) == 2
    assert unsent(factory) == [5]


def test_with_a_linger_the_writes_of_that_time_go_in_one_publish_and_no_writer_waits(outbox):
    """OUTBOX_PUBLISH_LINGER_SECONDS: each writer hands its events over and returns; the relay's
    green thread publishes them all together once the linger has passed — one confirm wait,
    one commit marking them sent — in sequence order."""
    relay, commits, published, factory = outbox
    relay.linger = 0.3
    for sequences in ([1], [3, 4], [2]):
        relay.publish_committed(written(factory, *sequences))
    assert published == [] and unsent(factory) == [1, 2, 3, 4, 5]        # nobody waited
    wait_until(lambda: unsent(factory) == [5])
    assert published == [[1, 2, 3, 4]] and len(commits) == 1
    relay.publish_committed(written(factory, 5))                          # a later round
    wait_until(lambda: unsent(factory) == [])
    assert published == [[1, 2, 3, 4], [5]]


def test_a_writer_that_waits_publishes_at_once_with_what_lingers(outbox):
    """An import's batch (wait_for_publish): published before the call returns, together with
    the events queued before it, in order; the linger's round then finds nothing."""
    relay, commits, published, factory = outbox
    relay.linger = 0.3
    relay.publish_committed(written(factory, 2))
    relay.publish_committed(written(factory, 1), wait=True)
    assert published == [[1, 2]] and unsent(factory) == [3, 4, 5]
    eventlet.sleep(0.4)                 # the linger's round has run: nothing was left for it
    assert published == [[1, 2]]


def test_a_writer_yields_once_and_a_closing_relay_publishes_what_lingers(outbox):
    """Handing over events yields to the process's other green threads, as the wait for the
    confirms did (a loop of units on SQLite must not hold its process); a relay closed while
    events linger publishes them then, not at the next start's sweep."""
    relay, commits, published, factory = outbox
    relay.linger = 60
    others = []
    eventlet.spawn(others.append, "ran")
    relay.publish_committed(written(factory, 1, 2))
    assert others == ["ran"] and published == []
    relay.close()
    assert published == [[1, 2]] and unsent(factory) == [3, 4, 5]


def test_an_error_in_the_lingering_publish_is_logged_and_left_to_the_sweep(outbox, monkeypatch):
    """The relay's green thread is a managed thread of the service's container, which an
    escaping error would kill: the error is logged and the events wait for the sweep."""
    relay, commits, published, factory = outbox
    relay.linger = 0.01

    def broken(rows):
        raise RuntimeError("a bug")
    monkeypatch.setattr(relay, "_publish_group", broken)
    relay.publish_committed(written(factory, 1))
    relay._lingering.wait()                  # returns: nothing escaped the thread
    assert unsent(factory) == [1, 2, 3, 4, 5]
    monkeypatch.undo()
    assert relay.sweep(min_age_seconds=0) == N and unsent(factory) == []


def wait_until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        eventlet.sleep(0.001)


class Note(Schema):
    text = fields.String(required=True)
    at = fields.AwareDateTime(required=True)


def test_a_unit_of_work_hands_the_relay_its_rows_which_publishes_them_as_the_log_serves_them(
        database_url, rabbit_config):
    """After the commit the relay publishes the rows the unit of work wrote without reading
    them back (no SELECT of the outbox): the messages are exactly the envelopes `events_since`
    serves the same events as (the replay), occurred_at included, and the rows are marked sent."""
    engine = make_engine(database_url)
    create_schema(engine)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    relay = Relay(f"handed_{uuid.uuid4().hex[:8]}", factory,
                  {"AMQP_URI": rabbit_config["AMQP_URI"], "AUTO_DELETE_EVENT_EXCHANGES": True})
    provider = SimpleNamespace(engine=engine, source=relay.source, sessionmaker=factory,
                               relay=relay, event_schemas={"note_written": Note()})
    db = DatabaseAccess(provider, worker_ctx=None)
    bodies, real_publish = [], relay.publisher.publish

    def capturing(messages, timeout):
        bodies.extend(json.loads(body) for _key, body, _id, _headers in messages)
        return real_publish(messages, timeout)
    relay.publisher.publish = capturing
    statements = []
    event.listen(engine, "before_cursor_execute",
                 lambda _conn, _cursor, sql, *_rest: statements.append(sql))
    try:
        with db.unit_of_work(actor="u1") as uow:
            uow.emit("note_written", {"text": "上海 🚀", "at": utcnow()})
            uow.emit("note_written", {"text": "b", "at": utcnow()})
        reads = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")
                 and "outbox" in sql.lower()]
        assert reads == []
        assert [body["sequence"] for body in bodies] == [1, 2]
        assert bodies == relay.events_since(0, 10)
        assert bodies[0]["actor"] == "u1" and bodies[0]["payload"]["text"] == "上海 🚀"
        assert relay.backlog()[0] == 0                       # marked sent
    finally:
        relay.close()
        engine.dispose()


def test_a_run_of_a_packed_type_goes_as_one_message_and_is_marked_sent_whole(outbox):
    """outbox.messages: the N events of one type as one pack on the wire; confirmed, all N are
    marked sent; unconfirmed, none of them (the sweep sends the pack again)."""
    relay, commits, published, factory = outbox
    relay.packed_events = frozenset({"note_written"})
    counting = relay.publisher.publish
    sent = []

    def pack_refused(messages, timeout):
        sent.append([len(body) if isinstance(body := json.loads(text), list) else 1
                     for _key, text, _id, _h in messages])
        raise Unconfirmed([], ConnectionError("broker went away"))
    relay.publisher.publish = pack_refused
    relay.publish_committed(written(factory, *range(1, N + 1)))
    assert sent == [[N]] and unsent(factory) == list(range(1, N + 1))

    relay.publisher.publish = counting
    assert relay.sweep(min_age_seconds=0) == N
    assert published == [[1]]              # one message: the pack's first sequence in its headers
    assert unsent(factory) == []
