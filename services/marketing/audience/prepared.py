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
Runs from the unit's lock_first, after the customers' rows are locked in id order.
"""
from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from services.chassis.db import precompiled
from services.marketing.audience import consumes, rows
from services.marketing.audience.models import CUSTOMER, AudienceContact, AudienceCustomer

KEY = "marketing.audience.prepared"
# Events that may change which contacts a customer has (a record event only if not prepared).
CHANGING_CONTACTS = {"contact_added", "customer_merged", "customer_created", "customer_updated"}


class Prepared:
    def __init__(self):
        self.data = {}          # event id → its payload, read once
        self.done = set()       # event ids whose effect the preparation made
        self.contacts = None    # {customer id: contact ids} for the whole unit, or None


def done(session, envelope):
    """Whether the preparation made this event's effect (the event then only hands over its
    contacts)."""
    prepared = session.info.get(KEY)
    return prepared is not None and envelope["event_id"] in prepared.done


def contacts_of(session, customer_id):
    """rows.contacts_of, from the unit's one read when it holds for the whole unit."""
    prepared = session.info.get(KEY)
    if prepared is not None and prepared.contacts is not None and customer_id in prepared.contacts:
        return set(prepared.contacts[customer_id])
    return rows.contacts_of(session, customer_id)


def payload(session, envelope):
    """The envelope's payload read through the customers' tolerant copy (once per unit)."""
    prepared = session.info.get(KEY)
    data = prepared.data.get(envelope["event_id"]) if prepared is not None else None
    return data if data is not None else rows.read(envelope, consumes.FROM_CUSTOMERS)


def lock_first(session, envelopes):
    """The service's Subscriptions.lock_first: the rows locked (rows.lock_first), then the
    unit prepared."""
    rows.lock_first(session, envelopes)
    prepare(session, envelopes)


def prepare(session, envelopes):
    customers = [e for e in envelopes if e.get("source") == "customers"]
    hot = [e for e in customers if e.get("event_type") in ("customer_created", "customer_assigned")]
    if len(hot) < 2:
        return
    prepared = session.info[KEY] = Prepared()
    for envelope in hot:
        try:
            prepared.data[envelope["event_id"]] = rows.read(envelope, consumes.FROM_CUSTOMERS)
        except (KeyError, ValueError):
            pass                        # unreadable: its own turn raises, as before
    _create(session, prepared, envelopes)
    assigned = _assign(session, prepared, customers)
    if assigned and not any(e.get("event_type") in CHANGING_CONTACTS
                            and e["event_id"] not in prepared.done for e in customers):
        prepared.contacts = {customer_id: set() for customer_id in assigned}
        for customer_id, contact_id in session.execute(
                select(AudienceContact.customer_id, AudienceContact.id)
                .where(AudienceContact.customer_id.in_(sorted(assigned)))):
            prepared.contacts[customer_id].add(contact_id)


def _create(session, prepared, envelopes):
    named, new = set(), {}
    for envelope in envelopes:
        data = prepared.data.get(envelope["event_id"])
        if envelope.get("event_type") == "customer_created" and data is not None \
                and data["id"] not in named:
            new[data["id"]] = (envelope, data)
        payload = envelope.get("payload") or {}
        named.update(value for name in rows.CUSTOMER_FIELDS.get(envelope.get("source"), ())
                     if isinstance(value := payload.get(name), str))
    if not new:
        return
    built = {customer_id: rows.new_rows(data, envelope["sequence"])
             for customer_id, (envelope, data) in sorted(new.items())}
    inserted = set(_insert_returning(session, AudienceCustomer,
                                     [values for values, _itself in built.values()]))
    if not inserted:
        return
    selves = {customer_id: built[customer_id][1] for customer_id in sorted(inserted)}
    contacts = set(_insert_returning(session, AudienceContact, [
        {"id": customer_id, "customer_id": customer_id, "kind": CUSTOMER, "active": True, **itself}
        for customer_id, itself in selves.items()]))
    for customer_id in inserted - contacts:          # never expected; as projection._insert_new
        contact = session.get(AudienceContact, customer_id)
        for name, value in selves[customer_id].items():
            setattr(contact, name, value)
    prepared.done.update(new[customer_id][0]["event_id"] for customer_id in inserted)


def _insert_returning(session, model, values):
    """INSERT ... ON CONFLICT (id) DO NOTHING of `values`, one multi-row statement (SQLAlchemy's
    insertmanyvalues with RETURNING, both dialects); the ids inserted."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = model.__table__
    statement = (dialect.insert(table).on_conflict_do_nothing(index_elements=["id"])
                 .returning(table.c.id))
    return session.execute(statement, values).scalars().all()


def _assign(session, prepared, customers):
    """The unit's assignments to customers with a row; returns those customers' ids."""
    events = [(envelope, data) for envelope in customers
              if envelope.get("event_type") == "customer_assigned"
              and (data := prepared.data.get(envelope["event_id"])) is not None]
    if not events:
        return set()
    ids = sorted({data["id"] for _envelope, data in events})
    stored = dict(session.execute(
        select(AudienceCustomer.id, AudienceCustomer.owner_sequence)
        .where(AudienceCustomer.id.in_(ids)).order_by(AudienceCustomer.id).with_for_update()).all())
    newest = {}
    for envelope, data in events:
        customer_id = data["id"]
        if customer_id not in stored:
            continue                    # a stub to make: the event's own turn
        prepared.done.add(envelope["event_id"])
        if envelope["sequence"] > stored[customer_id]:
            stored[customer_id] = envelope["sequence"]
            newest[customer_id] = {"key": customer_id, "owner_id": data["owner_id"],
                                   "region": data["region"], "sequence": envelope["sequence"]}
    if newest:
        session.execute(precompiled(session, "marketing:assign", _assign_statement),
                        [newest[customer_id] for customer_id in sorted(newest)])
        for customer_id in newest:      # a copy the session holds reads the new owner
            held = session.identity_map.get(session.identity_key(AudienceCustomer, customer_id))
            if held is not None:
                session.expire(held, ["owner_id", "region", "owner_sequence"])
    return set(stored)


def _assign_statement(_dialect):
    table = AudienceCustomer.__table__
    return (update(table).where(table.c.id == bindparam("key"),
                                table.c.owner_sequence < bindparam("sequence"))
            .values(owner_id=bindparam("owner_id", type_=table.c.owner_id.type),
                    region=bindparam("region", type_=table.c.region.type),
                    owner_sequence=bindparam("sequence")))
