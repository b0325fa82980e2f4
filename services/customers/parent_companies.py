"""Parent companies: a customer may name another customer as its parent (a subsidiary's
group). The parent must be a live customer the caller can see, not the customer itself, and
never one of its own descendants — the chain upwards always ends."""
from sqlalchemy import select

from services.chassis.errors import Invalid, NotFound
from services.customers.models import Customer
from services.customers.queries import scopes

MAX_DEPTH = 50      # a group deeper than this is an error in the data, not a structure


def _invalid(message):
    return Invalid("The request is not valid.", {"parent_id": [message]})


def check_parent(session, principal, customer_id, parent_id):
    """The parent id to store for `customer_id` (None: no parent); a merged parent's id is
    its winner's. Raises Invalid for an unknown or unseen parent, itself, or a cycle."""
    if parent_id is None:
        return None
    try:
        parent, _ = scopes.readable(session, principal, parent_id)
    except NotFound:
        raise _invalid("No customer you can see has this id.")
    seen, current = set(), parent
    while current is not None:
        if current.id == customer_id:
            raise _invalid("A customer cannot be its own parent or its descendants' child.")
        if current.id in seen or len(seen) >= MAX_DEPTH:
            raise _invalid("The parent's chain of parents does not end.")
        seen.add(current.id)
        current = session.get(Customer, current.parent_id) if current.parent_id else None
    return parent.id


def move_children(session, loser, winner):
    """On a merge: the loser's subsidiaries become the winner's (returned, to be announced); a
    winner that was the loser's subsidiary loses that parent (it would be its own)."""
    moved = list(session.scalars(select(Customer).where(Customer.parent_id == loser.id,
                                                        Customer.id != winner.id)))
    for child in moved:
        child.parent_id = winner.id
    if winner.parent_id == loser.id:
        winner.parent_id = None
    return moved
