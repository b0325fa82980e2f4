"""Create, read and change customers."""

from sqlalchemy import bindparam, func, inspect, select
from sqlalchemy import insert as sql_insert
from sqlalchemy.orm import aliased

from services.chassis import db
from services.chassis.errors import Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.customers import duplicates, normalize, parent_companies, schemas
from services.customers.handlers import assignment
from services.customers.models import Customer, CustomerTag, Tag
from services.customers.queries import scopes
from services.customers.queries.views import dump_one, dump_with_tags, record

# (attribute, column): annual_revenue is stored as annual_revenue_cents
_COLUMNS = tuple((attribute.key, attribute.columns[0].key)
                 for attribute in inspect(Customer).column_attrs)
_INSERT = sql_insert(Customer.__table__)
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


class NewCustomer:
    """A customer being created: every column attribute of Customer (None until given), as a
    plain object. It is only inserted (`insert`: Core, never the session) and dumped, so the
    ORM's instrumentation — its constructor, each attribute's set and get — bought nothing and
    cost a sixth of an import row's CPU (bench/import_batch.py, FINDINGS seventh session)."""
    _BLANK = dict.fromkeys(key for key, _column in _COLUMNS)

    def __init__(self, **values):
        unknown = values.keys() - self._BLANK.keys()
        if unknown:         # as the mapped class refuses them
            raise TypeError(f"{sorted(unknown)!r} are not customer attributes")
        self.__dict__.update(self._BLANK)
        self.__dict__.update(values)


def normalise(customer, name_text=None, phone_digits=None):
    """Refresh the normalised columns duplicate detection, search and sorting compare.
    `name_text`, `phone_digits`: normalize.text(name) and normalize.digits(phone) if the caller
    has them already (an import batch: its duplicate keys are the same values)."""
    if name_text is None:
        name_text = normalize.text(customer.name)
    if phone_digits is None:
        phone_digits = normalize.digits(customer.phone)
    customer.name_norm = name_text[:200]
    customer.email_norm = normalize.email(customer.email)
    customer.phone_norm = phone_digits or None
    customer.search_text = normalize.search_text_of(name_text, normalize.text(customer.email),
                                                    phone_digits)


def _require_currency(customer):
    if customer.annual_revenue is not None and not customer.currency:
        raise Invalid("The request is not valid.",
                      {"currency": ["Required with annual_revenue (ISO 4217, e.g. EUR)."]})


def create_customer(uow, principal, data, force=False):
    """Validate, refuse a duplicate (unless forced), store, assign an owner, emit.

    Every refusal happens before the first write. An import batch goes through the same rules,
    a batch at a time (customers_bulk.create_customers): build_customer, the duplicates' Lookup,
    owner_rule, the kernel's round-robin and announce are the one definition of each.
    """
    if not isinstance(force, bool):
        raise Invalid("The request is not valid.", {"force": ["Must be a boolean."]})
    session = uow.session
    data = load(schemas.CustomerCreate, data)
    customer, owner_id = build_customer(session, principal, data)
    if not force:
        duplicates.refuse_duplicate(session, data)
    stamp(customer)
    customer.owner_id, reason = owner_rule(principal, owner_id)
    if reason == "round_robin":
        customer.owner_id = assignment.next_owner(session, customer.region)
    insert(session, [customer])
    announce(uow, principal, customer, reason)
    return dump_with_tags(customer, [])            # a new customer has no tags yet


def insert(session, new_customers):
    """INSERT new customers (built, stamped, owned) as they are, one Core statement for all
    (executemany): the ORM's unit of work (add + flush) or its bulk path cost ~0.08 ms more CPU
    per row on SQLite, a twentieth of a create (bench/FINDINGS.md, fourth session). They stay
    out of the session, complete as built: every column is given, nothing is read back."""
    rows = [{column: getattr(customer, key) for key, column in _COLUMNS}
            for customer in new_customers]
    session.execute(_INSERT, rows[0] if len(rows) == 1 else rows)


def build_customer(session, principal, data):
    """(a new customer from `data` loaded by schemas.CustomerCreate, the owner asked for or
    None), checked (currency, parent, who may choose the owner) but not stored; raises the
    refusal (Invalid, Forbidden)."""
    data = dict(data)
    owner_id = data.pop("owner_id", None)
    customer = NewCustomer(id=db.new_ordered_id(), created_by=principal.user_id, **data)
    _require_currency(customer)
    customer.parent_id = parent_companies.check_parent(session, principal, customer.id,
                                                       customer.parent_id)
    if owner_id is not None:
        assignment.check_owner_choice(session, principal, owner_id)
    return customer, owner_id


def stamp(customer, name_text=None, phone_digits=None):
    """Creation time and normalised keys, once the customer is known not to be a duplicate
    (`name_text`, `phone_digits`: as normalise's)."""
    customer.created_at = customer.updated_at = utcnow()
    normalise(customer, name_text, phone_digits)


def owner_rule(principal, owner_id):
    """(owner, reason): the one asked for, else a rep's own, else None — the round-robin's turn
    (`assignment.next_owner`)."""
    if owner_id is not None:
        return owner_id, "manual"
    if principal.role == "sales_rep":
        return principal.user_id, "creator"
    return None, "round_robin"


def announce(uow, principal, customer, reason):
    """customer_created, then customer_assigned if it has an owner."""
    uow.emit("customer_created", record(customer))
    announce_owner(uow, principal, customer, reason)


def announce_owner(uow, principal, customer, reason):
    """customer_assigned for a new customer that has an owner."""
    if customer.owner_id:
        uow.emit("customer_assigned", assignment.assigned_event(
            customer, None, reason, principal.user_id if reason != "round_robin" else "system"))


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
    changes = load(schemas.CustomerUpdate, data, partial=True)
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
