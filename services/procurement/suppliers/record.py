"""What the supplier use cases share: the caller's view of one supplier (a buyer or a manager:
the supplier book is shared, like customers' is by marketers), reading one out with its
contacts, its event payload, and recording a change (the history row) in the change's own
transaction."""
import json
import uuid

from sqlalchemy import select

from services.chassis.errors import NotFound
from services.chassis.models import utcnow
from services.procurement.suppliers import schemas
from services.procurement.suppliers.models import Supplier, SupplierChange, SupplierContact

SUPPLIER = schemas.Supplier()


def new_id():
    return str(uuid.uuid4())


def one(session, supplier_id, for_write=False):
    """The supplier (locked for the rest of the transaction, for a write), or 404."""
    if not isinstance(supplier_id, str) or len(supplier_id) > 36:
        raise NotFound(f"No supplier {supplier_id}.", {"id": str(supplier_id)[:36]})
    query = select(Supplier).where(Supplier.id == supplier_id)
    if for_write:
        query = query.with_for_update()      # concurrent changes queue instead of overwriting
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"No supplier {supplier_id}.", {"id": supplier_id})
    return found


def values(supplier):
    return {column.key: getattr(supplier, column.key) for column in Supplier.__table__.columns
            if column.key != "categories"} | {"categories": json.loads(supplier.categories)}


def contacts_of(session, supplier_ids):
    rows = session.scalars(select(SupplierContact).where(
        SupplierContact.supplier_id.in_(supplier_ids))
        .order_by(SupplierContact.supplier_id, SupplierContact.position)).all() if supplier_ids else []
    found = {}
    for row in rows:
        found.setdefault(row.supplier_id, []).append(row)
    return found


def dump_many(session, suppliers):
    contacts = contacts_of(session, [supplier.id for supplier in suppliers])
    return [SUPPLIER.dump({**values(supplier), "contacts": contacts.get(supplier.id, [])})
            for supplier in suppliers]


def dump(session, supplier):
    return dump_many(session, [supplier])[0]


def payload(supplier):
    """The supplier as its events carry it (uow.emit dumps it through the event's schema)."""
    return values(supplier)


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else (
        str(value) if value is not None and not isinstance(value, (str, int, bool, list)) else value)


def record_change(uow, supplier, action, changes, actor, reason=None, at=None):
    """One history row: {field: [from, to]} (JSON-able)."""
    uow.session.add(SupplierChange(
        id=new_id(), supplier_id=supplier.id, action=action, reason=reason, changed_by=actor,
        changed_at=at or utcnow(),
        changes=json.dumps({name: [_plain(old), _plain(new)] for name, (old, new)
                            in changes.items()}, ensure_ascii=False)))
