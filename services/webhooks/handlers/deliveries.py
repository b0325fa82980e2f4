"""The delivery log: per subscription, newest first (keyset pages), each delivery with its
attempt count, last status code, latency and error, and when it is next tried; and every
attempt of one delivery."""
from datetime import datetime, timezone

from sqlalchemy import func, select

from services.chassis import pagination
from services.chassis.errors import NotFound
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.webhooks import schemas
from services.webhooks.handlers.subscriptions import find
from services.webhooks.models import PENDING, Attempt, Delivery, Subscription

DELIVERY, ATTEMPT = schemas.Delivery(), schemas.Attempt()


def dump(row):
    data = {column.key: getattr(row, column.key) for column in Delivery.__table__.columns}
    data["replay_id"] = row.replay_id or None
    return DELIVERY.dump(data)


def list_deliveries(session, subscription_id, query=None):
    filters = load(schemas.DeliveryQuery, query or {})
    subscription = find(session, subscription_id)
    statement = select(Delivery).where(Delivery.subscription_id == subscription.id)
    if filters.get("status"):
        statement = statement.where(Delivery.status == filters["status"])
    if filters.get("replayed") is not None:
        statement = statement.where((Delivery.replay_id != "") if filters["replayed"]
                                    else (Delivery.replay_id == ""))
    scope = f"deliveries:{subscription.id}:{filters.get('status')}:{filters.get('replayed')}"
    return pagination.newest_first(session, statement, Delivery, filters, scope,
                                   lambda _session, rows: [dump(row) for row in rows])


def list_attempts(session, delivery_id):
    row = session.get(Delivery, delivery_id) if isinstance(delivery_id, str) else None
    if row is None:
        raise NotFound("No such webhook delivery.", {"id": delivery_id})
    attempts = session.scalars(select(Attempt).where(Attempt.delivery_id == row.id)
                               .order_by(Attempt.number))
    return [ATTEMPT.dump({c.key: getattr(a, c.key) for c in Attempt.__table__.columns})
            for a in attempts]


def backlog(session, now=None):
    """(pending deliveries of active subscriptions, age in seconds of the oldest)."""
    count, oldest = session.execute(
        select(func.count(), func.min(Delivery.created_at))
        .join(Subscription, Subscription.id == Delivery.subscription_id)
        .where(Delivery.status == PENDING, Subscription.active.is_(True))).one()
    if oldest is not None and not isinstance(oldest, datetime):     # aggregate bypasses the type
        oldest = datetime.fromisoformat(str(oldest))
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=timezone.utc)
    return count, ((now or utcnow()) - oldest).total_seconds() if oldest else 0.0
