"""Which type of RabbitMQ queue the chassis declares: classic (the default) or quorum.

`QUEUE_TYPE=quorum` (services/chassis/settings.py) makes every durable queue a service consumes
from — its `rpc-<service>` queue, its `evt-<source>-<type>--<service>.<method>` event queues and
the batched `evt-<source>--<service>.batch` ones (BatchEventHandler, which also carry
`x-single-active-consumer` whatever the type) — a quorum queue: replicated over the cluster's
nodes, so it survives the loss of a minority of them. Everything else stays classic, because
RabbitMQ refuses those as quorum: RPC reply queues (nameko's ReplyListener, `x-expires`), exclusive
and auto-delete queues (the gateway's broadcast queue for revoked tokens). nameko sets QoS per
consumer (`basic.qos` with global=False), the only kind quorum queues accept.

Quorum queues get a delivery limit, so a poison message — one whose delivery kills its consumer
(a message nameko cannot decode kills the whole container), or one requeued forever — is taken
out of the queue after DELIVERY_LIMIT returns instead of crash-looping every replica:
- event queues dead-letter it to the fanout exchange `crm.dead-letter` and its queue of the same
  name, kept for inspection (`x-death` says which queue and why). Losing it there would not lose
  the event anyway: the producer's event log still has it and the catch-up retries it, stopping
  at it with `last_error` if it fails there too (services/chassis/inbox.py).
- RPC queues drop it: nobody waits for a request after its deadline, and RPC requests carry that
  deadline as a per-message TTL, which quorum queues dead-letter too ("expired") — a dead-letter
  queue would fill with every request that outlived its caller.
Dead-lettering is at-most-once (RabbitMQ's default). At-least-once needs `x-overflow:
reject-publish` and keeps an unroutable dead letter in the source queue; since every dead-lettered
event is still in its producer's log, the cheaper mode loses nothing that cannot be replayed.

The type and arguments are declared by the services (queue arguments, not a broker policy), so
every deployment gets the same queues with no operator step. RabbitMQ refuses to redeclare an
existing queue with other arguments (PRECONDITION_FAILED, `inequivalent arg`): switching an
existing deployment means draining and deleting its queues or moving to a new vhost (README,
"Quorum queues"). Each consumer's durable queue is declared while the service starts, so a
mismatch stops the start with a message saying what to do — nameko's consumer would take the
refusal for a lost connection and retry it forever, a service that never consumes.
"""
import logging
from functools import partial

import amqp.exceptions
import eventlet
import eventlet.event
import kombu.exceptions
import nameko.events
import nameko.messaging
from kombu import Exchange, Queue, binding
from nameko.amqp.publish import get_connection
from nameko.constants import (AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, LOGIN_METHOD_CONFIG_KEY,
                              TRANSPORT_OPTIONS_CONFIG_KEY)
from nameko.exceptions import ContainerBeingKilled

from services.chassis import settings
from services.chassis.outbox import PACK_SIZE

log = logging.getLogger(__name__)

CLASSIC, QUORUM = "classic", "quorum"
DEAD_LETTER_EXCHANGE = DEAD_LETTER_QUEUE = "crm.dead-letter"
# Returns of a message (a consumer that died holding it counts) before it is dead-lettered or
# dropped; RabbitMQ 4's default. A queue argument: changing it is a migration like the type.
DELIVERY_LIMIT = 20
MIGRATION_HELP = "README.md, operations, 'Quorum queues' (migrating from classic queues)"
# The most unacknowledged messages a batched consumer holds (_BatchQueueConsumer): with packs of
# up to PACK_SIZE events, at most 20,000 events in memory however large a batch may be.
MAX_HELD_MESSAGES = 20_000 // PACK_SIZE


class QueueMismatch(RuntimeError):
    """The broker has this queue with other arguments than the chassis declares."""


def can_be_quorum(queue):
    return bool(queue.durable) and not queue.exclusive and not queue.auto_delete


def quorum_arguments(dead_letter):
    arguments = {"x-queue-type": QUORUM, "x-delivery-limit": DELIVERY_LIMIT}
    if dead_letter:
        arguments["x-dead-letter-exchange"] = DEAD_LETTER_EXCHANGE
    return arguments


def dead_letter_queue():
    """Where quorum event queues dead-letter to: one queue for the whole vhost, itself quorum."""
    exchange = Exchange(DEAD_LETTER_EXCHANGE, type="fanout", durable=True)
    return Queue(DEAD_LETTER_QUEUE, exchange=exchange, durable=True,
                 queue_arguments={"x-queue-type": QUORUM})


def apply_queue_type(queue, dead_letter):
    """Give `queue` the configured type's arguments (in place); True if it became quorum.
    Classic queues keep exactly the arguments they had, so a deployment that does not set
    QUEUE_TYPE redeclares the queues it already has."""
    if settings.queue_type() != QUORUM or not can_be_quorum(queue):
        return False
    queue.queue_arguments = {**(queue.queue_arguments or {}), **quorum_arguments(dead_letter)}
    return True


def prepare(queue, config, dead_letter):
    """Apply the queue type and declare the queue now (with the dead-letter queue it needs).
    Only durable shared queues: an exclusive queue belongs to the connection that declares it
    (nameko's consumer must be that one), an auto-delete one is nameko's to create and lose."""
    if not can_be_quorum(queue):
        return
    entities = [queue]
    if apply_queue_type(queue, dead_letter) and dead_letter:
        entities.insert(0, dead_letter_queue())
    try:
        with get_connection(config[AMQP_URI_CONFIG_KEY], ssl=config.get(AMQP_SSL_CONFIG_KEY),
                            login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
                            transport_options=config.get(TRANSPORT_OPTIONS_CONFIG_KEY)) as conn:
            with conn.channel() as channel:
                for entity in entities:
                    _declare(entity, channel)
    except (OSError, kombu.exceptions.OperationalError,
            amqp.exceptions.RecoverableConnectionError) as exc:
        # The consumer declares it when it connects (it waits for the broker; a service must
        # not exit because the broker is down while it starts).
        log.warning("queue %s not declared at start: broker unreachable (%s)", queue.name, exc)


def _declare(queue, channel):
    try:
        queue(channel).declare()
    except amqp.exceptions.PreconditionFailed as exc:
        arguments = queue.queue_arguments or {}
        declared = arguments.get("x-queue-type", CLASSIC)
        raise QueueMismatch(
            f"RabbitMQ has queue {queue.name!r} with other arguments than this service declares "
            f"(QUEUE_TYPE={settings.queue_type()}: a {declared} queue, arguments {arguments}); "
            f"the broker said: {exc.reply_text}. A queue's type "
            f"and arguments cannot change in place: drain and delete the queue (or move the "
            f"services to a new vhost), or set QUEUE_TYPE back to what the queues were declared "
            f"with. See {MIGRATION_HELP}.") from None


class EventHandler(nameko.events.EventHandler):
    """nameko's event handler on a queue of the configured type (see the module docstring)."""

    def setup(self):
        super().setup()
        prepare(self.queue, self.container.config, dead_letter=True)


event_handler = EventHandler.decorator


class _BulkQueueConsumer(nameko.messaging.QueueConsumer):
    """A consumer connection of its own for long-running handlers. nameko gives each consumer a
    prefetch of `max_workers`, and a handler keeps its message unacknowledged until it returns:
    ten campaign batches of a few minutes each would hold all ten workers of the process, and an
    RPC arriving meanwhile would wait for a free one (seen: 20 s median, timeouts). Here the
    prefetch is BULK_WORKERS, so these handlers never hold more workers than that. A separate
    shared extension (keyed by its type), so the RPC and other event consumers keep theirs."""

    @property
    def prefetch_count(self):
        return settings.bulk_workers(self.container.max_workers)


class BulkEventHandler(EventHandler):
    """An event handler for long-running work (see _BulkQueueConsumer)."""
    queue_consumer = _BulkQueueConsumer()


bulk_event_handler = BulkEventHandler.decorator


class _BatchQueueConsumer(nameko.messaging.QueueConsumer):
    """The consumer connection of batched handlers: a prefetch of two batches per queue, so the
    next batch is delivered while one is applied (nameko's default, max_workers, would cap a
    batch at ten), and never more than MAX_HELD_MESSAGES. The broker counts a prefetch in
    messages and a pack is up to outbox.PACK_SIZE events, so that cap bounds what a consumer
    holds in events (20,000), whatever EVENT_BATCH_SIZE is; single-event messages then make
    batches of at most the cap. Each delivery is handed to its handler in this consumer's own
    thread, in the order the broker delivered it: nameko's spawn of a thread per message leaves
    their start order to the hub's timers, and a batch must be the queue's order."""

    @property
    def prefetch_count(self):
        return held_messages()

    def handle_message(self, provider, body, message):
        provider.handle_message(body, message)


def held_messages():
    """The prefetch of a batched handler's queue: two batches, at most MAX_HELD_MESSAGES."""
    return min(2 * settings.event_batch_size(), MAX_HELD_MESSAGES)


def type_binding(event_type):
    """The binding key of a batched queue for `event_type`: every routing key that names the
    type — the type alone (one event) and the dotted keys of the packs that hold it
    (outbox.pack_routing_key). `#` matches zero or more words, and RabbitMQ delivers a message
    once per queue however many of its bindings match. A queue declared before packs could mix
    types keeps its exact bindings beside these: harmless, for the same reason."""
    if not event_type or any(ch in event_type for ch in ".*#"):
        raise ValueError(f"an event type is one word of a routing key: {event_type!r}")
    return f"#.{event_type}.#"


def batch_queue_name(source, service):
    return f"evt-{source}--{service}.batch"


class BatchEventHandler(EventHandler):
    """Events of several types from ONE source through ONE queue, `evt-<source>--<service>.batch`,
    bound to the source's topic exchange once per event type: the queue holds the producer's
    order across its event types (a ticket's assignment after its creation), which one queue
    per event type did not — two queues' batches applied side by side reordered them.

    The method gets a list of event bodies (a pack's events among them, outbox.messages): up
    to EVENT_BATCH_SIZE (whole messages: a larger pack alone; at most half the prefetch in
    messages, so the next ones are in flight meanwhile), or what arrived within
    EVENT_BATCH_WAIT_SECONDS of the first, in the queue's order, so one transaction can apply
    many events (per-event commits were reporting's cost). Batches of the queue are applied
    strictly one after another: the next one is delivered (prefetch) and gathered while one
    is applied, and starts when that one has returned. Across replicas the queue has a single
    active consumer (`x-single-active-consumer`): the broker delivers to one replica and keeps
    the others waiting until it goes, so competing consumers cannot reorder a source either.

    Every message of a batch is acknowledged when the method returns (raising or not, like
    nameko's event handler without requeue_on_error: the consumer's catch-up re-reads what
    failed). A stopping service lets its running batch finish and returns what it had not
    started to the queue, for the next consumer. One batched handler per source in a service:
    the queue's name is the source's, not the method's."""
    queue_consumer = _BatchQueueConsumer()

    def __init__(self, source_service, event_types, **kwargs):
        self.event_types = ((event_types,) if isinstance(event_types, str)
                            else tuple(event_types))
        super().__init__(source_service, None, **kwargs)

    def setup(self):
        # Not nameko's EventHandler.setup: it binds a queue per (source, event type).
        exchange = nameko.events.get_event_exchange(self.source_service, self.container.config)
        self.queue = Queue(
            batch_queue_name(self.source_service, self.container.service_name), durable=True,
            bindings=[binding(exchange, routing_key=type_binding(event_type))
                      for event_type in self.event_types],
            # One replica at a time: competing consumers of one queue would apply its batches
            # side by side and reorder the source's events (works on classic and quorum).
            queue_arguments={"x-single-active-consumer": True})
        nameko.messaging.Consumer.setup(self)
        prepare(self.queue, self.container.config, dead_letter=True)
        self._waiting, self._timer, self._running, self._stopping = [], None, None, False
        self._waiting_events = 0        # events in self._waiting (a pack counts its events)
        self._size, self._wait = settings.event_batch_size(), settings.event_batch_wait()
        self._types = frozenset(self.event_types)
        # A batch takes at most half of what the broker lets this consumer hold, so the other
        # half is delivered while it is applied: a batch of the whole prefetch would leave
        # nothing in flight, and the consumer would wait for each next one (measured: a
        # backlog of single events drained at 3,137 events/s instead of 5,462).
        self._most_messages = max(1, held_messages() // 2)

    def handle_message(self, body, message):
        """In the consumer's thread (_BatchQueueConsumer): must not yield, so that deliveries
        join the batch in the queue's order. A message is one event, or a pack of several (a
        list: outbox.messages), whose events of types this handler does not take are dropped
        here: a pack may mix types (outbox.pack_routing_key)."""
        if self._stopping:
            self.queue_consumer.requeue_message(message)
            return
        events = ([event for event in body if event.get("event_type") in self._types]
                  if isinstance(body, list) else [body])
        if not events:          # a pack for other handlers (a binding this one no longer has)
            self.queue_consumer.ack_message(message)
            return
        self._waiting.append((events, message))
        before, self._waiting_events = self._waiting_events, self._waiting_events + len(events)
        if self._running is None and self._timer is None:
            self._timer = eventlet.spawn_after(self._wait, self._flush)
        if self._running is None and (before < self._size <= self._waiting_events
                                      or len(self._waiting) == self._most_messages):
            eventlet.spawn(self._flush)

    def _take(self):
        """The next batch from the waiting messages: whole messages, in order, up to
        EVENT_BATCH_SIZE events and half the prefetch in messages (at least one message, so a
        pack larger than that goes alone)."""
        taken, count = 0, 0
        for events, _message in self._waiting:
            if taken and (count + len(events) > self._size or taken == self._most_messages):
                break
            taken, count = taken + 1, count + len(events)
        batch, self._waiting = self._waiting[:taken], self._waiting[taken:]
        self._waiting_events -= count
        return batch

    def _flush(self):
        # Everything is taken and marked before anything can yield (cancelling a timer
        # switches threads): a message appended meanwhile must not join a full batch, and a
        # second flush must find this batch running.
        timer, self._timer = self._timer, None
        batch = []
        if self._running is None and not self._stopping:
            # Deliveries of a connection since lost are the broker's again (redelivered, maybe
            # to another replica): applying them here too could overtake their redelivery.
            self._waiting = [(events, message) for events, message in self._waiting
                             if message.channel.connection]
            self._waiting_events = sum(len(events) for events, _message in self._waiting)
            batch = self._take()
        if batch:
            self._running = eventlet.event.Event()
        if timer is not None:
            timer.cancel()      # a flush by size; the timer's own flush is running: a no-op
        if not batch:
            return              # none waiting, or one running: its end flushes (_handled)
        messages = [message for _events, message in batch]
        try:
            self.container.spawn_worker(
                self, ([event for events, _message in batch for event in events],), {},
                context_data=self.unpack_message_headers(messages[-1]),
                handle_result=partial(self._handled, messages))
        except ContainerBeingKilled:
            for message in messages:
                self.queue_consumer.requeue_message(message)
            self._done()

    def _handled(self, messages, worker_ctx, result=None, exc_info=None):
        for message in messages:
            self.handle_message_processed(message, result, exc_info)
        self._done()
        return result, exc_info

    def _done(self):
        running, self._running = self._running, None
        running.send()
        if self._waiting:
            # In a thread of its own: this worker holds its pool slot until it returns, and
            # the next batch's worker would wait for it (for ever, with one worker).
            eventlet.spawn(self._flush)

    def stop(self):
        self._stopping = True
        if self._running is not None:
            # Its events are applied and acknowledged before the rest go back: the queue's
            # next consumer starts after them, in order.
            self._running.wait()
        waiting, self._waiting, self._waiting_events = self._waiting, [], 0
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        for _body, message in waiting:
            self.queue_consumer.requeue_message(message)
        super().stop()


batch_event_handler = BatchEventHandler.decorator
