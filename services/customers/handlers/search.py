"""List and search customers: scoped, filtered, sorted, keyset-paginated; never COUNT(*)."""
import hashlib
import json
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

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
        rows = _walked(session, query, filters["q"], (column, id_column), descending, nullable, limit)
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


def _walked(session, query, q, keys, descending, nullable, limit):
    """The page from the next rows in sort order tested for `q`, if they fill it (they are
    then exactly the first `limit` matches); else None (search_filters.walk_terms).

    One statement. It reads `query`'s rows in sort order (`keys`: the sort column and id, the
    link's copy with a tag filter), at most search_filters.reach of them: PROBE × limit, or
    one per match a sample of the table expects the word to have (a scalar subquery the
    database evaluates first), so a rare word pays a short walk before the index and a common
    one reaches past newest rows that lack it (in the full bench the write scenario's ~9,000
    customers). It keeps the first `limit` holding `q` — PostgreSQL stops reading once it has
    them — and reads only the sort key, id and searched columns on the way; the page's rows
    are then read by primary key."""
    terms = search_filters.walk_terms(session, q)
    if terms is None:
        return None
    column, id_column = keys
    walked = query.with_only_columns(
        column.label("sort_value"), id_column.label("sort_id"), Customer.search_text,
        Customer.phone_norm).order_by(*pagination.order_by(column, id_column, descending, nullable)) \
        .limit(search_filters.reach(terms, limit)).subquery("walked")
    order = pagination.order_by(walked.c.sort_value, walked.c.sort_id, descending, nullable)
    hits = select(walked.c.sort_value, walked.c.sort_id).where(
        search_filters.matches(terms, walked.c)).order_by(*order).limit(limit).subquery("hits")
    rows = list(session.scalars(select(Customer).join(hits, Customer.id == hits.c.sort_id).order_by(
        *pagination.order_by(hits.c.sort_value, hits.c.sort_id, descending, nullable))))
    return rows if len(rows) == limit else None


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
    query = load(schemas.ListQuery, query or {})
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
