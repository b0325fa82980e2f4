"""Record-level scope for leads and deals, always inside the query (DESIGN.md §6).

Someone else's record is NotFound, never Forbidden: existence does not leak.
"""
from sqlalchemy import select

from services.chassis.auth import owner_scope
from services.chassis.errors import NotFound
from services.sales.users import team_member_ids


def condition(session, principal, owner_column, for_write=False):
    members = team_member_ids(session, principal) if principal.role == "manager" else ()
    return owner_scope(owner_column, principal, members, for_write=for_write)


def one(session, principal, model, record_id, for_write=False):
    """The record the caller may see (or change, locked for the rest of the transaction)."""
    label = model.__tablename__
    if not isinstance(record_id, str) or len(record_id) > 36:
        raise NotFound(f"No {label} {record_id}.", {"id": record_id})
    query = select(model).where(model.id == record_id,
                                condition(session, principal, model.owner_id, for_write))
    if for_write:
        query = query.with_for_update()     # concurrent changes queue instead of overwriting
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"No {label} {record_id}.", {"id": record_id})
    return found
