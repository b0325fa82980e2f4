"""Applying customers' events to the directory copy (directory/models.py). A payload the
consumer copy cannot read raises: the catch-up stops there, visibly. A merge moves the loser's
tickets to the winner (tickets/handlers/merge_customer.py), in the event's own transaction.

A unit of two or more customer_created / customer_assigned (an import's live batches: 100
creations, then 100 assignments) is prepared first (`lock_first`, the chassis's
chassis/prepared.py), in a few statements instead of one per event (bench/FINDINGS.md, the
fifth session's service desk CPU per imported row):

- the customers its customer_created events create (no row yet, no earlier event of the unit
  naming them) inserted complete in one multi-row INSERT ... ON CONFLICT DO NOTHING — the row
  `_insert_new` writes; a row that exists is left to the event's own turn, as before;
- the owners its customer_assigned events move set by one executemany UPDATE of the rows read
  locked in id order (db.update_newest): per customer the newest assignment above its stored
  owner_sequence, which is what applying them one by one leaves (an owner is "newest sequence
  wins"; a record event sets it only from a newer sequence too); a customer without a row (a
  stub to make) is left to the event's turn.

The events are then applied in order as before, a prepared one skipping what was done."""
from sqlalchemy import update

from services.chassis import payloads, prepared
from services.chassis.db import (insert_ignoring_conflicts, insert_new_rows, update_if_older,
                                 update_newest)
from services.service_desk.directory import consumes
from services.service_desk.directory.models import DeskContact, DeskCustomer


def read(envelope):
    return payloads.read(envelope, consumes.FROM_CUSTOMERS)


STUB = {"known": False, "record_sequence": 0, "owner_sequence": 0}


def locked_customer(session, customer_id):
    """The customer's row, locked, created as an unknown stub if an event about it came first."""
    insert_ignoring_conflicts(session, DeskCustomer, {"id": customer_id, **STUB}, ("id",))
    return session.get(DeskCustomer, customer_id, with_for_update=True, populate_existing=True)


def surviving(session, customer_id):
    """A merged customer's winner (followed to the end), else the customer itself."""
    seen = set()
    while customer_id not in seen:
        seen.add(customer_id)
        row = session.get(DeskCustomer, customer_id)
        if row is None or row.merged_into is None:
            return customer_id
        customer_id = row.merged_into
    return customer_id


def _set_owner(row, owner_id, sequence):
    if sequence > row.owner_sequence:
        row.owner_id, row.owner_sequence = owner_id, sequence


def customer_record(uow, envelope):
    if prepared.done(uow.session, PREPARED, envelope):     # inserted with the unit's others
        return
    data, sequence = prepared.payload(uow.session, PREPARED, envelope, read), envelope["sequence"]
    if _insert_new(uow.session, data, sequence):
        return
    row = locked_customer(uow.session, data["id"])
    if sequence > row.record_sequence:
        row.name, row.email, row.value_class = data["name"], data["email"], data["value_class"]
        row.known, row.record_sequence = True, sequence
    _set_owner(row, data["owner_id"], sequence)
    uow.session.flush()


def _insert_new(session, data, sequence):
    """A customer no event has named yet (an import's every customer_created): its row inserted
    complete in one statement instead of a stub inserted, read back locked and updated
    (bench/FINDINGS.md, the import's CPU per row). The row customer_record writes on a stub;
    False when the row exists (customer_record then applies the event to it)."""
    return insert_ignoring_conflicts(session, DeskCustomer, new_row(data, sequence),
                                     ("id",)).rowcount == 1


def new_row(data, sequence):
    """A customer no event has named yet, from its record event at `sequence`: its complete
    row (the one customer_record writes on a stub)."""
    return {"id": data["id"], **STUB, "name": data["name"], "email": data["email"],
            "value_class": data["value_class"], "known": True, "record_sequence": sequence,
            "owner_id": data["owner_id"], "owner_sequence": sequence}


def customer_assigned(uow, envelope):
    if prepared.done(uow.session, PREPARED, envelope):     # its owner set with the unit's others
        return
    data, sequence = prepared.payload(uow.session, PREPARED, envelope, read), envelope["sequence"]
    # an import's assignment right after its customer_created: one UPDATE (chassis
    # update_if_older); the row missing or its owner newer: a stub, or nothing, as before
    if update_if_older(uow.session, DeskCustomer, data["id"], "owner_sequence", sequence,
                       {"owner_id": data["owner_id"]}):
        return
    row = locked_customer(uow.session, data["id"])
    _set_owner(row, data["owner_id"], sequence)
    uow.session.flush()


def contact_added(uow, envelope):
    data, session = read(envelope), uow.session
    customer_id = locked_customer(session, surviving(session, data["customer_id"])).id
    contact = session.get(DeskContact, data["id"])
    if contact is None:
        contact = DeskContact(id=data["id"], customer_id=customer_id)
        session.add(contact)
    contact.customer_id = customer_id
    contact.name, contact.role, contact.created_at = data["name"], data["role"], data["created_at"]
    contact.email = data["email"].strip().lower() if data["email"] and data["email"].strip() else None
    session.flush()


def customer_merged(uow, envelope, move_tickets):
    """The loser's contact persons and tickets move to the winner; the loser stays, marked, so
    a late event about it lands on the winner (`surviving`)."""
    data, session = read(envelope), uow.session
    loser = locked_customer(session, data["loser_id"])
    winner = locked_customer(session, data["winner_id"])
    loser.merged_into = winner.id
    session.execute(update(DeskContact).where(DeskContact.customer_id == loser.id)
                    .values(customer_id=winner.id))
    session.flush()
    move_tickets(uow, loser.id, winner.id)


def handlers(move_tickets):
    """{event_type: apply(uow, envelope)} for customers' events."""
    def merged(uow, envelope):
        customer_merged(uow, envelope, move_tickets)
    return {"customer_created": customer_record, "customer_updated": customer_record,
            "customer_assigned": customer_assigned, "contact_added": contact_added,
            "customer_merged": merged}


PREPARED = "service_desk.directory.prepared"
PREPARES = ("customer_created", "customer_assigned")
NAMING = ("id", "customer_id", "loser_id", "winner_id")     # payload fields naming a customer


def lock_first(session, envelopes):
    """The service's Subscriptions.lock_first: a unit's new customers and owners made in a few
    statements before its events are applied (module docstring)."""
    customers = [e for e in envelopes if e.get("source") == "customers"]
    unit = prepared.start(session, PREPARED, [e for e in customers if e.get("event_type") in PREPARES],
                          read)
    if unit is None:
        return
    new = prepared.creations(unit, customers, "customer_created", _named)
    inserted = insert_new_rows(session, DeskCustomer, [new_row(data, envelope["sequence"])
                                                       for _id, (envelope, data) in sorted(new.items())])
    unit.done.update(new[customer_id][0]["event_id"] for customer_id in inserted)
    assignments = [(envelope, data) for envelope in customers
                   if envelope.get("event_type") == "customer_assigned"
                   and (data := unit.data.get(envelope["event_id"])) is not None]
    found = update_newest(session, DeskCustomer, "owner_sequence", [
        (data["id"], envelope["sequence"], {"owner_id": data["owner_id"]})
        for envelope, data in assignments])
    unit.done.update(envelope["event_id"] for envelope, data in assignments if data["id"] in found)


def _named(envelope):
    payload = envelope.get("payload") or {}
    return {value for name in NAMING if isinstance(value := payload.get(name), str)}
