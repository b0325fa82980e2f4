"""Idempotent consumption and catch-up.

Every event a service applies is recorded by `event_id` in its inbox, in the same transaction as
the effect, so a redelivered or replayed event changes nothing. Two paths feed the same function:

- live: `@event_handler` entrypoints (low latency, but the broker drops events published before
  our queue existed, or while it was being recreated);
- catch-up: a timer reads each producer's event log (`events_since`) after the last position
  and applies what the live path missed. Producers' sequences are gapless and commit-ordered,
  so "everything up to position is applied" holds. A failing event stops the position there
  and is retried next round — never skipped silently.
"""
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.chassis.models import ConsumerPosition, InboxEvent

log = logging.getLogger(__name__)

PROCESSED, DUPLICATE, FAILED, IGNORED = "processed", "duplicate", "failed", "ignored"


class Subscriptions:
    """{source: {event_type: apply(uow, envelope)}} — what a service consumes and how."""

    def __init__(self, mapping):
        self.mapping = mapping

    @property
    def sources(self):
        return list(self.mapping)

    def handler_for(self, source, event_type):
        return self.mapping.get(source, {}).get(event_type)


def already_applied(session, event_id):
    return session.get(InboxEvent, event_id) is not None


def consume(db, subscriptions, envelope):
    """Apply one event exactly once. Returns the outcome; raises only for the catch-up to stop."""
    source, event_type = envelope["source"], envelope["event_type"]
    apply = subscriptions.handler_for(source, event_type)
    if apply is None:
        return IGNORED
    try:
        with db.unit_of_work(actor=f"event:{source}") as uow:
            if already_applied(uow.session, envelope["event_id"]):
                return DUPLICATE
            uow.session.add(InboxEvent(event_id=envelope["event_id"], source=source,
                                       event_type=event_type, sequence=envelope["sequence"]))
            apply(uow, envelope)
    except IntegrityError:
        # A concurrent replica applied it first (inbox primary key), or the effect itself
        # conflicted. Only the first is a duplicate; the second must surface.
        with db.read_only() as session:
            if already_applied(session, envelope["event_id"]):
                return DUPLICATE
        raise
    return PROCESSED


def catch_up(db, subscriptions, fetch_page, source, page_size=500, max_pages=20):
    """Read `source`'s log from our position; apply; advance. Returns (applied, position)."""
    applied = 0
    with db.read_only() as session:
        row = session.get(ConsumerPosition, source)
        position = row.last_sequence if row else 0
    for _ in range(max_pages):
        page = fetch_page(position, page_size)
        if not page:
            break
        for envelope in page:
            try:
                if consume(db, subscriptions, envelope) == PROCESSED:
                    applied += 1
            except Exception as exc:
                log.exception("catch-up from %s stopped at sequence %s", source, envelope["sequence"])
                _save_position(db, source, position, error=f"{envelope['sequence']}: {exc!r}")
                raise
            position = envelope["sequence"]
        _save_position(db, source, position)
        if len(page) < page_size:
            break
    return applied, position


def _save_position(db, source, position, error=None):
    with db.unit_of_work() as uow:
        row = uow.session.get(ConsumerPosition, source)
        if row is None:
            row = ConsumerPosition(source=source, last_sequence=0)
            uow.session.add(row)
        row.last_sequence = max(row.last_sequence, position)
        row.last_error = error


def positions(db):
    with db.read_only() as session:
        return {row.source: row.last_sequence for row in session.scalars(select(ConsumerPosition))}
