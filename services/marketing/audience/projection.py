"""Applying customers' and sales' events to the audience copy (audience/models.py): customers'
events here, sales' in purchases.py.

Each function takes the unit of work and the envelope and returns the ids of the audience
contacts whose profile may have changed, so the caller can re-evaluate just those (segments).
A payload the consumer copy cannot read raises: the catch-up stops there, visibly.
"""
import json

from sqlalchemy import update

from services.chassis.db import insert_ignoring_conflicts, update_if_older
from services.marketing.audience import consumes, prepared, purchases
from services.marketing.audience.models import (CONTACT, CUSTOMER, AudienceContact, AudienceCustomer,
                                                AudiencePurchase)
from services.marketing.audience.purchases import recompute_purchases
from services.marketing.audience.rows import (RECORD_FIELDS, contacts_of, customer as locked_customer,
                                              new_rows, normalized_email, read, surviving)


# --- customers ------------------------------------------------------------------------------

def customer_record(uow, envelope):
    """customer_created / customer_updated: the whole record; the customer is its own contact."""
    session = uow.session
    data, sequence = prepared.payload(session, envelope), envelope["sequence"]
    if prepared.done(session, envelope) or _insert_new(session, data, sequence):
        return {data["id"]}
    row = locked_customer(session, data["id"])
    if sequence > row.record_sequence:
        for name in RECORD_FIELDS:
            setattr(row, name, data[name])
        row.known, row.record_sequence = True, sequence
        itself = session.get(AudienceContact, row.id)
        if itself is None:
            itself = AudienceContact(id=row.id, customer_id=row.id, kind=CUSTOMER,
                                     active=row.merged_into is None)
            session.add(itself)
        itself.name, itself.email, itself.created_at = row.name, row.email, row.created_at
        itself.email_norm = normalized_email(row.email)
    _set_owner(row, data, sequence)
    session.flush()
    return contacts_of(session, row.id)


def _insert_new(session, data, sequence):
    """A customer no event has named yet (an import's every customer_created): its row and its
    own contact inserted complete — two INSERTs instead of a stub inserted, read back locked,
    updated, its contact looked up and added, and its contacts listed (bench/FINDINGS.md, the
    import's marketing CPU per row). The rows are those the path below writes; False when the
    row exists (that path then applies the event to it; a concurrent creator's insert is waited
    for). Its only contact is itself: a contact person or a merge names its customer's row
    (a stub) before pointing at it, and the rebuild empties both tables together."""
    customer_id = data["id"]
    values, itself = new_rows(data, sequence)
    if not insert_ignoring_conflicts(session, AudienceCustomer, values, ("id",)).rowcount:
        return False
    if not insert_ignoring_conflicts(session, AudienceContact, {
            "id": customer_id, "customer_id": customer_id, "kind": CUSTOMER, "active": True,
            **itself}, ("id",)).rowcount:
        contact = session.get(AudienceContact, customer_id)     # never expected; as below
        for name, value in itself.items():
            setattr(contact, name, value)
    return True


def _set_owner(row, data, sequence):
    if sequence > row.owner_sequence:
        row.owner_id, row.region, row.owner_sequence = data["owner_id"], data["region"], sequence


def customer_assigned(uow, envelope):
    session = uow.session
    data, sequence = prepared.payload(session, envelope), envelope["sequence"]
    if prepared.done(session, envelope):            # its owner set with the unit's others
        return prepared.contacts_of(session, data["id"])
    if not _owner_moved(session, data, sequence):
        row = locked_customer(session, data["id"])
        _set_owner(row, data, sequence)
        session.flush()
    return contacts_of(session, data["id"])


def _owner_moved(session, data, sequence):
    """An import's customer_assigned right after its customer_created: the owner of a row that
    holds an older one set in one UPDATE (chassis update_if_older); False when the row is
    missing or its owner newer: the general path (a stub, or nothing to change)."""
    return update_if_older(session, AudienceCustomer, data["id"], "owner_sequence", sequence,
                           {"owner_id": data["owner_id"], "region": data["region"]})


def _set_tags(row, tags, sequence):
    if sequence > row.tags_sequence:
        row.tags, row.tags_sequence = json.dumps(sorted(set(tags))), sequence


def customer_tagged(uow, envelope):
    data = read(envelope, consumes.FROM_CUSTOMERS)
    row = locked_customer(uow.session, data["customer_id"])
    _set_tags(row, data["tags"], envelope["sequence"])
    uow.session.flush()
    return contacts_of(uow.session, row.id)


def customer_merged(uow, envelope):
    """The loser leaves the audience (its own contact row goes inactive); its contact persons
    and purchases move to the winner, whose tags are the merged ones."""
    data, session = read(envelope, consumes.FROM_CUSTOMERS), uow.session
    loser, winner = locked_customer(session, data["loser_id"]), locked_customer(session, data["winner_id"])
    loser.merged_into = winner.id
    affected = contacts_of(session, loser.id) | contacts_of(session, winner.id)
    session.execute(update(AudienceContact).where(AudienceContact.id == loser.id)
                    .values(active=False))
    session.execute(update(AudienceContact).where(AudienceContact.customer_id == loser.id,
                                                  AudienceContact.kind == CONTACT)
                    .values(customer_id=winner.id))
    session.execute(update(AudiencePurchase).where(AudiencePurchase.customer_id == loser.id)
                    .values(customer_id=winner.id))
    _set_tags(winner, data["tags"], envelope["sequence"])
    session.flush()
    recompute_purchases(session, winner)
    recompute_purchases(session, loser)
    return affected


def interaction_logged(uow, envelope):
    data = read(envelope, consumes.FROM_CUSTOMERS)
    row = locked_customer(uow.session, surviving(uow.session, data["customer_id"]))
    if row.last_interaction_at is None or data["occurred_at"] > row.last_interaction_at:
        row.last_interaction_at = data["occurred_at"]
    uow.session.flush()
    return contacts_of(uow.session, row.id)


def contact_added(uow, envelope):
    data, session = read(envelope, consumes.FROM_CUSTOMERS), uow.session
    customer_id = locked_customer(session, surviving(session, data["customer_id"])).id
    contact = session.get(AudienceContact, data["id"])
    if contact is None:
        contact = AudienceContact(id=data["id"], kind=CONTACT, active=True,
                                  customer_id=customer_id)
        session.add(contact)
    contact.customer_id = customer_id
    contact.name, contact.role, contact.created_at = data["name"], data["role"], data["created_at"]
    contact.email, contact.email_norm = data["email"], normalized_email(data["email"])
    session.flush()
    return {contact.id}


CUSTOMERS = {"customer_created": customer_record, "customer_updated": customer_record,
             "customer_assigned": customer_assigned, "customer_tagged": customer_tagged,
             "customer_merged": customer_merged, "interaction_logged": interaction_logged,
             "contact_added": contact_added}
SALES = {"deal_won": purchases.deal_won, "deal_lost": purchases.deal_lost,
         "deal_stage_changed": purchases.deal_stage_changed,
         "order_placed": purchases.order_placed}


def handlers(after=None):
    """{source: {event_type: apply(uow, envelope)}} for the chassis's Subscriptions; `after(uow,
    contact_ids, envelope)` runs in the same transaction with the contacts that may have
    changed (the segments re-evaluate them)."""
    def wrap(project):
        def apply(uow, envelope):
            changed = project(uow, envelope)
            if after is not None and changed:
                after(uow, changed, envelope)
        apply.__name__ = project.__name__
        return apply
    return {"customers": {name: wrap(f) for name, f in CUSTOMERS.items()},
            "sales": {name: wrap(f) for name, f in SALES.items()}}
