"""Interaction history: calls, emails, meetings, notes; the timeline is newest first."""
import uuid
from datetime import datetime

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.customers import schemas
from services.customers.models import Contact, Interaction
from services.customers.queries import scopes


def log_interaction(uow, principal, customer_id, data):
    data = load(schemas.InteractionCreate(), data)
    session = uow.session
    customer = scopes.writable(session, principal, customer_id)
    if data.get("contact_id") is not None:
        contact = session.get(Contact, data["contact_id"])
        if contact is None or contact.customer_id != customer.id:
            raise Invalid("The request is not valid.",
                          {"contact_id": ["Not a contact of this customer."]})
    now = utcnow()
    interaction = Interaction(
        id=str(uuid.uuid4()), customer_id=customer.id, user_id=principal.user_id, created_at=now,
        kind=data["kind"], occurred_at=data.get("occurred_at") or now, summary=data["summary"],
        outcome=data.get("outcome"), contact_id=data.get("contact_id"))
    session.add(interaction)
    result = schemas.Interaction().dump(interaction)
    uow.emit("interaction_logged", {**result, "occurred_at": interaction.occurred_at,
                                    "owner_id": customer.owner_id})
    return result


def get_timeline(session, principal, customer_id, cursor=None, limit=None):
    load(schemas.Timeline(), {"customer_id": customer_id, "cursor": cursor, "limit": limit})
    size = pagination.page_size(limit)
    customer, _ = scopes.readable(session, principal, customer_id)
    scope = f"timeline:{customer.id}"
    query = select(Interaction).where(Interaction.customer_id == customer.id)
    if cursor:
        position = pagination.decode_cursor(cursor, scope)
        when = pagination.from_json(position[0], datetime)
        query = query.where(pagination.after(Interaction.occurred_at, Interaction.id, when,
                                             str(position[1]), descending=True))
    newest_first = pagination.order_by(Interaction.occurred_at, Interaction.id, descending=True)
    rows = list(session.scalars(query.order_by(*newest_first).limit(size + 1)))
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = pagination.encode_cursor([pagination.to_json(last.occurred_at), last.id],
                                               scope)
    return {"items": [schemas.Interaction().dump(row) for row in rows], "next_cursor": next_cursor}
