"""Record-level scope, always applied inside the query (DESIGN.md §6).

Someone else's record is NotFound, never Forbidden: existence does not leak.
"""
from sqlalchemy import select

from services.chassis.auth import owner_scope
from services.chassis.errors import Conflict, NotFound
from services.customers.models import Customer
from services.customers.users_copy import team_member_ids


def condition(session, principal, for_write=False):
    members = team_member_ids(session, principal) if principal.role == "manager" else ()
    return owner_scope(Customer.owner_id, principal, members, for_write=for_write)


def not_found(customer_id):
    return NotFound(f"No customer {customer_id}.", {"id": customer_id})


def _scoped(session, principal, customer_id, for_write):
    query = select(Customer).where(Customer.id == customer_id,
                                   condition(session, principal, for_write))
    if for_write:
        # Row lock (PostgreSQL; SQLite serialises writers anyway): concurrent changes to one
        # customer queue up instead of overwriting each other or merging it twice.
        query = query.where(Customer.merged_into.is_(None)).with_for_update()
    customer = session.scalar(query)
    if customer is None:
        raise not_found(customer_id)
    return customer


def readable(session, principal, customer_id):
    """(customer, redirected_from): a merged id answers its winner, if the caller may see it."""
    if not isinstance(customer_id, str):
        raise not_found(customer_id)
    tombstone = session.scalar(select(Customer.merged_into).where(Customer.id == customer_id))
    if tombstone:
        return _scoped(session, principal, tombstone, for_write=False), customer_id
    return _scoped(session, principal, customer_id, for_write=False), None


def writable(session, principal, customer_id):
    """The live customer the caller may change. A merged id is a Conflict naming the winner —
    but only for a caller who could change the winner; anyone else gets NotFound."""
    if not isinstance(customer_id, str):
        raise not_found(customer_id)
    tombstone = session.scalar(select(Customer.merged_into).where(Customer.id == customer_id))
    if tombstone:
        _scoped(session, principal, tombstone, for_write=True)
        raise Conflict(f"Customer {customer_id} was merged into {tombstone}; change that one.",
                       {"merged_into": tombstone})
    return _scoped(session, principal, customer_id, for_write=True)
