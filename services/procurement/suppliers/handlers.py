"""Suppliers' use cases: create (duplicates refused unless forced), read, list (status,
category, flagged, name), change (only what differs is recorded and published; contacts
replaced as a whole), move along the status flow (statuses.py: reasons, admin-only unblock,
illegal moves 409), documents' metadata, and the history."""
import json

from sqlalchemy import delete, select

from services.chassis import normalize, pagination
from services.chassis.errors import Conflict, Forbidden, Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.procurement import metrics
from services.procurement.suppliers import duplicates, schemas, statuses
from services.procurement.suppliers.models import (Supplier, SupplierChange, SupplierContact,
                                                   SupplierDocument)
from services.procurement.suppliers.record import (dump, dump_many, new_id, one, payload,
                                                   record_change)

DOCUMENT, CHANGE = schemas.Document(), schemas.SupplierChange()
EDITABLE = ("name", "legal_name", "tax_id", "email", "phone", "website", "address", "country",
            "categories", "payment_terms_days", "payment_terms_note", "currency", "notes")
DUPLICATE_KEYS = ("name", "tax_id", "email", "country")


def _categories(values):
    """Distinct (as the normalisation compares them), in the order given."""
    seen, kept = set(), []
    for value in values or ():
        key = normalize.text(value)
        if key not in seen:
            seen.add(key)
            kept.append(value.strip())
    return json.dumps(kept, ensure_ascii=False)


def _check_contacts(contacts):
    if sum(1 for contact in contacts if contact["is_primary"]) > 1:
        raise Invalid("The request is not valid.", {"contacts": ["At most one primary contact."]})


def _replace_contacts(session, supplier, contacts, now):
    session.execute(delete(SupplierContact).where(SupplierContact.supplier_id == supplier.id))
    for position, contact in enumerate(contacts, start=1):
        session.add(SupplierContact(id=new_id(), supplier_id=supplier.id, position=position,
                                    created_at=now, **contact))


def create_supplier(uow, principal, data, force=False):
    if not isinstance(force, bool):
        raise Invalid("The request is not valid.", {"force": ["Must be a boolean."]})
    fields, session = load(schemas.SupplierCreate, data), uow.session
    contacts = fields.pop("contacts", None) or []
    _check_contacts(contacts)
    fields["categories"] = _categories(fields.get("categories"))
    now = utcnow()
    supplier = Supplier(id=new_id(), status=statuses.ACTIVE, flagged=False,
                        created_by=principal.user_id, created_at=now, updated_at=now, **fields)
    duplicates.keys(supplier)
    supplier.possible_duplicate_of = duplicates.check(session, supplier, force)
    session.add(supplier)
    session.flush()
    _replace_contacts(session, supplier, contacts, now)
    record_change(uow, supplier, "created", {"status": (None, statuses.ACTIVE)},
                  principal.user_id, at=now)
    uow.emit("supplier_created", payload(supplier))
    metrics.supplier_created(bool(supplier.possible_duplicate_of))
    return dump(session, supplier)


def get_supplier(session, supplier_id):
    return dump(session, one(session, supplier_id))


def list_suppliers(session, query=None):
    filters = load(schemas.SupplierQuery, query or {})
    statement = select(Supplier)
    if filters.get("status"):
        statement = statement.where(Supplier.status == filters["status"])
    if filters.get("flagged") is not None:
        statement = statement.where(Supplier.flagged.is_(filters["flagged"]))
    if filters.get("category"):
        # categories are a JSON list of strings: the quoted category is an exact element
        statement = statement.where(Supplier.categories.contains(
            json.dumps(filters["category"].strip(), ensure_ascii=False), autoescape=True))
    if filters.get("q"):
        statement = statement.where(Supplier.name_norm.contains(normalize.text(filters["q"]),
                                                                autoescape=True))
    scope = "suppliers:" + json.dumps({k: v for k, v in filters.items()
                                       if k not in ("cursor", "limit")}, sort_keys=True)
    return pagination.newest_first(session, statement, Supplier, filters, scope, dump_many)


def update_supplier(uow, principal, supplier_id, data):
    fields, session = load(schemas.SupplierUpdate, data), uow.session
    supplier = one(session, supplier_id, for_write=True)
    contacts = fields.pop("contacts", None)
    if contacts is not None:
        _check_contacts(contacts)
    if "categories" in fields:
        fields["categories"] = _categories(fields["categories"])
    changes = {name: (getattr(supplier, name), fields[name]) for name in EDITABLE
               if name in fields and getattr(supplier, name) != fields[name]}
    if not changes and contacts is None:
        return dump(session, supplier)
    now = utcnow()
    for name, (_old, new) in changes.items():
        setattr(supplier, name, new)
    duplicates.keys(supplier)
    if set(changes) & set(DUPLICATE_KEYS):
        duplicates.check(session, supplier, force=False)   # a rename onto another: 409
    if contacts is not None:
        _replace_contacts(session, supplier, contacts, now)
        changes["contacts"] = (None, len(contacts))
    supplier.updated_at = now
    shown = {name: ((json.loads(old), json.loads(new)) if name == "categories" else (old, new))
             for name, (old, new) in changes.items()}
    record_change(uow, supplier, "updated", shown, principal.user_id, at=now)
    session.flush()
    uow.emit("supplier_updated", {**payload(supplier), "changed": sorted(changes),
                                  "changed_by": principal.user_id})
    return dump(session, supplier)


def change_status(uow, principal, supplier_id, data):
    fields, session = load(schemas.SupplierStatusChange, data), uow.session
    supplier = one(session, supplier_id, for_write=True)
    target, reason = fields["status"], fields.get("reason")
    if target == supplier.status:
        return dump(session, supplier)
    if not statuses.may_move(supplier.status, target):
        raise Conflict(f"A supplier cannot go from {supplier.status} to {target}.",
                       {"id": supplier.id, "allowed": sorted(statuses.ALLOWED[supplier.status])})
    if statuses.admin_only(supplier.status, target) and not principal.is_admin:
        raise Forbidden("Only an admin may unblock a blocked supplier.", {"id": supplier.id})
    if target in statuses.NEEDS_REASON and not reason:
        raise Invalid("The request is not valid.", {"reason": [f"Say why it goes {target}."]})
    set_status(uow, supplier, target, reason, principal.user_id)
    session.flush()
    return dump(session, supplier)


def set_status(uow, supplier, target, reason, actor):
    """Move it (the caller checked the flow): history row, supplier_status_changed, metrics."""
    now, previous = utcnow(), supplier.status
    supplier.status, supplier.status_reason = target, reason
    supplier.status_changed_by, supplier.status_changed_at = actor, now
    supplier.updated_at = now
    record_change(uow, supplier, "status_changed", {"status": (previous, target)}, actor,
                  reason=reason, at=now)
    uow.emit("supplier_status_changed", {
        "supplier_id": supplier.id, "from_status": previous, "to_status": target,
        "reason": reason, "changed_by": actor, "changed_at": now})
    metrics.supplier_status_changed(target)


def add_document(uow, principal, supplier_id, data):
    fields, session = load(schemas.DocumentCreate, data), uow.session
    if (fields.get("valid_from") and fields.get("valid_until")
            and fields["valid_until"] < fields["valid_from"]):
        raise Invalid("The request is not valid.", {"valid_until": ["Before valid_from."]})
    supplier = one(session, supplier_id, for_write=True)
    now = utcnow()
    document = SupplierDocument(id=new_id(), supplier_id=supplier.id, added_by=principal.user_id,
                                created_at=now, **fields)
    session.add(document)
    record_change(uow, supplier, "document_added", {"document": (None, document.title)},
                  principal.user_id, at=now)
    uow.emit("supplier_document_added", {
        "supplier_id": supplier.id, "document_id": document.id, "kind": document.kind,
        "valid_until": document.valid_until, "added_by": principal.user_id, "added_at": now})
    return DOCUMENT.dump(document)


def list_documents(session, supplier_id, query=None):
    filters = load(schemas.PageQuery, query or {})
    supplier = one(session, supplier_id)
    statement = select(SupplierDocument).where(SupplierDocument.supplier_id == supplier.id)
    return pagination.newest_first(session, statement, SupplierDocument, filters,
                                   f"supplier-documents:{supplier.id}",
                                   lambda s, rows: [DOCUMENT.dump(row) for row in rows])


def list_history(session, supplier_id, query=None):
    filters = load(schemas.PageQuery, query or {})
    supplier = one(session, supplier_id)
    statement = select(SupplierChange).where(SupplierChange.supplier_id == supplier.id)
    return pagination.oldest_first(session, statement, SupplierChange, SupplierChange.changed_at,
                                   filters, f"supplier-history:{supplier.id}",
                                   lambda row: CHANGE.dump({
                                       **{c.key: getattr(row, c.key)
                                          for c in SupplierChange.__table__.columns},
                                       "changes": json.loads(row.changes)}))
