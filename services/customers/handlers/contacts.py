"""People at a customer (usually a company): name, role, contact details, birthday."""

from sqlalchemy import select

from services.chassis import db
from services.chassis.models import utcnow
from services.chassis.validation import load, shared
from services.customers import schemas
from services.customers.models import Contact
from services.customers.queries import scopes

MAX_CONTACTS_LISTED = 1000


def add_contact(uow, principal, customer_id, data):
    data = load(schemas.ContactCreate, data)
    customer = scopes.writable(uow.session, principal, customer_id)
    contact = Contact(id=db.new_ordered_id(), customer_id=customer.id, created_at=utcnow(), **data)
    uow.session.add(contact)
    uow.emit("contact_added", {"id": contact.id, "customer_id": customer.id, "name": contact.name,
                               "role": contact.role, "email": contact.email,
                               "birthday": contact.birthday,
                               "owner_id": customer.owner_id, "created_at": contact.created_at})
    return shared(schemas.Contact).dump(contact)


def list_contacts(session, principal, customer_id):
    """Oldest first; a merged id lists its winner's contacts (where they moved)."""
    customer, _ = scopes.readable(session, principal, customer_id)
    contacts = session.scalars(select(Contact).where(Contact.customer_id == customer.id)
                               .order_by(Contact.created_at, Contact.id).limit(MAX_CONTACTS_LISTED))
    return [shared(schemas.Contact).dump(contact) for contact in contacts]
