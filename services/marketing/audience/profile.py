"""A contact's profile: the contact and its customer as one flat record — what the audience
API shows and what segment rules are evaluated against (the same names in both)."""
import json
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import inspect, select

from services.marketing.audience.models import AudienceContact, AudienceCustomer


def profile(contact, customer):
    """`customer` may be None or an unknown stub (its event has not arrived yet)."""
    known = customer is not None and customer.known
    values = json.loads(customer.lifetime_value) if customer is not None else {}
    return {
        "id": contact.id, "kind": contact.kind, "customer_id": contact.customer_id,
        "name": contact.name, "email": contact.email, "role": contact.role,
        "created_at": contact.created_at, "active": contact.active,
        "customer_name": customer.name if known else None,
        "customer_kind": customer.kind if known else None,
        "industry": customer.industry if known else None,
        "size": customer.size if known else None,
        "region": customer.region if customer is not None else None,
        "lifecycle_stage": customer.lifecycle_stage if known else None,
        "value_class": customer.value_class if known else None,
        "owner_id": customer.owner_id if customer is not None else None,
        "customer_created_at": customer.created_at if known else None,
        "tags": json.loads(customer.tags) if customer is not None else [],
        "last_interaction_at": customer.last_interaction_at if customer is not None else None,
        "last_purchase_at": customer.last_purchase_at if customer is not None else None,
        "lifetime_value": {code: Decimal(amount) for code, amount in values.items()},
        "products": json.loads(customer.products) if customer is not None else [],
    }


def in_audience(contact, customer):
    """Addressable at all: not merged away, and its customer is known."""
    return contact.active and customer is not None and customer.known


def _columns(model, prefix):
    return [(attribute.key, getattr(model, attribute.key).label(prefix + attribute.key))
            for attribute in inspect(model).column_attrs]


def load_profiles(session, contact_ids):
    """{contact id: profile} of the given contacts (missing ids are left out), with whether
    each is in the audience and when its segments are next rechecked (segments). The rows are
    read as plain columns (no ORM objects: a segment's evaluation reads thousands at a time);
    pending changes of the session are flushed first, as for an entity query."""
    if not contact_ids:
        return {}
    contacts, customers = _columns(AudienceContact, "c_"), _columns(AudienceCustomer, "k_")
    rows = session.execute(
        select(*(label for _key, label in contacts + customers))
        .outerjoin(AudienceCustomer, AudienceCustomer.id == AudienceContact.customer_id)
        .where(AudienceContact.id.in_(sorted(contact_ids)))).all()
    result = {}
    for row in rows:
        contact = SimpleNamespace(**{key: row[index] for index, (key, _) in enumerate(contacts)})
        customer = None if row.k_id is None else SimpleNamespace(
            **{key: row[len(contacts) + index] for index, (key, _) in enumerate(customers)})
        result[contact.id] = {**profile(contact, customer),
                              "in_audience": in_audience(contact, customer),
                              "recheck_at": contact.recheck_at}
    return result
