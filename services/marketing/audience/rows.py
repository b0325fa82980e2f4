"""What the audience's projections share: reading a payload through marketing's tolerant copy,
the customer's row (locked; a stub until its customer_created arrives), a merged customer's
surviving winner, and a customer's contacts."""
from sqlalchemy import bindparam, select

from services.chassis import payloads
from services.chassis.db import insert_ignoring_conflicts, precompiled
from services.marketing.audience.models import AudienceContact, AudienceCustomer, AudiencePurchase


def read(envelope, table):
    """The payload through marketing's tolerant copy (the chassis's payloads.read)."""
    return payloads.read(envelope, table)


# A customer's row before any event has set its fields (an unknown stub).
STUB = {"known": False, "tags": "[]", "lifetime_value": "{}", "products": "[]",
        "record_sequence": 0, "owner_sequence": 0, "tags_sequence": 0}
RECORD_FIELDS = ("kind", "name", "email", "industry", "size", "lifecycle_stage", "value_class",
                 "created_at")


def normalized_email(email):
    """How a list import finds a contact by email: trimmed, lower-cased."""
    return email.strip().lower() if email and email.strip() else None


def new_rows(data, sequence):
    """A customer no event has named yet, from its record event (`data`, at `sequence`): its
    complete row, and its own contact's fields besides id, customer_id, kind and active — what
    the general path (projection.customer_record on a stub) leaves."""
    customer = {"id": data["id"], **STUB, "known": True, "record_sequence": sequence,
                **{name: data[name] for name in RECORD_FIELDS},
                "owner_id": data["owner_id"], "region": data["region"], "owner_sequence": sequence}
    itself = {"name": data["name"], "email": data["email"], "created_at": data["created_at"],
              "email_norm": normalized_email(data["email"])}
    return customer, itself


def customer(session, customer_id):
    """The customer's row, locked, created as an unknown stub if an event about it came first.
    The lock serialises the events of one customer across workers and replicas: the segments
    of its contacts are then evaluated on what the other transaction committed, never on a
    state it is about to replace."""
    insert_ignoring_conflicts(session, AudienceCustomer, {"id": customer_id, **STUB}, ("id",))
    return session.get(AudienceCustomer, customer_id, with_for_update=True,
                       populate_existing=True)


def lock_customers(session, customer_ids):
    """Lock these customers' rows (those there are) in id order: the one order every
    transaction that locks several of them takes them in (a unit's events: lock_first; a
    segment backfill chunk, a relative-date recheck: segments/membership.lock_customers_of)."""
    if customer_ids:
        session.execute(select(AudienceCustomer.id).where(AudienceCustomer.id.in_(sorted(customer_ids)))
                        .order_by(AudienceCustomer.id).with_for_update())


# The payload fields naming a customer whose row an event of that source locks.
CUSTOMER_FIELDS = {"customers": ("id", "customer_id", "loser_id", "winner_id"),
                   "sales": ("customer_id",)}
UNWINNING = ("deal_lost", "deal_stage_changed")     # lock the customer of the deal's purchase


def lock_first(session, envelopes):
    """The chassis's Subscriptions.lock_first: before a unit applies `envelopes`, the customers'
    rows they will lock (those named, the winners they were merged into, the customers of
    the purchases a lost deal removes), in id order. Without it a batch locks them in the
    order of its events — B then A — while a backfill chunk, a recheck, or the other
    producer's batch locks A then B: a deadlock on PostgreSQL (tests/integration/marketing/
    test_lock_order.py). One customer: nothing to order, nothing done. A row no event has
    created yet is not locked here (its INSERT is, later): no other transaction sees it yet."""
    named, deals = set(), set()
    for envelope in envelopes:
        payload = envelope.get("payload") or {}
        named.update(value for name in CUSTOMER_FIELDS.get(envelope.get("source"), ())
                     if isinstance(value := payload.get(name), str))
        deal = payload.get("deal_id") or payload.get("id")
        if envelope.get("source") == "sales" and envelope.get("event_type") in UNWINNING \
                and isinstance(deal, str):
            deals.add(f"deal:{deal}")
    if deals:
        named.update(session.scalars(select(AudiencePurchase.customer_id)
                                     .where(AudiencePurchase.id.in_(sorted(deals)))))
    if len(named) < 2:
        return
    found = session.execute(select(AudienceCustomer.id, AudienceCustomer.merged_into)
                            .where(AudienceCustomer.id.in_(sorted(named)))).all()
    ids = {row.id for row in found} | {row.merged_into for row in found if row.merged_into}
    if len(ids) > 1:
        lock_customers(session, ids)


def surviving(session, customer_id):
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
    """Its contacts' ids: itself and its contact persons (one statement compiled once: every
    customer event asks)."""
    return set(session.execute(precompiled(session, "marketing:contacts_of", _contacts_of),
                               {"customer_id": customer_id}).scalars())


def _contacts_of(_dialect):
    return select(AudienceContact.id).where(AudienceContact.customer_id == bindparam("customer_id"))
