"""Subscriptions (admin): a target URL, the event types it wants, its signing secret (shown
once, at creation and rotation), and whether it is active — with the reason when it is not."""
import json
import logging

from sqlalchemy import select, update

from services.chassis import pagination
from services.chassis.errors import Conflict, NotFound
from services.chassis.models import utcnow
from services.chassis.periodic import claim
from services.chassis.validation import load
from services.webhooks import schemas, signing
from services.webhooks.events import WEBHOOK_SUBSCRIPTION_DISABLED
from services.webhooks.models import PENDING, Delivery, Subscription, new_id

log = logging.getLogger(__name__)
SUBSCRIPTION, WITH_SECRET = schemas.Subscription(), schemas.SubscriptionWithSecret()


def dump(row, secret=False):
    data = {column: getattr(row, column) for column in (
        "id", "url", "description", "active", "disabled_reason", "disabled_at",
        "consecutive_failures", "created_at", "updated_at", "secret")}
    data["event_types"] = types_of(row)
    return (WITH_SECRET if secret else SUBSCRIPTION).dump(data)


def types_of(row):
    return json.loads(row.event_types)


def find(session, subscription_id):
    row = session.get(Subscription, subscription_id) if isinstance(subscription_id, str) else None
    if row is None:
        raise NotFound("No such webhook subscription.", {"id": subscription_id})
    return row


def create_subscription(uow, data, now=None):
    values = load(schemas.SubscriptionCreate, data)
    now = now or utcnow()
    row = Subscription(id=new_id(), url=values["url"], description=values.get("description"),
                       event_types=json.dumps(sorted(set(values["event_types"]))),
                       secret=signing.new_secret(), active=True, consecutive_failures=0,
                       created_at=now, updated_at=now)
    uow.session.add(row)
    uow.session.flush()
    return dump(row, secret=True)


def get_subscription(session, subscription_id):
    return dump(find(session, subscription_id))


def list_subscriptions(session, query=None):
    filters = load(schemas.SubscriptionQuery, query or {})
    statement = select(Subscription)
    if filters.get("active") is not None:
        statement = statement.where(Subscription.active == filters["active"])
    scope = f"subscriptions:{filters.get('active')}"
    return pagination.newest_first(session, statement, Subscription, filters, scope,
                                   lambda _session, rows: [dump(row) for row in rows])


def update_subscription(uow, subscription_id, data):
    values = load(schemas.SubscriptionUpdate, data, partial=True)
    row = find(uow.session, subscription_id)
    if values.get("url") is not None:
        row.url = values["url"]
    if values.get("event_types") is not None:
        row.event_types = json.dumps(sorted(set(values["event_types"])))
    if "description" in values:
        row.description = values["description"]
    row.updated_at = utcnow()
    return dump(row)


def rotate_secret(uow, subscription_id):
    """A new secret from now on: attempts after this are signed with it (pending ones too)."""
    row = find(uow.session, subscription_id)
    row.secret, row.updated_at = signing.new_secret(), utcnow()
    return dump(row, secret=True)


def disable_subscription(uow, subscription_id, data):
    values = load(schemas.SubscriptionDisable, data)
    row = find(uow.session, subscription_id)
    if not disable(uow, row.id, values["reason"], automatic=False):
        raise Conflict("The subscription is already disabled.", {"id": row.id})
    uow.session.refresh(row)
    return dump(row)


def disable(uow, subscription_id, reason, automatic, now=None):
    """Switch an active subscription off, once (a conditional UPDATE: of two senders failing
    at once, one disables and notifies); its pending deliveries wait for re-enabling."""
    now = now or utcnow()
    if not claim(uow.session, Subscription, Subscription.id == subscription_id,
                 Subscription.active.is_(True),
                 active=False, disabled_reason=reason[:500], disabled_at=now, updated_at=now):
        return False
    row = uow.session.get(Subscription, subscription_id)
    uow.session.refresh(row)
    uow.emit(WEBHOOK_SUBSCRIPTION_DISABLED, {
        "id": row.id, "url": row.url, "reason": row.disabled_reason, "automatic": automatic,
        "consecutive_failures": row.consecutive_failures, "disabled_at": now})
    log.warning("webhook subscription %s (%s) disabled: %s", row.id, row.url, row.disabled_reason)
    return True


def enable_subscription(uow, subscription_id, now=None):
    """Re-enable: the failure count restarts, and deliveries left pending while it was off are
    due at once (nothing was dropped while it was disabled)."""
    now = now or utcnow()
    row = find(uow.session, subscription_id)
    if row.active:
        raise Conflict("The subscription is already active.", {"id": row.id})
    row.active, row.disabled_reason, row.disabled_at = True, None, None
    row.consecutive_failures, row.updated_at = 0, now
    uow.session.execute(update(Delivery).where(
        Delivery.subscription_id == row.id, Delivery.status == PENDING).values(next_attempt_at=now)
        .execution_options(synchronize_session=False))
    return dump(row)
