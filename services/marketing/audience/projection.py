"""Applying customers' and sales' events to the audience copy (audience/models.py).

Each function takes the unit of work and the envelope and returns the ids of the audience
contacts whose profile may have changed, so the caller can re-evaluate just those (segments).
A payload the consumer copy cannot read raises: the catch-up stops there, visibly.
"""
import json

from marshmallow import ValidationError
from sqlalchemy import select, update

from services.marketing.audience import consumes
from services.marketing.audience.models import (CONTACT, CUSTOMER, AudienceContact,
                                                AudienceCustomer, AudiencePurchase)

RECORD_FIELDS = ("kind", "name", "email", "industry", "size", "lifecycle_stage", "value_class",
                 "created_at")


def _read(envelope, table):
    try:
        return table[envelope["event_type"]]().load(envelope["payload"])
    except ValidationError as error:
        raise ValueError(f"unreadable {envelope.get('event_type')} payload: {error.messages}")


def _customer(session, customer_id):
    """The customer's row, created as an unknown stub if an event about it came first."""
    row = session.get(AudienceCustomer, customer_id)
    if row is None:
        row = AudienceCustomer(id=customer_id, known=False, tags="[]", lifetime_value="{}",
                               products="[]", record_sequence=0, owner_sequence=0,
                               tags_sequence=0)
        session.add(row)
    return row


def _surviving(session, customer_id):
    """A merged customer's winner (followed to the end), else the customer itself."""
    seen = set()
    while customer_id not in seen:
        seen.add(customer_id)
        row = session.get(AudienceCustomer, customer_id)
        if row is None or row.merged_into is None:
            return customer_id
        customer_id = row.merged_into
    return customer_id


def contacts_of(session, customer_id):
    return set(session.scalars(select(AudienceContact.id)
                               .where(AudienceContact.customer_id == customer_id)))


# --- customers ------------------------------------------------------------------------------

def customer_record(uow, envelope):
    """customer_created / customer_updated: the whole record; the customer is its own contact."""
    data, sequence = _read(envelope, consumes.FROM_CUSTOMERS), envelope["sequence"]
    session = uow.session
    row = _customer(session, data["id"])
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
    _set_owner(row, data, sequence)
    session.flush()
    return contacts_of(session, row.id)


def _set_owner(row, data, sequence):
    if sequence > row.owner_sequence:
        row.owner_id, row.region, row.owner_sequence = data["owner_id"], data["region"], sequence


def customer_assigned(uow, envelope):
    data = _read(envelope, consumes.FROM_CUSTOMERS)
    row = _customer(uow.session, data["id"])
    _set_owner(row, data, envelope["sequence"])
    uow.session.flush()
    return contacts_of(uow.session, row.id)


def _set_tags(row, tags, sequence):
    if sequence > row.tags_sequence:
        row.tags, row.tags_sequence = json.dumps(sorted(set(tags))), sequence


def customer_tagged(uow, envelope):
    data = _read(envelope, consumes.FROM_CUSTOMERS)
    row = _customer(uow.session, data["customer_id"])
    _set_tags(row, data["tags"], envelope["sequence"])
    uow.session.flush()
    return contacts_of(uow.session, row.id)


def customer_merged(uow, envelope):
    """The loser leaves the audience (its own contact row goes inactive); its contact persons
    and purchases move to the winner, whose tags are the merged ones."""
    data, session = _read(envelope, consumes.FROM_CUSTOMERS), uow.session
    loser, winner = _customer(session, data["loser_id"]), _customer(session, data["winner_id"])
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
    data = _read(envelope, consumes.FROM_CUSTOMERS)
    row = _customer(uow.session, _surviving(uow.session, data["customer_id"]))
    if row.last_interaction_at is None or data["occurred_at"] > row.last_interaction_at:
        row.last_interaction_at = data["occurred_at"]
    uow.session.flush()
    return contacts_of(uow.session, row.id)


def contact_added(uow, envelope):
    data, session = _read(envelope, consumes.FROM_CUSTOMERS), uow.session
    customer_id = _surviving(session, data["customer_id"])
    contact = session.get(AudienceContact, data["id"])
    if contact is None:
        contact = AudienceContact(id=data["id"], kind=CONTACT, active=True,
                                  customer_id=customer_id)
        session.add(contact)
    contact.customer_id = customer_id
    contact.name, contact.role, contact.created_at = data["name"], data["role"], data["created_at"]
    session.flush()
    return {contact.id}


# --- sales ----------------------------------------------------------------------------------

def _products(lines):
    return json.dumps(sorted({line["product_id"] for line in lines}))


def deal_won(uow, envelope):
    data, session = _read(envelope, consumes.FROM_SALES), uow.session
    if data["customer_id"] is None:
        return set()                    # an imported deal without an account: nobody to know
    customer = _customer(session, _surviving(session, data["customer_id"]))
    key = f"deal:{data['id']}"
    purchase = session.get(AudiencePurchase, key) or AudiencePurchase(id=key, kind="deal")
    session.add(purchase)
    purchase.customer_id, purchase.amount = customer.id, data["amount"]
    purchase.currency, purchase.stage = data["currency"], data["stage"]
    purchase.purchased_at = data["closed_at"] or data["updated_at"]
    purchase.products = _products(data["lines"])
    session.flush()
    return recompute_purchases(session, customer)


def _unwin(session, deal_id, at, still_won=None):
    """Remove the deal's purchase if the deal left its won stage after it was won."""
    purchase = session.get(AudiencePurchase, f"deal:{deal_id}")
    if purchase is None or at <= purchase.purchased_at or still_won == purchase.stage:
        return set()
    session.delete(purchase)
    session.flush()
    return recompute_purchases(session, session.get(AudienceCustomer, purchase.customer_id))


def deal_lost(uow, envelope):
    data = _read(envelope, consumes.FROM_SALES)
    return _unwin(uow.session, data["id"], data["closed_at"] or data["updated_at"])


def deal_stage_changed(uow, envelope):
    data = _read(envelope, consumes.FROM_SALES)
    return _unwin(uow.session, data["deal_id"], data["changed_at"], still_won=data["to_stage"])


def order_placed(uow, envelope):
    data, session = _read(envelope, consumes.FROM_SALES), uow.session
    if data["customer_id"] is None:
        return set()
    customer = _customer(session, _surviving(session, data["customer_id"]))
    key = f"order:{data['id']}"
    purchase = session.get(AudiencePurchase, key) or AudiencePurchase(id=key, kind="order")
    session.add(purchase)
    purchase.customer_id, purchase.currency = customer.id, data["currency"]
    purchase.purchased_at, purchase.products = data["placed_at"], _products(data["lines"])
    session.flush()
    return recompute_purchases(session, customer)


def recompute_purchases(session, customer):
    """Last purchase, lifetime value per currency (won deals) and products bought, from the
    customer's purchase rows. Returns the customer's contacts."""
    if customer is None:
        return set()
    purchases = list(session.scalars(select(AudiencePurchase)
                                     .where(AudiencePurchase.customer_id == customer.id)))
    totals, products = {}, set()
    for purchase in purchases:
        if purchase.amount is not None:
            totals[purchase.currency] = totals.get(purchase.currency, 0) + purchase.amount
        products.update(json.loads(purchase.products))
    customer.last_purchase_at = max((p.purchased_at for p in purchases), default=None)
    customer.lifetime_value = json.dumps({code: str(amount) for code, amount
                                          in sorted(totals.items())})
    customer.products = json.dumps(sorted(products))
    session.flush()
    return contacts_of(session, customer.id)


CUSTOMERS = {"customer_created": customer_record, "customer_updated": customer_record,
             "customer_assigned": customer_assigned, "customer_tagged": customer_tagged,
             "customer_merged": customer_merged, "interaction_logged": interaction_logged,
             "contact_added": contact_added}
SALES = {"deal_won": deal_won, "deal_lost": deal_lost, "deal_stage_changed": deal_stage_changed,
         "order_placed": order_placed}


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
