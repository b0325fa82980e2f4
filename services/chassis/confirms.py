"""Publishing a batch of messages with one wait for the broker's confirms.

nameko's Publisher (and kombu with `confirm_publish`) waits for the broker's confirm after each
message: a round trip per event, which the outbox relay paid after every write and per event of
an import batch — and, on a loaded broker, a 1 s deadline missed (bench/FINDINGS.md). Here a
channel in confirm mode publishes the whole batch, then waits once until the broker has
confirmed (acked or nacked) every message of it. RabbitMQ numbers a confirm-mode channel's
publishes 1, 2, 3…; an ack or nack names one of them, or all up to it (`multiple`), in any
order — so the channel counts its own publishes to know which messages of the batch are done.

A channel that failed in any way (timeout, lost connection) is closed, never reused: a late
confirm on it could otherwise be taken for a message of the next batch.
"""
import logging

import amqp.exceptions
import eventlet
import kombu
import kombu.exceptions
from eventlet.semaphore import Semaphore

log = logging.getLogger(__name__)

# What a connection gone stale while idle raises on its next use (a broker restart, say).
CONNECTION_ERRORS = (OSError, amqp.exceptions.RecoverableConnectionError,
                     kombu.exceptions.OperationalError)


class Unconfirmed(Exception):
    """The broker did not confirm the whole batch in time; `confirmed` is the indexes of the
    messages it did confirm (the others may or may not have been routed)."""

    def __init__(self, confirmed, cause):
        super().__init__(f"{len(confirmed)} message(s) confirmed before: {cause!r}")
        self.confirmed = confirmed


class _Batch:
    """The delivery tags of one batch's messages and what the broker said of each."""

    def __init__(self, first_tag, size):
        self.first_tag, self.size = first_tag, size
        self.acked, self.nacked = set(), set()

    def _tags(self, delivery_tag, multiple):
        last = min(delivery_tag, self.first_tag + self.size - 1)
        first = self.first_tag if multiple else delivery_tag
        return range(max(first, self.first_tag), last + 1)

    def ack(self, delivery_tag, multiple):
        self.acked.update(self._tags(delivery_tag, multiple))

    def nack(self, delivery_tag, multiple):
        self.nacked.update(set(self._tags(delivery_tag, multiple)) - self.acked)

    def done(self):
        return len(self.acked) + len(self.nacked) >= self.size

    def confirmed(self):
        """Indexes (0-based, in publishing order) of the messages the broker acked."""
        return sorted(tag - self.first_tag for tag in self.acked)


class _ConfirmChannel:
    """One connection and its one channel in confirm mode, the exchange declared on it."""

    def __init__(self, amqp_uri, exchange):
        self.connection = kombu.Connection(amqp_uri)
        self.connection.connect()
        self.channel = self.connection.channel()
        self.channel.confirm_select()
        self.producer = kombu.Producer(self.channel, exchange=exchange, serializer="json")
        exchange(self.channel).declare()
        self.published = 0          # the broker's delivery tag of this channel's last publish
        self.batch = None
        self.channel.events["basic_ack"].add(lambda tag, multiple: self.batch.ack(tag, multiple))
        self.channel.events["basic_nack"].add(lambda tag, multiple: self.batch.nack(tag, multiple))

    def publish(self, messages, batches):
        self.batch = _Batch(self.published + 1, len(messages))
        batches.append(self.batch)
        for routing_key, body, message_id, headers in messages:
            # the body is JSON text already (outbox.messages): sent as is, not serialised again
            self.producer.publish(body, routing_key=routing_key, message_id=message_id,
                                  headers=headers, delivery_mode=2,
                                  content_type="application/json", content_encoding="utf-8")
            self.published += 1
        while not self.batch.done():
            self.connection.drain_events()      # the caller's eventlet.Timeout bounds the wait

    def discard(self):
        """Drop a failed connection without talking to the broker (it may not answer)."""
        self.connection.collect()

    def close(self):
        """A clean close, unless the broker does not answer within a second."""
        try:
            with eventlet.Timeout(1):
                self.connection.release()
        except (Exception, eventlet.Timeout):
            self.discard()


class BatchPublisher:
    """Publishes lists of (routing key, body as JSON text, message id, headers) to `exchange`
    with one confirm wait per list. At most `size` connections, kept open between batches."""

    def __init__(self, amqp_uri, exchange, size=10):
        self.amqp_uri, self.exchange = amqp_uri, exchange
        self._slots = Semaphore(size)
        self._idle = []

    def publish(self, messages, timeout):
        """Publish `messages` in order and wait for their confirms, `timeout` seconds in all
        (waiting for a connection and connecting included); returns the indexes of the confirmed
        ones (all of them unless the broker nacked some). Raises Unconfirmed if the time ran
        out or the connection failed. A connection gone stale while idle is replaced once."""
        if not messages:
            return []
        batches = []
        deadline = eventlet.Timeout(timeout)
        try:
            with self._slots:
                return self._publish_on_a_channel(messages, batches)
        except eventlet.Timeout as exc:
            if exc is not deadline:
                raise                           # someone else's deadline: not ours to turn
            cause = f"no confirm within {timeout} s"
        except CONNECTION_ERRORS as exc:
            cause = exc
        finally:
            deadline.cancel()
        raise Unconfirmed(batches[-1].confirmed() if batches else [], cause)

    def _publish_on_a_channel(self, messages, batches):
        reused = bool(self._idle)
        channel = self._idle.pop() if reused else _ConfirmChannel(self.amqp_uri, self.exchange)
        try:
            channel.publish(messages, batches)
        except CONNECTION_ERRORS:
            channel.discard()
            if not reused:
                raise
            log.info("publisher connection had gone stale; publishing on a new one")
            channel = _ConfirmChannel(self.amqp_uri, self.exchange)
            try:
                channel.publish(messages, batches)
            except BaseException:
                channel.discard()
                raise
        except BaseException:
            channel.discard()
            raise
        self._idle.append(channel)
        return channel.batch.confirmed()

    def close(self):
        while self._idle:
            self._idle.pop().close()
