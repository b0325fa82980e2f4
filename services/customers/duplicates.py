"""Duplicate detection on create: same email, or same normalised name and phone.

Checked across the whole book (not just what the caller sees): two reps must not each keep a
twin of one company. The answer names only the existing id, which the caller still cannot read.
"""
from sqlalchemy import select

from services.chassis.errors import Conflict
from services.customers import normalize
from services.customers.models import Customer

MESSAGES = {
    "email": "A customer with this email already exists.",
    "name_phone": "A customer with this name and phone number already exists.",
}


def find(session, email, name, phone, exclude_id=None):
    """(existing id, "email" | "name_phone") or None. Merged-away customers do not count."""
    live = [Customer.merged_into.is_(None)]
    if exclude_id is not None:
        live.append(Customer.id != exclude_id)
    email_key = normalize.email(email)
    if email_key:
        found = session.scalar(select(Customer.id).where(Customer.email_norm == email_key, *live)
                               .order_by(Customer.created_at, Customer.id).limit(1))
        if found:
            return found, "email"
    name_key, phone_key = normalize.text(name), normalize.digits(phone)
    if name_key and phone_key:
        found = session.scalar(select(Customer.id).where(
            Customer.name_norm == name_key, Customer.phone_norm == phone_key, *live)
            .order_by(Customer.created_at, Customer.id).limit(1))
        if found:
            return found, "name_phone"
    return None


def refuse_duplicate(session, data, exclude_id=None):
    match = find(session, data.get("email"), data.get("name"), data.get("phone"), exclude_id)
    if match:
        duplicate_of, kind = match
        raise Conflict(MESSAGES[kind], {"duplicate_of": duplicate_of, "match": kind})
