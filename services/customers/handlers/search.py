"""List and search customers: scoped, filtered, sorted, keyset-paginated; never COUNT(*)."""
import hashlib
import json
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import aliased

from services.chassis import pagination
from services.chassis.errors import Invalid
from services.chassis.validation import load
from services.customers import schemas
from services.customers.models import Customer
from services.customers.queries import scopes, search_filters
from services.customers.queries.views import dump_many

# sort key → (column, python type of its cursor value, nullable)
SORTS = {
    "name": (Customer.name_norm, str, False),
    "created_at": (Customer.created_at, datetime, False),
    "updated_at": (Customer.updated_at, datetime, False),
    "annual_revenue": (Customer.annual_revenue, Decimal, True),
}


def filtered(session, principal, filters, ranged=False):
    """(SELECT of the live customers the caller may see that match `filters` but `q`, link):
    with `ranged` (created_at order) and a tag filter, link is the customer_tag row whose copy
    of (created_at, id) the page sorts and seeks on (search_filters.tag_conditions)."""
    query = select(Customer).where(Customer.merged_into.is_(None),
                                   scopes.condition(session, principal))
    for name in ("owner_id", "region", "value_class", "lifecycle_stage"):
        if filters.get(name) is not None:
            query = query.where(getattr(Customer, name) == filters[name])
    conditions, link = search_filters.tag_conditions(session, filters, ranged)
    return query.where(*conditions), link


def page(session, principal, filters, sort, position, limit):
    """Up to `limit` customers after `position` ([sort value, id] as JSON, or None)."""
    descending, key = sort.startswith("-"), sort.lstrip("-")
    column, kind, nullable = SORTS[key]
    query, link = filtered(session, principal, filters, ranged=key == "created_at")
    # The same values either way (the link's copy equals the customer's): one cursor format.
    column, id_column = (column, Customer.id) if link is None else (
        link.customer_created_at, link.customer_id)
    if position is not None:
        value, last_id = pagination.from_json(position[0], kind), str(position[1])
        query = query.where(pagination.after(column, id_column, value, last_id, descending,
                                             nullable))
    order = pagination.order_by(column, id_column, descending, nullable)
    if filters.get("q"):
        # the walk re-sorts its prefix by the customer's own columns (equal to the link's)
        sort_key = (SORTS[key][0].key, descending, nullable)
        rows = _walked(session, query, filters["q"], order, sort_key, limit)
        if rows is not None:
            return rows
        newest_first = key == "created_at" and descending and position is None
        if newest_first and link is None:
            rows = search_filters.newest_matches(session, query, filters["q"], limit)
            if rows is not None:
                return rows
        # a first page newest first starts among the newest rows (search_filters.NEWEST)
        query = query.where(*search_filters.text_conditions(session, filters["q"],
                                                            newest_first=newest_first))
    return list(session.scalars(query.order_by(*order).limit(limit)))


def _walked(session, query, q, order, sort, limit):
    """The page from the next rows in sort order tested for `q`, if they fill it (they are
    then exactly the first `limit` matches); else None (search_filters.walk_first).

    Steps, so a rare word pays little before the index: PROBE × limit rows first (a page of a
    very common word ends here); some matching → WALK × limit rows. Not filled: the word is
    rare, or common but absent from the newest rows (in the full bench the newest 5,000 are the
    write scenario's customers). The trigram index costs about one row per match (its posting
    lists and the sort of every match), so a last walk may read RENT rows per match the word
    is expected to have (search_filters.expected_matches, a sample): a common word reaches its
    older rows at a cost that follows the gap, not the table size, and a walk that still comes
    up short has cost no more than the index would have, which then answers."""
    walked = 0
    for per_row, needed in ((search_filters.PROBE, 1), (search_filters.WALK, limit)):
        walked = per_row * limit
        rows = _walk(session, query, q, order, sort, walked, limit)
        if rows is None:
            return None                             # no walk for this query (walk_first)
        if len(rows) == limit:
            return rows
        if len(rows) < needed:
            break
    reach = int(search_filters.RENT * search_filters.expected_matches(session, q))
    if reach <= walked:
        return None
    rows = _walk(session, query, q, order, sort, reach, limit)
    return rows if len(rows) == limit else None


def _walk(session, query, q, order, sort, length, limit):
    """The first `limit` rows holding `q` among the next `length` in sort order (PostgreSQL
    stops reading once the page is full); None when no walk applies (walk_first)."""
    key, descending, nullable = sort
    walked = aliased(Customer, query.order_by(*order).limit(length).subquery())
    condition = search_filters.walk_first(session, q, walked)
    if condition is None:
        return None
    return list(session.scalars(select(walked).where(condition).order_by(
        *pagination.order_by(getattr(walked, key), walked.id, descending, nullable))
        .limit(limit)))


def position_of(customer, sort):
    column_name = SORTS[sort.lstrip("-")][0].key
    return [pagination.to_json(getattr(customer, column_name)), customer.id]


def cursor_scope(principal, filters):
    """A cursor is valid only for the same caller, filters and sort."""
    canonical = json.dumps({"user": principal.user_id, **{
        name: sorted(value) if isinstance(value, list) else value
        for name, value in filters.items() if value not in (None, [])}}, sort_keys=True)
    return "customers:" + hashlib.sha256(canonical.encode()).hexdigest()[:24]


def list_customers(session, principal, query):
    query = load(schemas.ListQuery(), query or {})
    limit = pagination.page_size(query.pop("limit", None))
    cursor = query.pop("cursor", None)
    scope = cursor_scope(principal, query)
    position = pagination.decode_cursor(cursor, scope) if cursor else None
    if position is not None and (not isinstance(position, list) or len(position) != 2):
        raise Invalid("The cursor is not valid.", {"cursor": ["Unreadable position."]})
    rows = page(session, principal, query, query["sort"], position, limit + 1)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = pagination.encode_cursor(position_of(rows[-1], query["sort"]), scope)
    return {"items": dump_many(session, rows), "next_cursor": next_cursor}
