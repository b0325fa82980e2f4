"""From a consumed domain event to deliveries: one row per interested subscription, written in
the inbox's transaction (services/chassis/inbox.py), so an event is either recorded for every
subscription or — on any failure — not at all and retried by the catch-up. Nothing is lost
between "consumed" and "queued for sending"."""
import json
from datetime import datetime

from sqlalchemy import select

from services.chassis.models import utcnow
from services.webhooks.models import PENDING, Delivery, Subscription, new_id


def body_of(envelope):
    """The JSON posted (and signed) for an event, the same text for the live delivery and every
    replay: Standard Webhooks' {type, timestamp, data} plus where it came from."""
    return json.dumps({
        "type": envelope["event_type"], "timestamp": envelope["occurred_at"],
        "data": envelope["payload"], "event_id": envelope["event_id"],
        "source": envelope["source"], "sequence": envelope["sequence"],
        "version": envelope.get("version", 1), "actor": envelope.get("actor"),
    }, separators=(",", ":"), ensure_ascii=False)


def delivery(subscription_id, envelope, now, replay_id=""):
    return Delivery(id=new_id(), subscription_id=subscription_id, event_id=envelope["event_id"],
                    replay_id=replay_id, source=envelope["source"], sequence=envelope["sequence"],
                    event_type=envelope["event_type"], body=body_of(envelope), status=PENDING,
                    attempts=0, next_attempt_at=now, created_at=now)


def wants(subscription, envelope, event_types=None):
    """Active, asked for this type, and existed when the event happened (a subscription does
    not receive history unless it asks for a replay). `event_types`: its types, already read."""
    if event_types is None:
        event_types = json.loads(subscription.event_types)
    return (subscription.active and envelope["event_type"] in event_types
            and subscription.created_at <= datetime.fromisoformat(envelope["occurred_at"]))


_ACTIVE = "webhooks_active_subscriptions"       # session.info: [(subscription, its types)]


def active_subscriptions(session):
    """The active subscriptions and the event types of each, read once per unit of work (a live
    batch, a catch-up page: one transaction) instead of once per event: an event no
    subscription wants — nearly all of a bulk import's — then costs a lookup. A subscription
    created while a batch is applied came after its events (wants() skips them); one enabled or
    disabled meanwhile counts as changed after the batch, as one committed just after it does."""
    active = session.info.get(_ACTIVE)
    if active is None:
        active = session.info[_ACTIVE] = [
            (subscription, frozenset(json.loads(subscription.event_types)))
            for subscription in session.scalars(select(Subscription).where(
                Subscription.active.is_(True)).order_by(Subscription.created_at, Subscription.id))]
    return active


def record(uow, envelope):
    """The `apply` of every event the service consumes."""
    now = None
    for subscription, event_types in active_subscriptions(uow.session):
        if envelope["event_type"] in event_types and wants(subscription, envelope, event_types):
            now = now or utcnow()
            uow.session.add(delivery(subscription.id, envelope, now))
