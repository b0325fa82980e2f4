"""Duplicate detection on create and rename, as customers' (services/customers/duplicates.py):
the same tax id, the same email, or the same normalised name (in the same country when both
name one) is a 409 naming the supplier it duplicates — unless the caller forces it, and then
the new supplier keeps `possible_duplicate_of`. The keys are the shared normalisation
(services/chassis/normalize.py), so "ＡＣＭＥ Gmbh." and "Acme GmbH" are one name."""
from sqlalchemy import or_, select

from services.chassis import normalize
from services.chassis.errors import Conflict
from services.procurement.suppliers.models import Supplier

MESSAGES = {
    "tax_id": "A supplier with this tax id already exists.",
    "email": "A supplier with this email already exists.",
    "name": "A supplier with this name already exists.",
}


def tax_id_key(value):
    return normalize.text(value).replace(" ", "") or None


def keys(supplier):
    """Refresh the normalised columns the search and the duplicate check compare."""
    supplier.name_norm = normalize.text(supplier.name)[:200]
    supplier.email_norm = normalize.email(supplier.email)
    supplier.phone_norm = normalize.digits(supplier.phone)[:20] or None
    supplier.tax_id_norm = tax_id_key(supplier.tax_id)


def find(session, supplier):
    """(existing id, "tax_id" | "email" | "name") or None; `supplier` has its keys set."""
    others = Supplier.id != supplier.id
    order = (Supplier.created_at, Supplier.id)
    if supplier.tax_id_norm:
        found = session.scalar(select(Supplier.id).where(
            Supplier.tax_id_norm == supplier.tax_id_norm, others).order_by(*order).limit(1))
        if found:
            return found, "tax_id"
    if supplier.email_norm:
        found = session.scalar(select(Supplier.id).where(
            Supplier.email_norm == supplier.email_norm, others).order_by(*order).limit(1))
        if found:
            return found, "email"
    same_country = (or_(Supplier.country.is_(None), Supplier.country == supplier.country)
                    if supplier.country else True)
    found = session.scalar(select(Supplier.id).where(
        Supplier.name_norm == supplier.name_norm, same_country, others)
        .order_by(*order).limit(1))
    return (found, "name") if found else None


def check(session, supplier, force):
    """Refuse a duplicate (409 with `duplicate_of` and `match`), or with `force` note it."""
    match = find(session, supplier)
    if match is None:
        return None
    duplicate_of, kind = match
    if not force:
        raise Conflict(MESSAGES[kind], {"duplicate_of": duplicate_of, "match": kind})
    return duplicate_of
