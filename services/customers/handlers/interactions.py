"""Interaction history: calls, emails, meetings, notes the reps log; the timeline (newest first)
merges them with what other services did with the customer (handlers/timeline.py)."""
from datetime import datetime

from sqlalchemy import and_, literal, select, union_all

from services.chassis import db, pagination
from services.chassis.errors import Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load, shared
from services.customers import schemas
from services.customers.models import Contact, Interaction, TimelineEntry, TimelineRef
from services.customers.queries import scopes


def log_interaction(uow, principal, customer_id, data):
    data = load(schemas.InteractionCreate, data)
    session = uow.session
    customer = scopes.writable(session, principal, customer_id)
    if data.get("contact_id") is not None:
        contact = session.get(Contact, data["contact_id"])
        if contact is None or contact.customer_id != customer.id:
            raise Invalid("The request is not valid.",
                          {"contact_id": ["Not a contact of this customer."]})
    now = utcnow()
    interaction = Interaction(
        id=db.new_ordered_id(), customer_id=customer.id, user_id=principal.user_id, created_at=now,
        kind=data["kind"], occurred_at=data.get("occurred_at") or now, summary=data["summary"],
        outcome=data.get("outcome"), contact_id=data.get("contact_id"))
    session.add(interaction)
    result = shared(schemas.Interaction).dump(interaction)
    uow.emit("interaction_logged", {**result, "occurred_at": interaction.occurred_at,
                                    "owner_id": customer.owner_id})
    return result


def _positions(model, customer_id, position, size):
    """(occurred_at, id, origin) of `model`'s next page for the customer: a walk of its
    (customer_id, occurred_at, id) index from the cursor, at most size + 1 rows."""
    query = select(model.occurred_at.label("occurred_at"), model.id.label("id"),
                   literal(model.__tablename__).label("origin")).where(model.customer_id == customer_id)
    if position is not None:
        query = query.where(pagination.after(model.occurred_at, model.id, *position,
                                             descending=True))
    newest_first = pagination.order_by(model.occurred_at, model.id, descending=True)
    return query.order_by(*newest_first).limit(size + 1).subquery()


def get_timeline(session, principal, customer_id, cursor=None, limit=None):
    """The customer's whole history, newest first: the interactions logged here merged with
    the timeline entries other services' events wrote, one keyset over (occurred_at, id)."""
    load(schemas.Timeline, {"customer_id": customer_id, "cursor": cursor, "limit": limit})
    size = pagination.page_size(limit)
    customer, _ = scopes.readable(session, principal, customer_id)
    scope = f"timeline:{customer.id}"
    position = None
    if cursor:
        values = pagination.decode_cursor(cursor, scope)
        position = (pagination.from_json(values[0], datetime), str(values[1]))
    merged = union_all(*(select(*_positions(model, customer.id, position, size).c)
                         for model in (Interaction, TimelineEntry))).subquery()
    page = session.execute(select(merged).order_by(merged.c.occurred_at.desc(), merged.c.id.desc())
                           .limit(size + 1)).all()
    next_cursor = None
    if len(page) > size:
        page = page[:size]
        next_cursor = pagination.encode_cursor([pagination.to_json(page[-1].occurred_at),
                                                page[-1].id], scope)
    return {"items": _dump(session, page), "next_cursor": next_cursor}


INTERACTIONS, ENTRIES = Interaction.__tablename__, TimelineEntry.__tablename__
COMMON = ("id", "customer_id", "kind", "occurred_at", "user_id", "summary", "outcome",
          "contact_id", "created_at")


def _dump(session, page):
    """The page's rows, in its order; an entry carries the title of what it links to."""
    ids = {origin: [row.id for row in page if row.origin == origin]
           for origin in (INTERACTIONS, ENTRIES)}
    items = {}
    if ids[INTERACTIONS]:
        for row in session.scalars(select(Interaction).where(Interaction.id.in_(ids[INTERACTIONS]))):
            items[row.id] = {**{name: getattr(row, name) for name in COMMON},
                             "source": "customers", "ref_type": None, "ref_id": None,
                             "title": None}
    if ids[ENTRIES]:
        for entry, title in session.execute(
                select(TimelineEntry, TimelineRef.title).outerjoin(TimelineRef, and_(
                    TimelineRef.ref_type == TimelineEntry.ref_type,
                    TimelineRef.ref_id == TimelineEntry.ref_id))
                .where(TimelineEntry.id.in_(ids[ENTRIES]))):
            items[entry.id] = {**{name: getattr(entry, name) for name in COMMON},
                               "source": entry.source, "ref_type": entry.ref_type,
                               "ref_id": entry.ref_id, "title": title}
    return [shared(schemas.TimelineItem).dump(items[row.id]) for row in page]
