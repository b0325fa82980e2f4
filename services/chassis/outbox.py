"""Outbox relay and event log.

Events are rows in the service's own database (written by the unit of work). The relay publishes
them to the service's topic exchange `<service>.events` with publisher confirms — the same
exchange and routing key nameko's `@event_handler(<service>, <event_type>)` binds to — a batch
with one wait for the broker's confirms (confirms.py), and marks them sent. A message carries
one event, or — a run of the types the producer packs (`messages`) — a list of them. What a crash or a
broker outage left unsent is swept by a timer. Rows are kept as the event log that
`events_since` serves for replay, so delivery is at-least-once and nothing is lost while a
consumer is away.
"""
import json
import logging

from datetime import datetime, timedelta, timezone

import eventlet
from eventlet.semaphore import Semaphore
from kombu import Exchange
from sqlalchemy import bindparam, delete, func, select, update

from services.chassis import settings
from services.chassis.confirms import BatchPublisher, Unconfirmed
from services.chassis.models import EventSequence, OutboxEvent, utcnow

log = logging.getLogger(__name__)

MAX_PAGE = 1000
# The sweep's batches (up to 500 events) may wait longer for their confirms than the after-commit
# relay, which a caller's reply waits on.
SWEEP_CONFIRM_TIMEOUT = 30.0
# Most events in one message (messages()): a pack of 100 is ~50 KB; a batched consumer holds at
# most queues.MAX_HELD_MESSAGES of them unacknowledged.
PACK_SIZE = 100
_OUTBOX = OutboxEvent.__table__


def _head(row, source):
    return {
        "event_id": row.event_id,
        "event_type": row.event_type,
        "version": row.version,
        "occurred_at": row.occurred_at.astimezone(timezone.utc).isoformat(),
        "source": source,
        "sequence": row.sequence,
        "actor": row.actor,
    }


def envelope(row, source):
    """The event as consumers get it (events_since's replay)."""
    return {**_head(row, source), "payload": json.loads(row.payload)}


def envelope_json(row, source):
    """`envelope` as JSON text, the payload spliced in as the outbox stores it: the unit of work
    wrote it as JSON text (UnitOfWork.emit), so the relay neither parses it nor encodes it
    again (8.6 → 4.7 µs of CPU an event in process: bench/FINDINGS.md, fourteenth session)."""
    return json.dumps(_head(row, source), ensure_ascii=False)[:-1] + ', "payload": ' + row.payload + "}"


def settled_prefix(rows, cutoff):
    """The outbox rows (in sequence order) before the first one that had not settled by
    `cutoff`: published after it (`sent_at`), or — not marked sent yet — written after it.

    Why: a catch-up round that reads a log to its end while the live queue still holds a burst
    the live path has not delivered any of yet (so LiveProgress sees a quiet source) would apply
    the burst ahead of the queue, and every live delivery of it would be paid again as a
    duplicate (bench/FINDINGS.md, 2026-12-05). An event published a catch-up interval ago had
    time to be delivered live: if it is not applied, it was really missed.
    A prefix, not a filter: the consumer's position moves to the last event it is given, so a
    young event left out in the middle would be skipped for ever; it waits for the next round.
    The producer cuts, not the consumer: the cutoff and the rows' times are then read from one
    clock (this producer's hosts, which write both), so clock skew between the consumer's host
    and the producer's cannot make it take a burst early (consumer's clock ahead) or hold back
    missed events indefinitely (behind). `sent_at` rather than `occurred_at`: a write's events
    are published after its commit (an import's batch of 500 rows may take seconds), or by the
    sweep long after a broker outage — their live delivery starts then, not at the write."""
    for index, row in enumerate(rows):
        if (row.sent_at or row.occurred_at) > cutoff:
            return rows[:index]
    return rows


class _Waiting:
    """A committed unit's events, until some caller's publish has tried them."""

    def __init__(self, rows):
        self.rows, self.done = rows, False


# The columns `envelope` reads, for the sweep (the after-commit relay is handed the rows).
_PUBLISHED_COLUMNS = (_OUTBOX.c.sequence, _OUTBOX.c.event_id, _OUTBOX.c.event_type,
                      _OUTBOX.c.version, _OUTBOX.c.occurred_at, _OUTBOX.c.actor, _OUTBOX.c.payload)
# Built once: a statement built per call pays SQLAlchemy's cache key on every execution (the
# relay runs after every write). Only rows still unsent: a row the sweep marked meanwhile keeps
# its first `sent_at`.
_MARK_SENT = (update(_OUTBOX)
              .where(_OUTBOX.c.sequence.in_(bindparam("sequences", expanding=True)),
                     _OUTBOX.c.sent_at.is_(None))
              .values(sent_at=bindparam("sent_at")))


def pack_routing_key(event_types):
    """The routing key of a message carrying events of `event_types` (in the order they first
    appear): the types joined by dots, "customer_created.customer_assigned". One event, or a pack
    of one type, keeps its type as ever. The batched queues bind `#.<type>.#`
    (queues.type_binding), which matches every key naming the type, so a mixed pack reaches
    each queue that wants any of its events; a plain nameko handler binds the type exactly and
    never sees a pack (tests/unit/chassis/test_packs.py)."""
    return ".".join(dict.fromkeys(event_types))


def messages(rows, source, packed_events=frozenset(), pack_size=PACK_SIZE):
    """The messages that publish `rows` (in sequence order), each with the rows it carries:
    [((routing key, body, message id, headers), [row index, ...]), ...].

    One message per event, whose body is its envelope as JSON text (envelope_json) — except a run
    of consecutive events of the types in `packed_events` (the producer's
    Database(packed_events=...)), which goes as packs: one message per up to `pack_size` of them,
    the body the JSON list of their envelopes, the routing key naming their types
    (pack_routing_key), so every queue that wants one of them gets it. Why: an import batch writes
    a thousand events in two runs (all customer_created, then all customer_assigned): a message
    each was the broker's millisecond per imported row and most of every consumer's cost per event
    (kombu, the delivery, the ack) — bench/FINDINGS.md, fifth session. And a live write's
    customer_created + customer_assigned, with those of the writes the relay publishes in one group
    (Relay.publish_committed), alternate types: packs of one type left them a message each
    (bench/FINDINGS.md, tenth session).
    Only the batched consumers (queues.BatchEventHandler) unpack a list, keeping the events of
    their own types."""
    result, start = [], 0
    while start < len(rows):
        row = rows[start]
        end = start + 1
        if row.event_type in packed_events:
            while (end < len(rows) and end - start < pack_size
                   and rows[end].event_type in packed_events):
                end += 1
        if end - start == 1:
            key, body = row.event_type, envelope_json(row, source)
            headers = {"event_type": key, "sequence": row.sequence}
        else:
            key = pack_routing_key(each.event_type for each in rows[start:end])
            body = "[" + ", ".join(envelope_json(each, source) for each in rows[start:end]) + "]"
            headers = {"event_type": key, "sequence": row.sequence, "events": end - start}
        result.append(((key, body, row.event_id, headers), list(range(start, end))))
        start = end
    return result


class Relay:
    def __init__(self, source, sessionmaker, config, packed_events=(), linger=None,
                 spawn=eventlet.spawn):
        """`linger` (seconds; the services' Database passes OUTBOX_PUBLISH_LINGER_SECONDS):
        committed events are published by a green thread of the relay's (`spawn`) that far
        after the first of them, with every write committed meanwhile; None: by the writer,
        before its call returns (a process that exits after its write: identity's bootstrap)."""
        self.source = source
        self.packed_events = frozenset(packed_events)
        self.sessionmaker = sessionmaker
        self.exchange = Exchange(f"{source}.events", type="topic", durable=True,
                                 auto_delete=config.get("AUTO_DELETE_EVENT_EXCHANGES", False))
        self.publisher = BatchPublisher(config.get("AMQP_URI", settings.amqp_uri()), self.exchange)
        self.linger, self._spawn = linger, spawn
        self._lingering = None                  # the green thread that will publish the queue
        self._turn = Semaphore(1)              # one after-commit publish at a time...
        self._queue = []                        # ...while the next writers' events queue here

    def publish_committed(self, rows, wait=False):
        """Right after a commit, with a short deadline: the commit already succeeded, so a broker
        outage must not hold the caller's reply (or fail it) — the sweep retries. `rows` are the
        outbox rows the unit of work wrote (db.Emitted): published as they were written, not
        read back (bench/FINDINGS.md, fourth session: the write path).

        With a `linger`, the caller does not wait for the publish: its events queue, and the
        relay's green thread publishes the queue `linger` seconds after the first of them —
        the writes of that time together, in packs (outbox.messages), one confirm wait and one
        UPDATE and commit marking them sent. A live write's events went a message or two a
        write, each costing every consumer and the broker its delivery, ack and transaction
        (bench/FINDINGS.md, fourteenth session). The caller still yields once, as its wait
        for the confirms used to make it: a loop of units on SQLite (a segment's backfill)
        must not hold its process from the service's other calls.

        Without one, or with `wait` (an import's batch: its runner paces itself on its
        events' publish), it returns once these events' publish was tried; the writes that
        commit while one publish is in flight are published together after it (a group commit)."""
        waiting = _Waiting(rows)
        self._queue.append(waiting)
        if self.linger is None or wait:
            self._publish_queue(waiting)
            return
        if self._lingering is None:
            self._lingering = self._spawn(self._publish_after_linger)
        eventlet.sleep(0)

    def _publish_after_linger(self):
        eventlet.sleep(self.linger)
        self._lingering = None                  # events queued from now on: the next round
        try:
            self._publish_queue()
        except Exception:
            # an error escaping a container's managed thread kills the service; the events are
            # in the outbox, and the sweep publishes them
            log.exception("outbox relay: publishing failed; the sweep will publish these events")

    def _publish_queue(self, waiting=None):
        with self._turn:
            if waiting is not None and waiting.done:    # a publish before ours took ours
                return
            group, self._queue = self._queue, []
            if not group:
                return
            try:
                # in sequence order, as the log: units may queue in another order than they
                # committed (on PostgreSQL a commit yields to other green threads)
                self._publish_group(sorted((row for each in group for row in each.rows),
                                           key=lambda row: row.sequence))
            finally:
                for each in group:
                    each.done = True

    def _publish_group(self, rows):
        try:
            self._publish(rows, settings.outbox_publish_timeout())
        except Unconfirmed as exc:
            log.warning("outbox relay: %s event(s) left for the sweep: %s", len(rows), exc)
        except Exception:
            log.warning("outbox relay: broker unavailable, %s event(s) left for the sweep",
                        len(rows), exc_info=True)

    def publish_pending(self):
        """Publish now what waits for the linger (a stopping service's last writes)."""
        self._publish_queue()

    def close(self):
        """What is still queued is published now, not left to the sweep of the next start."""
        self.publish_pending()
        self.publisher.close()

    def sweep(self, min_age_seconds=None, batch=500):
        """Publish unsent rows old enough that no after-commit relay is still working on them."""
        min_age = settings.outbox_sweep_min_age() if min_age_seconds is None else min_age_seconds
        with self.sessionmaker() as session:
            cutoff = utcnow().timestamp() - min_age
            rows = session.execute(
                select(*_PUBLISHED_COLUMNS)
                .where(_OUTBOX.c.sent_at.is_(None)).order_by(_OUTBOX.c.sequence).limit(batch)
            ).all()
        due = [row for row in rows if row.occurred_at.timestamp() <= cutoff]
        if due:
            self._publish(due, SWEEP_CONFIRM_TIMEOUT)
        return len(due)

    def _publish(self, rows, timeout):
        """Publish `rows` (outbox rows, in sequence order) with one confirm wait for the batch,
        then mark those the broker confirmed sent with one UPDATE and one commit — not a commit
        per event (bench/FINDINGS.md §3). Whatever was not confirmed (time out, lost connection,
        a nack) stays unsent for the sweep; should the marking fail, confirmed events are
        published again: at-least-once, the consumers' inbox drops the duplicates."""
        packs = messages(rows, self.source, self.packed_events)
        confirmed = []
        try:
            confirmed = self.publisher.publish([message for message, _ in packs], timeout)
        except Unconfirmed as exc:
            confirmed = exc.confirmed
            raise
        finally:
            if confirmed:
                with self.sessionmaker() as session:
                    session.execute(_MARK_SENT, {"sent_at": utcnow(), "sequences": [
                        rows[i].sequence for message in confirmed for i in packs[message][1]]})
                    session.commit()
        if len(confirmed) < len(packs):
            log.warning("outbox relay: the broker refused %s event(s); left for the sweep",
                        sum(len(packs[m][1]) for m in set(range(len(packs))) - set(confirmed)))

    def backlog(self):
        """(unsent count, age in seconds of the oldest unsent event) for the metrics."""
        with self.sessionmaker() as session:
            count, oldest = session.execute(
                select(func.count(), func.min(OutboxEvent.occurred_at))
                .where(OutboxEvent.sent_at.is_(None))).one()
        if oldest is not None and oldest.tzinfo is None:    # aggregate bypasses the column type
            oldest = datetime.fromisoformat(str(oldest)).replace(tzinfo=timezone.utc)
        age = (utcnow() - oldest).total_seconds() if oldest else 0.0
        return count, age

    def head_sequence(self):
        """The last sequence this service has given an event (0 before the first)."""
        with self.sessionmaker() as session:
            return session.scalar(select(func.max(EventSequence.last))) or 0

    def events_since(self, sequence, limit, min_age_seconds=0, now=None):
        """The events after `sequence`, oldest first, at most `limit`. `min_age_seconds` (a
        periodic catch-up reading to the log's end: CATCH_UP_SETTLE_SECONDS): only the prefix
        of them that has settled (settled_prefix), by this producer's clock (`now`: a test's)."""
        limit = max(1, min(int(limit), MAX_PAGE))
        with self.sessionmaker() as session:
            rows = session.scalars(
                select(OutboxEvent).where(OutboxEvent.sequence > int(sequence))
                .order_by(OutboxEvent.sequence).limit(limit)).all()
            if min_age_seconds and float(min_age_seconds) > 0:
                cutoff = (now or utcnow()) - timedelta(seconds=float(min_age_seconds))
                rows = settled_prefix(rows, cutoff)
            return [envelope(row, self.source) for row in rows]

    def purge_sent_before(self, cutoff):
        """Retention: drop sent events older than `cutoff` (OUTBOX_RETENTION_DAYS; 0 keeps all)."""
        with self.sessionmaker() as session:
            result = session.execute(delete(OutboxEvent).where(
                OutboxEvent.sent_at.is_not(None), OutboxEvent.occurred_at < cutoff))
            session.commit()
            return result.rowcount
