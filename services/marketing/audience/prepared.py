"""A unit of customers' events prepared in a few statements before its events are applied: an
import's live batches (100 customer_created, then 100 customer_assigned) paid two statements
per event, each ~0.1 ms of SQLAlchemy's CPU and on PostgreSQL a round trip
(bench/FINDINGS.md, the fifth session's marketing CPU per imported row). Here, once per unit:

- the customers the unit's customer_created events create (no row yet, no earlier event of
  the unit naming them) are inserted complete, with their own contacts, in one multi-row
  INSERT ... ON CONFLICT DO NOTHING each (id order) — the rows projection._insert_new writes;
  a row that exists is left to the event's own turn (the general path), as before;
- the owners the unit's customer_assigned events move are set with one executemany UPDATE of
  the rows read locked in id order: per customer, the newest assignment above its stored
  owner_sequence, which is what applying them one by one leaves (an owner is "newest sequence
  wins": the unit's other events set it only from a newer sequence too); a customer without a
  row (a stub to make) is left to the event's turn;
- their contacts are read in one SELECT, kept for the unit when none of its events can change
  a contact set (contact_added, customer_merged, a record event not prepared here): a customer
  inserted here has itself only.

The events are then applied in order as before (inbox, triggers, segments' touched contacts):
a prepared one skips what was done here and hands over the same contacts. A single event (the
per-event path, the one-by-one retry of a failed batch) is not prepared: exactly as before.
Runs from the unit's lock_first, after the customers' rows are locked in id order. The generic
part (payloads read once, the events done, the creations, the two statements) is the
chassis's (chassis/prepared.py, db.insert_new_rows, db.update_newest), as the service desk's.
"""
from sqlalchemy import select

from services.chassis import prepared as unit_prepared
from services.chassis.db import insert_new_rows, update_newest
from services.marketing.audience import consumes, rows
from services.marketing.audience.models import CUSTOMER, AudienceContact, AudienceCustomer

KEY = "marketing.audience.prepared"
# Events that may change which contacts a customer has (a record event only if not prepared).
CHANGING_CONTACTS = {"contact_added", "customer_merged", "customer_created", "customer_updated"}


class Prepared(unit_prepared.Prepared):
    def __init__(self):
        super().__init__()
        self.contacts = None    # {customer id: contact ids} for the whole unit, or None


def done(session, envelope):
    """Whether the preparation made this event's effect (the event then only hands over its
    contacts)."""
    return unit_prepared.done(session, KEY, envelope)


def contacts_of(session, customer_id):
    """rows.contacts_of, from the unit's one read when it holds for the whole unit."""
    prepared = session.info.get(KEY)
    if prepared is not None and prepared.contacts is not None and customer_id in prepared.contacts:
        return set(prepared.contacts[customer_id])
    return rows.contacts_of(session, customer_id)


def payload(session, envelope):
    """The envelope's payload read through the customers' tolerant copy (once per unit)."""
    return unit_prepared.payload(session, KEY, envelope, _read)


def _read(envelope):
    return rows.read(envelope, consumes.FROM_CUSTOMERS)


def lock_first(session, envelopes):
    """The service's Subscriptions.lock_first: the rows locked (rows.lock_first), then the
    unit prepared."""
    rows.lock_first(session, envelopes)
    prepare(session, envelopes)


def prepare(session, envelopes):
    customers = [e for e in envelopes if e.get("source") == "customers"]
    hot = [e for e in customers if e.get("event_type") in ("customer_created", "customer_assigned")]
    prepared = unit_prepared.start(session, KEY, hot, _read, Prepared())
    if prepared is None:
        return
    _create(session, prepared, envelopes)
    assigned = _assign(session, prepared, customers)
    if assigned and not any(e.get("event_type") in CHANGING_CONTACTS
                            and e["event_id"] not in prepared.done for e in customers):
        prepared.contacts = {customer_id: set() for customer_id in assigned}
        for customer_id, contact_id in session.execute(
                select(AudienceContact.customer_id, AudienceContact.id)
                .where(AudienceContact.customer_id.in_(sorted(assigned)))):
            prepared.contacts[customer_id].add(contact_id)


def _named(envelope):
    payload = envelope.get("payload") or {}
    return {value for name in rows.CUSTOMER_FIELDS.get(envelope.get("source"), ())
            if isinstance(value := payload.get(name), str)}


def _create(session, prepared, envelopes):
    new = unit_prepared.creations(prepared, envelopes, "customer_created", _named)
    if not new:
        return
    built = {customer_id: rows.new_rows(data, envelope["sequence"])
             for customer_id, (envelope, data) in sorted(new.items())}
    inserted = insert_new_rows(session, AudienceCustomer,
                               [values for values, _itself in built.values()])
    if not inserted:
        return
    selves = {customer_id: built[customer_id][1] for customer_id in sorted(inserted)}
    contacts = insert_new_rows(session, AudienceContact, [
        {"id": customer_id, "customer_id": customer_id, "kind": CUSTOMER, "active": True, **itself}
        for customer_id, itself in selves.items()])
    for customer_id in inserted - contacts:          # never expected; as projection._insert_new
        contact = session.get(AudienceContact, customer_id)
        for name, value in selves[customer_id].items():
            setattr(contact, name, value)
    prepared.done.update(new[customer_id][0]["event_id"] for customer_id in inserted)


def _assign(session, prepared, customers):
    """The unit's assignments to customers with a row; returns those customers' ids."""
    events = [(envelope, data) for envelope in customers
              if envelope.get("event_type") == "customer_assigned"
              and (data := prepared.data.get(envelope["event_id"])) is not None]
    if not events:
        return set()
    found = update_newest(session, AudienceCustomer, "owner_sequence", [
        (data["id"], envelope["sequence"], {"owner_id": data["owner_id"], "region": data["region"]})
        for envelope, data in events])
    prepared.done.update(envelope["event_id"] for envelope, data in events if data["id"] in found)
    return found
