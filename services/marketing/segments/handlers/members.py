"""A segment's members: the preview (a page of their profiles, by contact id, from the kept
membership — answered at once), a static list's additions and removals (the contacts, and
the segments including the list, re-evaluated in the same transaction; from a CSV file:
lists.py), and the history of joins and leaves, newest first."""
from datetime import datetime

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import Conflict, Invalid
from services.chassis.db import insert_ignoring_conflicts
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.marketing.audience.handlers import dump as dump_member
from services.marketing.audience.profile import load_profiles
from services.marketing.segments import membership, schemas
from services.marketing.segments.handlers.definitions import get
from services.marketing.segments.models import (STATIC, SegmentMember, SegmentMembershipChange,
                                                SegmentStaticMember)

CHANGE = schemas.MembershipChange()


def list_members(session, principal, segment_id, query=None):
    filters = load(schemas.SegmentQuery, query or {})
    get(session, segment_id)
    statement = select(SegmentMember.contact_id).where(SegmentMember.segment_id == segment_id)
    size, scope = pagination.page_size(filters.get("limit")), f"members:{segment_id}"
    if filters.get("cursor"):
        (last_id,) = pagination.decode_cursor(filters["cursor"], scope)
        statement = statement.where(SegmentMember.contact_id > str(last_id))
    ids = list(session.scalars(statement.order_by(SegmentMember.contact_id).limit(size + 1)))
    more, ids = len(ids) > size, ids[:size]
    profiles = load_profiles(session, ids)
    items = []
    for contact_id in ids:
        profile = profiles[contact_id]
        profile.pop("in_audience")
        items.append(dump_member(profile))
    return {"items": items,
            "next_cursor": pagination.encode_cursor([ids[-1]], scope) if more else None}


def static_list(session, segment_id):
    segment = get(session, segment_id, for_write=True)
    if segment.kind != STATIC:
        raise Conflict("Only a static list takes contacts; a dynamic segment follows its rules.",
                       {"id": segment.id})
    return segment


def add_members(uow, principal, segment_id, data):
    """Unknown contacts (or not in the audience) are a 422 naming them; nothing is added."""
    ids = list(dict.fromkeys(load(schemas.StaticMembers, data)["contact_ids"]))
    static_list(uow.session, segment_id)
    profiles = load_profiles(uow.session, ids)
    missing = [i for i in ids if i not in profiles or not profiles[i]["in_audience"]]
    if missing:
        raise Invalid("Not every contact is in the audience.",
                      {"contact_ids": [f"Unknown: {', '.join(missing[:20])}."]})
    return put_on_list(uow, principal, segment_id, ids)


def put_on_list(uow, principal, segment_id, ids):
    """`ids`: contacts of the audience (checked by the caller)."""
    session, now = uow.session, utcnow()
    membership.lock_customers_of(session, ids)      # the lock order: customers → catalog
    membership.definitions_changing(session)
    segment = static_list(session, segment_id)
    added = sum(insert_ignoring_conflicts(session, SegmentStaticMember, {
        "segment_id": segment.id, "contact_id": contact_id, "added_by": principal.user_id,
        "added_at": now}, ("segment_id", "contact_id")).rowcount for contact_id in ids)
    membership.reevaluate(session, ids, "list_added", now)
    session.refresh(segment)
    return {"segment_id": segment.id, "changed": added, "member_count": segment.member_count}


def remove_members(uow, principal, segment_id, data):
    ids = list(dict.fromkeys(load(schemas.StaticMembers, data)["contact_ids"]))
    session, now = uow.session, utcnow()
    membership.lock_customers_of(session, ids)      # the lock order: customers → catalog
    membership.definitions_changing(session)
    segment = static_list(session, segment_id)
    removed = session.query(SegmentStaticMember).filter(
        SegmentStaticMember.segment_id == segment.id,
        SegmentStaticMember.contact_id.in_(ids)).delete(synchronize_session=False)
    membership.reevaluate(session, ids, "list_removed", now)
    session.refresh(segment)
    return {"segment_id": segment.id, "changed": removed, "member_count": segment.member_count}


def membership_history(session, principal, segment_id, query=None):
    filters = load(schemas.MembershipQuery, query or {})
    get(session, segment_id)
    M = SegmentMembershipChange
    statement = select(M).where(M.segment_id == segment_id)
    if filters.get("contact_id"):
        statement = statement.where(M.contact_id == filters["contact_id"])
    size = pagination.page_size(filters.get("limit"))
    scope = f"segment-history:{segment_id}:{filters.get('contact_id')}"
    if filters.get("cursor"):
        at, last_id = pagination.decode_cursor(filters["cursor"], scope)
        statement = statement.where(pagination.after(
            M.at, M.id, pagination.from_json(at, datetime), last_id, descending=True))
    rows = list(session.scalars(statement.order_by(
        *pagination.order_by(M.at, M.id, descending=True)).limit(size + 1)))
    more, rows = len(rows) > size, rows[:size]
    cursor = pagination.encode_cursor([rows[-1].at.isoformat(), rows[-1].id], scope) \
        if more else None
    return {"items": [CHANGE.dump(row) for row in rows], "next_cursor": cursor}
