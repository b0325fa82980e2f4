"""Consent per contact and channel: read it (with whether the contact is sendable on each
channel), set it (a change is recorded with its previous state and published as
consent_changed; setting what is already there changes nothing), and its history."""
import uuid
from datetime import datetime

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.marketing.audience.handlers import member
from services.marketing.consent import rules, schemas
from services.marketing.consent.models import CHANNELS, UNSUBSCRIBED, Consent, ConsentChange

STATE, CHANGE = schemas.ContactConsent(), schemas.ConsentChange()


def states(session, profile):
    """{channel: Consent row or None} of one contact."""
    rows = {row.channel: row for row in session.scalars(
        select(Consent).where(Consent.contact_id == profile["id"]))}
    return {channel: rows.get(channel) for channel in CHANNELS}


def _dump(profile, rows):
    return STATE.dump({"contact_id": profile["id"], "email": profile["email"], "channels": [
        {"channel": channel, "status": row.status if row else None,
         "reason": row.reason if row else None, "source": row.source if row else None,
         "changed_at": row.changed_at if row else None,
         "changed_by": row.changed_by if row else None,
         "sendable": rules.sendable(profile, channel, row.status if row else None)}
        for channel, row in rows.items()]})


def get_consent(session, principal, contact_id):
    profile = member(session, contact_id)
    return _dump(profile, states(session, profile))


def set_consent(uow, principal, contact_id, data):
    changes = load(schemas.ConsentSet, data)
    channel, session = changes["channel"], uow.session
    profile = member(session, contact_id)
    reason = changes.get("reason") or (UNSUBSCRIBED if changes["status"] == UNSUBSCRIBED else None)
    source = changes.get("source") or "manual"
    row = session.get(Consent, (contact_id, channel), with_for_update=True)
    if row is None or (row.status, row.reason) != (changes["status"], reason):
        now, previous = utcnow(), row.status if row else None
        if row is None:
            row = Consent(contact_id=contact_id, channel=channel)
            session.add(row)
        row.status, row.reason, row.source = changes["status"], reason, source
        row.changed_at, row.changed_by = now, principal.user_id
        session.add(ConsentChange(id=str(uuid.uuid4()), contact_id=contact_id, channel=channel,
                                  previous_status=previous, status=row.status, reason=reason,
                                  source=source, changed_at=now, changed_by=principal.user_id))
        uow.emit("consent_changed", {
            "contact_id": contact_id, "customer_id": profile["customer_id"], "channel": channel,
            "previous_status": previous, "status": row.status, "reason": reason,
            "source": source, "changed_at": now, "changed_by": principal.user_id})
        session.flush()
    return _dump(profile, states(session, profile))


def consent_history(session, principal, contact_id, query=None):
    filters = load(schemas.ConsentHistoryQuery, query or {})
    member(session, contact_id)
    statement = select(ConsentChange).where(ConsentChange.contact_id == contact_id)
    size, scope = pagination.page_size(filters.get("limit")), f"consent:{contact_id}"
    if filters.get("cursor"):
        at, last_id = pagination.decode_cursor(filters["cursor"], scope)
        statement = statement.where(pagination.after(
            ConsentChange.changed_at, ConsentChange.id, pagination.from_json(at, datetime),
            last_id, descending=True))
    rows = list(session.scalars(statement.order_by(*pagination.order_by(
        ConsentChange.changed_at, ConsentChange.id, descending=True)).limit(size + 1)))
    more, rows = len(rows) > size, rows[:size]
    cursor = pagination.encode_cursor([rows[-1].changed_at.isoformat(), rows[-1].id],
                                      scope) if more else None
    return {"items": [CHANGE.dump(row) for row in rows], "next_cursor": cursor}
