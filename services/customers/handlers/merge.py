"""Merge two customers: the loser's contacts, tags, interactions and timeline entries move to the
winner; the loser stays as a tombstone (merged_into) so old links redirect and writes to it are
refused."""
from sqlalchemy import func, select, update

from services.chassis.errors import Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.customers import parent_companies, schemas
from services.customers.handlers.customers import normalise
from services.customers.models import Contact, Customer, CustomerTag, Interaction, TimelineEntry
from services.customers.queries import scopes
from services.customers.queries.views import RECORD_FIELDS, dump_one, record, tag_names

# Blank on the winner → taken from the loser. Identity, ownership and history are not.
FILLABLE = tuple(name for name in RECORD_FIELDS if name not in (
    "id", "kind", "name", "lifecycle_stage", "owner_id", "parent_id", "created_by", "created_at",
    "updated_at"))


def _count(session, model, customer_id):
    return session.scalar(select(func.count()).select_from(model)
                          .where(model.customer_id == customer_id))


def merge_customers(uow, principal, winner_id, loser_id):
    load(schemas.Merge, {"winner_id": winner_id, "loser_id": loser_id})
    if winner_id == loser_id:
        raise Invalid("The request is not valid.",
                      {"loser_id": ["Cannot merge a customer into itself."]})
    session = uow.session
    # Both must be the caller's to change; locked in id order so crossed merges cannot deadlock.
    locked = {customer_id: scopes.writable(session, principal, customer_id)
              for customer_id in sorted((winner_id, loser_id))}
    winner, loser = locked[winner_id], locked[loser_id]
    now = utcnow()

    contacts = _count(session, Contact, loser.id)
    interactions = _count(session, Interaction, loser.id)
    session.execute(update(Contact).where(Contact.customer_id == loser.id).values(customer_id=winner.id))
    session.execute(update(Interaction).where(Interaction.customer_id == loser.id)
                    .values(customer_id=winner.id))
    session.execute(update(TimelineEntry).where(TimelineEntry.customer_id == loser.id)
                    .values(customer_id=winner.id))
    winner_tags = set(session.scalars(
        select(CustomerTag.tag_id).where(CustomerTag.customer_id == winner.id)))
    for link in session.scalars(select(CustomerTag).where(CustomerTag.customer_id == loser.id)).all():
        if link.tag_id not in winner_tags:
            session.add(CustomerTag(customer_id=winner.id, tag_id=link.tag_id,
                                    customer_created_at=winner.created_at))
        session.delete(link)            # a tombstone keeps no links: never in a tag's list range
    # Earlier losers that pointed at this loser now point straight at the winner (no chains).
    session.execute(update(Customer).where(Customer.merged_into == loser.id)
                    .values(merged_into=winner.id))

    filled = sorted(name for name in FILLABLE
                    if getattr(winner, name) in (None, "") and getattr(loser, name) not in (None, ""))
    for name in filled:
        setattr(winner, name, getattr(loser, name))
    if "annual_revenue" in filled and winner.currency != loser.currency:
        winner.currency = loser.currency          # an amount never travels without its currency
        filled = sorted(set(filled) | {"currency"})
    parent_before = winner.parent_id
    subsidiaries = parent_companies.move_children(session, loser, winner)
    if winner.parent_id != parent_before:
        filled = sorted(set(filled) | {"parent_id"})
    loser.merged_into, loser.merged_at, loser.updated_at = winner.id, now, now
    winner.updated_at = now
    normalise(winner)
    session.flush()

    if filled:
        uow.emit("customer_updated", {**record(winner), "changed": filled})
    for child in subsidiaries:
        child.updated_at = now
        uow.emit("customer_updated", {**record(child), "changed": ["parent_id"]})
    uow.emit("customer_merged", {
        "winner_id": winner.id, "loser_id": loser.id, "merged_at": now, "contacts_moved": contacts,
        "interactions_moved": interactions, "tags": tag_names(session, [winner.id])[winner.id]})
    return dump_one(session, winner)
