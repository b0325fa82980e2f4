"""Duplicate detection on create: same email, or same normalised name and phone.

Checked across the whole book (not just what the caller sees): two reps must not each keep a
twin of one company. The answer names only the existing id, which the caller still cannot read.
The earliest live customer (created_at, then id) is the one named; the email match wins over
the name + phone one. One definition for a single create and a whole import batch (`Lookup`).
"""
from sqlalchemy import bindparam, select

from services.chassis.errors import Conflict
from services.customers import normalize
from services.customers.models import Customer

# Built once, on the table's columns: building the statements and the ORM's compile and
# autoflush steps (which a lookup of plain columns does not need) were most of the lookup's
# CPU, a tenth of a create's (bench/FINDINGS.md). The keys are expanding parameters.
_C = Customer.__table__.c
_LIVE = _C.merged_into.is_(None)                         # merged-away customers do not count
_BY_EMAIL = select(_C.email_norm, _C.created_at, _C.id).where(
    _C.email_norm.in_(bindparam("emails", expanding=True)), _LIVE)
# Names IN and phones IN (the (name_norm, phone_norm) index), then the exact pairs: plainer for
# both planners than a row-value IN.
_BY_NAME_PHONE = select(_C.name_norm, _C.phone_norm, _C.created_at, _C.id).where(
    _C.name_norm.in_(bindparam("names", expanding=True)),
    _C.phone_norm.in_(bindparam("phones", expanding=True)), _LIVE)

MESSAGES = {
    "email": "A customer with this email already exists.",
    "name_phone": "A customer with this name and phone number already exists.",
}


def keys(email, name, phone):
    """(email key or None, (name key, phone key) or None): what two customers share to be twins."""
    return keys_of(normalize.email(email), normalize.text(name), normalize.digits(phone))


def keys_of(email_key, name_key, phone_key):
    """keys() from the values already normalised (an import row's, normalised once: its
    stored columns are the same values)."""
    return email_key or None, (name_key, phone_key) if name_key and phone_key else None


class Lookup:
    """The duplicates of a batch of candidates ({email, name, phone} each): every match in the
    book read with two IN queries, then each candidate asked in turn, with what the earlier
    ones became (`add`) counted as the book too — a file may hold the same customer twice."""

    def __init__(self, session, candidates, exclude_id=None, wanted=None):
        """`wanted`: the candidates' keys() if the caller has them already (one per candidate)."""
        self.first = {"email": {}, "name_phone": {}}     # key -> (created_at, id) of the earliest
        if wanted is None:
            wanted = [keys(c.get("email"), c.get("name"), c.get("phone")) for c in candidates]
        emails = sorted({email for email, _ in wanted if email})
        pairs = {pair for _, pair in wanted if pair}
        session.flush()         # customers added in this transaction count (Core: no autoflush)
        by_email, by_name_phone = _BY_EMAIL, _BY_NAME_PHONE
        if exclude_id is not None:
            by_email, by_name_phone = (statement.where(_C.id != exclude_id)
                                       for statement in (_BY_EMAIL, _BY_NAME_PHONE))
        if emails:
            for row in session.execute(by_email, {"emails": emails}):
                self._keep("email", row.email_norm, row.created_at, row.id)
        if pairs:
            for row in session.execute(by_name_phone, {
                    "names": sorted({name for name, _ in pairs}),
                    "phones": sorted({phone for _, phone in pairs})}):
                pair = (row.name_norm, row.phone_norm)
                if pair in pairs:
                    self._keep("name_phone", pair, row.created_at, row.id)

    def _keep(self, kind, key, created_at, customer_id):
        known = self.first[kind].get(key)
        if known is None or (created_at, customer_id) < known:
            self.first[kind][key] = (created_at, customer_id)

    def find(self, email, name, phone):
        """(existing id, "email" | "name_phone") or None."""
        return self.find_keys(keys(email, name, phone))

    def find_keys(self, wanted):
        """find() by a candidate's keys()."""
        email_key, pair = wanted
        for kind, key in (("email", email_key), ("name_phone", pair)):
            found = self.first[kind].get(key) if key else None
            if found:
                return found[1], kind
        return None

    def add(self, customer, wanted=None):
        """A customer created since the lookup (normalised, created_at set) is a twin too;
        `wanted`: its keys(), if the caller has them."""
        email_key, pair = wanted or keys(customer.email, customer.name, customer.phone)
        if email_key:
            self._keep("email", email_key, customer.created_at, customer.id)
        if pair:
            self._keep("name_phone", pair, customer.created_at, customer.id)


def find(session, email, name, phone, exclude_id=None):
    """(existing id, "email" | "name_phone") or None."""
    return Lookup(session, [{"email": email, "name": name, "phone": phone}], exclude_id).find(
        email, name, phone)


def conflict(match):
    duplicate_of, kind = match
    return Conflict(MESSAGES[kind], {"duplicate_of": duplicate_of, "match": kind})


def refuse_duplicate(session, data, exclude_id=None):
    match = find(session, data.get("email"), data.get("name"), data.get("phone"), exclude_id)
    if match:
        raise conflict(match)
