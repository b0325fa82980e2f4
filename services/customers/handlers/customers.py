"""Create, read and change customers."""
import uuid

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased

from services.chassis.errors import Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.customers import duplicates, normalize, parent_companies, schemas
from services.customers.handlers import assignment
from services.customers.models import Customer, CustomerTag, Tag
from services.customers.queries import scopes
from services.customers.queries.views import dump_one, dump_with_tags, record

_REQUESTED = aliased(Customer, name="requested")      # the id asked for: the live row or a tombstone
# Built once (only the caller's scope is added per call): constructing the ORM statement was a
# third of get_customer's CPU. The id is a bound parameter, so SQLAlchemy's compiled cache hits.
_GET = (select(Customer, _REQUESTED.merged_into, Tag.name)
        .select_from(_REQUESTED)
        .join(Customer, Customer.id == func.coalesce(_REQUESTED.merged_into, _REQUESTED.id))
        .outerjoin(CustomerTag, CustomerTag.customer_id == Customer.id)
        .outerjoin(Tag, Tag.id == CustomerTag.tag_id)
        .where(_REQUESTED.id == bindparam("customer_id"))
        .order_by(Tag.name_norm))


def normalise(customer):
    """Refresh the normalised columns duplicate detection, search and sorting compare."""
    customer.name_norm = normalize.text(customer.name)[:200]
    customer.email_norm = normalize.email(customer.email)
    customer.phone_norm = normalize.digits(customer.phone) or None
    customer.search_text = normalize.search_text(customer.name, customer.email, customer.phone)


def _require_currency(customer):
    if customer.annual_revenue is not None and not customer.currency:
        raise Invalid("The request is not valid.",
                      {"currency": ["Required with annual_revenue (ISO 4217, e.g. EUR)."]})


def create_customer(uow, principal, data, force=False):
    """Validate, refuse a duplicate (unless forced), store, assign an owner, emit.

    Every refusal happens before the first write, so the CSV import can run rows through
    here inside one batch transaction and a bad row leaves nothing behind.
    """
    if not isinstance(force, bool):
        raise Invalid("The request is not valid.", {"force": ["Must be a boolean."]})
    session = uow.session
    data = load(schemas.CustomerCreate(), data)
    owner_id = data.pop("owner_id", None)
    customer = Customer(id=str(uuid.uuid4()), created_by=principal.user_id, **data)
    _require_currency(customer)
    customer.parent_id = parent_companies.check_parent(session, principal, customer.id, customer.parent_id)
    if owner_id is not None:
        assignment.check_owner_choice(session, principal, owner_id)
    if not force:
        duplicates.refuse_duplicate(session, data)
    customer.created_at = customer.updated_at = utcnow()
    normalise(customer)
    session.add(customer)
    if owner_id is not None:
        customer.owner_id, reason = owner_id, "manual"
    elif principal.role == "sales_rep":
        customer.owner_id, reason = principal.user_id, "creator"
    else:
        customer.owner_id, reason = assignment.next_owner(session, customer.region), "round_robin"
    uow.emit("customer_created", record(customer))
    if customer.owner_id:
        uow.emit("customer_assigned", assignment.assigned_event(
            customer, None, reason, principal.user_id if reason != "round_robin" else "system"))
    return dump_with_tags(customer, [])            # a new customer has no tags yet


def get_customer(session, principal, customer_id):
    """What `scopes.readable` + `dump_one` answer (a merged id answers its winner, if the caller
    may see it; tags sorted), in one statement instead of three: the hottest read of the API.
    One row per tag (outer join), a single row with no tag name when there is none."""
    if not isinstance(customer_id, str):
        raise scopes.not_found(customer_id)
    rows = session.execute(_GET.where(scopes.condition(session, principal)),
                           {"customer_id": customer_id}).all()
    if not rows:
        raise scopes.not_found(customer_id)
    customer, merged_into, _ = rows[0]
    tags = [name for _, _, name in rows if name is not None]
    return dump_with_tags(customer, tags, customer_id if merged_into else None)


def update_customer(uow, principal, customer_id, data):
    """Partial update; owner_id is an unknown field here (assign_customer changes owners)."""
    session = uow.session
    changes = load(schemas.CustomerUpdate(), data, partial=True)
    customer = scopes.writable(session, principal, customer_id)
    if "parent_id" in changes:
        changes["parent_id"] = parent_companies.check_parent(session, principal, customer.id,
                                                    changes["parent_id"])
    changed = sorted(name for name, value in changes.items() if getattr(customer, name) != value)
    for name in changed:
        setattr(customer, name, changes[name])
    _require_currency(customer)
    if changed:
        normalise(customer)
        customer.updated_at = utcnow()
        uow.emit("customer_updated", {**record(customer), "changed": changed})
    return dump_one(session, customer)
