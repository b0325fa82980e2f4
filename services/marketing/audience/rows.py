"""What the audience's projections share: reading a payload through marketing's tolerant copy,
the customer's row (locked; a stub until its customer_created arrives), a merged customer's
surviving winner, and a customer's contacts."""
from marshmallow import ValidationError
from sqlalchemy import bindparam, select

from services.chassis.db import insert_ignoring_conflicts, precompiled
from services.marketing.audience.models import AudienceContact, AudienceCustomer


_SCHEMAS = {}        # tolerant copy class → its one instance (loading keeps no state)


def read(envelope, table):
    copy = table[envelope["event_type"]]
    schema = _SCHEMAS.get(copy) or _SCHEMAS.setdefault(copy, copy())
    try:
        return schema.load(envelope["payload"])
    except ValidationError as error:
        raise ValueError(f"unreadable {envelope.get('event_type')} payload: {error.messages}")


# A customer's row before any event has set its fields (an unknown stub).
STUB = {"known": False, "tags": "[]", "lifetime_value": "{}", "products": "[]",
        "record_sequence": 0, "owner_sequence": 0, "tags_sequence": 0}


def customer(session, customer_id):
    """The customer's row, locked, created as an unknown stub if an event about it came first.
    The lock serialises the events of one customer across workers and replicas: the segments
    of its contacts are then evaluated on what the other transaction committed, never on a
    state it is about to replace."""
    insert_ignoring_conflicts(session, AudienceCustomer, {"id": customer_id, **STUB}, ("id",))
    return session.get(AudienceCustomer, customer_id, with_for_update=True,
                       populate_existing=True)


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
