"""Reading the audience: a page of contacts (by id; every contact of a known customer that was
not merged away) and one contact's profile. Marketers, managers and admins read all of it."""
from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import NotFound
from services.chassis.validation import load
from services.marketing.audience import schemas
from services.marketing.audience.models import AudienceContact, AudienceCustomer
from services.marketing.audience.profile import load_profiles, profile

MEMBER = schemas.AudienceMember()


def dump(values):
    return MEMBER.dump({**values, "lifetime_value": [
        {"currency": code, "amount": amount} for code, amount in values["lifetime_value"].items()]})


def _addressable():
    return (select(AudienceContact, AudienceCustomer)
            .join(AudienceCustomer, AudienceCustomer.id == AudienceContact.customer_id)
            .where(AudienceContact.active.is_(True), AudienceCustomer.known.is_(True)))


def list_audience(session, principal, query=None):
    filters = load(schemas.AudienceQuery, query or {})
    statement = _addressable()
    for name in ("customer_id", "kind"):
        if filters.get(name):
            statement = statement.where(getattr(AudienceContact, name) == filters[name])
    scope = f"audience:{filters.get('customer_id')}:{filters.get('kind')}"
    size = pagination.page_size(filters.get("limit"))
    if filters.get("cursor"):
        (last_id,) = pagination.decode_cursor(filters["cursor"], scope)
        statement = statement.where(AudienceContact.id > str(last_id))
    rows = session.execute(statement.order_by(AudienceContact.id).limit(size + 1)).all()
    more, rows = len(rows) > size, rows[:size]
    return {"items": [dump(profile(contact, customer)) for contact, customer in rows],
            "next_cursor": pagination.encode_cursor([rows[-1][0].id], scope) if more else None}


def member(session, contact_id):
    """The contact's profile, or NotFound (unknown, merged away, or its customer unknown)."""
    found = load_profiles(session, {contact_id}) if isinstance(contact_id, str) else {}
    values = found.get(contact_id)
    if values is None or not values.pop("in_audience"):
        raise NotFound(f"No contact {contact_id} in the audience.", {"id": contact_id})
    return values


def get_member(session, principal, contact_id):
    return dump(member(session, contact_id))
