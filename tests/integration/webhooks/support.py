"""Calling the services as the gateway does, and reading webhooks' tables."""
from nameko.testing.services import entrypoint_hook
from sqlalchemy import func, select

from services.chassis.auth import Principal
from services.webhooks.models import Delivery
from tests.helpers import wait_until

ADMIN = Principal("u-admin", "admin")


def rpc(container, method, *args, principal=ADMIN, **kwargs):
    with entrypoint_hook(container, method,
                         context_data={"principal": principal.to_json()}) as hook:
        return hook(*args, **kwargs)


def subscribe(system, receiver, event_types, **extra):
    subscription = rpc(system["webhooks"], "create_subscription",
                       {"url": receiver.url, "event_types": event_types, **extra})
    receiver.secret = subscription["secret"]
    return subscription


def publish(system, source, event_type, payload):
    return rpc(system[source], "publish", event_type, payload)


def deliveries(db, subscription_id, **where):
    with db.read_only() as session:
        rows = list(session.scalars(select(Delivery).where(
            Delivery.subscription_id == subscription_id,
            *(getattr(Delivery, key) == value for key, value in where.items()))
            .order_by(Delivery.sequence)))
        session.expunge_all()           # loaded: readable after the session ends
        return rows


def wait_recorded(db, subscription_id, count, **where):
    def recorded():
        with db.read_only() as session:
            return session.scalar(select(func.count()).select_from(Delivery).where(
                Delivery.subscription_id == subscription_id,
                *(getattr(Delivery, key) == value for key, value in where.items()))) >= count
    wait_until(recorded, message=f"{count} deliveries recorded")
