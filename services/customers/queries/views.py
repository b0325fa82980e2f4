"""Customers as the RPCs answer them and the events carry them."""
from sqlalchemy import select

from services.customers import schemas
from services.customers.events import CustomerRecord
from services.customers.models import CustomerTag, Tag

RECORD_FIELDS = tuple(CustomerRecord().fields)
# One instance for every dump: building a marshmallow Schema deep-copies its declared fields,
# which was a fifth of get_customer's CPU. Dumping keeps no state on the instance.
_CUSTOMER = schemas.Customer()


def tag_names(session, customer_ids):
    """{customer id: sorted tag names} in one query for a whole page."""
    names = {customer_id: [] for customer_id in customer_ids}
    if customer_ids:
        rows = session.execute(
            select(CustomerTag.customer_id, Tag.name).join(Tag, Tag.id == CustomerTag.tag_id)
            .where(CustomerTag.customer_id.in_(list(customer_ids))).order_by(Tag.name_norm))
        for customer_id, name in rows:
            names[customer_id].append(name)
    return names


def record(customer):
    """The customer's fields as an event payload (dumped through the published schema)."""
    return {name: getattr(customer, name) for name in RECORD_FIELDS}


def dump_many(session, customers):
    tags = tag_names(session, [customer.id for customer in customers])
    return [dump_with_tags(c, tags[c.id]) for c in customers]


def dump_with_tags(customer, tags, redirected_from=None):
    """For callers that already know the tag names (get: same statement; create: none yet)."""
    result = _CUSTOMER.dump({**record(customer), "tags": tags})
    if redirected_from:
        result["redirected_from"] = redirected_from
    return result


def dump_one(session, customer, redirected_from=None):
    return dump_with_tags(customer, tag_names(session, [customer.id])[customer.id], redirected_from)
