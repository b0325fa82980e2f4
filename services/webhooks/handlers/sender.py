"""The sender: due deliveries are claimed (once across replicas), POSTed signed, and their
outcome recorded — retry with backoff, give up after WEBHOOKS_MAX_ATTEMPTS, and disable the
subscription after WEBHOOKS_DISABLE_AFTER_FAILURES consecutive failures.

No transaction is open while a request is in flight (a slow receiver must not hold SQLite's
write lock or a PostgreSQL row lock): the claim commits first, pushing `next_attempt_at` a
lease ahead, so another replica — or this one after a crash — retries only once the lease has
passed. Delivery is therefore at-least-once; the receiver dedupes on webhook-id.

`requests` does not block the eventlet hub: `nameko run` monkey-patches before it imports the
service (nameko/cli/commands.py), as nameko's pytest plugin does for the tests, so its sockets
are green and a round's POSTs run concurrently in a GreenPool, each bounded by the connect and
read timeouts."""
import logging
import random
import time
from datetime import timedelta

import eventlet
import requests
from sqlalchemy import select, update

from services.chassis.models import utcnow
from services.chassis.periodic import claim, mark_each
from services.webhooks import metrics, settings, signing
from services.webhooks.handlers import backoff
from services.webhooks.handlers.subscriptions import disable
from services.webhooks.models import FAILED, PENDING, SUCCEEDED, Attempt, Delivery, Subscription

log = logging.getLogger(__name__)
USER_AGENT = "crm-webhooks/1"


def lease_seconds():
    return settings.connect_timeout() + settings.read_timeout() + 30


def find_due(session, now, limit):
    return list(session.scalars(
        select(Delivery.id).join(Subscription, Subscription.id == Delivery.subscription_id)
        .where(Delivery.status == PENDING, Delivery.next_attempt_at <= now,
               Subscription.active.is_(True))
        .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)))


def claim_due(db, now, limit):
    """Claim up to `limit` due deliveries (periodic.mark_each: one conditional UPDATE each, so
    of several replicas exactly one wins a delivery); returns their ids."""
    claimed, lease_end = [], now + timedelta(seconds=lease_seconds())

    def mark(uow, delivery_id):
        won = claim(uow.session, Delivery, Delivery.id == delivery_id, Delivery.status == PENDING,
                    Delivery.next_attempt_at <= now, next_attempt_at=lease_end)
        if won:
            claimed.append(delivery_id)
        return won
    mark_each(db, lambda session: find_due(session, now, limit), mark, "webhook deliveries claimed")
    return claimed


def post(url, secret, delivery_id, webhook_id, body, signed_at, http=requests):
    """(status code or None, latency ms, error or None)."""
    headers = {"content-type": "application/json", "user-agent": USER_AGENT,
               **signing.headers(secret, webhook_id, signed_at, body)}
    started = time.monotonic()
    try:
        response = http.post(url, data=body.encode(), headers=headers, allow_redirects=False,
                             timeout=(settings.connect_timeout(), settings.read_timeout()))
        response.close()
    except requests.RequestException as exc:
        return None, _ms(started), f"{type(exc).__name__}: {exc}"[:500]
    error = None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    return response.status_code, _ms(started), error


def _ms(started):
    return int((time.monotonic() - started) * 1000)


def send_one(db, delivery_id, now, clock=utcnow, rng=None, http=requests):
    with db.read_only() as session:
        row = session.get(Delivery, delivery_id)
        target = session.get(Subscription, row.subscription_id)
        url, secret, webhook_id, body = target.url, target.secret, row.event_id, row.body
    status, latency, error = post(url, secret, delivery_id, webhook_id, body, clock(), http)
    metrics.attempted(error is None, latency)
    with db.unit_of_work() as uow:
        record_outcome(uow, delivery_id, now, status, latency, error, rng)
    return error is None


def record_outcome(uow, delivery_id, now, status, latency, error, rng=None):
    session = uow.session
    row = session.get(Delivery, delivery_id)
    row.attempts += 1
    row.last_status_code, row.last_latency_ms, row.last_error = status, latency, error
    session.add(Attempt(delivery_id=row.id, number=row.attempts, attempted_at=now,
                        status_code=status, latency_ms=latency, error=error,
                        succeeded=error is None))
    if error is None:
        row.status, row.delivered_at, row.next_attempt_at = SUCCEEDED, now, None
        session.execute(update(Subscription).where(Subscription.id == row.subscription_id)
                        .values(consecutive_failures=0).execution_options(synchronize_session=False))
        return
    if row.attempts >= settings.max_attempts():
        row.status, row.next_attempt_at = FAILED, None
        log.warning("webhook delivery %s (event %s) failed %s times; given up (replayable)",
                    row.id, row.event_id, row.attempts)
    else:
        row.next_attempt_at = backoff.next_attempt(now, row.attempts, rng or random)
    failures = session.execute(
        update(Subscription).where(Subscription.id == row.subscription_id)
        .values(consecutive_failures=Subscription.consecutive_failures + 1)
        .returning(Subscription.consecutive_failures)
        .execution_options(synchronize_session=False)).scalar_one()
    if failures >= settings.disable_after_failures():
        disable(uow, row.subscription_id,
                f"{failures} consecutive failed deliveries (last: {error})", automatic=True, now=now)


def send_due(db, now=None, clock=utcnow, rng=None, http=requests):
    """One round: claim what is due, POST it concurrently (green threads: a slow receiver does
    not hold the others back), record each outcome. Returns (sent ok, failed)."""
    now = now or utcnow()
    claimed = claim_due(db, now, settings.send_batch())
    if not claimed:
        return 0, 0
    pool = eventlet.GreenPool(min(len(claimed), settings.send_batch()))
    results = list(pool.imap(lambda delivery_id: _send_safely(db, delivery_id, now, clock, rng, http),
                             claimed))
    return results.count(True), len(results) - results.count(True)


def _send_safely(db, delivery_id, now, clock, rng, http):
    try:
        return send_one(db, delivery_id, now, clock, rng, http)
    except Exception:
        log.warning("webhook delivery %s: recording the attempt failed; retried after the lease",
                    delivery_id, exc_info=True)
        return False
