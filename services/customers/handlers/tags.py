"""Tags: a shared vocabulary; attach and detach in bulk."""
import uuid

from sqlalchemy import delete, select

from services.chassis.db import insert_ignoring_conflicts
from services.chassis.errors import Conflict, NotFound
from services.chassis.models import utcnow
from services.chassis.validation import load, shared
from services.customers import normalize, schemas
from services.customers.models import Customer, CustomerTag, Tag
from services.customers.queries import scopes
from services.customers.queries.views import tag_names


def _dump(tag):
    return shared(schemas.Tag).dump(tag)


def create_tag(uow, principal, data):
    data = load(schemas.TagCreate, data)
    name = data["name"].strip()
    key = normalize.tag(name)
    existing = uow.session.scalar(select(Tag).where(Tag.name_norm == key))
    if existing is not None:
        raise Conflict("A tag with this name already exists.", {"duplicate_of": existing.id})
    tag = Tag(id=str(uuid.uuid4()), name=name, name_norm=key, created_at=utcnow())
    uow.session.add(tag)
    return _dump(tag)


def list_tags(session, principal):
    return [_dump(tag) for tag in session.scalars(select(Tag).order_by(Tag.name_norm, Tag.id))]


def _ensure_tags(session, names):
    """The tags by name, creating missing ones (concurrent creators of one name both win)."""
    keys = {}
    for name in names:
        keys.setdefault(normalize.tag(name), name.strip())
    for key, name in keys.items():
        insert_ignoring_conflicts(session, Tag, {"id": str(uuid.uuid4()), "name": name,
                                                 "name_norm": key, "created_at": utcnow()},
                                  ["name_norm"])
    return list(session.scalars(select(Tag).where(Tag.name_norm.in_(list(keys)))))


def _writable_customers(session, principal, customer_ids):
    """{id: created_at} of all of them, in the order asked, or NotFound naming the missing: a
    bulk change is all-or-nothing. created_at goes onto each new link (the list's sort key)."""
    wanted = list(dict.fromkeys(customer_ids))
    found = dict(session.execute(select(Customer.id, Customer.created_at).where(
        Customer.id.in_(wanted), Customer.merged_into.is_(None),
        scopes.condition(session, principal, for_write=True))).all())
    missing = [customer_id for customer_id in wanted if customer_id not in found]
    if missing:
        raise NotFound("Some customers were not found.", {"customer_ids": missing})
    return {customer_id: found[customer_id] for customer_id in wanted}


def tag_customers(uow, principal, customer_ids, tags):
    data = load(schemas.BulkTag, {"customer_ids": customer_ids, "tags": tags})
    session = uow.session
    created = _writable_customers(session, principal, data["customer_ids"])
    ids = list(created)
    tag_rows = _ensure_tags(session, data["tags"])
    before = tag_names(session, ids)
    for customer_id in ids:
        for tag in tag_rows:
            if tag.name not in before[customer_id]:
                session.add(CustomerTag(customer_id=customer_id, tag_id=tag.id,
                                        customer_created_at=created[customer_id]))
    return _emit_changes(uow, ids, before)


def untag_customers(uow, principal, customer_ids, tags):
    data = load(schemas.BulkTag, {"customer_ids": customer_ids, "tags": tags})
    session = uow.session
    ids = list(_writable_customers(session, principal, data["customer_ids"]))
    keys = list({normalize.tag(name) for name in data["tags"]})
    tag_ids = select(Tag.id).where(Tag.name_norm.in_(keys))
    before = tag_names(session, ids)
    session.execute(delete(CustomerTag).where(CustomerTag.customer_id.in_(ids),
                                              CustomerTag.tag_id.in_(tag_ids)))
    return _emit_changes(uow, ids, before)


def _emit_changes(uow, ids, before):
    after = tag_names(uow.session, ids)
    changed = 0
    for customer_id in ids:
        added = [name for name in after[customer_id] if name not in before[customer_id]]
        removed = [name for name in before[customer_id] if name not in after[customer_id]]
        if added or removed:
            changed += 1
            uow.emit("customer_tagged", {"customer_id": customer_id, "tags": after[customer_id],
                                         "added": added, "removed": removed})
    return {"customer_ids": ids, "changed": changed,
            "tags": {customer_id: after[customer_id] for customer_id in ids}}
