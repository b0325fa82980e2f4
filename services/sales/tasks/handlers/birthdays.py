"""Customer birthdays: the copy of customers' contacts with a birthday (from its events) and the
timer that makes a birthday task for the customer's owner SALES_BIRTHDAY_NOTICE_DAYS (7) days
before, once per contact per year.

A contact born on 29 February is celebrated on 28 February in a year without one. Each contact's
year is claimed by a conditional UPDATE (reminded_year below the year) in its own transaction,
the task made only when the UPDATE changed the row: two replicas make one task.
"""
import logging
from datetime import date, datetime, time, timedelta, timezone

from marshmallow import ValidationError
from sqlalchemy import bindparam, or_, select, update

from services.chassis.models import utcnow
from services.sales import settings
from services.sales.tasks.consumes import ContactEvent, CustomerAssigned, CustomerMerged
from services.sales.tasks.handlers import tasks
from services.sales.tasks.models import ContactBirthday

log = logging.getLogger(__name__)
BATCH = 500


def notice_days():
    return settings.birthday_notice_days()


def read_payload(schema, envelope):
    try:
        return schema.load(envelope["payload"])
    except ValidationError as error:            # raise: the catch-up stops here, visibly
        raise ValueError(f"unreadable {envelope.get('event_type')} payload: {error.messages}")


# --- consuming customers' events ------------------------------------------------------------

def apply_contact_event(uow, envelope):
    """contact_added: keep the contact if it has a birthday (a later event without one forgets
    it)."""
    contact = read_payload(ContactEvent(), envelope)
    session = uow.session
    row = session.get(ContactBirthday, contact["id"])
    if contact.get("birthday") is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = ContactBirthday(contact_id=contact["id"])
        session.add(row)
    row.customer_id, row.name = contact["customer_id"], contact["name"][:200]
    row.birthday = contact["birthday"]
    if "owner_id" in contact:
        row.owner_id = contact["owner_id"]
    row.updated_at = utcnow()


_BIRTHDAYS = ContactBirthday.__table__
# Built once, Core: every imported customer is assigned, and the ORM's bulk UPDATE built per
# event (cache key, ORM compile state) was four fifths of sales' CPU per imported row — for an
# UPDATE that finds no contact (bench/FINDINGS.md, fifth session).
_FOLLOW_OWNER = (update(_BIRTHDAYS).where(_BIRTHDAYS.c.customer_id == bindparam("customer"))
                 .values(owner_id=bindparam("owner_id"), updated_at=bindparam("updated_at")))
_ASSIGNED = CustomerAssigned()


def apply_customer_assigned(uow, envelope):
    assigned = read_payload(_ASSIGNED, envelope)
    uow.session.flush()         # a Core statement does not autoflush: a contact added earlier in the batch
    uow.session.execute(_FOLLOW_OWNER, {"customer": assigned["id"],
                                        "owner_id": assigned.get("owner_id"), "updated_at": utcnow()})


def apply_customer_merged(uow, envelope):
    """The loser's contacts moved to the winner; its owner's next assignment reaches them."""
    merged = read_payload(CustomerMerged(), envelope)
    uow.session.execute(update(ContactBirthday)
                        .where(ContactBirthday.customer_id == merged["loser_id"])
                        .values(customer_id=merged["winner_id"], updated_at=utcnow())
                        .execution_options(synchronize_session=False))


def handlers():
    """The Subscriptions entry for customers."""
    return {"contact_added": apply_contact_event, "customer_assigned": apply_customer_assigned,
            "customer_merged": apply_customer_merged}


# --- the reminders ---------------------------------------------------------------------------

def birthday_in(year, born):
    """The day `born` is celebrated in `year` (29 February → 28 February if there is none)."""
    try:
        return born.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def next_birthday(born, today):
    this_year = birthday_in(today.year, born)
    return this_year if this_year >= today else birthday_in(today.year + 1, born)


def remind(uow, contact_id, on):
    """Claim `on.year` for the contact and make its birthday task; False if already claimed."""
    session = uow.session
    changed = session.execute(
        update(ContactBirthday)
        .where(ContactBirthday.contact_id == contact_id,
               or_(ContactBirthday.reminded_year.is_(None), ContactBirthday.reminded_year < on.year))
        .values(reminded_year=on.year).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        return False
    contact = session.scalar(select(ContactBirthday).where(ContactBirthday.contact_id == contact_id)
                             .execution_options(populate_existing=True))
    tasks.new_task(uow, title=f"Birthday of {contact.name} on {on.isoformat()}", kind="birthday",
                   assignee_id=contact.owner_id,
                   due_at=datetime.combine(on, time(9), tzinfo=timezone.utc), origin="birthday",
                   origin_key=f"birthday:{contact_id}:{on.year}", created_by="system",
                   customer_id=contact.customer_id)
    return True


def create_birthday_tasks(db, today=None, days=None):
    """A task for every contact whose birthday is within `days` (from today, UTC) and whose
    year has no task yet; the number made. Contacts of a customer without an owner wait."""
    today = today or utcnow().date()
    horizon = today + timedelta(days=notice_days() if days is None else days)
    made, after = 0, ""
    while True:
        with db.read_only() as session:
            rows = list(session.execute(
                select(ContactBirthday.contact_id, ContactBirthday.birthday,
                       ContactBirthday.reminded_year)
                .where(ContactBirthday.contact_id > after, ContactBirthday.owner_id.is_not(None))
                .order_by(ContactBirthday.contact_id).limit(BATCH)))
        for contact_id, born, reminded_year in rows:
            on = next_birthday(born, today)
            if on <= horizon and (reminded_year or 0) < on.year:
                with db.unit_of_work() as uow:
                    made += remind(uow, contact_id, on)
        if len(rows) < BATCH:
            break
        after = rows[-1][0]
    if made:
        log.info("%s birthday task(s) made", made)
    return made
