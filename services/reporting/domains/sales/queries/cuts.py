"""The cuts of the won / lost KPIs beyond the deal's owner:

- team_id and region are the owner's, from the users copy (identity's team and region: the
  regional office in the demo data) as they are now — a rep who moves takes their history
  along, like the lists a manager sees;
- product_id reads the deal's lines (deal_line_fact): a product's revenue is the sum of its
  line totals in the won deals, its win rate counts the closed deals containing it (once per
  deal, however many lines). Grouped by anything but product, a product filter keeps the deals
  containing one of the products and their matching lines.
"""
from datetime import datetime, timezone

from sqlalchemy import select

from services.reporting import rollups, scoping
from services.reporting.domains.identity.models import UserCopy
from services.reporting.domains.sales.models import DealFact, DealLineFact

OWNER_CUTS = ("owner_id", "team_id", "region")
CLOSED = ("won", "lost")


def owner_filters(query, owner_column):
    """team_id / region filters as owner conditions (users copy)."""
    used, where = {}, []
    for name in ("team_id", "region"):
        if name in query:
            used[name] = query[name]
            where.append(owner_column.in_(
                select(UserCopy.id).where(getattr(UserCopy, name).in_(query[name]))))
    return used, where


def owner_cut(session, group_by):
    """owner id → the values of the owner cuts in `group_by` (others ignored)."""
    wanted = [name for name in group_by if name in OWNER_CUTS]
    users = {}
    if any(name != "owner_id" for name in wanted):
        users = {row.id: row for row in session.execute(
            select(UserCopy.id, UserCopy.team_id, UserCopy.region))}

    def cut(owner):
        user = users.get(owner)
        return tuple(owner if name == "owner_id" else getattr(user, name, None)
                     for name in wanted)
    return cut


def _moment(epoch):
    return datetime.fromtimestamp(epoch, timezone.utc)


def product_outcomes(session, principal, query, period, with_currency):
    """The same {key: {status: [deals, cents, cycle seconds]}} as the rollup path, from the
    closed deals' lines; returns (groups, filters)."""
    group_by = query["group_by"]
    first, last = period.utc_bounds()
    filters, where = scoping.filters(DealFact, query, ("owner_id", "currency"))
    more, owner_where = owner_filters(query, DealFact.owner_id)
    filters.update(more)
    if "product_id" in query:
        filters["product_id"] = query["product_id"]
        where.append(DealLineFact.product_id.in_(query["product_id"]))
    rows = session.execute(
        select(DealFact.id, DealFact.owner_id, DealFact.status, DealFact.currency,
               DealFact.created_at, DealFact.closed_at, DealLineFact.product_id,
               DealLineFact.total_cents)
        .join(DealLineFact, DealLineFact.deal_id == DealFact.id)
        .where(DealFact.status.in_(CLOSED), DealFact.closed_at >= _moment(first),
               DealFact.closed_at < _moment(last), DealFact.created_at.is_not(None),
               scoping.scope(session, principal, DealFact.owner_id), *where, *owner_where))
    cut = owner_cut(session, group_by)
    groups, counted = {}, set()
    for deal_id, owner, status, currency, created, closed, product, line_cents in rows:
        cuts = dict(zip([n for n in group_by if n in OWNER_CUTS], cut(owner)), product_id=product)
        key = (period.label(rollups.bucket(closed)).isoformat(),
               *(cuts[name] for name in group_by))
        key += (currency,) if with_currency else ()
        sums = groups.setdefault(key, {}).setdefault(status, [0, 0, 0])
        sums[1] += line_cents
        if (key, deal_id) not in counted:           # a deal counts once per group
            counted.add((key, deal_id))
            sums[0] += 1
            sums[2] += int((closed - created).total_seconds())
    return groups, filters


def label_products(session, rows, group_by):
    """product_name beside product_id: the name the newest line of that product carries."""
    if "product_id" not in group_by:
        return rows
    ids = {row["product_id"] for row in rows}
    names = {}
    if ids:
        for product_id, name in session.execute(
                select(DealLineFact.product_id, DealLineFact.product_name)
                .join(DealFact, DealFact.id == DealLineFact.deal_id)
                .where(DealLineFact.product_id.in_(ids))
                .order_by(DealFact.lines_sequence)):
            names[product_id] = name
    for row in rows:
        row["product_name"] = names.get(row["product_id"])
    return rows
