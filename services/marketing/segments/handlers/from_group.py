"""A customer group (reporting's clusters, GET /reports/customers/groups) made a static list
(POST /reports/customers/groups/{group}/segment): a manager or marketer picks a group and
marketing puts the contacts of the group's customers — those in the caller's scope, as
reporting lists them — on a new static list, usable by campaigns like any other.

A snapshot, not a live segment: the clusters are recomputed from the data on every read (a
group's number and members move as customers buy), so there is nothing lasting to follow. The
list is named after the group's description and its as-of day, and its description says which
group, window and time zone it came from. The request names the group as the report was read
(as_of, tz, months; and the description seen, so a group that has changed meanwhile is a 409
instead of the wrong customers). Retried with its Idempotency-Key it answers the first list;
without one, the same group the same day is a 409 (the name exists).
"""
from sqlalchemy import select

from services.chassis.errors import Conflict, NotFound
from services.chassis.validation import load
from services.marketing.audience.models import AudienceContact, AudienceCustomer
from services.marketing.segments.handlers import definitions, members
from services.marketing.segments.schemas import GroupSegmentRequest
from services.marketing.segments.models import STATIC

CHUNK = 500


def group_query(group, data):
    """(the group's number, the query reporting names it with, the list's name or None);
    a number that is not a group's is a 404 before anything is asked. None of the group's
    customers in the audience (yet: its events may still be on their way) is a 409."""
    request = load(GroupSegmentRequest, data or {})
    if not (isinstance(group, int) and not isinstance(group, bool) and group >= 0) and not (
            isinstance(group, str) and group.isdigit() and len(group) < 4):
        raise NotFound(f"No customer group {group}.", {"id": str(group)})
    name = request.pop("name", None)
    if "as_of" in request:
        request["as_of"] = request["as_of"].isoformat()
    return int(group), request, name


def contacts_of(session, customer_ids):
    """The contacts in the audience (the customer itself and its contact persons) of those
    customers, by id."""
    found = []
    for start in range(0, len(customer_ids), CHUNK):
        found += session.scalars(
            select(AudienceContact.id)
            .join(AudienceCustomer, AudienceCustomer.id == AudienceContact.customer_id)
            .where(AudienceContact.customer_id.in_(customer_ids[start:start + CHUNK]),
                   AudienceContact.active.is_(True), AudienceCustomer.known.is_(True),
                   AudienceCustomer.merged_into.is_(None)))
    return sorted(set(found))


def _names(group, name):
    description = group["description"]
    default = f"{description[:1].upper()}{description[1:]} ({group['as_of']})"
    about = (f"Customer group {group['cluster']} as of {group['as_of']} (behaviour over the "
             f"{group['months']} months before it, {group['tz']}): {description}. A snapshot "
             f"of the contacts of {len(group['customer_ids'])} customer(s).")
    return (name or default)[:200], about


def create_segment(uow, principal, group, name=None):
    """`group`: reporting's get_customer_group answer. The new static list, with its members."""
    contact_ids = contacts_of(uow.session, group["customer_ids"])
    if not contact_ids:
        raise Conflict(f"Group {group['cluster']} has {len(group['customer_ids'])} of your "
                       "customers, none with a contact in marketing's audience yet.",
                       {"field": "group"})
    list_name, about = _names(group, name)
    segment = definitions.create_segment(uow, principal, {
        "name": list_name, "description": about, "kind": STATIC})
    members.put_on_list(uow, principal, segment["id"], contact_ids)
    return definitions.get_segment(uow.session, principal, segment["id"])
